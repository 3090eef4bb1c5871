package pdf

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The fonts are the Go fonts (Bigelow & Holmes, humanist sans and its
// monospaced sibling), compiled into the binary: nothing is fetched or read
// from the system at run time. They cover Latin-1, Latin Extended-A
// (œ, Œ), French quotes « », the no-break space, dashes, ellipsis and
// arrows: all that French text needs. fpdf embeds only the glyphs used.
type style uint8

const (
	bold style = 1 << iota
	italic
	mono
	strike
)

// face is a font file registered under an fpdf family and style.
type face struct {
	family, style string
	ttf           []byte
}

var faces = map[style]face{
	0:             {"go", "", goregular.TTF},
	bold:          {"go", "B", gobold.TTF},
	italic:        {"go", "I", goitalic.TTF},
	bold | italic: {"go", "BI", gobolditalic.TTF},
	mono:          {"gomono", "", gomono.TTF},
}

// faceOf is the font drawing a style: monospace has one weight here, and
// strikethrough is a decoration, not a face.
func faceOf(st style) style {
	if st&mono != 0 {
		return mono
	}
	return st & (bold | italic)
}

func addFonts(f *fpdf.Fpdf) {
	for _, st := range []style{0, bold, italic, bold | italic, mono} {
		fc := faces[st]
		f.AddUTF8FontFromBytes(fc.family, fc.style, fc.ttf)
	}
}

// metrics are computed once per process: which runes every face can draw,
// and the advance width of each of them, in millimetres per point of font
// size, as fpdf computes it (so that our line breaking matches its drawing).
type metrics struct {
	covered map[rune]bool
	widths  map[style]map[rune]float64
}

var fontMetrics = sync.OnceValue(func() *metrics {
	m := &metrics{covered: map[rune]bool{}, widths: map[style]map[rune]float64{}}
	var buf sfnt.Buffer
	fonts := make([]*sfnt.Font, 0, len(faces))
	for _, fc := range faces {
		fnt, err := sfnt.Parse(fc.ttf)
		if err != nil {
			panic("pdf: police embarquée illisible : " + err.Error())
		}
		fonts = append(fonts, fnt)
	}
	for r := rune(0x20); r <= 0xFFFF; r++ {
		all := true
		for _, fnt := range fonts {
			if g, err := fnt.GlyphIndex(&buf, r); err != nil || g == 0 {
				all = false
				break
			}
		}
		if all {
			m.covered[r] = true
		}
	}
	// A page-less document only measures: SetFont writes nothing.
	f := fpdf.New("P", "mm", "A4", "")
	addFonts(f)
	for st, fc := range faces {
		f.SetFont(fc.family, fc.style, 1)
		w := make(map[rune]float64, len(m.covered))
		for r := range m.covered {
			w[r] = f.GetStringWidth(string(r))
		}
		m.widths[st] = w
	}
	if err := f.Error(); err != nil {
		panic("pdf: polices embarquées : " + err.Error())
	}
	return m
})

// substitutes are drawn for characters the fonts lack, keeping the
// meaning: a narrow no-break space stays a no-break space.
var substitutes = map[rune]string{
	'\u202f': "\u00a0", // espace fine insécable
	'\u2007': "\u00a0",
	'\u2060': "",
	'\u200b': "",
	'\u00ad': "",
	'\u2009': " ",
	'\u200a': " ",
	'\u2002': " ",
	'\u2003': " ",
	'\u2010': "-",
	'\u2011': "-",
	'\u2012': "–",
	'\u2015': "—",
	'\u2713': "√", // coche
	'\u2714': "√",
	'\u2717': "×",
	'\u2718': "×",
	'\u2610': "□",
	'\u2611': "■",
	'\u2612': "■",
	'\u02bc': "’",
	'\u2023': "•",
	'\u2043': "•",
	'\u25b8': "►",
	'\u201f': "\"",
	'\u2032': "'",
	'\u2033': "\"",
}

// clean makes text drawable: valid UTF-8, no control characters (a tab is a
// space, a line feed is kept for the layout), characters the fonts lack
// replaced by a close equivalent or by U+FFFD, which is visible, rather
// than silently dropped. Letters, quotes and spaces the fonts have are
// never changed.
func clean(s string) string {
	m := fontMetrics()
	ok := true
	for _, r := range s {
		if r == '\n' || (r >= 0x20 && r != 0x7f && m.covered[r]) {
			continue
		}
		ok = false
		break
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r' || unicode.IsControl(r):
		case m.covered[r]:
			b.WriteRune(r)
		default:
			if sub, ok := substitutes[r]; ok && (sub == "" || coveredAll(m, sub)) {
				b.WriteString(sub)
			} else {
				b.WriteRune('\uFFFD')
			}
		}
	}
	return b.String()
}

func coveredAll(m *metrics, s string) bool {
	for _, r := range s {
		if !m.covered[r] {
			return false
		}
	}
	return true
}

// textWidth is the width in millimetres of cleaned text in a style and size.
func textWidth(s string, st style, size float64) float64 {
	w := fontMetrics().widths[faceOf(st)]
	var sum float64
	for _, r := range s {
		sum += w[r]
	}
	return sum * size
}

// fitPrefix returns the length in bytes of the longest prefix of s that
// fits in avail millimetres (0 when not even the first rune fits).
func fitPrefix(s string, st style, size, avail float64) int {
	w := fontMetrics().widths[faceOf(st)]
	var sum float64
	for i, r := range s {
		sum += w[r] * size
		if sum > avail+epsilon {
			return i
		}
	}
	return len(s)
}

const epsilon = 1e-6
