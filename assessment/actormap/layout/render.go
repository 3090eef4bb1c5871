package layout

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"

	"github.com/casp-cnam/casp/assessment/actormap"
)

func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// idPrefix derives the ids of the SVG from its content, so that two
// different maps inlined in one page do not share ids.
func idPrefix(m actormap.Map) string {
	h := fnv.New32a()
	h.Write(m.JSON())
	return fmt.Sprintf("cartographie-%08x", h.Sum32())
}

func titleOf(m actormap.Map) string {
	if t := strings.TrimSpace(m.Title); t != "" {
		return t
	}
	return "Cartographie d'acteurs"
}

// desc is the text alternative: counts, actors by domain, relations.
func (L *plan) desc() string {
	var b strings.Builder
	var domains []string
	for _, c := range L.Columns {
		domains = append(domains, c.Domain.Label())
	}
	word := "domaines"
	if len(domains) == 1 {
		word = "domaine"
	}
	fmt.Fprintf(&b, "%s, %s, %s : %s.", plural(len(L.Boxes), "acteur", "acteurs"), plural(len(L.Edges), "relation", "relations"), word, strings.Join(domains, ", "))
	for _, c := range L.Columns {
		var names []string
		for _, bi := range c.Boxes {
			a := L.actors[L.Boxes[bi].Actor]
			s := strings.Join(strings.Fields(a.Name), " ")
			if t := strings.Join(strings.Fields(a.Type), " "); t != "" {
				s += " (" + t + ")"
			}
			names = append(names, s)
		}
		fmt.Fprintf(&b, " %s : %s.", c.Domain.Label(), strings.Join(names, ", "))
	}
	if len(L.Edges) > 0 {
		var rels []string
		for _, e := range L.Edges {
			rels = append(rels, L.edgeSentence(e))
		}
		fmt.Fprintf(&b, " Relations : %s.", strings.Join(rels, " ; "))
	}
	if L.Truncated {
		fmt.Fprintf(&b, " Seuls les %d premiers acteurs et les %d premières relations sont représentés.", actormap.MaxActors, actormap.MaxRelations)
	}
	return b.String()
}

func (L *plan) edgeSentence(e edge) string {
	name := func(b int) string { return strings.Join(strings.Fields(L.actors[L.Boxes[b].Actor].Name), " ") }
	arrow := " — "
	switch e.Dir {
	case actormap.DirectionAller:
		arrow = " → "
	case actormap.DirectionRetour:
		arrow = " ← "
	case actormap.DirectionDouble:
		arrow = " ↔ "
	}
	s := name(e.From) + arrow + name(e.To) + " : " + strings.ToLower(e.Text)
	if c := strings.Join(strings.Fields(L.relations[e.Rel].Comment), " "); c != "" {
		s += " (" + c + ")"
	}
	return s
}

func kindID(k actormap.RelationKind) string {
	if knownKind(k) {
		return string(k)
	}
	return "autre"
}

