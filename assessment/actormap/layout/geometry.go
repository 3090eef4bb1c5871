package layout

import (
	"math"
	"sort"
)

type pt struct{ X, Y float64 }

type rect struct{ X, Y, W, H float64 }

func (r rect) overlaps(o rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

func (r rect) grow(d float64) rect {
	return rect{r.X - d, r.Y - d, r.W + 2*d, r.H + 2*d}
}

func (r rect) contains(p pt) bool {
	return p.X >= r.X && p.X <= r.X+r.W && p.Y >= r.Y && p.Y <= r.Y+r.H
}

func (r rect) bottom() float64 { return r.Y + r.H }
func (r rect) right() float64  { return r.X + r.W }

// seg is a straight line (Curve false: C1 and C2 unused) or a cubic Bézier.
type seg struct {
	P0, C1, C2, P3 pt
	Curve          bool
}

func (s seg) at(t float64) pt {
	if !s.Curve {
		return pt{s.P0.X + (s.P3.X-s.P0.X)*t, s.P0.Y + (s.P3.Y-s.P0.Y)*t}
	}
	u := 1 - t
	a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return pt{a*s.P0.X + b*s.C1.X + c*s.C2.X + d*s.P3.X, a*s.P0.Y + b*s.C1.Y + c*s.C2.Y + d*s.P3.Y}
}

// poly is a path sampled every few units, with cumulative lengths.
type poly struct {
	Pts []pt
	Cum []float64
	Box rect
}

func sample(segs []seg) poly {
	var p poly
	add := func(q pt) {
		if n := len(p.Pts); n > 0 {
			p.Cum = append(p.Cum, p.Cum[n-1]+math.Hypot(q.X-p.Pts[n-1].X, q.Y-p.Pts[n-1].Y))
		} else {
			p.Cum = append(p.Cum, 0)
		}
		p.Pts = append(p.Pts, q)
	}
	for i, s := range segs {
		if i == 0 {
			add(s.P0)
		}
		steps := 8
		if !s.Curve {
			steps = int(math.Ceil(math.Hypot(s.P3.X-s.P0.X, s.P3.Y-s.P0.Y) / 4))
			if steps < 1 {
				steps = 1
			}
		}
		for k := 1; k <= steps; k++ {
			add(s.at(float64(k) / float64(steps)))
		}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range p.Pts {
		minX, minY = math.Min(minX, q.X), math.Min(minY, q.Y)
		maxX, maxY = math.Max(maxX, q.X), math.Max(maxY, q.Y)
	}
	p.Box = rect{minX, minY, maxX - minX, maxY - minY}
	return p
}

func (p poly) length() float64 {
	if len(p.Cum) == 0 {
		return 0
	}
	return p.Cum[len(p.Cum)-1]
}

func (p poly) at(s float64) pt {
	i := sort.SearchFloat64s(p.Cum, s)
	if i <= 0 {
		return p.Pts[0]
	}
	if i >= len(p.Pts) {
		return p.Pts[len(p.Pts)-1]
	}
	a, b := p.Pts[i-1], p.Pts[i]
	span := p.Cum[i] - p.Cum[i-1]
	if span <= 0 {
		return b
	}
	t := (s - p.Cum[i-1]) / span
	return pt{a.X + (b.X-a.X)*t, a.Y + (b.Y-a.Y)*t}
}

// crosses says whether the sampled path passes through r.
func (p poly) crosses(r rect) bool {
	if !p.Box.grow(1).overlaps(r) {
		return false
	}
	for _, q := range p.Pts {
		if r.contains(q) {
			return true
		}
	}
	return false
}
