package layout

import (
	"strings"
	"testing"

	"github.com/casp-cnam/casp/assessment/actormap"
)

// FuzzParse: any JSON is refused or parsed; what is parsed draws an
// SVG and encodes back to JSON that parses again to the same map.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"titre":"Carte","thematique":"Insertion","acteurs":[{"id":"a","nom":"Mission locale","domaine":"emploi"}],"relations":[]}`))
	f.Add([]byte(`{"acteurs":[{"id":"a"},{"id":"a"}],"relations":[{"de":"a","vers":"b"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"titre":"` + strings.Repeat("é", 300) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := actormap.Parse(data)
		if err != nil {
			return
		}
		svg := SVG(m)
		if len(svg) == 0 || len(svg) > 4<<20 {
			t.Fatalf("SVG de %d octets", len(svg))
		}
		again, err := actormap.Parse(m.JSON())
		if err != nil {
			t.Fatalf("le JSON produit ne se relit pas : %v", err)
		}
		if string(again.JSON()) != string(m.JSON()) {
			t.Fatalf("aller-retour JSON instable")
		}
	})
}
