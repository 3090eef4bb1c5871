package layout

import (
	"math"
	"sort"
)

// gaps lists the free horizontal corridors of column c.
func (L *plan) gaps(c int, headerBottom float64) []corridor {
	bs := L.Columns[c].Boxes
	var out []corridor
	first := L.Boxes[bs[0]].Rect
	if first.Y-headerBottom >= 30 {
		out = append(out, corridor{-1, headerBottom + 10, first.Y - passGap})
	}
	for k := 0; k+1 < len(bs); k++ {
		a, b := L.Boxes[bs[k]].Rect, L.Boxes[bs[k+1]].Rect
		out = append(out, corridor{k, a.bottom() + passGap, b.Y - passGap})
	}
	last := L.Boxes[bs[len(bs)-1]].Rect
	out = append(out, corridor{len(bs) - 1, last.bottom() + passGap + 4, math.Inf(1)})
	return out
}

// planPasses chooses, for each relation spanning several columns, the gap
// it takes through each intermediate column, and spreads the relations
// sharing a gap. It raises minGap where a gap is too narrow and says so.
func (L *plan) planPasses(minGap [][]float64, headerBottom float64) ([]passage, bool) {
	var passes []passage
	gapsOf := make([][]corridor, len(L.Columns))
	for c := range L.Columns {
		gapsOf[c] = L.gaps(c, headerBottom)
	}
	for ei, e := range L.Edges {
		a, b := L.Boxes[e.From].Col, L.Boxes[e.To].Col
		ya, yb := e.FromPort.Y, e.ToPort.Y
		if a > b {
			a, b, ya, yb = b, a, yb, ya
		}
		prev := ya
		for c := a + 1; c < b; c++ {
			// Straight on if the gap at the current height is free, else
			// the gap nearest to the straight line between the two ends.
			interp := ya + (yb-ya)*float64(c-a)/float64(b-a)
			best, bestD, want := -1, math.Inf(1), interp
			for gi, g := range gapsOf[c] {
				if g.lo <= prev && prev <= g.hi {
					best, want = gi, prev
				}
			}
			if best < 0 {
				for gi, g := range gapsOf[c] {
					d := 0.0
					if interp < g.lo {
						d = g.lo - interp
					} else if interp > g.hi {
						d = interp - g.hi
					}
					if g.hi < g.lo {
						d += 1000
					}
					if d < bestD {
						best, bestD = gi, d
					}
				}
				want = math.Max(gapsOf[c][best].lo, math.Min(gapsOf[c][best].hi, interp))
			}
			prev = want
			passes = append(passes, passage{edge: ei, col: c, gap: best, want: want})
		}
	}
	sort.SliceStable(passes, func(i, j int) bool {
		p, q := passes[i], passes[j]
		if p.col != q.col {
			return p.col < q.col
		}
		if p.gap != q.gap {
			return p.gap < q.gap
		}
		if p.want != q.want {
			return p.want < q.want
		}
		return p.edge < q.edge
	})
	demand := false
	for i := 0; i < len(passes); {
		j := i
		for j < len(passes) && passes[j].col == passes[i].col && passes[j].gap == passes[i].gap {
			j++
		}
		group := passes[i:j]
		g := gapsOf[group[0].col][group[0].gap]
		k := float64(len(group))
		if math.IsInf(g.hi, 1) {
			for idx := range group {
				group[idx].y = g.lo + float64(idx)*passStep
			}
		} else {
			// Keep each wish, at least s apart, inside the gap.
			avail := math.Max(0, g.hi-g.lo)
			s := 0.0
			if k > 1 {
				s = math.Min(passStep, avail/(k-1))
			}
			for idx := range group {
				y := math.Max(g.lo, math.Min(g.hi, group[idx].want))
				if idx > 0 {
					y = math.Max(y, group[idx-1].y+s)
				}
				group[idx].y = y
			}
			for idx := len(group) - 1; idx >= 0; idx-- {
				limit := g.hi
				if idx+1 < len(group) {
					limit = group[idx+1].y - s
				}
				group[idx].y = math.Max(g.lo, math.Min(group[idx].y, limit))
			}
			need := 2*passGap + (k-1)*passStep
			if g.idx >= 0 && need > avail+0.5 {
				c := group[0].col
				if want := need + 2*passGap; want > minGap[c][g.idx] {
					minGap[c][g.idx] = math.Ceil(want)
					demand = true
				}
			}
		}
		i = j
	}
	return passes, demand
}

