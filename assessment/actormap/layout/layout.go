// Package layout draws a cartographie d'acteurs (actormap.Map) as SVG; text.go
// measures and fits its texts, and bound.go bounds what the renderer takes.
//
// The SVG is drawn under a strict CSP (style-src 'self'): presentation
// attributes only, no style attribute, no <style> element. The layout is
// deterministic:
//   - one column per domain present, in actormap.Domains order;
//   - actors ordered inside their column by a few barycentre sweeps, then
//     placed vertically near the mean height of their neighbours (isotonic
//     regression keeps the order and the minimum gaps);
//   - relations routed orthogonally with rounded corners: a vertical "track"
//     in each gutter crossed, a horizontal pass through the free gap of each
//     intermediate column, so that no relation crosses an actor box; relations
//     inside one domain are brackets in the neighbouring gutter;
//   - each relation label is slid along its path until it overlaps no box, no
//     header and no other label (a dotted leader joins it to its relation in
//     the rare case where no free place exists on the path).
package layout

import "github.com/casp-cnam/casp/assessment/actormap"

// SVG renders the map as a standalone, accessible SVG document (no style
// attribute, no <style> element). The output depends only on the map; the
// texts beyond the lengths validation allows are cut, the actors and
// relations beyond its limits left out, whatever the caller.
func SVG(m actormap.Map) []byte {
	if len(m.Actors) == 0 {
		b, _ := bound(m)
		return emptySVG(b)
	}
	return build(m).render()
}
