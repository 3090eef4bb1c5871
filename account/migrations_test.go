package account_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/db"
)

// A database migrated under the old file names (two 002_) upgrades to the
// renumbered ones without applying anything twice, and is complete.
func TestRenumberedMigrationsUpgrade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Today's files under their former names.
	old := fstest.MapFS{}
	back := map[string]string{}
	for was, now := range account.Migrations.Renamed {
		back[now] = was
	}
	names, err := fs.Glob(account.Migrations.FS, "migrations/*.sql")
	if err != nil || len(names) < 4 {
		t.Fatalf("migrations : %v %v", names, err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(account.Migrations.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(n)
		if was, ok := back[base]; ok {
			base = was
		}
		old["migrations/"+base] = &fstest.MapFile{Data: b}
	}
	d, err := db.Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx, db.Migrations{Owner: "account", FS: old, Dir: "migrations"}); err != nil {
		t.Fatal(err)
	}
	// The renumbered set: an erasure migration applied twice would fail
	// (its columns exist already) — as it does without the renames, on a copy.
	copyPath := filepath.Join(t.TempDir(), "copie.db")
	if _, err := d.Write.Exec(`VACUUM INTO ?`, copyPath); err != nil {
		t.Fatal(err)
	}
	c, err := db.Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Migrate(ctx, db.Migrations{Owner: "account", FS: account.Migrations.FS, Dir: "migrations"}); err == nil {
		t.Fatal("sans la table des renommages, la mise à niveau devrait échouer : le test ne prouve rien")
	}
	if err := d.Migrate(ctx, account.Migrations); err != nil {
		t.Fatalf("mise à niveau : %v", err)
	}
	var n int
	if err := d.Read.QueryRow(`SELECT count(*) FROM schema_migrations WHERE owner='account'`).Scan(&n); err != nil || n != len(names) {
		t.Fatalf("%d migrations enregistrées, %d attendues (%v)", n, len(names), err)
	}
	for was := range account.Migrations.Renamed {
		if err := d.Read.QueryRow(`SELECT count(*) FROM schema_migrations WHERE owner='account' AND name=?`, was).Scan(&n); err != nil || n != 0 {
			t.Fatalf("ancien nom %s encore enregistré", was)
		}
	}
	// And the accounts work.
	s := account.New(d)
	if _, err := s.Create(ctx, account.NewUser{Login: "apres.mise.a.niveau", DisplayName: "Test", Role: account.Learner, Password: "une phrase de passe"}); err != nil {
		t.Fatal(err)
	}
}
