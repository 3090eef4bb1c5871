package attachment

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

// bigEntry is an entry of size zero bytes (or random ones), written in
// chunks so that a bomb never sits in memory decompressed.
type bigEntry struct {
	name   string
	size   int64
	random bool
}

// zipStream builds an office package: small entries first (the ODF
// "mimetype" stored, as zip does), then big ones, deflated at the fastest
// level (200 Mio of zeros take a tenth of a second and ~250 Kio).
func zipStream(t *testing.T, small []entry, big ...bigEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	write := func(f io.Writer, err error, body []byte) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range small {
		if e.store {
			n := uint64(len(e.body))
			f, err := w.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store,
				CRC32: crc32.ChecksumIEEE([]byte(e.body)), CompressedSize64: n, UncompressedSize64: n})
			write(f, err, []byte(e.body))
			continue
		}
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		write(f, err, []byte(e.body))
	}
	chunk := make([]byte, 1<<20)
	for _, e := range big {
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		for left := e.size; left > 0; left -= int64(len(chunk)) {
			if e.random {
				rand.Read(chunk)
			}
			write(f, nil, chunk[:min(left, int64(len(chunk)))])
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	testDocx = []entry{
		{"[Content_Types].xml", testTypesDocx, false},
		{"_rels/.rels", "<Relationships/>", false},
		{"word/document.xml", testDocument, false},
	}
	testODT = []entry{
		{"mimetype", "application/vnd.oasis.opendocument.text", true},
		{"content.xml", testContent, false},
	}
)

func TestAttachmentZipBombRefused(t *testing.T) {
	t.Parallel()
	bomb := zipStream(t, testDocx, bigEntry{name: "word/media/image1.png", size: 200 << 20})
	if len(bomb) > 400<<10 {
		t.Fatalf("the bomb weighs %d bytes: not a bomb", len(bomb))
	}
	wantRefusal(t, "DOCX bomb of 200 Mio", bomb,
		"Ce fichier DOCX est anormal : son contenu décompressé dépasserait 100 Mio.")
	wantRefusal(t, "ODT bomb of 200 Mio", zipStream(t, testODT, bigEntry{name: "Pictures/vide.png", size: 200 << 20}),
		"Ce fichier ODT est anormal : son contenu décompressé dépasserait 100 Mio.")
	// Under the total, but 20 Mio of zeros in 20 Kio: no document does that.
	wantRefusal(t, "DOCX with an absurd compression ratio", zipStream(t, testDocx, bigEntry{name: "word/media/image1.png", size: 20 << 20}),
		"Ce fichier DOCX est anormal : un de ses éléments est compressé plus de 200 fois, ce qu'aucun document ne fait.")
}

// A ZIP declares the sizes of its entries; an entry that inflates beyond what
// it declares must not slip through on the strength of its declaration.
func TestAttachmentZipDeclaredSizesNotTrusted(t *testing.T) {
	t.Parallel()
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	zeros := make([]byte, 5<<20)
	fw.Write(zeros)
	fw.Close()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range testDocx {
		f, _ := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		f.Write([]byte(e.body))
	}
	f, err := w.CreateRaw(&zip.FileHeader{Name: "word/media/image1.png", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(zeros[:100]), CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	f.Write(deflated.Bytes())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, "entry inflating past its declared size", buf.Bytes(),
		"Le fichier semble incomplet ou abîmé : il ne s'ouvre pas. "+
			"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez.")
}

func TestAttachmentZipStructure(t *testing.T) {
	t.Parallel()
	with := func(base []entry, more ...entry) []entry {
		return append(append([]entry(nil), base...), more...)
	}
	many := with(testDocx)
	for i := range 2000 {
		many = append(many, entry{fmt.Sprintf("word/media/%d.xml", i), "<x/>", false})
	}
	wantRefusal(t, "2 003 entries", zipOf(t, many...),
		"Ce fichier DOCX est anormal : il contient plus de 2\u202f000 éléments.")
	for _, name := range []string{"../../.bashrc", "word/../../evil.xml", "/etc/cron.d/x", `..\..\evil.bat`, `C:\evil.bat`} {
		wantRefusal(t, "entry "+name, zipOf(t, with(testDocx, entry{name, "x", false})...),
			"Ce fichier DOCX est anormal : le chemin d'un de ses éléments sort du document (« .. » ou chemin absolu).")
	}
	wantRefusal(t, "ODT with a path out", zipOf(t, with(testODT, entry{"../content.xml", "x", false})...),
		"Ce fichier ODT est anormal : le chemin d'un de ses éléments sort du document (« .. » ou chemin absolu).")
	wantRefusal(t, "two entries of one name", zipOf(t, with(testDocx, entry{"word/document.xml", "<autre/>", false})...),
		"Ce fichier DOCX est anormal : deux de ses éléments portent le même nom.")

	damaged := "Le fichier semble incomplet ou abîmé : il ne s'ouvre pas. " +
		"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez."
	wantRefusal(t, "DOCX without word/document.xml", zipOf(t,
		entry{"[Content_Types].xml", testTypesDocx, false},
		entry{"word/styles.xml", "<x/>", false},
	), damaged)

	mimetypeRule := "Ce fichier ODT est anormal : son élément « mimetype » doit être le premier et ne pas être compressé. " +
		"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez."
	wantRefusal(t, "ODT with mimetype second", zipOf(t,
		entry{"content.xml", testContent, false},
		entry{"mimetype", "application/vnd.oasis.opendocument.text", true},
	), mimetypeRule)
	wantRefusal(t, "ODT with mimetype deflated", zipOf(t,
		entry{"mimetype", "application/vnd.oasis.opendocument.text", false},
		entry{"content.xml", testContent, false},
	), mimetypeRule)
	wantRefusal(t, "ODT with a line feed after its type", zipOf(t,
		entry{"mimetype", "application/vnd.oasis.opendocument.text\n", true},
		entry{"content.xml", testContent, false},
	), mimetypeRule)
}

// Well-formed documents, big ones included, still pass.
func TestAttachmentZipWellFormedAccepted(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 20000 { // ~2 Mio of text that compresses like a report's
		fmt.Fprintf(&b, `<w:p><w:r><w:t>%d. Le diagnostic partagé avec la personne accompagnée (%x).</w:t></w:r></w:p>`, i, i*7919)
	}
	text := b.String()
	docx := zipStream(t, []entry{
		{"[Content_Types].xml", testTypesDocx, false},
		{"word/document.xml", `<w:document><w:body>` + text + `</w:body></w:document>`, false},
	}, bigEntry{name: "word/media/image1.jpeg", size: 3 << 20, random: true})
	if kind, err := Check(docx); err != nil || kind != kindDOCX {
		t.Errorf("big DOCX: %v, %v", kind, err)
	}
	odt := zipStream(t, append(append([]entry(nil), testODT...),
		entry{"META-INF/manifest.xml", "<manifest:manifest/>", false},
		entry{"styles.xml", text, false}),
		bigEntry{name: "Pictures/photo.jpeg", size: 2 << 20, random: true})
	if kind, err := Check(odt); err != nil || kind != kindODT {
		t.Errorf("big ODT: %v, %v", kind, err)
	}
	for _, name := range []string{"rapport.docx", "rapport.odt"} {
		if _, err := Check(fixture(t, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
