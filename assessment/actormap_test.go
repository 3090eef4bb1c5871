package assessment

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casp-cnam/casp/internal/apperr"
)

func amapExample() ActorMap {
	a := func(id, name, typ string, d Domain) Actor { return Actor{ID: id, Name: name, Type: typ, Domain: d} }
	r := func(from, to string, k RelationKind, d Direction, c string) Relation {
		return Relation{From: from, To: to, Kind: k, Direction: d, Comment: c}
	}
	return ActorMap{
		Title:     "Insertion des jeunes — Quartier des Tilleuls",
		Theme:     "Insertion sociale et professionnelle des 16-25 ans",
		Territory: "Quartier prioritaire des Tilleuls (QPV), ville de Saint-Aubin",
		Actors: []Actor{
			a("ml", "Mission locale du Val d'Aubin", "Association loi 1901", DomainEmploi),
			a("ft", "France Travail — agence de Saint-Aubin", "Opérateur public", DomainEmploi),
			a("plie", "PLIE de l'agglomération", "Dispositif intercommunal", DomainEmploi),
			a("siae", "Tilleuls Services", "Atelier et chantier d'insertion", DomainEmploi),
			a("ddets", "DDETS", "Services de l'État", DomainEmploi),
			a("e2c", "École de la deuxième chance (E2C)", "Établissement de formation", DomainFormation),
			a("cfa", "CFA des métiers", "Centre de formation d'apprentis", DomainFormation),
			a("region", "Conseil régional", "Collectivité territoriale", DomainFormation),
			a("ccas", "Centre communal d'action sociale (CCAS)", "Établissement public communal", DomainSocial),
			a("caf", "CAF", "Sécurité sociale", DomainSocial),
			a("cd", "Conseil départemental", "Collectivité — action sociale", DomainSocial),
			a("prev", "Association de prévention spécialisée « Les Passerelles »", "Association", DomainSocial),
			a("cs", "Centre social des Tilleuls", "Association", DomainSocial),
			a("cmp", "CMP", "Centre médico-psychologique", DomainSante),
			a("mda", "Maison des adolescents", "Groupement d'intérêt public", DomainSante),
			a("ars", "ARS", "Agence régionale de santé", DomainSante),
			a("fjt", "Foyer de jeunes travailleurs (FJT)", "Résidence sociale", DomainLogement),
			a("siao", "SIAO", "Service intégré d'accueil et d'orientation", DomainLogement),
			a("pjj", "Protection judiciaire de la jeunesse (PJJ)", "Service de l'État", DomainJustice),
			a("spip", "SPIP", "Service pénitentiaire d'insertion et de probation", DomainJustice),
		},
		Relations: []Relation{
			r("ft", "ml", RelationOrientation, DirectionAller, "Jeunes orientés vers le contrat d'engagement jeune"),
			r("ml", "ft", RelationCoordination, DirectionDouble, "Comité opérationnel mensuel"),
			r("ml", "e2c", RelationOrientation, DirectionAller, ""),
			r("ml", "fjt", RelationOrientation, DirectionAller, ""),
			r("ml", "cmp", RelationOrientation, DirectionAller, "Souffrance psychique repérée en entretien"),
			r("prev", "ml", RelationOrientation, DirectionAller, ""),
			r("cd", "prev", RelationFinancement, DirectionAller, "Protection de l'enfance"),
			r("cd", "plie", RelationFinancement, DirectionAller, ""),
			r("region", "e2c", RelationFinancement, DirectionAller, ""),
			r("region", "cfa", RelationFinancement, DirectionAller, ""),
			r("plie", "siae", RelationOrientation, DirectionAller, ""),
			r("ft", "siae", RelationOrientation, DirectionAller, ""),
			r("ddets", "siae", RelationTutelle, DirectionAller, "Conventionnement IAE"),
			r("caf", "fjt", RelationFinancement, DirectionAller, ""),
			r("ccas", "ml", RelationPartenariat, DirectionDouble, ""),
			r("ccas", "siao", RelationOrientation, DirectionAller, ""),
			r("siao", "fjt", RelationOrientation, DirectionAller, ""),
			r("cmp", "mda", RelationCoordination, DirectionDouble, ""),
			r("ars", "cmp", RelationTutelle, DirectionAller, ""),
			r("pjj", "ml", RelationOrientation, DirectionAller, ""),
			r("spip", "siae", RelationPartenariat, DirectionAucune, ""),
			r("cd", "ccas", RelationCoordination, DirectionAucune, ""),
			r("caf", "cs", RelationFinancement, DirectionAller, ""),
			r("cs", "prev", RelationPartenariat, DirectionAucune, ""),
			r("ml", "cs", RelationInformation, DirectionRetour, "Permanence hebdomadaire au centre social"),
			r("e2c", "cfa", RelationPartenariat, DirectionDouble, ""),
			r("mda", "ml", RelationInformation, DirectionAller, ""),
		},
	}
}

