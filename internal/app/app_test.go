package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testfixture"
	"github.com/casp-cnam/casp/referentiel"
)

// A file that a crash left without its row is removed at start-up, before
// serving, and the count is logged; a file a row names stays.
func TestStartUpRemovesOrphanFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "casp.db")
	d, err := app.OpenDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	learner, piece := testfixture.DraftPiece(t, d, "apprenant")
	a, err := assessment.New(d, cat, app.FilesDir(path)).AddAttachment(ctx, learner, piece, "annexe.pdf", testfixture.PDF(3000, 1))
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	referenced := filepath.Join(app.FilesDir(path), a.StoredName)
	orphan := filepath.Join(app.FilesDir(path), "0123456789abcdef0123456789abcdef.docx")
	if err := os.WriteFile(orphan, []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{referenced, orphan} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}

	var logs bytes.Buffer
	p, err := app.New(ctx, app.Options{DBPath: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan file still there (%v)", err)
	}
	if _, err := os.Stat(referenced); err != nil {
		t.Errorf("referenced file removed: %v", err)
	}
	if !strings.Contains(logs.String(), "pièces jointes orphelines supprimées") || !strings.Contains(logs.String(), "nombre=1") {
		t.Errorf("log: %s", logs.String())
	}
}

// Production hashes with OWASP's parameters; only tests ask for cheap ones.
func TestProductionHashesWithOWASPParameters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		test bool
		want uint32
	}{{false, 19 * 1024}, {true, 64}} {
		p, err := app.New(ctx, app.Options{DBPath: filepath.Join(t.TempDir(), "casp.db"), TestHashing: c.test,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		got := p.Accounts.HashParameters()
		p.Close()
		if got.Memory != c.want || (!c.test && (got.Iterations != 2 || got.Parallelism != 1)) {
			t.Errorf("TestHashing=%v : paramètres %+v", c.test, got)
		}
	}
	if account.HashParams.Memory != 19*1024 || account.HashParams.Iterations != 2 {
		t.Errorf("paramètres de production %+v, attendu 19 Mio et 2 passes (OWASP)", account.HashParams)
	}
}
