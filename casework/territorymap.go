package casework

import (
	"fmt"
	"html"
	"sort"
	"strings"
)

// TypologyDomain sorts structure typologies into the seed's three domains
// of practice, for the map's legend and colours.
func TypologyDomain(typ string) string {
	switch typ {
	case "ML", "FT", "CAP_EMPLOI", "MDE", "PLIE", "ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "EA", "REGIE":
		return "insertion-professionnelle"
	case "PIJ_BIJ", "CITMET", "OF", "E2C", "EPIDE", "VAE":
		return "information-orientation"
	}
	return "insertion-sociale"
}

// DomainOfPractice labels, with a mark so the map never relies on colour alone.
var practice = map[string]struct{ Label, Colour, Mark string }{
	"insertion-professionnelle": {"Insertion professionnelle", "#1d3a6e", "■"},
	"information-orientation":   {"Information et orientation", "#7a3b00", "▲"},
	"insertion-sociale":         {"Insertion sociale", "#1e6b35", "●"},
}

// PracticeLabel names a domain of practice.
func PracticeLabel(d string) string { return practice[d].Label }

// PracticeMark is the domain's shape, as text.
func PracticeMark(d string) string { return practice[d].Mark }

// MapSVG draws the territory around the given structures: the Loire,
// roads and bus lines, communes and priority districts, and the structures
// as numbered marks whose shape tells their domain. The view is zoomed on
// the structures shown (so the dense town centre stays legible); numbers
// match the list printed beside the map.
func (t *Territory) MapSVG(structures []*Structure) string {
	minX, minY, maxX, maxY := 0.0, 0.0, t.Width, t.Height
	if len(structures) > 0 {
		minX, minY, maxX, maxY = t.Width, t.Height, 0, 0
		for _, s := range structures {
			minX, minY = min(minX, s.X), min(minY, s.Y)
			maxX, maxY = max(maxX, s.X), max(maxY, s.Y)
		}
		pad := 0.8
		minX, minY, maxX, maxY = max(minX-pad, 0), max(minY-pad, 0), min(maxX+pad, t.Width), min(maxY+pad, t.Height)
		// Keep a sensible aspect ratio.
		if maxX-minX < 2*(maxY-minY)/1.2 {
			c := (minX + maxX) / 2
			half := (maxY - minY) / 1.2
			minX, maxX = max(c-half, 0), min(c+half, t.Width)
		}
	}
	scale := 1000 / (maxX - minX)
	w, h := 1000.0, (maxY-minY)*scale
	px := func(x float64) float64 { return (x - minX) * scale }
	py := func(y float64) float64 { return (y - minY) * scale }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="carte-titre carte-desc">`, w, h+40)
	fmt.Fprintf(&b, `<title id="carte-titre">Carte de %s</title>`, html.EscapeString(t.Name))
	fmt.Fprintf(&b, `<desc id="carte-desc">%d structures ; la liste numérotée sous la carte les reprend toutes.</desc>`, len(structures))
	fmt.Fprintf(&b, `<svg x="0" y="0" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`, w, h, w, h)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="#f7f8fa" stroke="#c9ced6"/>`, w, h)
	for _, l := range t.Landmarks {
		var pts []string
		for _, p := range l.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p[0]), py(p[1])))
		}
		stroke, width, dash := "#8aa9c9", 10.0, ""
		switch l.Kind {
		case "route":
			stroke, width = "#b9bcc2", 4
		case "voie-ferree":
			stroke, width, dash = "#5c6370", 2, ` stroke-dasharray="8 4"`
		case "ligne-bus":
			stroke, width, dash = "#9c6fb6", 2, ` stroke-dasharray="2 4"`
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%.0f"%s stroke-linecap="round"><title>%s</title></polyline>`,
			strings.Join(pts, " "), stroke, width, dash, html.EscapeString(l.Name))
	}
	for _, c := range t.Communes {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="16" font-weight="700" fill="#4a4f57" text-anchor="middle" opacity="0.8">%s</text>`,
			px(c.X), py(c.Y)-10, html.EscapeString(c.Name))
		for _, d := range c.Districts {
			if d.QPV {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" fill="#4a4f57" text-anchor="middle">%s (QPV)</text>`,
					px(d.X), py(d.Y)+30, html.EscapeString(d.Name))
			}
		}
	}
	for i, s := range MapOrder(structures) {
		st := practice[TypologyDomain(s.Typology)]
		x, y := px(s.X), py(s.Y)
		switch st.Mark {
		case "■":
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="12" height="12" fill="%s"/>`, x-6, y-6, st.Colour)
		case "▲":
			fmt.Fprintf(&b, `<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`, x, y-7, x-7, y+6, x+7, y+6, st.Colour)
		default:
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="6" fill="%s"/>`, x, y, st.Colour)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" font-weight="700" fill="#1b1b1f">%d<title>%s</title></text>`, x+8, y-5, i+1, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	lx := 10.0
	for _, k := range []string{"insertion-professionnelle", "information-orientation", "insertion-sociale"} {
		st := practice[k]
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="14" fill="%s">%s</text><text x="%.0f" y="%.0f" font-size="14" fill="#1b1b1f">%s</text>`,
			lx, h+26, st.Colour, st.Mark, lx+18, h+26, st.Label)
		lx += 18 + float64(len(st.Label))*7.6 + 30
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// MapOrder is the numbering used on the map: structures by name.
func MapOrder(structures []*Structure) []*Structure {
	sorted := append([]*Structure(nil), structures...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	return sorted
}
