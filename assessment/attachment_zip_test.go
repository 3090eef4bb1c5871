package assessment

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

// attBigEntry is an entry of size zero bytes (or random ones), written in
// chunks so that a bomb never sits in memory decompressed.
type attBigEntry struct {
	name   string
	size   int64
	random bool
}

// attZipStream builds an office package: small entries first (the ODF
// "mimetype" stored, as attZip does), then big ones, deflated at the fastest
// level (200 Mio of zeros take a tenth of a second and ~250 Kio).
func attZipStream(t *testing.T, small []attEntry, big ...attBigEntry) []byte {
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
	attTestDocx = []attEntry{
		{"[Content_Types].xml", attTestTypesDocx, false},
		{"_rels/.rels", "<Relationships/>", false},
		{"word/document.xml", attTestDocument, false},
	}
	attTestODT = []attEntry{
		{"mimetype", "application/vnd.oasis.opendocument.text", true},
		{"content.xml", attTestContent, false},
	}
)

func TestAttachmentZipBombRefused(t *testing.T) {
	t.Parallel()
	bomb := attZipStream(t, attTestDocx, attBigEntry{name: "word/media/image1.png", size: 200 << 20})
	if len(bomb) > 400<<10 {
		t.Fatalf("the bomb weighs %d bytes: not a bomb", len(bomb))
	}
	attWantRefusal(t, "DOCX bomb of 200 Mio", bomb,
		"Ce fichier DOCX est anormal : son contenu décompressé dépasserait 100 Mio.")
	attWantRefusal(t, "ODT bomb of 200 Mio", attZipStream(t, attTestODT, attBigEntry{name: "Pictures/vide.png", size: 200 << 20}),
		"Ce fichier ODT est anormal : son contenu décompressé dépasserait 100 Mio.")
	// Under the total, but 20 Mio of zeros in 20 Kio: no document does that.
	attWantRefusal(t, "DOCX with an absurd compression ratio", attZipStream(t, attTestDocx, attBigEntry{name: "word/media/image1.png", size: 20 << 20}),
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
	for _, e := range attTestDocx {
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
	attWantRefusal(t, "entry inflating past its declared size", buf.Bytes(),
		"Le fichier semble incomplet ou abîmé : il ne s'ouvre pas. "+
			"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez.")
}

func TestAttachmentZipStructure(t *testing.T) {
	t.Parallel()
	with := func(base []attEntry, more ...attEntry) []attEntry {
		return append(append([]attEntry(nil), base...), more...)
	}
	many := with(attTestDocx)
	for i := range 2000 {
		many = append(many, attEntry{fmt.Sprintf("word/media/%d.xml", i), "<x/>", false})
	}
	attWantRefusal(t, "2 003 entries", attZip(t, many...),
		"Ce fichier DOCX est anormal : il contient plus de 2\u202f000 éléments.")
	for _, name := range []string{"../../.bashrc", "word/../../evil.xml", "/etc/cron.d/x", `..\..\evil.bat`, `C:\evil.bat`} {
		attWantRefusal(t, "entry "+name, attZip(t, with(attTestDocx, attEntry{name, "x", false})...),
			"Ce fichier DOCX est anormal : le chemin d'un de ses éléments sort du document (« .. » ou chemin absolu).")
	}
	attWantRefusal(t, "ODT with a path out", attZip(t, with(attTestODT, attEntry{"../content.xml", "x", false})...),
		"Ce fichier ODT est anormal : le chemin d'un de ses éléments sort du document (« .. » ou chemin absolu).")
	attWantRefusal(t, "two entries of one name", attZip(t, with(attTestDocx, attEntry{"word/document.xml", "<autre/>", false})...),
		"Ce fichier DOCX est anormal : deux de ses éléments portent le même nom.")

	damaged := "Le fichier semble incomplet ou abîmé : il ne s'ouvre pas. " +
		"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez."
	attWantRefusal(t, "DOCX without word/document.xml", attZip(t,
		attEntry{"[Content_Types].xml", attTestTypesDocx, false},
		attEntry{"word/styles.xml", "<x/>", false},
	), damaged)

	mimetypeRule := "Ce fichier ODT est anormal : son élément « mimetype » doit être le premier et ne pas être compressé. " +
		"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez."
	attWantRefusal(t, "ODT with mimetype second", attZip(t,
		attEntry{"content.xml", attTestContent, false},
		attEntry{"mimetype", "application/vnd.oasis.opendocument.text", true},
	), mimetypeRule)
	attWantRefusal(t, "ODT with mimetype deflated", attZip(t,
		attEntry{"mimetype", "application/vnd.oasis.opendocument.text", false},
		attEntry{"content.xml", attTestContent, false},
	), mimetypeRule)
	attWantRefusal(t, "ODT with a line feed after its type", attZip(t,
		attEntry{"mimetype", "application/vnd.oasis.opendocument.text\n", true},
		attEntry{"content.xml", attTestContent, false},
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
	docx := attZipStream(t, []attEntry{
		{"[Content_Types].xml", attTestTypesDocx, false},
		{"word/document.xml", `<w:document><w:body>` + text + `</w:body></w:document>`, false},
	}, attBigEntry{name: "word/media/image1.jpeg", size: 3 << 20, random: true})
	if kind, err := CheckAttachment(docx); err != nil || kind != attDOCX {
		t.Errorf("big DOCX: %v, %v", kind, err)
	}
	odt := attZipStream(t, append(append([]attEntry(nil), attTestODT...),
		attEntry{"META-INF/manifest.xml", "<manifest:manifest/>", false},
		attEntry{"styles.xml", text, false}),
		attBigEntry{name: "Pictures/photo.jpeg", size: 2 << 20, random: true})
	if kind, err := CheckAttachment(odt); err != nil || kind != attODT {
		t.Errorf("big ODT: %v, %v", kind, err)
	}
	for _, name := range []string{"rapport.docx", "rapport.odt"} {
		if _, err := CheckAttachment(attFixture(t, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
