// Package db opens casp's SQLite database: one writer connection and a pool
// of readers on the same file, every setting in the connection string so that
// each pooled connection (a separate SQLite instance) gets it, and embedded
// migrations owned by the packages whose tables they create.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// DB is the pair of pools. Write has a single connection: SQLite allows one
// writer at a time, and queuing in Go is cheaper than busy-waiting in SQLite.
type DB struct {
	Write      *sql.DB
	Read       *sql.DB
	path       string
	statements *atomic.Int64
	// checkpoint copies the WAL into the database file, off the writer
	// (see Checkpoints).
	checkpoint *sql.DB
}

// Open opens (creating if needed) the database file at path.
func Open(path string) (*DB, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		return nil, errors.New("une base en mémoire ne peut pas être partagée entre connexions : indiquez un fichier")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	params := url.Values{}
	params.Set("_busy_timeout", "5000")
	params.Set("_journal_mode", "WAL")
	params.Set("_foreign_keys", "1")
	// FULL: a commit is on disk (the WAL synced) before it is
	// acknowledged — a deposit receipt or a published grading survives a
	// power cut. Checkpoints, the other fsyncs, run beside the writer
	// (Checkpoints), not in a request.
	params.Set("_synchronous", synchronous())
	params.Set("_txlock", "immediate")
	// Page caches (KiB): the writer's holds the indexes it updates; each
	// reader keeps a small one and leans on the system's file cache, which
	// all connections share and which the process's memory does not count.
	params.Set("_cache_size", "-4000")
	// Each connection keeps its last prepared statements: a page's few
	// queries (session, user, cohort…) skip SQLite's parse and plan.
	params.Set("_stmt_cache_size", "64")
	dsn := "file:" + abs + "?" + params.Encode()
	count := new(atomic.Int64)
	w := sql.OpenDB(connector{dsn: dsn, n: count})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("ouverture de %s : %w", path, err)
	}
	rparams := url.Values{}
	for k, v := range params {
		rparams[k] = v
	}
	rparams.Set("_query_only", "1")
	rparams.Set("_cache_size", "-2000")
	rparams.Del("_txlock")
	r := sql.OpenDB(connector{dsn: "file:" + abs + "?" + rparams.Encode(), n: count})
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	cparams := url.Values{}
	for k, v := range params {
		cparams[k] = v
	}
	cparams.Set("_cache_size", "-500") // it copies the WAL into the file, nothing to keep
	cp := sql.OpenDB(connector{dsn: "file:" + abs + "?" + cparams.Encode(), n: new(atomic.Int64)})
	cp.SetMaxOpenConns(1)
	return &DB{Write: w, Read: r, path: abs, statements: count, checkpoint: cp}, nil
}

// synchronous is FULL, except in a test binary: there, a commit is not
// synced to disk (OFF), since no test cuts the power and thousands of
// fsyncs on temporary databases made the suite wait on the disk (measured:
// the server package 16.4 s instead of 12.3 s, the whole suite 106 s
// instead of 90 s). TestProductionSyncsEveryCommit checks the switch.
func synchronous() string { return synchronousFor(testing.Testing()) }

func synchronousFor(inTest bool) string {
	if inTest {
		return "OFF"
	}
	return "FULL"
}

// Path is the database file.
func (d *DB) Path() string { return d.path }

// Close closes the pools (SQLite folds the WAL into the file as the last
// connection closes).
func (d *DB) Close() error {
	return errors.Join(d.checkpoint.Close(), d.Read.Close(), d.Write.Close())
}

// CheckpointEvery is how often Checkpoints copies the WAL into the file.
const CheckpointEvery = time.Second

// Checkpoints copies the WAL into the database file every CheckpointEvery
// until ctx ends, on a connection of its own: with synchronous=FULL a
// checkpoint syncs the database file, and SQLite's automatic checkpoint
// does it inside the commit that crosses 1,000 pages, so one request in
// many would wait for it. PASSIVE: it waits for no one; what readers still
// use is copied next time.
//
// While it runs, the writer makes no checkpoint of its own at commit;
// without it (the command-line tools), SQLite's automatic one stays on.
func (d *DB) Checkpoints(ctx context.Context) {
	if _, err := d.Write.ExecContext(ctx, `PRAGMA wal_autocheckpoint=0`); err != nil {
		return
	}
	defer d.Write.Exec(`PRAGMA wal_autocheckpoint=1000`)
	t := time.NewTicker(CheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = d.checkpoint.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// Ping checks both pools answer.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	return d.Write.PingContext(ctx)
}

// Tx runs fn in a write transaction (BEGIN IMMEDIATE), committing on success.
func (d *DB) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Migrations is one package's set of embedded *.sql files, applied in name
// order, each in its own transaction, and recorded under the package's name.
type Migrations struct {
	Owner string
	FS    fs.FS
	Dir   string
	// Renamed maps a migration's former file name to its name now: a
	// database that applied it under the old name records the new one and
	// does not apply it again.
	Renamed map[string]string
}

// Migrate applies every migration not yet recorded.
func (d *DB) Migrate(ctx context.Context, sets ...Migrations) error {
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		owner TEXT NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL,
		PRIMARY KEY (owner, name))`); err != nil {
		return err
	}
	for _, set := range sets {
		for old, now := range set.Renamed {
			if _, err := d.Write.ExecContext(ctx, `UPDATE schema_migrations SET name=? WHERE owner=? AND name=?
				AND NOT EXISTS (SELECT 1 FROM schema_migrations WHERE owner=? AND name=?)`, now, set.Owner, old, set.Owner, now); err != nil {
				return err
			}
		}
		names, err := fs.Glob(set.FS, set.Dir+"/*.sql")
		if err != nil {
			return err
		}
		sort.Strings(names)
		for _, name := range names {
			base := filepath.Base(name)
			var done int
			if err := d.Write.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE owner=? AND name=?`, set.Owner, base).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				continue
			}
			body, err := fs.ReadFile(set.FS, name)
			if err != nil {
				return err
			}
			err = d.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, string(body)); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(owner, name, applied_at) VALUES (?,?,?)`,
					set.Owner, base, time.Now().UTC().Format(time.RFC3339))
				return err
			})
			if err != nil {
				return fmt.Errorf("migration %s/%s : %w", set.Owner, base, err)
			}
		}
	}
	return nil
}

// Backup writes a consistent copy of the database to dest while the server
// runs: VACUUM INTO copies one snapshot, and WAL lets the server keep
// reading and writing from its own process meanwhile.
func (d *DB) Backup(ctx context.Context, dest string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	if abs == d.path {
		return errors.New("la copie ne peut pas remplacer la base elle-même")
	}
	_, err = d.Write.ExecContext(ctx, `VACUUM INTO ?`, abs)
	return err
}

// OpenSnapshot opens read-only a database file that nothing else writes (a
// backup's snapshot, a restored copy being checked): immutable, so SQLite
// takes no lock and leaves no side file beside it.
func OpenSnapshot(path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	s := sql.OpenDB(connector{dsn: "file:" + abs + "?mode=ro&immutable=1", n: new(atomic.Int64)})
	if err := s.Ping(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Querier is what reads and writes need of a pool or a transaction: both
// *sql.DB and *sql.Tx are one.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
