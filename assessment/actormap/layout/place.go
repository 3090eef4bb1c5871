package layout

import (
	"math"
	"sort"
)

// pav is the isotonic regression of target (non-decreasing result
// nearest in least squares), each value then raised to at least lower.
func pav(target []float64, lower float64) []float64 {
	type block struct {
		sum float64
		n   int
	}
	var bs []block
	for _, v := range target {
		bs = append(bs, block{v, 1})
		for len(bs) > 1 {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			if a.sum/float64(a.n) <= b.sum/float64(b.n) {
				break
			}
			bs = append(bs[:len(bs)-2], block{a.sum + b.sum, a.n + b.n})
		}
	}
	out := make([]float64, 0, len(target))
	for _, b := range bs {
		v := math.Max(lower, b.sum/float64(b.n))
		for k := 0; k < b.n; k++ {
			out = append(out, v)
		}
	}
	return out
}

// assignY places boxes near the mean height of their neighbours in other
// columns, keeping each column's order and minimum gaps.
func (L *plan) assignY(minGap [][]float64, top0 float64) {
	nbrs := make([][]int, len(L.Boxes))
	for _, e := range L.Edges {
		if !e.Bracket {
			nbrs[e.From] = append(nbrs[e.From], e.To)
			nbrs[e.To] = append(nbrs[e.To], e.From)
		}
	}
	for c, col := range L.Columns {
		y := top0
		for k, b := range col.Boxes {
			L.Boxes[b].Rect.Y = y
			y += L.Boxes[b].Rect.H + minGap[c][k]
		}
	}
	n := len(L.Columns)
	for it := 0; it < 8; it++ {
		for ci := 0; ci < n; ci++ {
			c := ci
			if it%2 == 1 {
				c = n - 1 - ci
			}
			bs := L.Columns[c].Boxes
			target := make([]float64, len(bs))
			off := 0.0
			for k, b := range bs {
				box := L.Boxes[b]
				want := box.Rect.Y
				if len(nbrs[b]) > 0 {
					s := 0.0
					for _, o := range nbrs[b] {
						s += L.Boxes[o].cy()
					}
					want = s/float64(len(nbrs[b])) - box.Rect.H/2
				}
				target[k] = want - off
				off += box.Rect.H + minGap[c][k]
			}
			z := pav(target, top0)
			off = 0
			for k, b := range bs {
				L.Boxes[b].Rect.Y = math.Round(z[k] + off)
				off += L.Boxes[b].Rect.H + minGap[c][k]
			}
		}
	}
	minTop := math.Inf(1)
	for _, b := range L.Boxes {
		minTop = math.Min(minTop, b.Rect.Y)
	}
	for i := range L.Boxes {
		L.Boxes[i].Rect.Y -= minTop - top0
	}
}

// assignPorts spreads the ends of the relations along each box side, sorted
// by the height of the other end so that they do not cross at the box.
func (L *plan) assignPorts() {
	type ref struct {
		edge   int
		atFrom bool
		other  float64
	}
	lists := make([][2][]ref, len(L.Boxes))
	for ei, e := range L.Edges {
		lists[e.From][e.FromSide] = append(lists[e.From][e.FromSide], ref{ei, true, L.Boxes[e.To].cy()})
		lists[e.To][e.ToSide] = append(lists[e.To][e.ToSide], ref{ei, false, L.Boxes[e.From].cy()})
	}
	for b := range L.Boxes {
		box := L.Boxes[b]
		for side := 0; side < 2; side++ {
			rs := lists[b][side]
			sort.SliceStable(rs, func(i, j int) bool {
				if rs[i].other != rs[j].other {
					return rs[i].other < rs[j].other
				}
				if rs[i].edge != rs[j].edge {
					return rs[i].edge < rs[j].edge
				}
				return rs[i].atFrom && !rs[j].atFrom
			})
			k := float64(len(rs))
			step := math.Min(14, (box.Rect.H-10)/math.Max(k, 1))
			for i, r := range rs {
				y := math.Round((box.cy()+(float64(i)-(k-1)/2)*step)*10) / 10
				e := &L.Edges[r.edge]
				arrow := (r.atFrom && e.startArrow()) || (!r.atFrom && e.endArrow())
				x := box.Rect.X
				if side == 1 {
					x = box.Rect.right()
				}
				if arrow {
					x += float64(2*side-1) * arrowRoom
				}
				if r.atFrom {
					e.FromPort = pt{x, y}
				} else {
					e.ToPort = pt{x, y}
				}
			}
		}
	}
}
