//go:build ignore

// generate writes the attachment fixtures of this folder, used by
// attachment_test.go (the outputs are committed; rerun only to change them):
//
//	go run ./assessment/attachment/testdata/attachments/generate.go ./assessment/attachment/testdata/attachments
//
// rapport.pdf, .odt and .docx are minimal but real documents (pdftotext and
// pandoc read them); image-png.pdf is a PNG under a PDF name; archive.zip a
// ZIP that is no office document; page.html a web page with a script.
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
)

// 2024-09-02 09:00, in MS-DOS form (set directly: Modified would add an
// extra field, which the ODF "mimetype" entry must not have).
const (
	dosDate = (2024-1980)<<9 | 9<<5 | 2
	dosTime = 9 << 11
)

type entry struct {
	name, body string
	store      bool
}

func zipOf(entries []entry) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.store {
			// As the ODF spec wants the "mimetype" entry: stored, no
			// extra field, no data descriptor.
			n := uint64(len(e.body))
			h := &zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(e.body)),
				CompressedSize64: n, UncompressedSize64: n, ModifiedDate: dosDate, ModifiedTime: dosTime}
			f, err := w.CreateRaw(h)
			if err != nil {
				panic(err)
			}
			f.Write([]byte(e.body))
			continue
		}
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, ModifiedDate: dosDate, ModifiedTime: dosTime})
		if err != nil {
			panic(err)
		}
		f.Write([]byte(e.body))
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func pdf() []byte {
	content := "BT /F1 18 Tf 72 770 Td (Rapport de stage - test) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

const odtManifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`

const odtContent = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body>
  <office:text>
   <text:p>Rapport de stage : évaluation de l'accompagnement.</text:p>
  </office:text>
 </office:body>
</office:document-content>
`

const odtStyles = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">
 <office:styles/>
</office:document-styles>
`

const docxTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
 <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
 <Default Extension="xml" ContentType="application/xml"/>
 <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>
`

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
 <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>
`

const docxDocument = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
 <w:body>
  <w:p><w:r><w:t>Rapport de stage : évaluation de l'accompagnement.</w:t></w:r></w:p>
 </w:body>
</w:document>
`

func pngBytes() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := 0; x < 8; x++ {
		for y := 0; y < 8; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 32), uint8(y * 32), 128, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func main() {
	dir := os.Args[1]
	files := map[string][]byte{
		"rapport.pdf": pdf(),
		"rapport.odt": zipOf([]entry{
			{"mimetype", "application/vnd.oasis.opendocument.text", true},
			{"META-INF/manifest.xml", odtManifest, false},
			{"content.xml", odtContent, false},
			{"styles.xml", odtStyles, false},
		}),
		"rapport.docx": zipOf([]entry{
			{"[Content_Types].xml", docxTypes, false},
			{"_rels/.rels", docxRels, false},
			{"word/document.xml", docxDocument, false},
		}),
		"image-png.pdf": pngBytes(),
		"archive.zip":   zipOf([]entry{{"notes.txt", "Notes de lecture.\n", false}, {"rapport.txt", "Brouillon.\n", false}}),
		"page.html":     []byte("<!DOCTYPE html>\n<html lang=\"fr\"><head><title>Rapport</title></head><body><p>Rapport</p><script>alert(1)</script></body></html>\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			panic(err)
		}
	}
}
