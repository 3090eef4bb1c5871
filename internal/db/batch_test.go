package db

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"
)

func openBatchDB(t *testing.T) *DB {
	t.Helper()
	d, err := Open(filepath.Join(t.TempDir(), "lot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Write.Exec(`CREATE TABLE entries(id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	return d
}

func countEntries(t *testing.T, d *DB) int {
	t.Helper()
	var n int
	if err := d.Read.QueryRow(`SELECT count(*) FROM entries`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Queued writes wait for the batch, commit together (a bad one skipped, the
// others kept), early when enough wait, and on Close.
func TestBatchCommitsTogether(t *testing.T) {
	t.Parallel()
	d := openBatchDB(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := NewBatch(d, time.Hour, quiet)
	ctx := context.Background()
	for _, v := range []string{"a", "b", "a", "c"} { // the second "a" breaks UNIQUE
		b.Add(`INSERT INTO entries(v) VALUES (?)`, v)
	}
	if n := countEntries(t, d); n != 0 || b.Pending() != 4 {
		t.Fatalf("avant le lot : %d lignes, %d en attente", n, b.Pending())
	}
	before := d.Statements()
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Background work: not counted as a request's statements.
	if n, stmts := countEntries(t, d), d.Statements()-before; n != 3 || stmts != 1 {
		t.Fatalf("après le lot : %d lignes (3 attendues), %d instructions comptées (1 attendue : le comptage des lignes)", n, stmts)
	}
	// Early commit when enough wait.
	b.SetMax(2)
	b.Add(`INSERT INTO entries(v) VALUES (?)`, "d")
	b.Add(`INSERT INTO entries(v) VALUES (?)`, "e")
	for deadline := time.Now().Add(5 * time.Second); countEntries(t, d) != 5; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("le lot plein n'a pas été enregistré")
		}
	}
	b.SetMax(100)
	b.Add(`INSERT INTO entries(v) VALUES (?)`, "f")
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countEntries(t, d); n != 6 {
		t.Fatalf("après Close : %d lignes, 6 attendues", n)
	}
	// After Close, a write goes at once.
	b.Add(`INSERT INTO entries(v) VALUES (?)`, "g")
	if n := countEntries(t, d); n != 7 {
		t.Fatalf("après Close, écriture directe : %d lignes", n)
	}
}

// Without Flush, the timer commits.
func TestBatchCommitsOnItsOwn(t *testing.T) {
	t.Parallel()
	d := openBatchDB(t)
	b := NewBatch(d, 20*time.Millisecond, nil)
	defer b.Close(context.Background())
	b.Add(`INSERT INTO entries(v) VALUES (?)`, "x")
	for deadline := time.Now().Add(5 * time.Second); countEntries(t, d) != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("le lot n'a pas été enregistré par le minuteur")
		}
	}
}

// While Checkpoints runs, the writer makes no checkpoint at commit; without
// it (command-line tools), SQLite's automatic checkpoint stays on.
func TestCheckpointsTakeOverFromTheWriter(t *testing.T) {
	t.Parallel()
	d := openBatchDB(t)
	auto := func() int {
		var n int
		if err := d.Write.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := auto(); n != 1000 {
		t.Fatalf("sans Checkpoints : wal_autocheckpoint=%d, attendu 1000", n)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Checkpoints(ctx); close(done) }()
	for deadline := time.Now().Add(5 * time.Second); auto() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Checkpoints n'a pas pris la main")
		}
	}
	stop()
	<-done
	if n := auto(); n != 1000 {
		t.Fatalf("après Checkpoints : wal_autocheckpoint=%d, attendu 1000", n)
	}
}