// ---------------------------------------------------------------------------
// Helpers.

// amapNode is a decoded XML element.
type amapNode struct {
	Name     string
	Attr     map[string]string
	Children []*amapNode
	Text     string
}

func (n *amapNode) walk(f func(*amapNode)) {
	f(n)
	for _, c := range n.Children {
		c.walk(f)
	}
}

// amapParseXML decodes data, failing the test if it is not well-formed XML.
func amapParseXML(t testing.TB, data []byte) *amapNode {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root *amapNode
	var stack []*amapNode
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
			n := &amapNode{Name: tk.Name.Local, Attr: map[string]string{}}
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

// amapGenerate builds a random map: nActors actors over nDomains domains,
// nRel relations, some of them self-loops, unknown ends or parallels.
func amapGenerate(rng *rand.Rand, nActors, nDomains, nRel int) ActorMap {
	words := []string{"Mission", "locale", "Centre", "communal", "d'action", "sociale", "Association", "départementale",
		"École", "Foyer", "jeunes", "travailleurs", "Service", "intégré", "Maison", "santé", "&", "co", "<b>", "Intercommunalité-très-étendue"}
	domains := append([]Domain(nil), Domains...)
	rng.Shuffle(len(domains), func(i, j int) { domains[i], domains[j] = domains[j], domains[i] })
	domains = domains[:nDomains]
	m := ActorMap{Title: fmt.Sprintf("Carte générée %d/%d/%d", nActors, nDomains, nRel), Theme: "Thème", Territory: "Territoire"}
	for i := 0; i < nActors; i++ {
		var name []string
		for k := 0; k < 1+rng.Intn(7); k++ {
			name = append(name, words[rng.Intn(len(words))])
		}
		m.Actors = append(m.Actors, Actor{
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
			m.Relations = append(m.Relations, Relation{From: prev.From, To: prev.To, Kind: RelationKinds[rng.Intn(len(RelationKinds))], Direction: Directions[rng.Intn(len(Directions))]})
			continue
		}
		m.Relations = append(m.Relations, Relation{
			From: fmt.Sprintf("a%d", f), To: fmt.Sprintf("a%d", to),
			Kind: RelationKinds[rng.Intn(len(RelationKinds))], Direction: Directions[rng.Intn(len(Directions))],
		})
	}
	return m
}

func amapValidRelations(m ActorMap) int {
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

// ---------------------------------------------------------------------------
// Vocabulary.

func TestActorMapLabels(t *testing.T) {
	var got []string
	for _, d := range Domains {
		got = append(got, d.Label())
	}
	if want := "Emploi,Formation,Social,Santé,Logement,Justice,Autre"; strings.Join(got, ",") != want {
		t.Errorf("domaines = %s", strings.Join(got, ","))
	}
	got = nil
	for _, k := range RelationKinds {
		got = append(got, k.Label())
	}
	if want := "Orientation,Financement,Partenariat,Coordination,Tutelle,Information"; strings.Join(got, ",") != want {
		t.Errorf("natures = %s", strings.Join(got, ","))
	}
	if string(DomainSante) != "sante" || string(RelationTutelle) != "tutelle" || string(DirectionAucune) != "aucune" {
		t.Error("codes inattendus")
	}
}

// ---------------------------------------------------------------------------
// Validation.

func TestActorMapValidate(t *testing.T) {
	if errs := amapExample().Validate(); len(errs) != 0 {
		t.Fatalf("exemple valide refusé : %v", errs)
	}
	long := strings.Repeat("é", 121)
	bad := ActorMap{
		Title:     "   ",
		Theme:     long,
		Territory: strings.Repeat("x", 120), // exactly the limit: accepted
		Actors: []Actor{
			{ID: "a", Name: "Mission locale", Type: "Association", Domain: DomainEmploi},
			{ID: "a", Name: "", Type: strings.Repeat("t", 81), Domain: "sport"},
			{ID: "", Name: long, Domain: ""},
			{ID: "c", Name: "CCAS", Domain: DomainSocial, StructureRef: strings.Repeat("s", 65)},
		},
		Relations: []Relation{
			{From: "a", To: "c", Kind: RelationOrientation, Direction: DirectionAller},                                 // valid
			{From: "a", To: "a", Kind: RelationFinancement, Direction: DirectionDouble},                                // self-loop
			{From: "zz", To: "", Kind: "amitié", Direction: "haut"},                                                    // unknown everything
			{From: "c", To: "a", Kind: RelationTutelle, Direction: DirectionAucune, Comment: strings.Repeat("c", 501)}, // comment too long
			{From: "c", To: "a", Kind: RelationTutelle, Direction: DirectionAucune, Comment: strings.Repeat("c", 500)},
		},
	}
	want := map[string]string{
		"titre":                    "Ce champ est obligatoire.",
		"thematique":               "Saisissez au plus 120 caractères.",
		"acteurs[1].id":            "Cet identifiant est déjà celui d'un autre acteur.",
		"acteurs[1].nom":           "Ce champ est obligatoire.",
		"acteurs[1].type":          "Saisissez au plus 80 caractères.",
		"acteurs[1].domaine":       "Choisissez un domaine dans la liste.",
		"acteurs[2].id":            "Ce champ est obligatoire.",
		"acteurs[2].nom":           "Saisissez au plus 120 caractères.",
		"acteurs[2].domaine":       "Choisissez un domaine dans la liste.",
		"acteurs[3].structure":     "Saisissez au plus 64 caractères.",
		"relations[1].vers":        "Choisissez un acteur différent de l'acteur de départ.",
		"relations[2].de":          "Choisissez un acteur de la cartographie.",
		"relations[2].vers":        "Ce champ est obligatoire.",
		"relations[2].nature":      "Choisissez une nature de relation dans la liste.",
		"relations[2].sens":        "Choisissez un sens dans la liste.",
		"relations[3].commentaire": "Saisissez au plus 500 caractères.",
	}
	got := bad.Validate()
	if !reflect.DeepEqual(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s : obtenu %q, attendu %q", k, got[k], v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("message inattendu %s : %q", k, v)
			}
		}
	}
}

func TestActorMapValidateLimits(t *testing.T) {
	m := ActorMap{Title: "Limites"}
	for i := 0; i < 61; i++ {
		m.Actors = append(m.Actors, Actor{ID: fmt.Sprintf("a%d", i), Name: "Acteur", Domain: DomainAutre})
	}
	for i := 0; i < 201; i++ {
		m.Relations = append(m.Relations, Relation{From: "a0", To: "a1", Kind: RelationInformation, Direction: DirectionAucune})
	}
	want := map[string]string{
		"acteurs":   "Une cartographie compte au plus 60 acteurs.",
		"relations": "Une cartographie compte au plus 200 relations.",
	}
	if got := m.Validate(); !reflect.DeepEqual(got, want) {
		t.Errorf("obtenu %v", got)
	}
	m.Actors, m.Relations = m.Actors[:60], m.Relations[:200]
	if got := m.Validate(); len(got) != 0 {
		t.Errorf("60 acteurs et 200 relations doivent passer : %v", got)
	}
	// The renderer also keeps to the limits, and says so.
	m.Actors = append(m.Actors, Actor{ID: "x", Name: "Au-delà", Domain: DomainEmploi})
	L := amapBuild(m)
	if len(L.Boxes) != 60 || !L.Truncated || !strings.Contains(L.desc(), "Seuls les 60 premiers acteurs") {
		t.Errorf("rendu non limité : %d boîtes", len(L.Boxes))
	}
}

// ---------------------------------------------------------------------------
// JSON.

func TestActorMapJSONRoundTrip(t *testing.T) {
	m := amapExample()
	m.Actors[0].StructureRef = "structure-42"
	m.Actors[1].Name = "Centre communal d'action sociale (CCAS) & co <test> \"guillemets\""
	data := m.JSON()
	if !bytes.Contains(data, []byte("\n  \"titre\": ")) || !bytes.Contains(data, []byte("& co <test>")) {
		t.Errorf("JSON non indenté ou échappé pour le HTML :\n%s", data[:200])
	}
	back, err := ParseActorMap(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("aller-retour JSON différent :\n%+v\n%+v", back, m)
	}
	if !bytes.Equal(back.JSON(), data) {
		t.Error("deuxième export différent")
	}
	empty := ActorMap{Title: "Vide"}.JSON()
	if !bytes.Contains(empty, []byte(`"acteurs": []`)) || !bytes.Contains(empty, []byte(`"relations": []`)) {
		t.Errorf("listes vides attendues : %s", empty)
	}
	// A byte order mark from a Windows editor is tolerated.
	if _, err := ParseActorMap(append([]byte("\xef\xbb\xbf"), data...)); err != nil {
		t.Errorf("BOM refusé : %v", err)
	}
}

func TestParseActorMapErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "Le fichier est vide."},
		{"  \n", "Le fichier est vide."},
		{`[1, 2]`, "Le fichier doit contenir une cartographie au format JSON : un objet entre accolades { }."},
		{`{"titre": "x", "auteur": "moi"}`, "Le champ « auteur » est inconnu : une cartographie ne contient que les champs prévus (titre, thematique, territoire, acteurs, relations…)."},
		{`{"acteurs": [{"id": "a", "couleur": "rouge"}]}`, "Le champ « couleur » est inconnu : une cartographie ne contient que les champs prévus (titre, thematique, territoire, acteurs, relations…)."},
		{"{\n  \"titre\": \"x\",\n  \"acteurs\": [,]\n}", "Le fichier n'est pas un JSON valide (ligne 3, colonne 15)."},
		{`{"titre": "x"`, "Le fichier JSON est incomplet : il se termine avant la fin de la cartographie."},
		{`{"titre": 12}`, "Le champ « titre » doit contenir du texte."},
		{`{"acteurs": {"id": "a"}}`, "Le champ « acteurs » doit contenir une liste [ ]."},
		{`{"titre": "x"} {"titre": "y"}`, "Le fichier contient des données après la cartographie."},
	} {
		_, err := ParseActorMap([]byte(c.in))
		if err == nil {
			t.Errorf("%q accepté", c.in)
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.Invalid {
			t.Errorf("%q : erreur %T %v, apperr.Invalid attendu", c.in, err, err)
			continue
		}
		if e.Message != c.want {
			t.Errorf("%q :\n obtenu  %q\n attendu %q", c.in, e.Message, c.want)
		}
	}
	var syn *json.SyntaxError
	if _, err := ParseActorMap([]byte(`{"titre": }`)); errors.As(err, &syn) {
		t.Error("l'erreur technique ne doit pas fuiter")
	}
}

