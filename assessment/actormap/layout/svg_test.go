package layout

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casp-cnam/casp/assessment/actormap"
)

// TestBuildLimits: the renderer keeps to the limits of validation, and
// says so.
func TestBuildLimits(t *testing.T) {
	m := actormap.Map{Title: "Limites"}
	for i := 0; i < 60; i++ {
		m.Actors = append(m.Actors, actormap.Actor{ID: fmt.Sprintf("a%d", i), Name: "Acteur", Domain: actormap.DomainAutre})
	}
	for i := 0; i < 200; i++ {
		m.Relations = append(m.Relations, actormap.Relation{From: "a0", To: "a1", Kind: actormap.RelationInformation, Direction: actormap.DirectionAucune})
	}
	if got := m.Validate(); len(got) != 0 {
		t.Errorf("60 acteurs et 200 relations doivent passer : %v", got)
	}
	// The renderer also keeps to the limits, and says so.
	m.Actors = append(m.Actors, actormap.Actor{ID: "x", Name: "Au-delà", Domain: actormap.DomainEmploi})
	L := build(m)
	if len(L.Boxes) != 60 || !L.Truncated || !strings.Contains(L.desc(), "Seuls les 60 premiers acteurs") {
		t.Errorf("rendu non limité : %d boîtes", len(L.Boxes))
	}
}

// ---------------------------------------------------------------------------
// Text fitting.

func TestWrap(t *testing.T) {
	inner := boxW - 2*boxPadX
	for _, name := range []string{
		"CCAS",
		"Centre communal d'action sociale (CCAS) & co <test>",
		"Association départementale pour la sauvegarde de l'enfance, de l'adolescence et des jeunes adultes du Val d'Aubin",
		"Intercommunalité-très-étendue-du-grand-territoire-rural",
		strings.Repeat("W", 80),
	} {
		lines := wrap(name, inner, nameSize, false, wrapRunes, maxNameLines)
		if len(lines) == 0 || len(lines) > 3 {
			t.Errorf("%q : %d lignes", name, len(lines))
		}
		for _, l := range lines {
			if utf8.RuneCountInString(l) > wrapRunes || textW(l, nameSize, false) > inner {
				t.Errorf("%q : ligne trop longue %q", name, l)
			}
		}
		joined := strings.Join(lines, " ")
		truncated := strings.HasSuffix(joined, "…")
		if fits := strings.ReplaceAll(joined, " ", "") == strings.ReplaceAll(name, " ", ""); fits == truncated {
			t.Errorf("%q → %q : troncature incohérente", name, lines)
		}
	}
	if got := wrap("Mission locale du Val d'Aubin", inner, nameSize, false, wrapRunes, 3); len(got) != 2 {
		t.Errorf("coupure inattendue : %q", got)
	}
	if got := fit("Service pénitentiaire d'insertion et de probation", 100, 12, false); !strings.HasSuffix(got, "…") || textW(got, 12, false) > 100 {
		t.Errorf("fit = %q", got)
	}
}

// ---------------------------------------------------------------------------
// Colours (WCAG).

