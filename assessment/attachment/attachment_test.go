package attachment

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
)

// fixture reads a file of testdata/attachments (made by generate.go).
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "attachments", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type entry struct {
	name, body string
	store      bool // stored (the ODF "mimetype" entry), else deflated
}

// zip builds a ZIP in memory; a stored entry is written as ODF wants its
// "mimetype": no extra field, no data descriptor.
func zipOf(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		var f interface{ Write([]byte) (int, error) }
		var err error
		if e.store {
			n := uint64(len(e.body))
			f, err = w.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store,
				CRC32: crc32.ChecksumIEEE([]byte(e.body)), CompressedSize64: n, UncompressedSize64: n})
		} else {
			f, err = w.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	testTypesDocx = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	testDocument = `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>`
	testContent  = `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`
)

func wantRefusal(t *testing.T, what string, content []byte, want string) {
	t.Helper()
	kind, err := Check(content)
	if err == nil {
		t.Errorf("%s: accepted as %v", what, kind)
		return
	}
	if err.Error() != want {
		t.Errorf("%s:\n got %q\nwant %q", what, err.Error(), want)
	}
	if kind != (Kind{}) {
		t.Errorf("%s: kind %v returned with the error", what, kind)
	}
}

func notAllowedMessage(label string) string {
	return "Ce fichier n'est ni un PDF, ni un document ODT, ni un document DOCX (type détecté : " + label + ")."
}

func TestAttachmentAllowedKinds(t *testing.T) {
	want := []Kind{
		{".pdf", "application/pdf", "PDF"},
		{".odt", "application/vnd.oasis.opendocument.text", "Texte OpenDocument (ODT)"},
		{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Document Word (DOCX)"},
	}
	if len(Allowed) != len(want) {
		t.Fatalf("Allowed = %v", Allowed)
	}
	for i := range want {
		if Allowed[i] != want[i] {
			t.Errorf("Allowed[%d] = %v, want %v", i, Allowed[i], want[i])
		}
	}
	if MaxBytes != 10*1024*1024 || QuotaBytes != 50*1024*1024 {
		t.Errorf("limits %d, %d", MaxBytes, QuotaBytes)
	}
}

func TestAttachmentRealDocumentsAccepted(t *testing.T) {
	for file, want := range map[string]Kind{
		"rapport.pdf":  Allowed[0],
		"rapport.odt":  Allowed[1],
		"rapport.docx": Allowed[2],
	} {
		kind, err := Check(fixture(t, file))
		if err != nil {
			t.Errorf("%s refused: %v", file, err)
			continue
		}
		if kind != want {
			t.Errorf("%s: %v, want %v", file, kind, want)
		}
	}
}

func TestAttachmentRefusedByContentNotName(t *testing.T) {
	wantRefusal(t, "PNG named .pdf", fixture(t, "image-png.pdf"), notAllowedMessage("image PNG"))
	wantRefusal(t, "plain zip", fixture(t, "archive.zip"), notAllowedMessage("archive ZIP"))
	wantRefusal(t, "HTML", fixture(t, "page.html"), notAllowedMessage("page web HTML"))
	wantRefusal(t, "text", []byte("Mon rapport, en texte brut.\n"), notAllowedMessage("texte brut"))
	wantRefusal(t, "JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), notAllowedMessage("image JPEG"))
	// mimetype calls it a PDF ("%PDF-" within the first KiB); not we.
	wantRefusal(t, "HTML with %PDF- in a comment", []byte("<html><!-- %PDF-1.4 --><script>alert(1)</script></html>"),
		"Le fichier semble incomplet ou abîmé : il ne s'ouvre pas. "+
			"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez.")
	if kind, err := Check(append([]byte("\xef\xbb\xbf"), fixture(t, "rapport.pdf")...)); err != nil || kind.Ext != ".pdf" {
		t.Errorf("PDF after a BOM: %v, %v", kind, err)
	}
	// An old Word document (OLE compound file), which mimetype cannot tell
	// from an encrypted DOCX.
	ole := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 600)...)
	wantRefusal(t, "OLE", ole, notAllowedMessage("document Office ancien format ou protégé par mot de passe"))
}

func TestAttachmentEmptyRefused(t *testing.T) {
	wantRefusal(t, "nil", nil, "Le fichier est vide.")
	wantRefusal(t, "empty", []byte{}, "Le fichier est vide.")
}