// ---------------------------------------------------------------------------
// Text fitting.

func TestAmapWrap(t *testing.T) {
	inner := amapBoxW - 2*amapBoxPadX
	for _, name := range []string{
		"CCAS",
		"Centre communal d'action sociale (CCAS) & co <test>",
		"Association départementale pour la sauvegarde de l'enfance, de l'adolescence et des jeunes adultes du Val d'Aubin",
		"Intercommunalité-très-étendue-du-grand-territoire-rural",
		strings.Repeat("W", 80),
	} {
		lines := amapWrap(name, inner, amapNameSize, false, amapWrapRunes, amapMaxLines)
		if len(lines) == 0 || len(lines) > 3 {
			t.Errorf("%q : %d lignes", name, len(lines))
		}
		for _, l := range lines {
			if utf8.RuneCountInString(l) > amapWrapRunes || amapTextW(l, amapNameSize, false) > inner {
				t.Errorf("%q : ligne trop longue %q", name, l)
			}
		}
		joined := strings.Join(lines, " ")
		truncated := strings.HasSuffix(joined, "…")
		if fits := strings.ReplaceAll(joined, " ", "") == strings.ReplaceAll(name, " ", ""); fits == truncated {
			t.Errorf("%q → %q : troncature incohérente", name, lines)
		}
	}
	if got := amapWrap("Mission locale du Val d'Aubin", inner, amapNameSize, false, amapWrapRunes, 3); len(got) != 2 {
		t.Errorf("coupure inattendue : %q", got)
	}
	if got := amapFit("Service pénitentiaire d'insertion et de probation", 100, 12, false); !strings.HasSuffix(got, "…") || amapTextW(got, 12, false) > 100 {
		t.Errorf("amapFit = %q", got)
	}
}

