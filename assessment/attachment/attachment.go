// Package attachment checks the files joined to a report and names them.
package attachment

// Attachments joined to a report: PDF, ODT or DOCX, checked by their
// content, stored under a random name outside the web root, downloaded under
// a sanitized version of the name the learner gave them.
//
// Serving them is the HTTP layer's job; it should send the stored kind's MIME
// (never the client's), "Content-Disposition: attachment" built with
// mime.FormatMediaType("attachment", map[string]string{"filename": name})
// (which encodes accents per RFC 2231), and "X-Content-Type-Options: nosniff".

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casp-cnam/casp/internal/french"
	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/text/unicode/norm"
)

// Kind is a type of file accepted as an attachment.
type Kind struct {
	Ext   string // with its dot, lower case: ".pdf"
	MIME  string // the type to serve it with
	Label string // its name for learners, in French
}

// The accepted kinds.
var (
	kindPDF  = Kind{Ext: ".pdf", MIME: "application/pdf", Label: "PDF"}
	kindODT  = Kind{Ext: ".odt", MIME: "application/vnd.oasis.opendocument.text", Label: "Texte OpenDocument (ODT)"}
	kindDOCX = Kind{Ext: ".docx", MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Label: "Document Word (DOCX)"}
)

// Allowed lists the kinds Check accepts.
var Allowed = []Kind{kindPDF, kindODT, kindDOCX}

// MaxBytes is the largest file accepted (10 Mio).
const MaxBytes = 10 << 20

// QuotaBytes is what one learner may store in all (50 Mio).
const QuotaBytes = 50 << 20

// maxDownloadNameRunes bounds DownloadName's result, extension included.
const maxDownloadNameRunes = 120

// defaultStem names a file whose original name has nothing left.
const defaultStem = "pièce-jointe"

// The content types a DOCX package declares in [Content_Types].xml.
const (
	docxMain  = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	docmMain  = "application/vnd.ms-word.document.macroEnabled.main+xml"
	dotxMain  = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
	dotmMain  = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
	odfPrefix = "application/vnd.oasis.opendocument."
)

var (
	errEmpty   = errors.New("Le fichier est vide.")
	errDamaged = errors.New("Le fichier semble incomplet ou abîmé : il ne s'ouvre pas. " +
		"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez.")
	errMacros = errors.New("Les documents Word contenant des macros (DOCM) ne sont pas acceptés : " +
		"enregistrez-le au format « Document Word (.docx) ».")
	errEncrypted = errors.New("Ce document est protégé par un mot de passe : les évaluateurs ne pourraient pas l'ouvrir. " +
		"Enregistrez-le sans mot de passe, puis réessayez.")
)