func emptySVG(m actormap.Map) []byte {
	p := idPrefix(m)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 140" width="480" height="140" role="img" aria-labelledby="%s-titre %s-desc" font-family="%s">`+"\n", p, p, font)
	fmt.Fprintf(&b, `<title id="%s-titre">%s</title>`+"\n", p, esc(titleOf(m)))
	fmt.Fprintf(&b, `<desc id="%s-desc">Aucun acteur pour l'instant.</desc>`+"\n", p)
	b.WriteString(`<rect x="0.5" y="0.5" width="479" height="139" rx="8" fill="#ffffff" stroke="#c9ced6" stroke-dasharray="6 4"/>` + "\n")
	fmt.Fprintf(&b, `<text x="240" y="52" text-anchor="middle" font-size="16" font-weight="700" fill="%s">%s</text>`+"\n", ink, esc(fit(titleOf(m), 440, 16, true)))
	fmt.Fprintf(&b, `<text x="240" y="90" text-anchor="middle" font-size="15" fill="%s">Aucun acteur pour l'instant.</text>`+"\n", muted)
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func (L *plan) render() []byte {
	m := L.m
	p := idPrefix(m)
	var b bytes.Buffer
	f := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	W, H := num(L.W), num(L.H)
	f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-titre %s-desc" font-family="%s">`+"\n", W, H, W, H, p, p, font)
	f(`<title id="%s-titre">%s</title>`+"\n", p, esc(titleOf(m)))
	f(`<desc id="%s-desc">%s</desc>`+"\n", p, esc(L.desc()))

	// Markers: one pair per kind present, plus a neutral pair for the key.
	b.WriteString("<defs>\n")
	done := map[string]bool{}
	marker := func(id, color string) {
		f(`<marker id="%s-fin-%s" viewBox="0 0 10 8" markerWidth="10" markerHeight="8" refX="3" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,4 L0,8 Z" fill="%s"/></marker>`+"\n", p, id, color)
		f(`<marker id="%s-debut-%s" viewBox="0 0 10 8" markerWidth="10" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M10,0 L0,4 L10,8 Z" fill="%s"/></marker>`+"\n", p, id, color)
	}
	for _, e := range L.Edges {
		id := kindID(e.Kind)
		if !done[id] && (e.startArrow() || e.endArrow()) {
			done[id] = true
			marker(id, styleOf(e.Kind).Color)
		}
	}
	marker("legende", muted)
	b.WriteString("</defs>\n")
	f(`<rect width="%s" height="%s" fill="#ffffff"/>`+"\n", W, H)

	// Title block.
	for i, line := range L.Title {
		f(`<text x="%s" y="%s" font-size="%s" font-weight="700" fill="%s">%s</text>`+"\n", num(margin+4), num(18+titleSize+float64(i)*titleLine-4), num(titleSize), ink, esc(line))
	}
	if L.Subtitle != "" {
		f(`<text x="%s" y="%s" font-size="13" fill="%s">%s</text>`+"\n", num(margin+4), num(18+float64(len(L.Title))*titleLine+14), muted, esc(L.Subtitle))
	}

	// Lanes.
	b.WriteString(`<g class="domaines">` + "\n")
	for _, c := range L.Columns {
		st := domainStyles[c.Domain]
		f(`<rect x="%s" y="%s" width="%s" height="%s" rx="10" fill="%s"/>`+"\n", num(c.Lane.X), num(c.Lane.Y), num(c.Lane.W), num(c.Lane.H), st.Tint)
		f(`<text x="%s" y="%s" text-anchor="middle" font-size="14" font-weight="700" fill="%s">%s</text>`+"\n", num(c.X+boxW/2), num(c.Header.Y+23), st.Ink, esc(c.Domain.Label()))
		f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`+"\n", num(c.X+10), num(c.Header.bottom()-2), num(c.X+boxW-10), num(c.Header.bottom()-2), st.Ink)
	}
	b.WriteString("</g>\n")

	// Relations.
	b.WriteString(`<g class="relations" fill="none">` + "\n")
	for _, e := range L.Edges {
		st := styleOf(e.Kind)
		id := kindID(e.Kind)
		f(`<g><title>%s</title><path data-relation="%d" d="%s" stroke="%s" stroke-width="%s"`, esc(L.edgeSentence(e)), e.Rel, pathD(e.Segs), st.Color, num(st.Width))
		if st.Dash != "" {
			f(` stroke-dasharray="%s"`, st.Dash)
		}
		if st.Round {
			b.WriteString(` stroke-linecap="round"`)
		}
		if e.startArrow() {
			f(` marker-start="url(#%s-debut-%s)"`, p, id)
		}
		if e.endArrow() {
			f(` marker-end="url(#%s-fin-%s)"`, p, id)
		}
		b.WriteString("/></g>\n")
	}
	b.WriteString("</g>\n")

	// Actors.
	b.WriteString(`<g class="acteurs">` + "\n")
	for _, bx := range L.Boxes {
		a := L.actors[bx.Actor]
		st := domainStyles[bx.Domain]
		tip := strings.Join(strings.Fields(a.Name), " ")
		if t := strings.Join(strings.Fields(a.Type), " "); t != "" {
			tip += " — " + t
		}
		tip += " (" + bx.Domain.Label() + ")"
		r := bx.Rect
		f(`<g data-acteur="%d"><title>%s</title>`, bx.Actor, esc(tip))
		f(`<rect x="%s" y="%s" width="%s" height="%s" rx="8" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`, num(r.X), num(r.Y), num(r.W), num(r.H), st.Ink)
		f(`<rect x="%s" y="%s" width="4" height="%s" rx="2" fill="%s"/>`, num(r.X+3), num(r.Y+6), num(r.H-12), st.Ink)
		block := float64(len(bx.Lines))*nameLine + float64(len(bx.Types))*typeLine
		ty := r.Y + (r.H-block)/2
		cx := num(r.X + r.W/2 + 2)
		for i, line := range bx.Lines {
			f(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, cx, num(ty+12+float64(i)*nameLine), num(nameSize), ink, esc(line))
		}
		for i, line := range bx.Types {
			f(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-style="italic" fill="%s">%s</text>`, cx, num(ty+float64(len(bx.Lines))*nameLine+11.5+float64(i)*typeLine), num(typeSize), muted, esc(line))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	// Labels, above everything.
	b.WriteString(`<g class="etiquettes">` + "\n")
	for _, e := range L.Edges {
		st := styleOf(e.Kind)
		r := e.Label
		b.WriteString("<g>")
		if e.Leader != nil {
			f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1" stroke-dasharray="2 2"/><circle cx="%s" cy="%s" r="2.5" fill="%s"/>`,
				num(e.Leader[0].X), num(e.Leader[0].Y), num(e.Leader[1].X), num(e.Leader[1].Y), st.Color, num(e.Leader[0].X), num(e.Leader[0].Y), st.Color)
		}
		f(`<rect x="%s" y="%s" width="%s" height="%s" rx="4" fill="#ffffff" stroke="%s" stroke-width="1"/>`, num(r.X), num(r.Y), num(r.W), num(r.H), st.Color)
		f(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, num(r.X+r.W/2), num(r.Y+13), num(labelSize), st.Color, esc(e.Text))
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	// Key.
	b.WriteString(`<g class="legende">` + "\n")
	if len(L.Legend) > 0 {
		f(`<text x="%s" y="%s" font-size="13" font-weight="700" fill="%s">Nature des relations :</text>`+"\n", num(margin+4), num(L.LegendY+4), ink)
		for _, it := range L.Legend {
			st := styleOf(it.Kind)
			f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"`, num(it.X), num(it.Y), num(it.X+36), num(it.Y), st.Color, num(st.Width))
			if st.Dash != "" {
				f(` stroke-dasharray="%s"`, st.Dash)
			}
			if st.Round {
				b.WriteString(` stroke-linecap="round"`)
			}
			f(`/><text x="%s" y="%s" font-size="12" fill="%s">%s</text>`+"\n", num(it.X+44), num(it.Y+4), ink, esc(it.Label))
		}
	}
	f(`<text x="%s" y="%s" font-size="13" font-weight="700" fill="%s">Sens :</text>`+"\n", num(margin+4), num(L.DirY+4), ink)
	x := margin + 4 + textW("Sens :", 13, true) + 14
	for _, d := range []struct {
		start, end bool
		text       string
	}{{false, true, "la flèche indique le sens de la relation"}, {true, true, "dans les deux sens"}, {false, false, "sans sens particulier"}} {
		x1, x2 := x+3, x+33
		if d.start {
			x1 = x + 3 + arrowRoom
		}
		if d.end {
			x2 = x + 33 - arrowRoom
		}
		f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.6"`, num(x1), num(L.DirY), num(x2), num(L.DirY), muted)
		if d.start {
			f(` marker-start="url(#%s-debut-legende)"`, p)
		}
		if d.end {
			f(` marker-end="url(#%s-fin-legende)"`, p)
		}
		f(`/><text x="%s" y="%s" font-size="12" fill="%s">%s</text>`+"\n", num(x+42), num(L.DirY+4), ink, esc(d.text))
		x += 42 + textW(d.text, 12, false) + 22
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes()
}

func pathD(segs []seg) string {
	var b strings.Builder
	xy := func(p pt) string { return num(p.X) + "," + num(p.Y) }
	b.WriteString("M" + xy(segs[0].P0))
	for _, s := range segs {
		if s.Curve {
			b.WriteString(" C" + xy(s.C1) + " " + xy(s.C2) + " " + xy(s.P3))
		} else {
			b.WriteString(" L" + xy(s.P3))
		}
	}
	return b.String()
}