// ---------------------------------------------------------------------------
// Colours (WCAG).

func amapLuminance(hex string) float64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil {
		panic(hex)
	}
	ch := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16) + 0.7152*ch(v>>8&0xff) + 0.0722*ch(v&0xff)
}

func amapContrast(a, b string) float64 {
	la, lb := amapLuminance(a), amapLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestAmapColours(t *testing.T) {
	for _, k := range RelationKinds {
		st := amapStyleOf(k)
		// Used for lines (3:1) and for the label text (4.5:1).
		if c := amapContrast(st.Color, "#ffffff"); c < 4.5 {
			t.Errorf("%s : contraste %.2f", k, c)
		}
	}
	if amapContrast(amapUnknownKind.Color, "#ffffff") < 4.5 || amapContrast(amapMuted, "#ffffff") < 4.5 || amapContrast(amapInk, "#ffffff") < 4.5 {
		t.Error("encre neutre trop claire")
	}
	for _, d := range Domains {
		st := amapDomainStyles[d]
		if c := amapContrast(st.Ink, st.Tint); c < 4.5 {
			t.Errorf("%s : contraste de l'en-tête %.2f", d, c)
		}
		// Relation lines cross the lanes.
		for _, k := range RelationKinds {
			if c := amapContrast(amapStyleOf(k).Color, st.Tint); c < 3 {
				t.Errorf("%s sur %s : contraste %.2f", k, d, c)
			}
		}
	}
	// Colour is never alone: every kind differs from every other by its
	// dash pattern or its width.
	seen := map[string]RelationKind{}
	for _, k := range RelationKinds {
		st := amapStyleOf(k)
		key := fmt.Sprintf("%s/%v", st.Dash, st.Width)
		if other, dup := seen[key]; dup {
			t.Errorf("%s et %s ne diffèrent que par la couleur", k, other)
		}
		seen[key] = k
	}
}

// ---------------------------------------------------------------------------
// SVG.

func TestActorMapSVGAccessible(t *testing.T) {
	m := amapExample()
	svg := m.SVG()
	if bytes.Contains(svg, []byte(" style=")) || bytes.Contains(svg, []byte("<style")) {
		t.Error("attribut ou élément style interdit par la CSP")
	}
	root := amapParseXML(t, svg)
	if root.Name != "svg" || root.Attr["role"] != "img" || !strings.HasPrefix(root.Attr["viewBox"], "0 0 ") {
		t.Fatalf("racine : %s %v", root.Name, root.Attr)
	}
	if !bytes.HasPrefix(svg, []byte(`<svg xmlns="http://www.w3.org/2000/svg" `)) {
		t.Error("espace de noms SVG absent")
	}
	ids := map[string]*amapNode{}
	root.walk(func(n *amapNode) {
		if id := n.Attr["id"]; id != "" {
			if ids[id] != nil {
				t.Errorf("id %q en double", id)
			}
			ids[id] = n
		}
	})
	labelledBy := strings.Fields(root.Attr["aria-labelledby"])
	if len(labelledBy) != 2 || ids[labelledBy[0]] == nil || ids[labelledBy[0]].Name != "title" || ids[labelledBy[1]] == nil || ids[labelledBy[1]].Name != "desc" {
		t.Fatalf("aria-labelledby=%q ne désigne pas title et desc", root.Attr["aria-labelledby"])
	}
	if root.Children[0].Name != "title" || root.Children[0].Text != "Insertion des jeunes — Quartier des Tilleuls" {
		t.Errorf("premier enfant : %s %q", root.Children[0].Name, root.Children[0].Text)
	}
	desc := ids[labelledBy[1]].Text
	if want := "20 acteurs, 27 relations, domaines : Emploi, Formation, Social, Santé, Logement, Justice."; !strings.HasPrefix(desc, want) {
		t.Errorf("desc = %q", desc)
	}
	for _, part := range []string{"Santé : CMP (Centre médico-psychologique), ", "DDETS → Tilleuls Services : tutelle (Conventionnement IAE)", "Mission locale du Val d'Aubin ↔ France Travail — agence de Saint-Aubin : coordination", "SPIP — Tilleuls Services : partenariat"} {
		if !strings.Contains(desc, part) {
			t.Errorf("desc sans %q", part)
		}
	}
	// Legible: no text under 12 units, at most ~1600 wide.
	root.walk(func(n *amapNode) {
		if fs, ok := n.Attr["font-size"]; ok {
			if v, _ := strconv.ParseFloat(fs, 64); v < 12 {
				t.Errorf("font-size %s sur %s", fs, n.Name)
			}
		}
	})
}

func TestActorMapSVGEscaping(t *testing.T) {
	hostile := "Centre communal d'action sociale (CCAS) & co <test>"
	m := ActorMap{
		Title:     "Titre <script>alert(1)</script> & \"guillemets\"",
		Theme:     "Thème <i>",
		Territory: "Quartier « Les Tilleuls » — Saint-Aubin",
		Actors: []Actor{
			{ID: "a", Name: hostile, Type: "Type <b>gras</b> & \"x\" 'y'", Domain: DomainSocial},
			{ID: "b\"><x", Name: "Équipe \"mobile\" d'été", Type: "Santé", Domain: DomainSante},
		},
		Relations: []Relation{{From: "a", To: "b\"><x", Kind: RelationPartenariat, Direction: DirectionDouble, Comment: "<!-- commentaire --> & ]]>"}},
	}
	if errs := m.Validate(); len(errs) != 0 {
		t.Fatal(errs)
	}
	svg := m.SVG()
	for _, raw := range []string{"<test>", "<script>", "<b>", "<i>", "<!--", "]]>", `b"><x`} {
		if bytes.Contains(svg, []byte(raw)) {
			t.Errorf("%q non échappé", raw)
		}
	}
	root := amapParseXML(t, svg)
	var texts []string
	root.walk(func(n *amapNode) {
		if n.Name == "title" || n.Name == "desc" || n.Name == "text" {
			texts = append(texts, n.Text)
		}
	})
	all := strings.Join(texts, "\n")
	for _, want := range []string{hostile, "Titre <script>alert(1)</script> & \"guillemets\"", "Type <b>gras</b> & \"x\" 'y'", "<!-- commentaire --> & ]]>", "Équipe \"mobile\" d'été", "Thématique : Thème <i>"} {
		if !strings.Contains(all, want) {
			t.Errorf("texte %q perdu", want)
		}
	}
}

func TestActorMapSVGDeterministic(t *testing.T) {
	m := amapGenerate(rand.New(rand.NewSource(7)), 40, 7, 80)
	a := m.SVG()
	for i := 0; i < 3; i++ {
		if b := m.SVG(); !bytes.Equal(a, b) {
			t.Fatal("deux rendus différents")
		}
	}
	c := m
	c.Actors = append([]Actor(nil), m.Actors...)
	c.Actors[0].Name += " bis"
	if bytes.Equal(a, c.SVG()) {
		t.Error("le rendu ignore un changement de nom")
	}
}

func TestActorMapSVGEmpty(t *testing.T) {
	for _, m := range []ActorMap{{}, {Title: "Ma carte & moi", Relations: []Relation{{From: "a", To: "b"}}}} {
		svg := m.SVG()
		root := amapParseXML(t, svg)
		if root.Attr["role"] != "img" || root.Attr["aria-labelledby"] == "" {
			t.Errorf("racine : %v", root.Attr)
		}
		var texts []string
		root.walk(func(n *amapNode) {
			if n.Name == "text" || n.Name == "desc" {
				texts = append(texts, n.Text)
			}
		})
		if !strings.Contains(strings.Join(texts, "|"), "Aucun acteur pour l'instant.") {
			t.Errorf("message absent : %q", texts)
		}
		if len(svg) > 2000 {
			t.Errorf("SVG vide de %d octets", len(svg))
		}
	}
}

func TestActorMapSVGMarkers(t *testing.T) {
	m := ActorMap{
		Title: "Sens",
		Actors: []Actor{
			{ID: "a", Name: "A", Domain: DomainEmploi}, {ID: "b", Name: "B", Domain: DomainSocial},
			{ID: "c", Name: "C", Domain: DomainSocial}, {ID: "d", Name: "D", Domain: DomainJustice},
		},
		Relations: []Relation{
			{From: "a", To: "b", Kind: RelationOrientation, Direction: DirectionAller},
			{From: "d", To: "a", Kind: RelationFinancement, Direction: DirectionRetour},
			{From: "b", To: "c", Kind: RelationCoordination, Direction: DirectionDouble},
			{From: "c", To: "d", Kind: RelationInformation, Direction: DirectionAucune},
			{From: "c", To: "c", Kind: RelationTutelle, Direction: DirectionAller},  // self-loop: not drawn
			{From: "c", To: "zz", Kind: RelationTutelle, Direction: DirectionAller}, // unknown end: not drawn
		},
	}
	root := amapParseXML(t, m.SVG())
	markers := map[string]bool{}
	paths := map[string]*amapNode{}
	root.walk(func(n *amapNode) {
		if n.Name == "marker" {
			markers[n.Attr["id"]] = true
		}
		if n.Name == "path" && n.Attr["data-relation"] != "" {
			paths[n.Attr["data-relation"]] = n
		}
	})
	if len(paths) != 4 {
		t.Fatalf("%d relations dessinées, 4 attendues", len(paths))
	}
	ref := func(s string) string {
		if s == "" {
			return ""
		}
		if !strings.HasPrefix(s, "url(#") || !strings.HasSuffix(s, ")") {
			t.Errorf("référence de marqueur %q", s)
			return ""
		}
		id := s[5 : len(s)-1]
		if !markers[id] {
			t.Errorf("marqueur %q non défini", id)
		}
		return id
	}
	for rel, want := range map[string][2]string{
		"0": {"", "-fin-orientation"},
		"1": {"-debut-financement", ""},
		"2": {"-debut-coordination", "-fin-coordination"},
		"3": {"", ""},
	} {
		p := paths[rel]
		start, end := ref(p.Attr["marker-start"]), ref(p.Attr["marker-end"])
		if (want[0] == "") != (start == "") || !strings.HasSuffix(start, want[0]) {
			t.Errorf("relation %s : marker-start %q, attendu …%s", rel, start, want[0])
		}
		if (want[1] == "") != (end == "") || !strings.HasSuffix(end, want[1]) {
			t.Errorf("relation %s : marker-end %q, attendu …%s", rel, end, want[1])
		}
		if p.Attr["stroke"] != amapStyleOf(m.Relations[amapAtoi(t, rel)].Kind).Color {
			t.Errorf("relation %s : couleur %s", rel, p.Attr["stroke"])
		}
	}
	if paths["0"].Attr["stroke-dasharray"] != "" || paths["1"].Attr["stroke-dasharray"] == "" {
		t.Error("motifs de trait inattendus")
	}
	// The arrow heads touch the boxes: the path ends 7 units before the
	// box side, where the marker's tip lands.
	L := amapBuild(m)
	for _, e := range L.Edges {
		first, last := e.Segs[0].P0, e.Segs[len(e.Segs)-1].P3
		for _, c := range []struct {
			pt    amapPt
			box   amapRect
			arrow bool
		}{{first, L.Boxes[e.From].Rect, e.startArrow()}, {last, L.Boxes[e.To].Rect, e.endArrow()}} {
			d := math.Min(math.Abs(c.pt.X-c.box.X), math.Abs(c.pt.X-c.box.right()))
			if want := map[bool]float64{true: amapArrow, false: 0}[c.arrow]; math.Abs(d-want) > 0.01 {
				t.Errorf("relation %d : extrémité à %.1f du bord, attendu %.0f", e.Rel, d, want)
			}
		}
	}
}

func amapAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// amapCheckLayout checks the geometry of one layout: nothing overlaps, one
// column per domain, labels on their relation, relations around the boxes.
func amapCheckLayout(t *testing.T, name string, m ActorMap, L *amapLayout) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(name+" : "+format, args...)
	}
	// Boxes do not overlap, nor the headers or the title.
	for i, a := range L.Boxes {
		if a.Rect.X < 0 || a.Rect.right() > L.W || a.Rect.bottom() > L.H {
			fail("boîte %d hors du cadre", i)
		}
		for j := i + 1; j < len(L.Boxes); j++ {
			if a.Rect.overlaps(L.Boxes[j].Rect) {
				fail("boîtes %d et %d se chevauchent", i, j)
			}
		}
		for _, c := range L.Columns {
			if a.Rect.overlaps(c.Header) {
				fail("boîte %d sur un en-tête", i)
			}
		}
		if a.Rect.overlaps(L.TitleRect) {
			fail("boîte %d sur le titre", i)
		}
	}
	// One column per domain, in display order.
	xOf := map[Domain]float64{}
	for _, b := range L.Boxes {
		d := m.Actors[b.Actor].Domain
		if x, ok := xOf[d]; ok && x != b.Rect.X {
			fail("domaine %s sur deux colonnes (%.0f et %.0f)", d, x, b.Rect.X)
		}
		xOf[d] = b.Rect.X
	}
	last := -1.0
	for _, d := range Domains {
		if x, ok := xOf[d]; ok {
			if x <= last {
				fail("colonne %s hors de l'ordre d'affichage", d)
			}
			last = x
		}
	}
	if len(L.Columns) != len(xOf) {
		fail("%d colonnes pour %d domaines", len(L.Columns), len(xOf))
	}
	// Labels: free of boxes, headers, title and each other, inside the canvas.
	if want := amapValidRelations(m); len(L.Edges) != want {
		fail("%d relations dessinées, %d attendues", len(L.Edges), want)
	}
	for i, e := range L.Edges {
		r := e.Label
		if r.W <= 0 || r.X < 0 || r.Y < 0 || r.right() > L.W || r.bottom() > L.H {
			fail("étiquette %d hors du cadre : %+v (%vx%v)", i, r, L.W, L.H)
		}
		for bi, b := range L.Boxes {
			if r.overlaps(b.Rect) {
				fail("étiquette %d sur la boîte %d", i, bi)
			}
		}
		for _, c := range L.Columns {
			if r.overlaps(c.Header) {
				fail("étiquette %d sur un en-tête", i)
			}
		}
		if r.overlaps(L.TitleRect) {
			fail("étiquette %d sur le titre", i)
		}
		for j := i + 1; j < len(L.Edges); j++ {
			if r.overlaps(L.Edges[j].Label) {
				fail("étiquettes %d et %d se chevauchent", i, j)
			}
		}
		if r.bottom() > L.LegendY-12 {
			fail("étiquette %d sur la légende", i)
		}
		// The label sits on (or touches) its path, or has a leader.
		if e.Leader == nil && !e.Poly.crosses(r.grow(2)) {
			fail("étiquette %d loin de sa relation", i)
		}
		// Relations never run through a box.
		for _, p := range e.Poly.Pts {
			for bi, b := range L.Boxes {
				if b.Rect.grow(-1).contains(p) {
					fail("relation %d traverse la boîte %d en (%.1f, %.1f)", i, bi, p.X, p.Y)
					break
				}
			}
		}
		if p := e.Poly.Box; p.X < 0 || p.right() > L.W || p.Y < L.LaneTop+amapHeaderH || p.bottom() > L.LegendY-12 {
			fail("relation %d hors de la zone des colonnes : %+v", i, p)
		}
	}
}