// Check tells what a file is by its content alone — never by its
// name nor by the Content-Type the browser sent — and returns its kind if it
// is a PDF, an ODT or a DOCX. Otherwise the error's message, in French, is
// meant to be shown next to the form field:
//
//	Le fichier est vide.
//	Le fichier dépasse 10 Mio (12,4 Mio).
//	Ce fichier n'est ni un PDF, ni un document ODT, ni un document DOCX (type détecté : image PNG).
//
// content is the whole file: the caller reads at most MaxBytes+1
// bytes (io.LimitReader), so that a larger file is refused without being
// held in memory whole; the size is checked before anything is sniffed.
//
// The whole content is needed because ODT and DOCX are ZIP packages whose
// telling entries may lie anywhere: mimetype (used here for PDF and to name
// refused types) looks at the first 4 KiB only, enough for a PDF's "%PDF-"
// but not for a DOCX whose "word/" entries come after a thumbnail. Those two
// are recognized by reading the ZIP's central directory (archive/zip):
//   - ODT: a "mimetype" entry holding exactly
//     application/vnd.oasis.opendocument.text, and a "content.xml" entry;
//     refused if its manifest declares encryption (password).
//   - DOCX: a "[Content_Types].xml" declaring the WordprocessingML main
//     document type, and a "word/document.xml" entry; macro-enabled documents
//     (DOCM) and templates are refused.
//
// A recognized package must then be sound (checkPackage): at most 2 000
// entries, none with a path leaving the document, no name twice, at most
// 100 Mio once decompressed, no entry compressed more than 200 times; the
// ODT "mimetype" entry first and stored. The declared sizes are checked
// before anything is decompressed, then every entry is decompressed into
// nothing, the bytes counted, so that a package lying about its sizes is
// refused too: a ZIP bomb costs at most 100 Mio of decompression, never
// memory, and is never passed on to assessors.
func Check(content []byte) (Kind, error) {
	size := int64(len(content))
	if size == 0 {
		return Kind{}, errEmpty
	}
	if size > MaxBytes {
		limit := french.Size(MaxBytes)
		got := french.Size(size)
		if got == limit {
			// The caller stopped reading at MaxBytes+1: the real
			// size is unknown, and "10 Mio (10 Mio)" would say nothing.
			return Kind{}, fmt.Errorf("Le fichier dépasse %s.", limit)
		}
		return Kind{}, fmt.Errorf("Le fichier dépasse %s (%s).", limit, got)
	}

	detected := mimetype.Detect(content)
	if detected.Is(kindPDF.MIME) {
		// mimetype accepts "%PDF-" anywhere in the first KiB (as the PDF
		// spec's appendix allows); a file from a word processor or a
		// scanner starts with it, and anything else (say, a web page
		// with "%PDF-" in a comment) is not taken as a PDF.
		if hasPDFSignature(content) {
			return kindPDF, nil
		}
		return Kind{}, errDamaged
	}
	if detected.Is("application/zip") || bytes.HasPrefix(content, []byte("PK\x03\x04")) {
		return checkZip(content, detected)
	}
	return Kind{}, notAllowed(typeLabel(detected))
}

// hasPDFSignature: "%PDF-" first, or after a line feed or a UTF-8 BOM
// (the prefixes the file(1) magic accepts).
func hasPDFSignature(content []byte) bool {
	for _, prefix := range []string{"%PDF-", "\n%PDF-", "\xef\xbb\xbf%PDF-"} {
		if bytes.HasPrefix(content, []byte(prefix)) {
			return true
		}
	}
	return false
}

