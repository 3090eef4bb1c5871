package layout

import (
	"math"

	"github.com/casp-cnam/casp/assessment/actormap"
)

func labelDims(text string) (float64, float64) {
	return math.Ceil(textW(text, labelSize, false) + 2*labelPadX), labelH
}

// placeLabels puts each relation label on its path, as near the middle as
// possible, where it overlaps no box, header or other label, preferring
// places where it hides no other relation.
func (L *plan) placeLabels(headerBottom float64) {
	var obstacles []rect
	for _, b := range L.Boxes {
		obstacles = append(obstacles, b.Rect.grow(3))
	}
	free := func(r rect) bool {
		if r.X < 2 || r.right() > L.W-2 || r.Y < headerBottom+2 {
			return false
		}
		for _, o := range obstacles {
			if o.overlaps(r) {
				return false
			}
		}
		return true
	}
	overflowY := 0.0
	for _, b := range L.Boxes {
		overflowY = math.Max(overflowY, b.Rect.bottom())
	}
	for _, e := range L.Edges {
		overflowY = math.Max(overflowY, e.Poly.Box.bottom())
	}
	overflowY += 16
	for ei := range L.Edges {
		e := &L.Edges[ei]
		w, h := labelDims(e.Text)
		total := e.Poly.length()
		mid := total / 2
		step := math.Max(3, total/100)
		rectAt := func(p pt) rect {
			return rect{math.Round((p.X-w/2)*10) / 10, math.Round((p.Y-h/2)*10) / 10, w, h}
		}
		bestCost := math.Inf(1)
		var best rect
		for k := 0; ; k++ {
			d := float64((k+1)/2) * step
			if k%2 == 1 {
				d = -d
			}
			s := mid + d
			if math.Abs(d) > mid-10 {
				if math.Abs(d) > mid {
					break
				}
				continue
			}
			if math.Abs(d)/total >= bestCost {
				break
			}
			// On the path, else just beside it (touching it).
			on := e.Poly.at(s)
			a, b := e.Poly.at(s-2), e.Poly.at(s+2)
			off := pt{0, h/2 + 1.5}
			if math.Abs(b.Y-a.Y) > math.Abs(b.X-a.X) {
				off = pt{w/2 + 1.5, 0}
			}
			for ci, c := range []pt{on, {on.X - off.X, on.Y - off.Y}, {on.X + off.X, on.Y + off.Y}} {
				r := rectAt(c)
				cost := math.Abs(d) / total
				if ci > 0 {
					cost += 0.3
				}
				if cost >= bestCost || !free(r) {
					continue
				}
				inner := r.grow(-1)
				for oi := range L.Edges {
					if cost >= bestCost {
						break
					}
					if oi != ei && L.Edges[oi].Poly.crosses(inner) {
						cost += 0.6
					}
				}
				if cost < bestCost {
					bestCost, best = cost, r
				}
			}
		}
		if !math.IsInf(bestCost, 1) {
			e.Label = best
			obstacles = append(obstacles, best.grow(2))
			continue
		}
		// No free place on the path: the nearest free place around its
		// middle, joined by a leader.
		L.Fallbacks++
		anchor := e.Poly.at(mid)
		found := false
		for rad := 12.0; rad <= 360 && !found; rad += 8 {
			for a := 0; a < 24; a++ {
				ang := float64(a) * math.Pi / 12
				r := rectAt(pt{anchor.X + rad*math.Cos(ang), anchor.Y + rad*math.Sin(ang)})
				if free(r) {
					e.Label, found = r, true
					break
				}
			}
		}
		if !found {
			r := rectAt(pt{math.Max(w/2+4, math.Min(L.W-w/2-4, anchor.X)), overflowY + h/2})
			for !free(r) {
				r.Y += h + 4
			}
			e.Label = r
		}
		obstacles = append(obstacles, e.Label.grow(2))
		near := pt{math.Max(e.Label.X, math.Min(e.Label.right(), anchor.X)), math.Max(e.Label.Y, math.Min(e.Label.bottom(), anchor.Y))}
		e.Leader = []pt{anchor, near}
	}
}

// layoutLegend lays out the key of relation kinds present, then the key of
// arrows.
func (L *plan) layoutLegend(y float64) {
	L.LegendY = y
	present := map[actormap.RelationKind]bool{}
	unknown := false
	for _, e := range L.Edges {
		if knownKind(e.Kind) {
			present[e.Kind] = true
		} else {
			unknown = true
		}
	}
	var kinds []actormap.RelationKind
	for _, k := range actormap.RelationKinds {
		if present[k] {
			kinds = append(kinds, k)
		}
	}
	if unknown {
		kinds = append(kinds, "")
	}
	x0 := margin + 4
	x := x0 + textW("Nature des relations :", 13, true) + 14
	row := y
	for _, k := range kinds {
		label := k.Label()
		if k == "" {
			label = "Relation (nature inconnue)"
		}
		w := 44 + textW(label, 12, false) + 22
		if x+w > L.W-margin && x > x0+200 {
			x, row = x0+textW("Nature des relations :", 13, true)+14, row+24
		}
		L.Legend = append(L.Legend, legendItem{Kind: k, Label: label, X: x, Y: row})
		x += w
	}
	if len(kinds) == 0 {
		L.DirY = y
	} else {
		L.DirY = row + 26
	}
	L.H = math.Ceil(L.DirY + 24)
}
