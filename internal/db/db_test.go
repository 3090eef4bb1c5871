package db

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestOpenSettingsOnEveryConnection(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	var mode string
	if err := d.Write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q (%v)", mode, err)
	}
	// Hold several read connections at once: each must have the settings.
	var conns []interface{ Close() error }
	for i := 0; i < 3; i++ {
		c, err := d.Read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var fk, timeout int
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("connexion %d : foreign_keys %d (%v)", i, fk, err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil || timeout != 5000 {
			t.Fatalf("connexion %d : busy_timeout %d (%v)", i, timeout, err)
		}
		if _, err := c.ExecContext(ctx, "CREATE TABLE interdit(x)"); err == nil {
			t.Fatalf("connexion %d : le pool de lecture accepte une écriture", i)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if s := d.Write.Stats(); s.MaxOpenConnections != 1 {
		t.Fatalf("%d connexions d'écriture, attendu 1", s.MaxOpenConnections)
	}
}

func TestMemoryRefused(t *testing.T) {
	for _, p := range []string{":memory:", "", "file::memory:?cache=shared"} {
		if _, err := Open(p); err == nil {
			t.Errorf("%q accepté", p)
		}
	}
}

func TestMigrateOnceInOrderAndAtomically(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	fsys := fstest.MapFS{
		"m/001_a.sql": {Data: []byte("CREATE TABLE a(x INTEGER);")},
		"m/002_b.sql": {Data: []byte("INSERT INTO a VALUES (1);")},
	}
	set := Migrations{Owner: "t", FS: fsys, Dir: "m"}
	for i := 0; i < 2; i++ { // the second run must apply nothing
		if err := d.Migrate(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	d.Read.QueryRowContext(ctx, "SELECT count(*) FROM a").Scan(&n)
	if n != 1 {
		t.Fatalf("%d lignes : une migration a été rejouée", n)
	}
	fsys["m/003_bad.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE c(x); INSERT INTO nulle_part VALUES (1);")}
	err = d.Migrate(ctx, set)
	if err == nil || !strings.Contains(err.Error(), "003_bad.sql") {
		t.Fatalf("erreur %v", err)
	}
	if err := d.Read.QueryRowContext(ctx, "SELECT count(*) FROM c").Scan(&n); err == nil {
		t.Fatal("la migration en échec a laissé la table c : pas de transaction")
	}
}

func TestBackupIsConsistentCopy(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(filepath.Join(dir, "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES (1),(2),(3);"); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "copie.db")
	if err := d.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, filepath.Join(dir, "src.db")); err == nil {
		t.Fatal("copie sur la base elle-même acceptée")
	}
	c, err := Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.Read.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("copie : %d lignes (%v)", n, err)
	}
	if _, err := os.Stat(dest); err != nil {
		t.Fatal(err)
	}
}

// Every connection, writer and readers, sorts text in French order.
func TestFrenchCollationOnEveryConnection(t *testing.T) {
	t.Parallel()
	d, err := Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE n(name TEXT); INSERT INTO n VALUES ('Zoé'),('Élodie'),('éric'),('Eve'),('Adèle'),('Œdipe'),('Olivier')`); err != nil {
		t.Fatal(err)
	}
	want := "Adèle Élodie éric Eve Œdipe Olivier Zoé"
	for name, q := range map[string]interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}{"écriture": d.Write, "lecture": d.Read} {
		rows, err := q.QueryContext(ctx, `SELECT name FROM n ORDER BY name COLLATE `+French)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			got = append(got, s)
		}
		rows.Close()
		if strings.Join(got, " ") != want {
			t.Errorf("%s : %s, attendu %s", name, strings.Join(got, " "), want)
		}
	}
}

// A served platform syncs every commit to disk (FULL); only a test binary
// opens its temporary databases without syncing (see synchronous), and
// every connection of the pools has the setting.
func TestProductionSyncsEveryCommit(t *testing.T) {
	t.Parallel()
	if got := synchronousFor(false); got != "FULL" {
		t.Errorf("hors des tests : synchronous=%s, attendu FULL", got)
	}
	d, err := Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := map[string]int{"FULL": 2, "OFF": 0}[synchronous()]
	for name, pool := range map[string]*sql.DB{"écriture": d.Write, "lecture": d.Read, "points de contrôle": d.checkpoint} {
		var got int
		if err := pool.QueryRow(`PRAGMA synchronous`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("connexion %s : synchronous=%d, attendu %d (%s)", name, got, want, synchronous())
		}
	}
}
