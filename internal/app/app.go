// Package app wires casp's packages together: the database with every
// package's migrations, the domain services and the web server. The command
// and the tests share it, so tests run exactly what `casp serve` runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/content"
	"github.com/casp-cnam/casp/internal/app/demo"
	"github.com/casp-cnam/casp/internal/db"
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

// FilesDir is where the attachments of the database at dbPath live: beside
// it, never under anything served.
func FilesDir(dbPath string) string { return dbPath + ".fichiers" }

// KeysDir is where signing keys would live beside the database; backups
// carry it when it exists.
func KeysDir(dbPath string) string { return dbPath + ".cles" }

// Options configure a platform instance.
type Options struct {
	DBPath string
	Demo   bool
	// Secure marks cookies Secure; a BaseURL in https:// implies it.
	Secure  bool
	BaseURL string
	// TrustedProxies lists the reverse proxies whose X-Forwarded-For is
	// believed, addresses or networks separated by commas (--trusted-proxy;
	// see server.Proxies).
	TrustedProxies string
	Logger         *slog.Logger
	// Session lifetimes; zero means the server's defaults.
	IdleTimeout, AbsoluteTimeout time.Duration
	// BatchInterval is how often what reads record is committed (zero:
	// db.DefaultBatchInterval).
	BatchInterval time.Duration
	// TestHashing: cheap argon2id parameters (account.TestHashParams), for
	// tests only; production keeps account.HashParams.
	TestHashing bool
	// ContentDir is a folder of sandbox content read over the embedded one
	// (casp serve --contenus DIR).
	ContentDir string
}

// LoadContent reads the sandbox content, with dir (if any) over the
// embedded files, and checks it: the same French messages as at start-up.
func LoadContent(dir string) (*casework.Library, error) {
	emb, err := loadEmbedded()
	if dir == "" || err != nil {
		return emb.library, err
	}
	fsys, err := content.Overlay(dir)
	if err != nil {
		return nil, fmt.Errorf("dossier de contenus : %w", err)
	}
	lib, err := casework.Load(fsys, emb.catalog.Default())
	if err != nil {
		return nil, fmt.Errorf("contenus de %s : %w", dir, err)
	}
	return lib, nil
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
	// Batch commits what reads record (see db.Batch); Close flushes it.
	Batch *db.Batch
	// stopCheckpoints ends the WAL checkpoints (db.DB.Checkpoints).
	stopCheckpoints context.CancelFunc
}

// embedded is what the binary carries: the framework versions and the
// sandbox's content, read and checked once per process (~0.1 s of YAML),
// then only read.
type embedded struct {
	catalog *referentiel.Catalog
	library *casework.Library
}

var loadEmbedded = sync.OnceValues(func() (embedded, error) {
	cat, err := referentiel.Load()
	if err != nil {
		return embedded{}, err
	}
	lib, err := casework.Load(content.Sandbox(), cat.Default())
	if err != nil {
		return embedded{}, fmt.Errorf("contenus du bac à sable : %w", err)
	}
	return embedded{catalog: cat, library: lib}, nil
})

// New opens the database, seeds the demo when asked, and builds the server.
func New(ctx context.Context, o Options) (*Platform, error) {
	emb, err := loadEmbedded()
	if err != nil {
		return nil, err
	}
	cat := emb.catalog
	d, err := OpenDB(ctx, o.DBPath)
	if err != nil {
		return nil, err
	}
	lib := emb.library
	if o.ContentDir != "" {
		if lib, err = LoadContent(o.ContentDir); err != nil {
			d.Close()
			return nil, err
		}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	for _, f := range lib.StaleFiches(time.Now()) {
		o.Logger.Warn("fiche dispositif à relire : revue il y a plus de six mois", "fiche", f.ID, "mis_a_jour", f.UpdatedOn)
	}
	acc := account.New(d)
	if o.TestHashing {
		acc.UseHashParams(account.TestHashParams)
	}

	p := &Platform{DB: d, Accounts: acc, Catalog: cat, Assessment: assessment.New(d, cat, FilesDir(o.DBPath)),
		Cases: casework.New(d, lib, cat.Default())}
	// Before serving: the marking statistics of cohorts older than them.
	if n, err := p.Assessment.RebuildPendingStats(ctx); err != nil {
		d.Close()
		return nil, err
	} else if n > 0 {
		o.Logger.Info("statistiques d'évaluation reconstruites", "promotions", n)
	}
	// Before serving: files a crash left between writing and committing.
	if n, err := p.Assessment.CleanOrphanFiles(ctx); err != nil {
		o.Logger.Warn("nettoyage des pièces jointes orphelines incomplet", "erreur", err, "supprimées", n)
	} else if n > 0 {
		o.Logger.Info("pièces jointes orphelines supprimées", "nombre", n)
	}
	if o.Demo {
		if p.Seeded, err = demo.Seed(ctx, p.Accounts, p.Assessment, p.Cases, cat.Default()); err != nil {
			d.Close()
			return nil, err
		}
	}
	proxies, err := server.ParseProxies(o.TrustedProxies)
	if err != nil {
		d.Close()
		return nil, err
	}
	// Served over HTTPS, cookies travel over HTTPS only: no second flag to forget.
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(o.BaseURL)), "https://") {
		o.Secure = true
	}
	cpCtx, stopCheckpoints := context.WithCancel(context.Background())
	p.stopCheckpoints = stopCheckpoints
	go d.Checkpoints(cpCtx)
	batch := db.NewBatch(d, o.BatchInterval, o.Logger)
	acc.UseBatch(batch)
	p.Batch = batch
	p.Server, err = server.New(server.Config{DB: d, Accounts: p.Accounts, Assessment: p.Assessment, Cases: p.Cases, Catalog: cat, Demo: o.Demo,
		Secure: o.Secure, BaseURL: o.BaseURL, TrustedProxies: proxies, Batch: batch, Logger: o.Logger, IdleTimeout: o.IdleTimeout, AbsoluteTimeout: o.AbsoluteTimeout})
	if err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close commits what the batch holds, then releases the database.
func (p *Platform) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p.stopCheckpoints()
	return errors.Join(p.Batch.Close(ctx), p.DB.Close())
}