// checkZip recognizes an ODT or a DOCX package.
func checkZip(content []byte, detected *mimetype.MIME) (Kind, error) {
	// Whether it looks like an office package, to choose the message if
	// the ZIP turns out unreadable: what mimetype saw in the first 4 KiB,
	// or the names of the first entries, still there in a cut file.
	head := content[:min(len(content), 64<<10)]
	officeLike := detected.Is(kindODT.MIME) || detected.Is(kindDOCX.MIME) ||
		strings.HasPrefix(baseMIME(detected), odfPrefix) ||
		bytes.Contains(head, []byte("[Content_Types].xml")) ||
		bytes.Contains(head, []byte("mimetype"+odfPrefix))

	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		if officeLike {
			return Kind{}, errDamaged
		}
		return Kind{}, notAllowed(typeLabel(detected))
	}
	files := map[string]*zip.File{}
	hasWordDir := false
	for _, f := range zr.File {
		if _, dup := files[f.Name]; !dup {
			files[f.Name] = f
		}
		if strings.HasPrefix(f.Name, "word/") {
			hasWordDir = true
		}
	}

	if f := files["mimetype"]; f != nil {
		declared, err := readEntry(f, 256)
		if err != nil {
			return Kind{}, errDamaged
		}
		mt := strings.TrimSpace(string(declared))
		if mt == kindODT.MIME {
			if files["content.xml"] == nil {
				return Kind{}, errDamaged
			}
			if m := files["META-INF/manifest.xml"]; m != nil {
				manifest, err := readEntry(m, 1<<20)
				if err != nil {
					return Kind{}, errDamaged
				}
				if bytes.Contains(manifest, []byte("encryption-data")) {
					return Kind{}, errEncrypted
				}
			}
			// As ODF 1.2 requires, so that the package tells its type by
			// its first bytes to any tool an assessor opens it with.
			first := zr.File[0]
			if first.Name != "mimetype" || first.Method != zip.Store || string(declared) != kindODT.MIME {
				return Kind{}, anomaly(kindODT, "son élément « mimetype » doit être le premier et ne pas être compressé. "+
					"Enregistrez-le de nouveau depuis votre traitement de texte, puis réessayez")
			}
			return checkPackage(zr, kindODT)
		}
		if strings.HasPrefix(mt, odfPrefix) {
			// Another OpenDocument: spreadsheet, presentation, template…
			return Kind{}, notAllowed(typeLabelFor(mt, ""))
		}
	}

	if f := files["[Content_Types].xml"]; f != nil {
		types, err := readEntry(f, 1<<20)
		if err != nil {
			return Kind{}, errDamaged
		}
		switch {
		case bytes.Contains(types, []byte(docxMain)):
			if files["word/document.xml"] == nil {
				return Kind{}, errDamaged
			}
			return checkPackage(zr, kindDOCX)
		case bytes.Contains(types, []byte(docmMain)):
			return Kind{}, errMacros
		case bytes.Contains(types, []byte(dotxMain)), bytes.Contains(types, []byte(dotmMain)):
			return Kind{}, notAllowed("modèle Word (DOTX)")
		}
		if hasWordDir {
			return Kind{}, errDamaged
		}
	}

	if detected.Is(kindDOCX.MIME) || detected.Is(kindODT.MIME) {
		// Looked like one in its first bytes, but is not whole.
		return Kind{}, errDamaged
	}
	return Kind{}, notAllowed(typeLabel(detected))
}

// The bounds of a sound office package.
const (
	maxEntries  = 2000
	maxUnpacked = 100 << 20
	// maxRatio bounds an entry's compression, past ratioFloor bytes:
	// text compresses some ten times, images hardly at all, while a run of
	// zeros (a bomb) compresses a thousand times.
	maxRatio   = 200
	ratioFloor = 1 << 20
)

// anomaly is the message for a package built to harm, or broken.
func anomaly(kind Kind, problem string) error {
	return fmt.Errorf("Ce fichier %s est anormal : %s.", strings.ToUpper(strings.TrimPrefix(kind.Ext, ".")), problem)
}

// checkPackage checks a recognized package's structure and sizes, first
// as declared, then as actually decompressed.
func checkPackage(zr *zip.Reader, kind Kind) (Kind, error) {
	if len(zr.File) > maxEntries {
		return Kind{}, anomaly(kind, "il contient plus de 2\u202f000 éléments")
	}
	seen := make(map[string]bool, len(zr.File))
	var declared uint64
	for _, f := range zr.File {
		if unsafePath(f.Name) {
			return Kind{}, anomaly(kind, "le chemin d'un de ses éléments sort du document (« .. » ou chemin absolu)")
		}
		if seen[f.Name] {
			return Kind{}, anomaly(kind, "deux de ses éléments portent le même nom")
		}
		seen[f.Name] = true
		declared += f.UncompressedSize64
		if f.UncompressedSize64 > maxUnpacked || declared > maxUnpacked {
			return Kind{}, anomaly(kind, "son contenu décompressé dépasserait 100 Mio")
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > maxRatio*f.CompressedSize64 {
			return Kind{}, anomaly(kind, "un de ses éléments est compressé plus de 200 fois, ce qu'aucun document ne fait")
		}
	}
	// archive/zip fails an entry that inflates past its declared size or
	// whose checksum differs; the limit bounds the work whatever happens.
	var total int64
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return Kind{}, errDamaged
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, maxUnpacked-total+1))
		rc.Close()
		total += n
		if total > maxUnpacked {
			return Kind{}, anomaly(kind, "son contenu décompressé dépasserait 100 Mio")
		}
		if err != nil {
			return Kind{}, errDamaged
		}
	}
	return kind, nil
}

