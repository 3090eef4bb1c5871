package assessment

// Text of the actor map: measurement (a conservative estimate, DejaVu Sans,
// the widest common fallback, so that text never overflows its box whatever
// the font), wrapping and fitting with "…", and the bounds the renderer puts
// on its input whatever the caller.
//
// No text is measured again for each character removed: a text is measured
// rune by rune from the left and the measure stops as soon as it no longer
// fits (widths only grow), so the cost of fitting is bounded by the room
// available, not by the length of the text; and amapBound cuts every text
// to the length validation allows before any layout.

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// amapMeasureHook, set by tests only, is told of each text measure with the
// number of runes it reads.
var amapMeasureHook func(runes int)

// amapEm holds the advance widths of DejaVu Sans, in em, for ASCII.
var amapEm = func() [128]float64 {
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

// amapBase maps the accented letters of French to their base letter.
var amapBase = map[rune]rune{
	'à': 'a', 'â': 'a', 'ä': 'a', 'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'î': 'i', 'ï': 'i', 'ô': 'o', 'ö': 'o', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ÿ': 'y',
	'À': 'A', 'Â': 'A', 'Ä': 'A', 'Ç': 'C', 'É': 'E', 'È': 'E', 'Ê': 'E', 'Ë': 'E',
	'Î': 'I', 'Ï': 'I', 'Ô': 'O', 'Ö': 'O', 'Ù': 'U', 'Û': 'U', 'Ü': 'U', 'Ÿ': 'Y',
	'’': '\'', '‘': '\'', '‐': '-', '‑': '-', '\u00a0': ' ', '\u202f': ' ',
}

func amapRuneEm(r rune) float64 {
	if b, ok := amapBase[r]; ok {
		r = b
	}
	if r < 128 {
		return amapEm[r]
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

// amapTextW is the width of s at the given font size.
func amapTextW(s string, size float64, bold bool) float64 {
	w := 0.0
	n := 0
	for _, r := range s {
		w += amapRuneEm(r)
		n++
	}
	if amapMeasureHook != nil {
		amapMeasureHook(n)
	}
	if bold {
		w *= 1.12
	}
	return w * size
}

// amapGauge says whether a text fits: at most maxRunes runes and maxW wide
// at the given size. Its arithmetic is that of amapTextW, so that both agree
// to the last bit.
type amapGauge struct {
	maxW, size float64
	bold       bool
	maxRunes   int
}

// fitsEm tells whether n runes of em total width fit.
func (g amapGauge) fitsEm(em float64, n int) bool {
	if g.bold {
		em *= 1.12
	}
	return n <= g.maxRunes && em*g.size <= g.maxW
}

// fits tells whether t fits, reading t only as long as it fits.
func (g amapGauge) fits(t string) bool {
	em, n := 0.0, 0
	for _, r := range t {
		em += amapRuneEm(r)
		n++
		if !g.fitsEm(em, n) {
			amapMeasured(n)
			return false
		}
	}
	amapMeasured(n)
	return true
}

// prefix is the number of leading runes of rs that fit.
func (g amapGauge) prefix(rs []rune) int {
	em := 0.0
	for j, r := range rs {
		em += amapRuneEm(r)
		if !g.fitsEm(em, j+1) {
			amapMeasured(j + 1)
			return j
		}
	}
	amapMeasured(len(rs))
	return len(rs)
}

func amapMeasured(n int) {
	if amapMeasureHook != nil {
		amapMeasureHook(n)
	}
}

// amapWrap breaks s on spaces into at most maxLines lines of at most
// maxRunes runes fitting maxW; what does not fit ends with "…".
func amapWrap(s string, maxW, size float64, bold bool, maxRunes, maxLines int) []string {
	g := amapGauge{maxW: maxW, size: size, bold: bold, maxRunes: maxRunes}
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
		lines[maxLines-1] = amapEllipsis(lines[maxLines-1], g)
	}
	return lines
}

// amapEllipsis shortens s until s+"…" fits: it keeps the longest prefix of
// s, trimmed of " ,;:-" on the right, that fits followed by "…" (just "…"
// when there is none). The prefixes are measured in one pass from the left,
// which stops at the first one too wide.
func amapEllipsis(s string, g amapGauge) string {
	ell := amapRuneEm('…')
	em, n, keep := 0.0, 0, 0 // keep: bytes of the longest suitable prefix
	for i, r := range s {
		em += amapRuneEm(r)
		n++
		if !g.fitsEm(em+ell, n+1) {
			break
		}
		if !strings.ContainsRune(" ,;:-", r) {
			_, w := utf8.DecodeRuneInString(s[i:])
			keep = i + w
		}
	}
	amapMeasured(n)
	// Through []rune, as the text is cut elsewhere: a byte that is not UTF-8
	// becomes U+FFFD.
	return string([]rune(s[:keep])) + "…"
}

// amapFit keeps s on one line, shortened with "…" if needed.
func amapFit(s string, maxW, size float64, bold bool) string {
	s = strings.Join(strings.Fields(s), " ")
	g := amapGauge{maxW: maxW, size: size, bold: bold, maxRunes: math.MaxInt}
	if g.fits(s) {
		return s
	}
	return amapEllipsis(s, g)
}

// ---------------------------------------------------------------------------
// Bounds of the input.

// amapMaxCode bounds the codes (domain, kind, direction) given to the
// renderer; the known ones are far shorter.
const amapMaxCode = 64

// amapClip cuts s to at most limit runes, the last one being "…" when s is
// longer, reading no more than limit+1 runes of s.
func amapClip(s string, limit int) string {
	n, cut := 0, 0
	for i := range s {
		if n == limit-1 {
			cut = i
		}
		if n == limit {
			return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}

// amapBound is the map as the layout takes it, whatever the caller: at most
// amapMaxActors actors and amapMaxRelations relations, each text cut to the
// length validation allows. A map within these limits comes back equal;
// truncated tells whether actors or relations were left out.
func amapBound(m ActorMap) (b ActorMap, truncated bool) {
	actors, relations := m.Actors, m.Relations
	if len(actors) > amapMaxActors {
		actors, truncated = actors[:amapMaxActors], true
	}
	if len(relations) > amapMaxRelations {
		relations, truncated = relations[:amapMaxRelations], true
	}
	b = ActorMap{Title: amapClip(m.Title, amapMaxName), Theme: amapClip(m.Theme, amapMaxName),
		Territory: amapClip(m.Territory, amapMaxName)}
	if actors != nil {
		b.Actors = make([]Actor, len(actors))
	}
	for i, a := range actors {
		b.Actors[i] = Actor{ID: amapClip(a.ID, amapMaxID), Name: amapClip(a.Name, amapMaxName), Type: amapClip(a.Type, amapMaxType),
			Domain: Domain(amapClip(string(a.Domain), amapMaxCode)), StructureRef: amapClip(a.StructureRef, amapMaxID)}
	}
	if relations != nil {
		b.Relations = make([]Relation, len(relations))
	}
	for i, r := range relations {
		b.Relations[i] = Relation{From: amapClip(r.From, amapMaxID), To: amapClip(r.To, amapMaxID),
			Kind: RelationKind(amapClip(string(r.Kind), amapMaxCode)), Direction: Direction(amapClip(string(r.Direction), amapMaxCode)),
			Comment: amapClip(r.Comment, amapMaxComment)}
	}
	return b, truncated
}
