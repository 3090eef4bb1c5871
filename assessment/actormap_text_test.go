package assessment

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// amapTextField is a text field of a map, with its maximal length.
type amapTextField struct {
	name string
	max  int
	set  func(m *ActorMap, v string)
}

var amapTextFields = []amapTextField{
	{"titre", amapMaxName, func(m *ActorMap, v string) { m.Title = v }},
	{"titre-carte-vide", amapMaxName, func(m *ActorMap, v string) { m.Title, m.Actors, m.Relations = v, nil, nil }},
	{"thematique", amapMaxName, func(m *ActorMap, v string) { m.Theme = v }},
	{"territoire", amapMaxName, func(m *ActorMap, v string) { m.Territory = v }},
	{"acteur-id", amapMaxID, func(m *ActorMap, v string) {
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
	{"acteur-nom", amapMaxName, func(m *ActorMap, v string) { m.Actors[0].Name = v }},
	{"acteur-type", amapMaxType, func(m *ActorMap, v string) { m.Actors[0].Type = v }},
	{"acteur-structure", amapMaxID, func(m *ActorMap, v string) { m.Actors[0].StructureRef = v }},
	{"relation-commentaire", amapMaxComment, func(m *ActorMap, v string) { m.Relations[0].Comment = v }},
}

// with is the example map with the field set to v.
func (f amapTextField) with(v string) ActorMap {
	m := amapExample()
	f.set(&m, v)
	return m
}

// amapHostile is n runes of French text, of words and punctuation.
func amapHostile(n int) string {
	const unit = "Insertion sociale et professionnelle des jeunes, quartier prioritaire — accès aux droits ; "
	s := strings.Repeat(unit, n/utf8.RuneCountInString(unit)+1)
	i := 0
	for k := 0; k < n; k++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i]
}

// TestActorMapMeasureLinear counts the text measures of a rendering whose
// field holds 10,000 characters: beyond the measures of the same rendering
// with the field at its maximal length, at most a few calls and one reading
// of the field. Fitting a text by removing one character at a time and
// measuring again read some 50 million runes here.
func TestActorMapMeasureLinear(t *testing.T) {
	// Not parallel: the hook is package state, and parallel tests only start
	// once the sequential ones are over.
	var calls, runes int
	amapMeasureHook = func(n int) { calls, runes = calls+1, runes+n }
	defer func() { amapMeasureHook = nil }()
	count := func(m ActorMap) (int, int) {
		calls, runes = 0, 0
		_ = m.SVG()
		return calls, runes
	}
	const n = 10_000
	for _, f := range amapTextFields {
		c0, r0 := count(f.with(amapHostile(f.max)))
		c1, r1 := count(f.with(amapHostile(n)))
		if c1 > c0+32 || r1 > r0+n {
			t.Errorf("%s de %d caractères : %d mesures (%d caractères lus), contre %d (%d) à %d caractères",
				f.name, n, c1, r1, c0, r0, f.max)
		}
	}
}

// TestActorMapRendererBoundsInput feeds the renderer values far beyond what
// validation accepts: each text is cut to its maximal length (ending with
// "…"), the actors and relations beyond the limits are left out, and the
// SVG is no bigger than with valid values.
func TestActorMapRendererBoundsInput(t *testing.T) {
	t.Parallel()
	hostile := amapHostile(300_000)
	for _, f := range amapTextFields {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			ref, got := f.with(amapHostile(f.max)).SVG(), f.with(hostile).SVG()
			if len(got) > len(ref)+4096 {
				t.Errorf("SVG de %d octets pour un champ de 300 000 caractères, %d pour %d caractères", len(got), len(ref), f.max)
			}
		})
	}
}

// BenchmarkActorMapWorstCase renders the example map with one text field at
// its maximal length, then at 3,000, 10,000 and 300,000 characters (values
// that validation refuses, given to the renderer directly).
func BenchmarkActorMapWorstCase(b *testing.B) {
	for _, f := range amapTextFields {
		for _, n := range []int{f.max, 3_000, 10_000, 300_000} {
			m := f.with(amapHostile(n))
			b.Run(fmt.Sprintf("%s/%d", f.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = m.SVG()
				}
			})
		}
	}
}