// unsafePath tells an entry name that would leave the folder a package
// is extracted to: absolute, with a drive letter, or with a ".." element,
// with either slash.
func unsafePath(name string) bool {
	if strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || (len(name) >= 2 && name[1] == ':') {
		return true
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return true
		}
	}
	return false
}

// readEntry decompresses a ZIP entry, refusing one larger than limit.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errors.New("entrée trop grande")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errors.New("entrée trop grande")
	}
	return b, nil
}

func notAllowed(label string) error {
	return fmt.Errorf("Ce fichier n'est ni un PDF, ni un document ODT, ni un document DOCX (type détecté : %s).", label)
}

// baseMIME is the detected type without parameters (charset).
func baseMIME(m *mimetype.MIME) string {
	base, _, _ := strings.Cut(m.String(), ";")
	return strings.TrimSpace(base)
}

func typeLabel(m *mimetype.MIME) string {
	return typeLabelFor(baseMIME(m), m.Extension())
}

// typeLabels names, in French, the types learners are likely to send by
// mistake.
var typeLabels = map[string]string{
	"image/png":                     "image PNG",
	"image/apng":                    "image PNG",
	"image/jpeg":                    "image JPEG",
	"image/gif":                     "image GIF",
	"image/webp":                    "image WebP",
	"image/heic":                    "image HEIC",
	"image/heif":                    "image HEIF",
	"image/avif":                    "image AVIF",
	"image/tiff":                    "image TIFF",
	"image/bmp":                     "image BMP",
	"image/svg+xml":                 "image SVG",
	"text/html":                     "page web HTML",
	"application/xhtml+xml":         "page web HTML",
	"text/plain":                    "texte brut",
	"text/rtf":                      "document RTF",
	"text/csv":                      "tableau CSV",
	"text/xml":                      "fichier XML",
	"application/json":              "fichier JSON",
	"text/javascript":               "script JavaScript",
	"application/zip":               "archive ZIP",
	"application/vnd.rar":           "archive RAR",
	"application/x-7z-compressed":   "archive 7z",
	"application/gzip":              "archive GZIP",
	"application/x-tar":             "archive TAR",
	"application/msword":            "document Word 97-2003 (DOC)",
	"application/vnd.ms-excel":      "classeur Excel 97-2003 (XLS)",
	"application/vnd.ms-powerpoint": "présentation PowerPoint 97-2003 (PPT)",
	"application/x-ole-storage":     "document Office ancien format ou protégé par mot de passe",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "classeur Excel (XLSX)",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "présentation PowerPoint (PPTX)",
	"application/vnd.oasis.opendocument.spreadsheet":                            "classeur OpenDocument (ODS)",
	"application/vnd.oasis.opendocument.presentation":                           "présentation OpenDocument (ODP)",
	"application/vnd.oasis.opendocument.graphics":                               "dessin OpenDocument (ODG)",
	"application/vnd.oasis.opendocument.text-template":                          "modèle de texte OpenDocument (OTT)",
	"application/epub+zip":                                                      "livre numérique EPUB",
	"application/postscript":                                                    "document PostScript",
	"application/vnd.microsoft.portable-executable":                             "programme exécutable",
	"application/x-executable":                                                  "programme exécutable",
	"application/x-elf":                                                         "programme exécutable",
	"application/x-mach-binary":                                                 "programme exécutable",
	"application/x-msdownload":                                                  "programme exécutable",
	"application/x-ms-installer":                                                "programme d'installation",
	"application/java-archive":                                                  "archive Java (JAR)",
	"application/octet-stream":                                                  "inconnu",
}