// route draws every relation: horizontal stubs at the ports, a vertical
// track in each gutter crossed, horizontal passes through intermediate
// columns, rounded corners.
func (L *plan) route(passes []passage) {
	passY := map[[2]int]float64{}
	for _, p := range passes {
		passY[[2]int{p.edge, p.col}] = math.Round(p.y*10) / 10
	}
	n := len(L.Columns)
	var crosses []crossing
	perEdge := make([][]int, len(L.Edges))
	for ei, e := range L.Edges {
		if e.Bracket {
			gi := L.Boxes[e.From].Col
			if e.FromSide == 0 {
				gi--
			} else if n == 1 {
				gi = len(L.Gutters) - 1
			}
			perEdge[ei] = append(perEdge[ei], len(crosses))
			crosses = append(crosses, crossing{edge: ei, gutter: gi, y1: e.FromPort.Y, y2: e.ToPort.Y})
			continue
		}
		a, b := L.Boxes[e.From].Col, L.Boxes[e.To].Col
		ya, yb := e.FromPort.Y, e.ToPort.Y
		if a > b {
			a, b, ya, yb = b, a, yb, ya
		}
		cur := ya
		for gi := a; gi < b; gi++ {
			next := yb
			if gi+1 < b {
				next = passY[[2]int{ei, gi + 1}]
			}
			perEdge[ei] = append(perEdge[ei], len(crosses))
			crosses = append(crosses, crossing{edge: ei, gutter: gi, y1: cur, y2: next})
			cur = next
		}
	}

	// Tracks: relations whose vertical runs overlap in a gutter get
	// different x. In each gutter, runs going down are ordered so that the
	// higher start is on the right (no crossing between them), runs going up
	// the other way round.
	byGutter := make([][]int, len(L.Gutters))
	for ci, cr := range crosses {
		if math.Abs(cr.y1-cr.y2) < 0.5 {
			// Straight across: no vertical run, any x on the way will do.
			crosses[ci].x = (L.Gutters[cr.gutter][0] + L.Gutters[cr.gutter][1]) / 2
			continue
		}
		byGutter[cr.gutter] = append(byGutter[cr.gutter], ci)
	}
	for gi, list := range byGutter {
		gl, gr := L.Gutters[gi][0]+trackInset, L.Gutters[gi][1]-trackInset
		sort.SliceStable(list, func(i, j int) bool {
			p, q := crosses[list[i]], crosses[list[j]]
			pl, ql := math.Min(p.y1, p.y2), math.Min(q.y1, q.y2)
			if pl != ql {
				return pl < ql
			}
			ph, qh := math.Max(p.y1, p.y2), math.Max(q.y1, q.y2)
			if ph != qh {
				return ph < qh
			}
			return list[i] < list[j]
		})
		var ends []float64
		track := make([]int, len(list))
		for k, ci := range list {
			cr := crosses[ci]
			lo, hi := math.Min(cr.y1, cr.y2)-2*corner, math.Max(cr.y1, cr.y2)+2*corner
			t := -1
			for ti, end := range ends {
				if end < lo {
					t = ti
					break
				}
			}
			if t < 0 {
				t = len(ends)
				ends = append(ends, 0)
			}
			ends[t] = hi
			track[k] = t
		}
		T := len(ends)
		// Order tracks by the mean signed start of their runs.
		keys := make([]float64, T)
		counts := make([]float64, T)
		for k, ci := range list {
			cr := crosses[ci]
			key := -cr.y1 // down runs: higher start → right
			if cr.y2 < cr.y1 {
				key = cr.y1 // up runs: lower start → right
			}
			keys[track[k]] += key
			counts[track[k]]++
		}
		rank := make([]int, T)
		for t := range rank {
			rank[t] = t
		}
		sort.SliceStable(rank, func(i, j int) bool {
			return keys[rank[i]]/counts[rank[i]] < keys[rank[j]]/counts[rank[j]]
		})
		xOf := make([]float64, T)
		span := math.Min(gr-gl, trackStep*float64(T-1))
		mid := (gl + gr) / 2
		for r, t := range rank {
			x := mid
			if T > 1 {
				x = mid - span/2 + span*float64(r)/float64(T-1)
			}
			xOf[t] = math.Round(x*10) / 10
		}
		for k, ci := range list {
			crosses[ci].x = xOf[track[k]]
		}
	}

	for ei := range L.Edges {
		e := &L.Edges[ei]
		var verts []pt
		if e.Bracket {
			cr := crosses[perEdge[ei][0]]
			verts = []pt{e.FromPort, {cr.x, e.FromPort.Y}, {cr.x, e.ToPort.Y}, e.ToPort}
		} else {
			start, end := e.FromPort, e.ToPort
			reversed := L.Boxes[e.From].Col > L.Boxes[e.To].Col
			if reversed {
				start, end = end, start
			}
			verts = []pt{start}
			for _, ci := range perEdge[ei] {
				cr := crosses[ci]
				verts = append(verts, pt{cr.x, cr.y1}, pt{cr.x, cr.y2})
			}
			verts = append(verts, end)
			if reversed {
				for i, j := 0, len(verts)-1; i < j; i, j = i+1, j-1 {
					verts[i], verts[j] = verts[j], verts[i]
				}
			}
		}
		e.Segs = roundCorners(verts, corner)
		e.Poly = sample(e.Segs)
	}
}

