package layout

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/assessment/actormap"
)

func example() actormap.Map {
	a := func(id, name, typ string, d actormap.Domain) actormap.Actor {
		return actormap.Actor{ID: id, Name: name, Type: typ, Domain: d}
	}
	r := func(from, to string, k actormap.RelationKind, d actormap.Direction, c string) actormap.Relation {
		return actormap.Relation{From: from, To: to, Kind: k, Direction: d, Comment: c}
	}
	return actormap.Map{
		Title:     "Insertion des jeunes — Quartier des Tilleuls",
		Theme:     "Insertion sociale et professionnelle des 16-25 ans",
		Territory: "Quartier prioritaire des Tilleuls (QPV), ville de Saint-Aubin",
		Actors: []actormap.Actor{
			a("ml", "Mission locale du Val d'Aubin", "Association loi 1901", actormap.DomainEmploi),
			a("ft", "France Travail — agence de Saint-Aubin", "Opérateur public", actormap.DomainEmploi),
			a("plie", "PLIE de l'agglomération", "Dispositif intercommunal", actormap.DomainEmploi),
			a("siae", "Tilleuls Services", "Atelier et chantier d'insertion", actormap.DomainEmploi),
			a("ddets", "DDETS", "Services de l'État", actormap.DomainEmploi),
			a("e2c", "École de la deuxième chance (E2C)", "Établissement de formation", actormap.DomainFormation),
			a("cfa", "CFA des métiers", "Centre de formation d'apprentis", actormap.DomainFormation),
			a("region", "Conseil régional", "Collectivité territoriale", actormap.DomainFormation),
			a("ccas", "Centre communal d'action sociale (CCAS)", "Établissement public communal", actormap.DomainSocial),
			a("caf", "CAF", "Sécurité sociale", actormap.DomainSocial),
			a("cd", "Conseil départemental", "Collectivité — action sociale", actormap.DomainSocial),
			a("prev", "Association de prévention spécialisée « Les Passerelles »", "Association", actormap.DomainSocial),
			a("cs", "Centre social des Tilleuls", "Association", actormap.DomainSocial),
			a("cmp", "CMP", "Centre médico-psychologique", actormap.DomainSante),
			a("mda", "Maison des adolescents", "Groupement d'intérêt public", actormap.DomainSante),
			a("ars", "ARS", "Agence régionale de santé", actormap.DomainSante),
			a("fjt", "Foyer de jeunes travailleurs (FJT)", "Résidence sociale", actormap.DomainLogement),
			a("siao", "SIAO", "Service intégré d'accueil et d'orientation", actormap.DomainLogement),
			a("pjj", "Protection judiciaire de la jeunesse (PJJ)", "Service de l'État", actormap.DomainJustice),
			a("spip", "SPIP", "Service pénitentiaire d'insertion et de probation", actormap.DomainJustice),
		},
		Relations: []actormap.Relation{
			r("ft", "ml", actormap.RelationOrientation, actormap.DirectionAller, "Jeunes orientés vers le contrat d'engagement jeune"),
			r("ml", "ft", actormap.RelationCoordination, actormap.DirectionDouble, "Comité opérationnel mensuel"),
			r("ml", "e2c", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("ml", "fjt", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("ml", "cmp", actormap.RelationOrientation, actormap.DirectionAller, "Souffrance psychique repérée en entretien"),
			r("prev", "ml", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("cd", "prev", actormap.RelationFinancement, actormap.DirectionAller, "Protection de l'enfance"),
			r("cd", "plie", actormap.RelationFinancement, actormap.DirectionAller, ""),
			r("region", "e2c", actormap.RelationFinancement, actormap.DirectionAller, ""),
			r("region", "cfa", actormap.RelationFinancement, actormap.DirectionAller, ""),
			r("plie", "siae", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("ft", "siae", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("ddets", "siae", actormap.RelationTutelle, actormap.DirectionAller, "Conventionnement IAE"),
			r("caf", "fjt", actormap.RelationFinancement, actormap.DirectionAller, ""),
			r("ccas", "ml", actormap.RelationPartenariat, actormap.DirectionDouble, ""),
			r("ccas", "siao", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("siao", "fjt", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("cmp", "mda", actormap.RelationCoordination, actormap.DirectionDouble, ""),
			r("ars", "cmp", actormap.RelationTutelle, actormap.DirectionAller, ""),
			r("pjj", "ml", actormap.RelationOrientation, actormap.DirectionAller, ""),
			r("spip", "siae", actormap.RelationPartenariat, actormap.DirectionAucune, ""),
			r("cd", "ccas", actormap.RelationCoordination, actormap.DirectionAucune, ""),
			r("caf", "cs", actormap.RelationFinancement, actormap.DirectionAller, ""),
			r("cs", "prev", actormap.RelationPartenariat, actormap.DirectionAucune, ""),
			r("ml", "cs", actormap.RelationInformation, actormap.DirectionRetour, "Permanence hebdomadaire au centre social"),
			r("e2c", "cfa", actormap.RelationPartenariat, actormap.DirectionDouble, ""),
			r("mda", "ml", actormap.RelationInformation, actormap.DirectionAller, ""),
		},
	}
}

// ---------------------------------------------------------------------------
// Helpers.

// node is a decoded XML element.
type node struct {
	Name     string
	Attr     map[string]string
	Children []*node
	Text     string
}

func (n *node) walk(f func(*node)) {
	f(n)
	for _, c := range n.Children {
		c.walk(f)
	}
}

// parseXML decodes data, failing the test if it is not well-formed XML.
func parseXML(t testing.TB, data []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root *node
	var stack []*node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG mal formé : %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{Name: tk.Name.Local, Attr: map[string]string{}}
			for _, a := range tk.Attr {
				n.Attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else if root != nil {
				t.Fatal("plusieurs éléments racine")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tk)
			}
		}
	}
	if root == nil || len(stack) != 0 {
		t.Fatal("document SVG incomplet")
	}
	return root
}

// generate builds a random map: nActors actors over nDomains domains,
// nRel relations, some of them self-loops, unknown ends or parallels.
func generate(rng *rand.Rand, nActors, nDomains, nRel int) actormap.Map {
	words := []string{"Mission", "locale", "Centre", "communal", "d'action", "sociale", "Association", "départementale",
		"École", "Foyer", "jeunes", "travailleurs", "Service", "intégré", "Maison", "santé", "&", "co", "<b>", "Intercommunalité-très-étendue"}
	domains := append([]actormap.Domain(nil), actormap.Domains...)
	rng.Shuffle(len(domains), func(i, j int) { domains[i], domains[j] = domains[j], domains[i] })
	domains = domains[:nDomains]
	m := actormap.Map{Title: fmt.Sprintf("Carte générée %d/%d/%d", nActors, nDomains, nRel), Theme: "Thème", Territory: "Territoire"}
	for i := 0; i < nActors; i++ {
		var name []string
		for k := 0; k < 1+rng.Intn(7); k++ {
			name = append(name, words[rng.Intn(len(words))])
		}
		m.Actors = append(m.Actors, actormap.Actor{
			ID:     fmt.Sprintf("a%d", i),
			Name:   strings.Join(name, " "),
			Type:   []string{"", "Association", "Collectivité territoriale", "Établissement public à caractère administratif"}[rng.Intn(4)],
			Domain: domains[i%nDomains],
		})
	}
	for i := 0; i < nRel; i++ {
		f, to := rng.Intn(nActors), rng.Intn(nActors)
		switch {
		case i%13 == 5: // self-loop
			to = f
		case i%11 == 3 && i > 0: // parallel to the previous one
			prev := m.Relations[i-1]
			m.Relations = append(m.Relations, actormap.Relation{From: prev.From, To: prev.To, Kind: actormap.RelationKinds[rng.Intn(len(actormap.RelationKinds))], Direction: actormap.Directions[rng.Intn(len(actormap.Directions))]})
			continue
		}
		m.Relations = append(m.Relations, actormap.Relation{
			From: fmt.Sprintf("a%d", f), To: fmt.Sprintf("a%d", to),
			Kind: actormap.RelationKinds[rng.Intn(len(actormap.RelationKinds))], Direction: actormap.Directions[rng.Intn(len(actormap.Directions))],
		})
	}
	return m
}

func validRelations(m actormap.Map) int {
	ids := map[string]bool{}
	for _, a := range m.Actors {
		ids[a.ID] = true
	}
	n := 0
	for _, r := range m.Relations {
		if ids[r.From] && ids[r.To] && r.From != r.To {
			n++
		}
	}
	return n
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
