package layout

// Text of the actor map: measurement (a conservative estimate, DejaVu Sans,
// the widest common fallback, so that text never overflows its box whatever
// the font), wrapping and fitting with "…".
//
// No text is measured again for each character removed: a text is measured
// rune by rune from the left and the measure stops as soon as it no longer
// fits (widths only grow), so the cost of fitting is bounded by the room
// available, not by the length of the text; and bound cuts every text
// to the length validation allows before any layout.

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// measureHook, set by tests only, is told of each text measure with the
// number of runes it reads.
var measureHook func(runes int)

// emWidths holds the advance widths of DejaVu Sans, in em, for ASCII.
var emWidths = func() [128]float64 {
	var t [128]float64
	for i := range t {
		t[i] = 0.8
	}
	set := func(chars string, ws ...float64) {
		for i, c := range chars {
			t[c] = ws[i]
		}
	}
	set("ABCDEFGHIJKLMNOPQRSTUVWXYZ", .684, .686, .698, .77, .632, .575, .775, .752, .295, .295, .656, .557, .863, .748, .787, .603, .787, .695, .635, .611, .732, .684, .989, .685, .611, .685)
	set("abcdefghijklmnopqrstuvwxyz", .613, .635, .55, .635, .615, .352, .635, .634, .278, .278, .579, .278, .974, .634, .612, .635, .635, .411, .521, .392, .634, .592, .818, .592, .592, .525)
	set("0123456789", .636, .636, .636, .636, .636, .636, .636, .636, .636, .636)
	set(" !\"#$%&'()*+,-./:;<=>?@[\\]_", .318, .401, .46, .838, .636, .95, .78, .275, .39, .39, .5, .838, .318, .361, .318, .337, .337, .337, .838, .838, .838, .531, 1.0, .39, .337, .39, .5)
	return t
}()

// baseRune maps the accented letters of French to their base letter.
var baseRune = map[rune]rune{
	'à': 'a', 'â': 'a', 'ä': 'a', 'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'î': 'i', 'ï': 'i', 'ô': 'o', 'ö': 'o', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ÿ': 'y',
	'À': 'A', 'Â': 'A', 'Ä': 'A', 'Ç': 'C', 'É': 'E', 'È': 'E', 'Ê': 'E', 'Ë': 'E',
	'Î': 'I', 'Ï': 'I', 'Ô': 'O', 'Ö': 'O', 'Ù': 'U', 'Û': 'U', 'Ü': 'U', 'Ÿ': 'Y',
	'’': '\'', '‘': '\'', '‐': '-', '‑': '-', '\u00a0': ' ', '\u202f': ' ',
}

func runeEm(r rune) float64 {
	if b, ok := baseRune[r]; ok {
		r = b
	}
	if r < 128 {
		return emWidths[r]
	}
	switch r {
	case '«', '»':
		return 0.557
	case '–':
		return 0.5
	case '—', '…':
		return 1.0
	case 'œ', 'æ':
		return 0.995
	case 'Œ', 'Æ':
		return 1.07
	}
	if unicode.IsUpper(r) {
		return 0.8
	}
	return 0.7
}

// textW is the width of s at the given font size.
func textW(s string, size float64, bold bool) float64 {
	w := 0.0
	n := 0
	for _, r := range s {
		w += runeEm(r)
		n++
	}
	if measureHook != nil {
		measureHook(n)
	}
	if bold {
		w *= 1.12
	}
	return w * size
}

// gauge says whether a text fits: at most maxRunes runes and maxW wide
// at the given size. Its arithmetic is that of textW, so that both agree
// to the last bit.
type gauge struct {
	maxW, size float64
	bold       bool
	maxRunes   int
}

// fitsEm tells whether n runes of em total width fit.
func (g gauge) fitsEm(em float64, n int) bool {
	if g.bold {
		em *= 1.12
	}
	return n <= g.maxRunes && em*g.size <= g.maxW
}

// fits tells whether t fits, reading t only as long as it fits.
func (g gauge) fits(t string) bool {
	em, n := 0.0, 0
	for _, r := range t {
		em += runeEm(r)
		n++
		if !g.fitsEm(em, n) {
			measured(n)
			return false
		}
	}
	measured(n)
	return true
}

// prefix is the number of leading runes of rs that fit.
func (g gauge) prefix(rs []rune) int {
	em := 0.0
	for j, r := range rs {
		em += runeEm(r)
		if !g.fitsEm(em, j+1) {
			measured(j + 1)
			return j
		}
	}
	measured(len(rs))
	return len(rs)
}

func measured(n int) {
	if measureHook != nil {
		measureHook(n)
	}
}

// wrap breaks s on spaces into at most maxLines lines of at most
// maxRunes runes fitting maxW; what does not fit ends with "…".
func wrap(s string, maxW, size float64, bold bool, maxRunes, maxLines int) []string {
	g := gauge{maxW: maxW, size: size, bold: bold, maxRunes: maxRunes}
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for wi := 0; wi < len(words) && len(lines) <= maxLines; wi++ {
		w := words[wi]
		cand := w
		if cur != "" {
			cand = cur + " " + w
		}
		if g.fits(cand) {
			cur = cand
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
			wi--
			continue
		}
		// One word longer than a line: cut it, after a hyphen if possible.
		rs := []rune(w)
		cut := max(1, g.prefix(rs))
		for k := cut - 1; k >= cut/2 && k > 0; k-- {
			if rs[k-1] == '-' {
				cut = k
				break
			}
		}
		lines = append(lines, string(rs[:cut]))
		words[wi] = string(rs[cut:])
		wi--
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = ellipsis(lines[maxLines-1], g)
	}
	return lines
}

// ellipsis shortens s until s+"…" fits: it keeps the longest prefix of
// s, trimmed of " ,;:-" on the right, that fits followed by "…" (just "…"
// when there is none). The prefixes are measured in one pass from the left,
// which stops at the first one too wide.
func ellipsis(s string, g gauge) string {
	ell := runeEm('…')
	em, n, keep := 0.0, 0, 0 // keep: bytes of the longest suitable prefix
	for i, r := range s {
		em += runeEm(r)
		n++
		if !g.fitsEm(em+ell, n+1) {
			break
		}
		if !strings.ContainsRune(" ,;:-", r) {
			_, w := utf8.DecodeRuneInString(s[i:])
			keep = i + w
		}
	}
	measured(n)
	// Through []rune, as the text is cut elsewhere: a byte that is not UTF-8
	// becomes U+FFFD.
	return string([]rune(s[:keep])) + "…"
}

// fit keeps s on one line, shortened with "…" if needed.
func fit(s string, maxW, size float64, bold bool) string {
	s = strings.Join(strings.Fields(s), " ")
	g := gauge{maxW: maxW, size: size, bold: bold, maxRunes: math.MaxInt}
	if g.fits(s) {
		return s
	}
	return ellipsis(s, g)
}