// roundCorners turns an orthogonal polyline into lines and quarter curves.
func roundCorners(verts []pt, radius float64) []seg {
	// Drop repeated points and straight-through vertices.
	var v []pt
	for _, p := range verts {
		if len(v) > 0 && math.Abs(p.X-v[len(v)-1].X) < 0.05 && math.Abs(p.Y-v[len(v)-1].Y) < 0.05 {
			continue
		}
		if len(v) >= 2 {
			a, b := v[len(v)-2], v[len(v)-1]
			if (math.Abs(a.X-b.X) < 0.05 && math.Abs(b.X-p.X) < 0.05) || (math.Abs(a.Y-b.Y) < 0.05 && math.Abs(b.Y-p.Y) < 0.05) {
				v[len(v)-1] = p
				continue
			}
		}
		v = append(v, p)
	}
	if len(v) < 2 {
		return []seg{{P0: verts[0], P3: verts[len(verts)-1]}}
	}
	const k = 0.5523
	var segs []seg
	cur := v[0]
	for i := 1; i < len(v)-1; i++ {
		p, c, nx := v[i-1], v[i], v[i+1]
		lin, lout := math.Hypot(c.X-p.X, c.Y-p.Y), math.Hypot(nx.X-c.X, nx.Y-c.Y)
		limIn, limOut := lin/2, lout/2
		if i == 1 {
			limIn = lin
		}
		if i == len(v)-2 {
			limOut = lout
		}
		r := math.Min(radius, math.Min(limIn, limOut))
		din := pt{(c.X - p.X) / lin, (c.Y - p.Y) / lin}
		dout := pt{(nx.X - c.X) / lout, (nx.Y - c.Y) / lout}
		s := pt{c.X - din.X*r, c.Y - din.Y*r}
		t := pt{c.X + dout.X*r, c.Y + dout.Y*r}
		if math.Hypot(s.X-cur.X, s.Y-cur.Y) > 0.05 {
			segs = append(segs, seg{P0: cur, P3: s})
		}
		segs = append(segs, seg{P0: s, C1: pt{s.X + din.X*r*k, s.Y + din.Y*r*k}, C2: pt{t.X - dout.X*r*k, t.Y - dout.Y*r*k}, P3: t, Curve: true})
		cur = t
	}
	last := v[len(v)-1]
	if math.Hypot(last.X-cur.X, last.Y-cur.Y) > 0.05 || len(segs) == 0 {
		segs = append(segs, seg{P0: cur, P3: last})
	}
	return segs
}