func TestActorMapLayoutGenerated(t *testing.T) {
	rng := rand.New(rand.NewSource(20240601))
	fallbacks, labels := 0, 0
	for _, nActors := range []int{5, 15, 40} {
		for nDomains := 1; nDomains <= 7; nDomains++ {
			if nDomains > nActors {
				continue
			}
			for _, nRel := range []int{0, 8, 30, 80} {
				name := fmt.Sprintf("%d acteurs, %d domaines, %d relations", nActors, nDomains, nRel)
				m := amapGenerate(rng, nActors, nDomains, nRel)
				if nRel >= 8 {
					// The generator makes self-loops, which Validate refuses.
					if msg := m.Validate()["relations[5].vers"]; msg != "Choisissez un acteur différent de l'acteur de départ." {
						t.Errorf("%s : boucle non refusée (%q)", name, msg)
					}
				}
				L := amapBuild(m)
				amapCheckLayout(t, name, m, L)
				fallbacks += L.Fallbacks
				labels += len(L.Edges)
				if L.W > 1620 {
					t.Errorf("%s : largeur %.0f", name, L.W)
				}
				svg := m.SVG()
				root := amapParseXML(t, svg)
				if root.Attr["viewBox"] != fmt.Sprintf("0 0 %s %s", amapNum(L.W), amapNum(L.H)) {
					t.Errorf("%s : viewBox %q", name, root.Attr["viewBox"])
				}
				var drawn, labelRects int
				root.walk(func(n *amapNode) {
					if n.Name == "path" && n.Attr["data-relation"] != "" {
						drawn++
					}
					if v, ok := n.Attr["font-size"]; ok {
						if f, _ := strconv.ParseFloat(v, 64); f < 12 {
							t.Errorf("%s : font-size %s", name, v)
						}
					}
					if n.Name == "g" && n.Attr["class"] == "etiquettes" {
						labelRects = 0
						for _, g := range n.Children {
							for _, c := range g.Children {
								if c.Name == "rect" {
									labelRects++
									// The drawn rectangle is the checked one.
									e := L.Edges[labelRects-1].Label
									if c.Attr["x"] != amapNum(e.X) || c.Attr["y"] != amapNum(e.Y) || c.Attr["width"] != amapNum(e.W) {
										t.Errorf("%s : étiquette dessinée ailleurs que prévu", name)
									}
								}
							}
						}
					}
				})
				if drawn != len(L.Edges) || labelRects != len(L.Edges) {
					t.Errorf("%s : %d tracés, %d étiquettes pour %d relations", name, drawn, labelRects, len(L.Edges))
				}
			}
		}
	}
	t.Logf("%d étiquettes, %d hors tracé (avec renvoi)", labels, fallbacks)
	if fallbacks*20 > labels {
		t.Errorf("trop d'étiquettes hors tracé : %d sur %d", fallbacks, labels)
	}
}

