// Package app wires casp's packages together: the database with every
// package's migrations, the domain services and the web server. The command
// and the tests share it, so tests run exactly what `casp serve` runs.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/content"
	"github.com/casp-cnam/casp/internal/account"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/demo"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/server"
)

// OpenDB opens the database and applies every package's migrations.
func OpenDB(ctx context.Context, path string) (*db.DB, error) {
	d, err := db.Open(path)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, account.Migrations, assessment.Migrations, casework.Migrations); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Options configure a platform instance.
type Options struct {
	DBPath  string
	Demo    bool
	Secure  bool
	BaseURL string
	Logger  *slog.Logger
	// Session lifetimes; zero means the server's defaults.
	IdleTimeout, AbsoluteTimeout time.Duration
}

// Platform is a running configuration: database, services and server.
type Platform struct {
	DB         *db.DB
	Accounts   *account.Service
	Catalog    *referentiel.Catalog
	Assessment *assessment.Service
	Cases      *casework.Store
	Server     *server.Server
	Seeded     bool
}

// New opens the database, seeds the demo when asked, and builds the server.
func New(ctx context.Context, o Options) (*Platform, error) {
	cat, err := referentiel.Load()
	if err != nil {
		return nil, err
	}
	d, err := OpenDB(ctx, o.DBPath)
	if err != nil {
		return nil, err
	}
	lib, err := casework.Load(content.Sandbox(), cat.Default())
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("contenus du bac à sable : %w", err)
	}
	// Attachments live beside the database, never under anything served.
	files := o.DBPath + ".fichiers"
	p := &Platform{DB: d, Accounts: account.New(d), Catalog: cat, Assessment: assessment.New(d, cat, files),
		Cases: casework.New(d, lib, cat.Default())}
	if o.Demo {
		if p.Seeded, err = demo.Seed(ctx, p.Accounts, p.Assessment, p.Cases, cat.Default()); err != nil {
			d.Close()
			return nil, err
		}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p.Server, err = server.New(server.Config{DB: d, Accounts: p.Accounts, Assessment: p.Assessment, Cases: p.Cases, Catalog: cat, Demo: o.Demo,
		Secure: o.Secure, BaseURL: o.BaseURL, Logger: o.Logger, IdleTimeout: o.IdleTimeout, AbsoluteTimeout: o.AbsoluteTimeout})
	if err != nil {
		d.Close()
		return nil, err
	}
	return p, nil
}

// Close releases the database.
func (p *Platform) Close() error { return p.DB.Close() }