func TestAttachmentSizeCheckedBeforeSniffing(t *testing.T) {
	pdf := fixture(t, "rapport.pdf")
	// A PDF made n bytes long by a comment line after its header.
	padded := func(n int) []byte {
		header, rest, _ := bytes.Cut(pdf, []byte("\n"))
		b := make([]byte, 0, n)
		b = append(b, header...)
		b = append(b, "\n%"...)
		b = append(b, bytes.Repeat([]byte("x"), n-len(pdf)-2)...)
		b = append(b, '\n')
		b = append(b, rest...)
		if len(b) != n {
			t.Fatalf("padded to %d bytes, want %d", len(b), n)
		}
		return b
	}
	if kind, err := Check(padded(MaxBytes)); err != nil || kind.Ext != ".pdf" {
		t.Errorf("a PDF of exactly 10 Mio: %v, %v", kind, err)
	}
	// The caller read MaxBytes+1 bytes: the real size is unknown.
	wantRefusal(t, "PDF cut at the limit+1", padded(MaxBytes+1), "Le fichier dépasse 10 Mio.")
	wantRefusal(t, "PDF of 12,4 Mio", padded(13_002_342), "Le fichier dépasse 10 Mio (12,4 Mio).")
}

func TestAttachmentOfficePackages(t *testing.T) {
	// A DOCX whose "word/" entries come after a 6 KiB thumbnail: mimetype,
	// reading 4 KiB, sees a mere ZIP; the central directory says DOCX.
	thumb := strings.Repeat("\xff\x00\x13\x37", 1536)
	late := zipOf(t,
		entry{"[Content_Types].xml", testTypesDocx, false},
		entry{"docProps/thumbnail.jpeg", thumb, true},
		entry{"word/document.xml", testDocument, false},
	)
	if mimetype.Detect(late).Is(Allowed[2].MIME) {
		t.Fatal("test DOCX is recognized by mimetype's first 4 KiB: the case is not tested")
	}
	if kind, err := Check(late); err != nil || kind != Allowed[2] {
		t.Errorf("DOCX with late word/ entries: %v, %v", kind, err)
	}

	damaged := "Le fichier semble incomplet ou abîmé : il ne s'ouvre pas. " +
		"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez."
	docx := fixture(t, "rapport.docx")
	wantRefusal(t, "truncated DOCX", docx[:len(docx)/2], damaged)
	wantRefusal(t, "ODT without content.xml", zipOf(t,
		entry{"mimetype", "application/vnd.oasis.opendocument.text", true},
		entry{"styles.xml", "<x/>", false},
	), damaged)
	wantRefusal(t, "DOCX without word/", zipOf(t,
		entry{"[Content_Types].xml", testTypesDocx, false},
		entry{"_rels/.rels", "<x/>", false},
	), damaged)
	wantRefusal(t, "ZIP bomb in [Content_Types].xml", zipOf(t,
		entry{"[Content_Types].xml", testTypesDocx + strings.Repeat(" ", 2<<20), false},
		entry{"word/document.xml", testDocument, false},
	), damaged)

	wantRefusal(t, "encrypted ODT", zipOf(t,
		entry{"mimetype", "application/vnd.oasis.opendocument.text", true},
		entry{"META-INF/manifest.xml", `<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`, false},
		entry{"content.xml", "\x8f\x12 chiffré", false},
	), "Ce document est protégé par un mot de passe : les évaluateurs ne pourraient pas l'ouvrir. "+
		"Enregistrez-le sans mot de passe, puis réessayez.")
	wantRefusal(t, "DOCM", zipOf(t,
		entry{"[Content_Types].xml", strings.Replace(testTypesDocx,
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
			"application/vnd.ms-word.document.macroEnabled.main+xml", 1), false},
		entry{"word/document.xml", testDocument, false},
		entry{"word/vbaProject.bin", "\x00macro", false},
	), "Les documents Word contenant des macros (DOCM) ne sont pas acceptés : "+
		"enregistrez-le au format « Document Word (.docx) ».")
	wantRefusal(t, "DOTX", zipOf(t,
		entry{"[Content_Types].xml", strings.Replace(testTypesDocx, "wordprocessingml.document.main", "wordprocessingml.template.main", 1), false},
		entry{"word/document.xml", testDocument, false},
	), notAllowedMessage("modèle Word (DOTX)"))
	wantRefusal(t, "ODS", zipOf(t,
		entry{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", true},
		entry{"content.xml", testContent, false},
	), notAllowedMessage("classeur OpenDocument (ODS)"))
	wantRefusal(t, "XLSX", zipOf(t,
		entry{"[Content_Types].xml", strings.Replace(testTypesDocx, "wordprocessingml.document", "spreadsheetml.sheet", 1), false},
		entry{"xl/workbook.xml", "<workbook/>", false},
	), notAllowedMessage("classeur Excel (XLSX)"))
}

func TestAttachmentStoredName(t *testing.T) {
	pattern := regexp.MustCompile(`^[0-9a-f]{32}\.(pdf|odt|docx)$`)
	seen := map[string]bool{}
	for i := 0; i < 300; i++ {
		kind := Allowed[i%len(Allowed)]
		name, err := StoredName(kind)
		if err != nil {
			t.Fatal(err)
		}
		if !pattern.MatchString(name) || !strings.HasSuffix(name, kind.Ext) {
			t.Errorf("StoredName(%s) = %q", kind.Ext, name)
		}
		if seen[name[:32]] {
			t.Errorf("StoredName repeated %q", name)
		}
		seen[name[:32]] = true
	}
	for _, bad := range []Kind{
		{},
		{Ext: ".html", MIME: "text/html", Label: "HTML"},
		{Ext: ".pdf/../../x", MIME: "application/pdf", Label: "PDF"},
	} {
		if name, err := StoredName(bad); err == nil {
			t.Errorf("StoredName(%v) = %q, want an error", bad, name)
		}
	}
}

func TestAttachmentDownloadName(t *testing.T) {
	pdf, odt, docx := Allowed[0], Allowed[1], Allowed[2]
	for _, c := range []struct {
		original string
		kind     Kind
		want     string
	}{
		{"../../etc/passwd", pdf, "passwd.pdf"},
		{"rapport \"final\".pdf", pdf, "rapport final.pdf"},
		{"Évaluation finale.docx", docx, "Évaluation finale.docx"},
		{"E\u0301valuation finale.docx", docx, "Évaluation finale.docx"}, // NFD, as macOS sends
		{`C:\Users\Marie\Documents\Rapport de stage.PDF`, pdf, "Rapport de stage.pdf"},
		{"rapport.pdf", docx, "rapport.pdf.docx"},
		{"scan.png", pdf, "scan.png.pdf"},
		{"l'équipe : bilan?*<>|.odt", odt, "l'équipe bilan.odt"},
		{"rapport\r\nX-Injection: oui.pdf", pdf, "rapport X-Injection oui.pdf"},
		{"rapport\r\nContent-Type: text/html.pdf", pdf, "html.pdf"}, // "/" splits the path
		{"rapport\u202Efdp.exe", pdf, "rapportfdp.exe.pdf"},
		{"  ...rapport   final...  ", pdf, "rapport final.pdf"},
		{".htaccess", pdf, "htaccess.pdf"},
		{"", odt, "pièce-jointe.odt"},
		{"....", odt, "pièce-jointe.odt"},
		{"/", pdf, "pièce-jointe.pdf"},
		{".pdf", pdf, "pièce-jointe.pdf"},
		{"rapport.pdf. ", pdf, "rapport.pdf"},
		{"..rapport.PDF", pdf, "rapport.pdf"},
		{"CON.pdf", pdf, "_CON.pdf"},
		{"nul", docx, "_nul.docx"},
		{"bad\xffutf8.pdf", pdf, "badutf8.pdf"},
		{"tab\there\x00.pdf", pdf, "tab here.pdf"},
	} {
		if got := DownloadName(c.original, c.kind); got != c.want {
			t.Errorf("DownloadName(%q, %s) = %q, want %q", c.original, c.kind.Ext, got, c.want)
		}
	}

	long := DownloadName(strings.Repeat("é", 300)+".pdf", pdf)
	if n := utf8.RuneCountInString(long); n != 120 || !strings.HasSuffix(long, "é.pdf") {
		t.Errorf("long name: %d runes, %q", n, long)
	}
	for _, s := range []string{"../a/b\\c\"d\x7fe\u200bf.pdf", strings.Repeat("a/", 500)} {
		got := DownloadName(s, pdf)
		if strings.ContainsAny(got, "/\\\"\x00\r\n\x7f\u200b") || !utf8.ValidString(got) {
			t.Errorf("DownloadName(%q) = %q", s, got)
		}
	}
}
