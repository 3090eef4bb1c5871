package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/backup"
	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/app/testfixture"
	"github.com/casp-cnam/casp/referentiel"
)

// A backup taken while a learner keeps uploading restores into a platform
// where every attachment row has its file, with its fingerprint.
func TestBackupRoundTripWhileUploading(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.Start(t, false)
	p := env.Platform
	learner, piece := testfixture.DraftPiece(t, p.DB, "apprenant")
	var added atomic.Int64
	add := func() error {
		n := int(added.Load())
		_, err := p.Assessment.AddAttachment(ctx, learner, piece, fmt.Sprintf("annexe %d.pdf", n), testfixture.PDF(30000, n))
		if err == nil {
			added.Add(1)
		}
		return err
	}
	for range 3 {
		if err := add(); err != nil {
			t.Fatal(err)
		}
	}
	stop, done := make(chan struct{}), make(chan error)
	go func() {
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := add(); err != nil {
				done <- err
				return
			}
		}
	}()
	// The uploads are under way before the backup starts; on a busy machine
	// a backup may still fall between two uploads: it is then taken again,
	// until one overlaps an upload.
	for wait := time.Now().Add(20 * time.Second); added.Load() < 4; time.Sleep(time.Millisecond) {
		if time.Now().After(wait) {
			t.Fatal("aucun envoi n'a abouti en 20 s")
		}
	}
	var archive string
	var before, during int64
	for attempt := 0; attempt < 20 && during == 0; attempt++ {
		archive = filepath.Join(t.TempDir(), fmt.Sprintf("sauvegarde-%d.zip", attempt))
		before = added.Load()
		out, err := cliRun(t, "", "backup", archive, "--db", p.DB.Path())
		if err != nil || !strings.Contains(out, "Sauvegarde écrite dans") {
			t.Fatalf("backup: %v %q", err, out)
		}
		during = added.Load() - before
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if during == 0 {
		t.Fatal("no upload during any of 20 backups: the test proves nothing")
	}

	dest := filepath.Join(t.TempDir(), "restauree", "casp.db")
	if out, err := cliRun(t, "", "restore", archive, "--db", dest); err != nil || !strings.Contains(out, "restaurée dans") {
		t.Fatalf("restore: %v %q", err, out)
	}
	q, err := app.New(ctx, app.Options{DBPath: dest, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	rows, err := q.DB.Read.Query(`SELECT id, sha256 FROM attachments ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{}
	for rows.Next() {
		var id int64
		var sum string
		if err := rows.Scan(&id, &sum); err != nil {
			t.Fatal(err)
		}
		want[id] = sum
	}
	rows.Close()
	if n := int64(len(want)); n < before || n > added.Load() {
		t.Fatalf("%d attachments restored; %d before the backup, %d at its end", n, before, added.Load())
	}
	for id, sum := range want {
		_, path, err := q.Assessment.OpenAttachment(ctx, learner, piece, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("attachment %d: %v", id, err)
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("attachment %d: fingerprint differs", id)
		}
	}
	t.Logf("%d uploads before the backup, %d during; %d attachments restored", before, during, len(want))
}

// backupFixture is a database with two attachments, and its backup.
func backupFixture(t *testing.T) (dir, path, archive string, pdfs [][]byte) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	path = filepath.Join(dir, "casp.db")
	d, err := app.OpenDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := assessment.New(d, cat, app.FilesDir(path))
	learner, piece := testfixture.DraftPiece(t, d, "apprenant")
	for i := range 2 {
		pdfs = append(pdfs, testfixture.PDF(5000, i))
		if _, err := svc.AddAttachment(ctx, learner, piece, "annexe.pdf", pdfs[i]); err != nil {
			t.Fatal(err)
		}
	}
	// No signing keys exist yet; a folder of them would be carried along.
	if err := os.MkdirAll(filepath.Join(app.KeysDir(path), "open-badges"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app.KeysDir(path), "open-badges", "cle.pem"), []byte("clé"), 0o600); err != nil {
		t.Fatal(err)
	}
	archive = filepath.Join(dir, "sauvegarde.zip")
	if out, err := cliRun(t, "", "backup", archive, "--db", path); err != nil || !strings.Contains(out, "2\u00a0pièces jointes") {
		t.Fatalf("backup: %v %q", err, out)
	}
	return dir, path, archive, pdfs
}

// rewriteZip copies an archive through edit, which may change an entry's
// content (nil drops it); the copy's ZIP checksums are right.
func rewriteZip(t *testing.T, archive string, edit func(name string, body []byte) []byte) string {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if body = edit(f.Name, body); body == nil {
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "modifiee.zip")
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBackupTamperedArchiveRefused(t *testing.T) {
	t.Parallel()
	_, _, archive, pdfs := backupFixture(t)
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) string {
		p := filepath.Join(t.TempDir(), "modifiee.zip")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// One byte of an attachment, as stored (attachments are not compressed).
	flipped := bytes.Clone(good)
	at := bytes.Index(flipped, pdfs[1])
	if at < 0 {
		t.Fatal("attachment not found as is in the archive")
	}
	flipped[at+2000] ^= 1
	// One byte of the database, the ZIP rebuilt around it: only the
	// manifest's fingerprint tells.
	dbByte := rewriteZip(t, archive, func(name string, body []byte) []byte {
		if name == "casp.db" {
			body[len(body)/2] ^= 1
		}
		return body
	})
	dropped := rewriteZip(t, archive, func(name string, body []byte) []byte {
		if name != "manifest.json" {
			return body
		}
		var m backup.Manifest
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		m.Entries = m.Entries[:len(m.Entries)-1]
		body, _ = json.Marshal(m)
		return body
	})
	for _, c := range []struct{ name, archive, want string }{
		{"attachment byte flipped", write(flipped), "est abîmé dans l'archive"},
		{"database byte changed", dbByte, "casp.db ne correspond pas à son empreinte SHA-256 du manifeste : l'archive a été modifiée ou abîmée"},
		{"entry left out of the manifest", dropped, "que son manifeste ne mentionne pas"},
		{"cut short", write(good[:len(good)-100]), "ce n'est pas une archive ZIP lisible"},
	} {
		root := t.TempDir()
		dest := filepath.Join(root, "nouvelle", "casp.db")
		_, err := cliRun(t, "", "restore", c.archive, "--db", dest)
		if err == nil {
			t.Errorf("%s: restored", c.name)
			continue
		}
		if msg := message(err); !strings.Contains(msg, "refusée") || !strings.Contains(msg, c.want) || !strings.HasSuffix(msg, "Rien n'a été restauré") {
			t.Errorf("%s: %q", c.name, msg)
		}
		if left, _ := os.ReadDir(root); len(left) > 0 {
			t.Errorf("%s: %s written to the destination", c.name, left[0].Name())
		}
	}
}

func TestBackupRestoreRefusesToOverwrite(t *testing.T) {
	t.Parallel()
	dir, path, archive, _ := backupFixture(t)
	_, err := cliRun(t, "", "restore", archive, "--db", path)
	if err == nil || !strings.Contains(message(err), "existe déjà : ajoutez --force pour remplacer la base") {
		t.Fatalf("restore over the database: %v", err)
	}
	out, err := cliRun(t, "", "restore", archive, "--db", path, "--force")
	if err != nil || !strings.Contains(out, "mis de côté dans") {
		t.Fatalf("restore --force: %v %q", err, out)
	}
	aside, _ := filepath.Glob(filepath.Join(dir, "casp.db.remplacee-*", "casp.db"))
	if len(aside) != 1 {
		t.Errorf("the replaced database is not set aside: %v", aside)
	}
	d, err := app.OpenDB(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	files, err := assessment.StoredFiles(context.Background(), d.Read)
	if err != nil || len(files) != 2 {
		t.Fatalf("%d attachments after restore: %v", len(files), err)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(app.FilesDir(path), f.Name)); err != nil {
			t.Error(err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(app.KeysDir(path), "open-badges", "cle.pem")); err != nil || string(b) != "clé" {
		t.Errorf("keys folder not restored: %q %v", b, err)
	}
}

// A file the snapshot names but that is gone makes the backup fail, saying
// so, rather than write an archive without it.
func TestBackupMissingAttachmentReported(t *testing.T) {
	t.Parallel()
	dir, path, _, _ := backupFixture(t)
	files, _ := os.ReadDir(app.FilesDir(path))
	if err := os.Remove(filepath.Join(app.FilesDir(path), files[0].Name())); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "incomplete.zip")
	_, err := cliRun(t, "", "backup", dest, "--db", path)
	if err == nil || !strings.Contains(message(err), "la pièce jointe "+files[0].Name()+", enregistrée dans la base, est absente de") {
		t.Fatalf("backup without a file: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "casp.db" && e.Name() != "sauvegarde.zip" && !strings.HasPrefix(e.Name(), "casp.db") {
			t.Errorf("%s left behind", e.Name())
		}
	}
}
