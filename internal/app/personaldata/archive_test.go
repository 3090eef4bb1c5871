package personaldata

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
)

// The archive holds the README, the JSON files present (a staff account
// has no portfolio nor case files), the PDFs and each attachment byte for
// byte; an attachment missing on disk is said so in the archive instead of
// being left out silently.
func TestArchiveWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kept := filepath.Join(dir, "a")
	body := []byte("%PDF-1.7 contenu déposé")
	if err := os.WriteFile(kept, body, 0o600); err != nil {
		t.Fatal(err)
	}
	ex := Archive{
		Subject:   account.User{ID: 17},
		Account:   []byte(`{"id": 17}`),
		Portfolio: []byte(`{"pieces": []}`),
		Audit:     []byte(`{"entrees": []}`),
		PDFs:      []pdfFile{{Path: "pdf/piece-1-v1.pdf", Body: []byte("%PDF")}},
		Files: []assessment.ExportFile{
			{Path: "pieces-jointes/1/rapport.pdf", Disk: kept, SHA256: "aa"},
			{Path: "pieces-jointes/1/perdu.pdf", Disk: filepath.Join(dir, "absent"), SHA256: "bb"},
		},
	}
	var buf bytes.Buffer
	if err := ex.Write(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		got[f.Name] = string(b)
		names = append(names, f.Name)
	}
	sort.Strings(names)
	want := []string{"LISEZMOI.txt", "compte.json", "journal-acces.json", "pdf/piece-1-v1.pdf", "pieces-jointes/1/perdu.pdf.manquant.txt",
		"pieces-jointes/1/rapport.pdf", "portfolio.json"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("archive : %q, attendu %q", names, want)
	}
	if got["pieces-jointes/1/rapport.pdf"] != string(body) {
		t.Errorf("pièce jointe altérée : %q", got["pieces-jointes/1/rapport.pdf"])
	}
	if !strings.Contains(got["pieces-jointes/1/perdu.pdf.manquant.txt"], "bb") {
		t.Errorf("fichier manquant : l'empreinte n'est pas donnée : %q", got["pieces-jointes/1/perdu.pdf.manquant.txt"])
	}
	if !strings.Contains(got["LISEZMOI.txt"], "RGPD") {
		t.Errorf("LISEZMOI sans mention des droits")
	}
	if name := ex.FileName(time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC)); name != "casp-donnees-17-2026-12-05.zip" {
		t.Errorf("nom de l'archive %q (date de Paris attendue)", name)
	}
}
