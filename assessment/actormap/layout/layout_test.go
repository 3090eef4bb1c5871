package layout

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/casp-cnam/casp/assessment/actormap"
)

// checkLayout checks the geometry of one layout: nothing overlaps, one
// column per domain, labels on their relation, relations around the boxes.
func checkLayout(t *testing.T, name string, m actormap.Map, L *plan) {
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
	xOf := map[actormap.Domain]float64{}
	for _, b := range L.Boxes {
		d := m.Actors[b.Actor].Domain
		if x, ok := xOf[d]; ok && x != b.Rect.X {
			fail("domaine %s sur deux colonnes (%.0f et %.0f)", d, x, b.Rect.X)
		}
		xOf[d] = b.Rect.X
	}
	last := -1.0
	for _, d := range actormap.Domains {
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
	if want := validRelations(m); len(L.Edges) != want {
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
		if p := e.Poly.Box; p.X < 0 || p.right() > L.W || p.Y < L.LaneTop+headerH || p.bottom() > L.LegendY-12 {
			fail("relation %d hors de la zone des colonnes : %+v", i, p)
		}
	}
}

func TestLayoutGenerated(t *testing.T) {
	rng := rand.New(rand.NewSource(20240601))
	fallbacks, labels := 0, 0
	for _, nActors := range []int{5, 15, 40} {
		for nDomains := 1; nDomains <= 7; nDomains++ {
			if nDomains > nActors {
				continue
			}
			for _, nRel := range []int{0, 8, 30, 80} {
				name := fmt.Sprintf("%d acteurs, %d domaines, %d relations", nActors, nDomains, nRel)
				m := generate(rng, nActors, nDomains, nRel)
				if nRel >= 8 {
					// The generator makes self-loops, which Validate refuses.
					if msg := m.Validate()["relations[5].vers"]; msg != "Choisissez un acteur différent de l'acteur de départ." {
						t.Errorf("%s : boucle non refusée (%q)", name, msg)
					}
				}
				L := build(m)
				checkLayout(t, name, m, L)
				fallbacks += L.Fallbacks
				labels += len(L.Edges)
				if L.W > 1620 {
					t.Errorf("%s : largeur %.0f", name, L.W)
				}
				svg := SVG(m)
				root := parseXML(t, svg)
				if root.Attr["viewBox"] != fmt.Sprintf("0 0 %s %s", num(L.W), num(L.H)) {
					t.Errorf("%s : viewBox %q", name, root.Attr["viewBox"])
				}
				var drawn, labelRects int
				root.walk(func(n *node) {
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
									if c.Attr["x"] != num(e.X) || c.Attr["y"] != num(e.Y) || c.Attr["width"] != num(e.W) {
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

func TestLayoutExample(t *testing.T) {
	m := example()
	L := build(m)
	checkLayout(t, "exemple", m, L)
	if L.Fallbacks != 0 {
		t.Errorf("exemple : %d étiquettes hors tracé", L.Fallbacks)
	}
	if L.W > 1400 {
		t.Errorf("exemple : largeur %.0f, il doit tenir dans 1400", L.W)
	}
}

func TestWriteExample(t *testing.T) {
	if os.Getenv("CASP_WRITE_SVG") != "1" {
		t.Skip("CASP_WRITE_SVG=1 écrit /tmp/actormap-example.svg")
	}
	m := example()
	if errs := m.Validate(); len(errs) > 0 {
		t.Fatalf("exemple invalide : %v", errs)
	}
	if err := os.WriteFile("/tmp/actormap-example.svg", SVG(m), 0o644); err != nil {
		t.Fatal(err)
	}
	big := generate(rand.New(rand.NewSource(7)), 40, 7, 80)
	if err := os.WriteFile("/tmp/actormap-40.svg", SVG(big), 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkSVG(b *testing.B) {
	m := generate(rand.New(rand.NewSource(7)), 40, 7, 80)
	b.ReportAllocs()
	for b.Loop() {
		_ = SVG(m)
	}
}