// typeLabelFor names a MIME type in French: from the table, else by family
// ("image JXL", "fichier audio MP3"), else the MIME type itself.
func typeLabelFor(mimeType, ext string) string {
	if l, ok := typeLabels[mimeType]; ok {
		return l
	}
	e := strings.ToUpper(strings.TrimPrefix(ext, "."))
	family, _, _ := strings.Cut(mimeType, "/")
	switch family {
	case "image":
		return strings.TrimSpace("image " + e)
	case "audio":
		return strings.TrimSpace("fichier audio " + e)
	case "video":
		return strings.TrimSpace("vidéo " + e)
	case "text":
		return "texte"
	}
	if strings.HasPrefix(mimeType, odfPrefix) {
		return "document OpenDocument d'un autre type que texte"
	}
	if mimeType == "" {
		return "inconnu"
	}
	return mimeType
}

// StoredName returns a random, unguessable file name for storing an
// attachment outside the web root: 128 bits from crypto/rand in lower-case
// hex, then the kind's extension, e.g. "3f2a…9c.pdf" (32 hex digits). It
// refuses a kind that is not one of Allowed, so nothing else can
// ever be written with an extension of its own choosing.
func StoredName(kind Kind) (string, error) {
	allowed := false
	for _, k := range Allowed {
		if k == kind {
			allowed = true
			break
		}
	}
	if !allowed {
		return "", fmt.Errorf("assessment: type de pièce jointe non autorisé (%q)", kind.Ext)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]) + kind.Ext, nil
}

// reservedNames are device names Windows refuses as file names, with or
// without an extension.
var reservedNames = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true,
	"COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true,
	"LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// DownloadName turns the name a learner's browser sent into one safe to offer
// for download (Content-Disposition) and to show:
//   - only the last path element is kept ("../../etc/passwd" → "passwd",
//     "C:\Users\marie\rapport.pdf" → "rapport.pdf");
//   - accents are kept, in NFC (macOS sends decomposed letters);
//   - control and invisible formatting characters (including bidirectional
//     overrides that disguise an extension), double quotes and the characters
//     Windows forbids (< > : | ? *) are removed; runs of white space become
//     one space; leading and trailing spaces and dots are trimmed;
//   - the kind's extension is forced: a trailing one in any case is replaced
//     ("RAPPORT.PDF" → "RAPPORT.pdf"), another one is kept before it
//     ("scan.png" → "scan.png.pdf");
//   - at most 120 runes, extension included; Windows device names (CON,
//     NUL…) get a leading "_"; an empty result becomes "pièce-jointe".
func DownloadName(original string, kind Kind) string {
	ext := strings.ToLower(kind.Ext)
	name := norm.NFC.String(strings.ToValidUTF8(original, ""))

	// Last non-empty path element.
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' })
	name = ""
	if len(parts) > 0 {
		name = parts[len(parts)-1]
	}

	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			continue
		case strings.ContainsRune("\"<>:|?*", r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	// Trailing dots first ("rapport.pdf." is a PDF named "rapport"),
	// leading ones after the extension (".pdf" alone has no name).
	stem := strings.TrimRight(b.String(), " .")
	if ext != "" && len(stem) >= len(ext) && strings.EqualFold(stem[len(stem)-len(ext):], ext) {
		stem = stem[:len(stem)-len(ext)]
	}
	stem = trimName(stem)

	if base, _, _ := strings.Cut(stem, "."); reservedNames[strings.ToUpper(strings.TrimSpace(base))] {
		stem = "_" + stem
	}
	if room := maxDownloadNameRunes - utf8.RuneCountInString(ext); utf8.RuneCountInString(stem) > room {
		stem = trimName(string([]rune(stem)[:room]))
	}
	if stem == "" {
		stem = defaultStem
	}
	return stem + ext
}

func trimName(s string) string {
	return strings.Trim(s, " .")
}
