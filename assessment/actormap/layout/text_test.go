package layout

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casp-cnam/casp/assessment/actormap"
)

// textField is a text field of a map, with its maximal length.
type textField struct {
	name string
	max  int
	set  func(m *actormap.Map, v string)
}

var textFields = []textField{
	{"titre", actormap.MaxName, func(m *actormap.Map, v string) { m.Title = v }},
	{"titre-carte-vide", actormap.MaxName, func(m *actormap.Map, v string) { m.Title, m.Actors, m.Relations = v, nil, nil }},
	{"thematique", actormap.MaxName, func(m *actormap.Map, v string) { m.Theme = v }},
	{"territoire", actormap.MaxName, func(m *actormap.Map, v string) { m.Territory = v }},
	{"acteur-id", actormap.MaxID, func(m *actormap.Map, v string) {
		old := m.Actors[0].ID
		m.Actors[0].ID = v
		for i := range m.Relations {
			if m.Relations[i].From == old {
				m.Relations[i].From = v
			}
			if m.Relations[i].To == old {
				m.Relations[i].To = v
			}
		}
	}},
	{"acteur-nom", actormap.MaxName, func(m *actormap.Map, v string) { m.Actors[0].Name = v }},
	{"acteur-type", actormap.MaxType, func(m *actormap.Map, v string) { m.Actors[0].Type = v }},
	{"acteur-structure", actormap.MaxID, func(m *actormap.Map, v string) { m.Actors[0].StructureRef = v }},
	{"relation-commentaire", actormap.MaxComment, func(m *actormap.Map, v string) { m.Relations[0].Comment = v }},
}

// with is the example map with the field set to v.
func (f textField) with(v string) actormap.Map {
	m := example()
	f.set(&m, v)
	return m
}

// hostileText is n runes of French text, of words and punctuation.
func hostileText(n int) string {
	const unit = "Insertion sociale et professionnelle des jeunes, quartier prioritaire — accès aux droits ; "
	s := strings.Repeat(unit, n/utf8.RuneCountInString(unit)+1)
	i := 0
	for k := 0; k < n; k++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i]
}

// TestMeasureLinear counts the text measures of a rendering whose
// field holds 10,000 characters: beyond the measures of the same rendering
// with the field at its maximal length, at most a few calls and one reading
// of the field. Fitting a text by removing one character at a time and
// measuring again read some 50 million runes here.
func TestMeasureLinear(t *testing.T) {
	// Not parallel: the hook is package state, and parallel tests only start
	// once the sequential ones are over.
	var calls, runes int
	measureHook = func(n int) { calls, runes = calls+1, runes+n }
	defer func() { measureHook = nil }()
	count := func(m actormap.Map) (int, int) {
		calls, runes = 0, 0
		_ = SVG(m)
		return calls, runes
	}
	const n = 10_000
	for _, f := range textFields {
		c0, r0 := count(f.with(hostileText(f.max)))
		c1, r1 := count(f.with(hostileText(n)))
		t.Logf("%s : %d mesures (%d caractères lus) à %d caractères, %d (%d) à %d", f.name, c0, r0, f.max, c1, r1, n)
		if c1 > c0+32 || r1 > r0+n {
			t.Errorf("%s de %d caractères : %d mesures (%d caractères lus), contre %d (%d) à %d caractères",
				f.name, n, c1, r1, c0, r0, f.max)
		}
	}
}

// TestRendererBoundsInput feeds the renderer values far beyond what
// validation accepts: each text is cut to its maximal length (ending with
// "…"), the actors and relations beyond the limits are left out, and the
// SVG is no bigger than with valid values.
func TestRendererBoundsInput(t *testing.T) {
	t.Parallel()
	hostile := hostileText(300_000)
	for _, f := range textFields {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			ref, got := SVG(f.with(hostileText(f.max))), SVG(f.with(hostile))
			if len(got) > len(ref)+4096 {
				t.Errorf("SVG de %d octets pour un champ de 300 000 caractères, %d pour %d caractères", len(got), len(ref), f.max)
			}
		})
	}
	t.Run("tout", func(t *testing.T) {
		t.Parallel()
		m := actormap.Map{Title: hostile, Theme: hostile, Territory: hostile}
		for i := 0; i < 1000; i++ {
			m.Actors = append(m.Actors, actormap.Actor{ID: fmt.Sprintf("a%d", i), Name: hostile, Type: hostile, StructureRef: hostile,
				Domain: []actormap.Domain{actormap.DomainEmploi, actormap.DomainSocial, actormap.Domain(hostile)}[i%3]})
		}
		m.Actors[0].ID = hostile
		for i := 0; i < 5000; i++ {
			m.Relations = append(m.Relations, actormap.Relation{From: m.Actors[i%1000].ID, To: m.Actors[(i*7+1)%1000].ID,
				Kind: []actormap.RelationKind{actormap.RelationOrientation, actormap.RelationKind(hostile)}[i%2], Direction: actormap.Direction(hostile), Comment: hostile})
		}
		L := build(m)
		if len(L.Boxes) != actormap.MaxActors || len(L.Edges) > actormap.MaxRelations || !L.Truncated {
			t.Errorf("%d boîtes, %d relations, tronqué %v", len(L.Boxes), len(L.Edges), L.Truncated)
		}
		check := func(what, s string, max int) {
			if n := utf8.RuneCountInString(s); n > max || (n == max && !strings.HasSuffix(s, "…")) {
				t.Errorf("%s : %d caractères transmis au tracé (%.20q…)", what, n, s)
			}
		}
		check("titre", L.m.Title, actormap.MaxName)
		check("thématique", L.m.Theme, actormap.MaxName)
		check("territoire", L.m.Territory, actormap.MaxName)
		for i, a := range L.m.Actors {
			check(fmt.Sprintf("acteur %d, id", i), a.ID, actormap.MaxID)
			check(fmt.Sprintf("acteur %d, nom", i), a.Name, actormap.MaxName)
			check(fmt.Sprintf("acteur %d, type", i), a.Type, actormap.MaxType)
			check(fmt.Sprintf("acteur %d, structure", i), a.StructureRef, actormap.MaxID)
			check(fmt.Sprintf("acteur %d, domaine", i), string(a.Domain), actormap.MaxID)
		}
		for i, r := range L.m.Relations {
			check(fmt.Sprintf("relation %d, de", i), r.From, actormap.MaxID)
			check(fmt.Sprintf("relation %d, vers", i), r.To, actormap.MaxID)
			check(fmt.Sprintf("relation %d, nature", i), string(r.Kind), actormap.MaxID)
			check(fmt.Sprintf("relation %d, sens", i), string(r.Direction), actormap.MaxID)
			check(fmt.Sprintf("relation %d, commentaire", i), r.Comment, actormap.MaxComment)
		}
		if len(L.m.Actors) > actormap.MaxActors || len(L.m.Relations) > actormap.MaxRelations {
			t.Errorf("%d acteurs et %d relations transmis au tracé", len(L.m.Actors), len(L.m.Relations))
		}
		if svg := SVG(m); len(svg) > 1<<20 {
			t.Errorf("SVG de %d octets", len(svg))
		}
		if !strings.Contains(L.desc(), "Seuls les 60 premiers acteurs") {
			t.Error("la description ne signale pas les acteurs laissés de côté")
		}
	})
}

