package assessment_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/attachment"
	"github.com/casp-cnam/casp/internal/app/testfixture"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// filesFixture is a database with the portfolio tables, a service storing
// attachments in its own folder, and a learner with a draft piece.
func filesFixture(t *testing.T) (svc *assessment.Service, d *db.DB, dir string, learner account.User, piece int64) {
	t.Helper()
	d, err := db.Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background(), account.Migrations, assessment.Migrations); err != nil {
		t.Fatal(err)
	}
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(t.TempDir(), "casp.db.fichiers")
	learner, piece = testfixture.DraftPiece(t, d, "apprenant")
	return assessment.New(d, cat, dir), d, dir, learner, piece
}

// Uploads at once must not together pass the quota: the check and the
// insert are one transaction.
func TestAttachmentQuotaUnderParallelUploads(t *testing.T) {
	t.Parallel()
	svc, d, dir, learner, piece := filesFixture(t)
	ctx := context.Background()
	const uploads, size = 24, 7 << 19 // 3,5 Mio: 14 fit in 50 Mio
	var wg sync.WaitGroup
	errs := make([]error, uploads)
	for i := range uploads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = svc.AddAttachment(ctx, learner, piece, "annexe.pdf", testfixture.PDF(size, i))
		}()
	}
	wg.Wait()
	accepted := 0
	for _, err := range errs {
		if err == nil {
			accepted++
			continue
		}
		e, ok := apperr.As(err)
		if !ok || !strings.HasPrefix(e.Fields["fichier"], "Votre espace de pièces jointes est plein (") {
			t.Errorf("refusal: %v", err)
		}
	}
	var stored int64
	var rows int
	if err := d.Read.QueryRow(`SELECT coalesce(sum(size),0), count(*) FROM attachments`).Scan(&stored, &rows); err != nil {
		t.Fatal(err)
	}
	if stored > attachment.QuotaBytes || accepted != attachment.QuotaBytes/size || rows != accepted {
		t.Errorf("%d uploads accepted, %d rows, %d bytes stored; the quota is %d bytes", accepted, rows, stored, attachment.QuotaBytes)
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != accepted {
		t.Errorf("%d files in the folder for %d attachments: refused ones must be removed", len(files), accepted)
	}
}

// A crash between writing a file and committing its row leaves a file that
// no row names; the start-up clean removes it and leftover temporary files,
// and nothing else.
func TestAttachmentOrphanFilesCleaned(t *testing.T) {
	t.Parallel()
	svc, _, dir, learner, piece := filesFixture(t)
	ctx := context.Background()
	kept, err := svc.AddAttachment(ctx, learner, piece, "annexe.pdf", testfixture.PDF(2000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("after one upload the folder holds %d entries (temporary files left?)", len(entries))
	}
	old := time.Now().Add(-time.Hour)
	put := func(name string, when time.Time) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("%PDF-1.4\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
		return p
	}
	orphan := put("0123456789abcdef0123456789abcdef.pdf", old)
	temp := put("00000000000000000000000000000000.docx.tmp", old)
	// An upload under way: written, its row not yet committed.
	recent := put("fedcba9876543210fedcba9876543210.odt", time.Now())
	// Not ours: left alone.
	other := put("lisez-moi.txt", old)
	if err := os.Chtimes(filepath.Join(dir, kept.StoredName), old, old); err != nil {
		t.Fatal(err)
	}

	n, err := svc.CleanOrphanFiles(ctx)
	if err != nil || n != 2 {
		t.Fatalf("CleanOrphanFiles = %d, %v; want 2", n, err)
	}
	for _, p := range []string{orphan, temp} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there", filepath.Base(p))
		}
	}
	for _, p := range []string{recent, other, filepath.Join(dir, kept.StoredName)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
}