func luminance(hex string) float64 {
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

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestColours(t *testing.T) {
	for _, k := range actormap.RelationKinds {
		st := styleOf(k)
		// Used for lines (3:1) and for the label text (4.5:1).
		if c := contrast(st.Color, "#ffffff"); c < 4.5 {
			t.Errorf("%s : contraste %.2f", k, c)
		}
	}
	if contrast(unknownKind.Color, "#ffffff") < 4.5 || contrast(muted, "#ffffff") < 4.5 || contrast(ink, "#ffffff") < 4.5 {
		t.Error("encre neutre trop claire")
	}
	for _, d := range actormap.Domains {
		st := domainStyles[d]
		if c := contrast(st.Ink, st.Tint); c < 4.5 {
			t.Errorf("%s : contraste de l'en-tête %.2f", d, c)
		}
		// Relation lines cross the lanes.
		for _, k := range actormap.RelationKinds {
			if c := contrast(styleOf(k).Color, st.Tint); c < 3 {
				t.Errorf("%s sur %s : contraste %.2f", k, d, c)
			}
		}
	}
	// Colour is never alone: every kind differs from every other by its
	// dash pattern or its width.
	seen := map[string]actormap.RelationKind{}
	for _, k := range actormap.RelationKinds {
		st := styleOf(k)
		key := fmt.Sprintf("%s/%v", st.Dash, st.Width)
		if other, dup := seen[key]; dup {
			t.Errorf("%s et %s ne diffèrent que par la couleur", k, other)
		}
		seen[key] = k
	}
}

// ---------------------------------------------------------------------------
// SVG.

func TestSVGAccessible(t *testing.T) {
	m := example()
	svg := SVG(m)
	if bytes.Contains(svg, []byte(" style=")) || bytes.Contains(svg, []byte("<style")) {
		t.Error("attribut ou élément style interdit par la CSP")
	}
	root := parseXML(t, svg)
	if root.Name != "svg" || root.Attr["role"] != "img" || !strings.HasPrefix(root.Attr["viewBox"], "0 0 ") {
		t.Fatalf("racine : %s %v", root.Name, root.Attr)
	}
	if !bytes.HasPrefix(svg, []byte(`<svg xmlns="http://www.w3.org/2000/svg" `)) {
		t.Error("espace de noms SVG absent")
	}
	ids := map[string]*node{}
	root.walk(func(n *node) {
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
	root.walk(func(n *node) {
		if fs, ok := n.Attr["font-size"]; ok {
			if v, _ := strconv.ParseFloat(fs, 64); v < 12 {
				t.Errorf("font-size %s sur %s", fs, n.Name)
			}
		}
	})
}

func TestSVGEscaping(t *testing.T) {
	hostile := "Centre communal d'action sociale (CCAS) & co <test>"
	m := actormap.Map{
		Title:     "Titre <script>alert(1)</script> & \"guillemets\"",
		Theme:     "Thème <i>",
		Territory: "Quartier « Les Tilleuls » — Saint-Aubin",
		Actors: []actormap.Actor{
			{ID: "a", Name: hostile, Type: "Type <b>gras</b> & \"x\" 'y'", Domain: actormap.DomainSocial},
			{ID: "b\"><x", Name: "Équipe \"mobile\" d'été", Type: "Santé", Domain: actormap.DomainSante},
		},
		Relations: []actormap.Relation{{From: "a", To: "b\"><x", Kind: actormap.RelationPartenariat, Direction: actormap.DirectionDouble, Comment: "<!-- commentaire --> & ]]>"}},
	}
	if errs := m.Validate(); len(errs) != 0 {
		t.Fatal(errs)
	}
	svg := SVG(m)
	for _, raw := range []string{"<test>", "<script>", "<b>", "<i>", "<!--", "]]>", `b"><x`} {
		if bytes.Contains(svg, []byte(raw)) {
			t.Errorf("%q non échappé", raw)
		}
	}
	root := parseXML(t, svg)
	var texts []string
	root.walk(func(n *node) {
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

func TestSVGDeterministic(t *testing.T) {
	m := generate(rand.New(rand.NewSource(7)), 40, 7, 80)
	a := SVG(m)
	for i := 0; i < 3; i++ {
		if b := SVG(m); !bytes.Equal(a, b) {
			t.Fatal("deux rendus différents")
		}
	}
	c := m
	c.Actors = append([]actormap.Actor(nil), m.Actors...)
	c.Actors[0].Name += " bis"
	if bytes.Equal(a, SVG(c)) {
		t.Error("le rendu ignore un changement de nom")
	}
}

func TestSVGEmpty(t *testing.T) {
	for _, m := range []actormap.Map{{}, {Title: "Ma carte & moi", Relations: []actormap.Relation{{From: "a", To: "b"}}}} {
		svg := SVG(m)
		root := parseXML(t, svg)
		if root.Attr["role"] != "img" || root.Attr["aria-labelledby"] == "" {
			t.Errorf("racine : %v", root.Attr)
		}
		var texts []string
		root.walk(func(n *node) {
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

func TestSVGMarkers(t *testing.T) {
	m := actormap.Map{
		Title: "Sens",
		Actors: []actormap.Actor{
			{ID: "a", Name: "A", Domain: actormap.DomainEmploi}, {ID: "b", Name: "B", Domain: actormap.DomainSocial},
			{ID: "c", Name: "C", Domain: actormap.DomainSocial}, {ID: "d", Name: "D", Domain: actormap.DomainJustice},
		},
		Relations: []actormap.Relation{
			{From: "a", To: "b", Kind: actormap.RelationOrientation, Direction: actormap.DirectionAller},
			{From: "d", To: "a", Kind: actormap.RelationFinancement, Direction: actormap.DirectionRetour},
			{From: "b", To: "c", Kind: actormap.RelationCoordination, Direction: actormap.DirectionDouble},
			{From: "c", To: "d", Kind: actormap.RelationInformation, Direction: actormap.DirectionAucune},
			{From: "c", To: "c", Kind: actormap.RelationTutelle, Direction: actormap.DirectionAller},  // self-loop: not drawn
			{From: "c", To: "zz", Kind: actormap.RelationTutelle, Direction: actormap.DirectionAller}, // unknown end: not drawn
		},
	}
	root := parseXML(t, SVG(m))
	markers := map[string]bool{}
	paths := map[string]*node{}
	root.walk(func(n *node) {
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
		if p.Attr["stroke"] != styleOf(m.Relations[atoi(t, rel)].Kind).Color {
			t.Errorf("relation %s : couleur %s", rel, p.Attr["stroke"])
		}
	}
	if paths["0"].Attr["stroke-dasharray"] != "" || paths["1"].Attr["stroke-dasharray"] == "" {
		t.Error("motifs de trait inattendus")
	}
	// The arrow heads touch the boxes: the path ends 7 units before the
	// box side, where the marker's tip lands.
	L := build(m)
	for _, e := range L.Edges {
		first, last := e.Segs[0].P0, e.Segs[len(e.Segs)-1].P3
		for _, c := range []struct {
			pt    pt
			box   rect
			arrow bool
		}{{first, L.Boxes[e.From].Rect, e.startArrow()}, {last, L.Boxes[e.To].Rect, e.endArrow()}} {
			d := math.Min(math.Abs(c.pt.X-c.box.X), math.Abs(c.pt.X-c.box.right()))
			if want := map[bool]float64{true: arrowRoom, false: 0}[c.arrow]; math.Abs(d-want) > 0.01 {
				t.Errorf("relation %d : extrémité à %.1f du bord, attendu %.0f", e.Rel, d, want)
			}
		}
	}
}