// naiveEllipsis and naiveWrap are the definitions of ellipsis and
// wrap: a character removed at a time, each candidate measured whole.
func naiveEllipsis(s string, fits func(string) bool) string {
	rs := []rune(s)
	for n := len(rs); n > 0; n-- {
		if c := strings.TrimRight(string(rs[:n]), " ,;:-") + "…"; fits(c) {
			return c
		}
	}
	return "…"
}

func naiveWrap(s string, maxW, size float64, bold bool, maxRunes, maxLines int) []string {
	fits := func(t string) bool {
		return utf8.RuneCountInString(t) <= maxRunes && textW(t, size, bold) <= maxW
	}
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for wi := 0; wi < len(words) && len(lines) <= maxLines; wi++ {
		w := words[wi]
		cand := w
		if cur != "" {
			cand = cur + " " + w
		}
		if fits(cand) {
			cur = cand
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
			wi--
			continue
		}
		rs := []rune(w)
		cut := 1
		for k := 1; k < len(rs) && fits(string(rs[:k+1])); k++ {
			cut = k + 1
		}
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
		lines[maxLines-1] = naiveEllipsis(lines[maxLines-1], fits)
	}
	return lines
}

// TestFittingExact checks the one-pass fitting against its definition,
// to the byte, over texts, sizes and widths.
func TestFittingExact(t *testing.T) {
	t.Parallel()
	texts := []string{"", "a", "-", " , ; : -", "Service pénitentiaire d'insertion et de probation", "a, b; c: d- e",
		"WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW iiiiiiiiiiiiiiiiiiiiiiiiiiii", "Intercommunalité-très-étendue-vraiment-très-étendue",
		"漢字漢字漢字漢字漢字 «Œuvre» — l’été", "\xff\xfe invalide\xc3", hostileText(150)}
	for _, s := range texts {
		for _, size := range []float64{12, 20} {
			for _, bold := range []bool{false, true} {
				for maxW := 0.0; maxW <= 600; maxW += 11.5 {
					for _, maxRunes := range []int{1, 5, 22, 1000} {
						g := gauge{maxW: maxW, size: size, bold: bold, maxRunes: maxRunes}
						fits := func(t string) bool { return utf8.RuneCountInString(t) <= maxRunes && textW(t, size, bold) <= maxW }
						if got, want := ellipsis(s, g), naiveEllipsis(s, fits); got != want {
							t.Fatalf("ellipsis(%q, %+v) = %q, attendu %q", s, g, got, want)
						}
						for _, lines := range []int{1, 3} {
							got, want := wrap(s, maxW, size, bold, maxRunes, lines), naiveWrap(s, maxW, size, bold, maxRunes, lines)
							if !reflect.DeepEqual(got, want) {
								t.Fatalf("wrap(%q, %v, %v, %v, %d, %d) = %q, attendu %q", s, maxW, size, bold, maxRunes, lines, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// BenchmarkWorstCase renders the example map with one text field at
// its maximal length, then at 3,000, 10,000 and 300,000 characters (values
// that validation refuses, given to the renderer directly).
func BenchmarkWorstCase(b *testing.B) {
	for _, f := range textFields {
		for _, n := range []int{f.max, 3_000, 10_000, 300_000} {
			m := f.with(hostileText(n))
			b.Run(fmt.Sprintf("%s/%d", f.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = SVG(m)
				}
			})
		}
	}
}