func TestActorMapLayoutExample(t *testing.T) {
	m := amapExample()
	L := amapBuild(m)
	amapCheckLayout(t, "exemple", m, L)
	if L.Fallbacks != 0 {
		t.Errorf("exemple : %d étiquettes hors tracé", L.Fallbacks)
	}
	if L.W > 1400 {
		t.Errorf("exemple : largeur %.0f, il doit tenir dans 1400", L.W)
	}
}

func TestActorMapWriteExample(t *testing.T) {
	if os.Getenv("CASP_WRITE_SVG") != "1" {
		t.Skip("CASP_WRITE_SVG=1 écrit /tmp/actormap-example.svg")
	}
	m := amapExample()
	if errs := m.Validate(); len(errs) > 0 {
		t.Fatalf("exemple invalide : %v", errs)
	}
	if err := os.WriteFile("/tmp/actormap-example.svg", m.SVG(), 0o644); err != nil {
		t.Fatal(err)
	}
	big := amapGenerate(rand.New(rand.NewSource(7)), 40, 7, 80)
	if err := os.WriteFile("/tmp/actormap-40.svg", big.SVG(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkActorMapSVG(b *testing.B) {
	m := amapGenerate(rand.New(rand.NewSource(7)), 40, 7, 80)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.SVG()
	}
}
