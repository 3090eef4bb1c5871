package layout

import (
	"math"
	"sort"
	"strings"

	"github.com/casp-cnam/casp/assessment/actormap"
)

type actorBox struct {
	Actor  int // index in the rendered actors (also the box index)
	Col    int
	Domain actormap.Domain
	Rect   rect
	Lines  []string
	Types  []string // the type, in smaller text
}

type column struct {
	Domain actormap.Domain
	X      float64 // left of the boxes
	Lane   rect
	Header rect
	Boxes  []int // top to bottom
}

type edge struct {
	Rel      int // index in the rendered relations
	From, To int // box indices
	Kind     actormap.RelationKind
	Dir      actormap.Direction
	FromSide int // 0 left, 1 right
	ToSide   int
	Bracket  bool // both ends in the same column
	FromPort pt
	ToPort   pt
	Segs     []seg
	Poly     poly
	Label    rect
	Text     string
	Leader   []pt // nil, or from the path to the label when it is off the path
}

func (e edge) startArrow() bool {
	return e.Dir == actormap.DirectionRetour || e.Dir == actormap.DirectionDouble
}

func (e edge) endArrow() bool {
	return e.Dir == actormap.DirectionAller || e.Dir == actormap.DirectionDouble
}

type legendItem struct {
	Kind  actormap.RelationKind
	Label string
	X, Y  float64
}

type plan struct {
	W, H      float64
	Title     []string
	Subtitle  string
	TitleRect rect
	LaneTop   float64
	Columns   []column
	Boxes     []actorBox
	Edges     []edge
	Gutters   [][2]float64
	Legend    []legendItem
	LegendY   float64
	DirY      float64
	Fallbacks int // labels that could not sit on their path
	Truncated bool
	m         actormap.Map // the map drawn, within the bounds (see bound)
	actors    []actormap.Actor
	relations []actormap.Relation
}

type crossing struct {
	edge, gutter int
	y1, y2, x    float64
}

type passage struct {
	edge, col, gap int
	want, y        float64
}

type corridor struct {
	idx    int // -1 above the first box, k between box k and k+1, len-1 below the last
	lo, hi float64
}

func build(m actormap.Map) *plan {
	m, truncated := bound(m)
	L := &plan{m: m, actors: m.Actors, relations: m.Relations, Truncated: truncated}

	// Columns and boxes.
	present := map[actormap.Domain]bool{}
	for _, a := range L.actors {
		present[domainOf(a.Domain)] = true
	}
	colOf := map[actormap.Domain]int{}
	for _, d := range actormap.Domains {
		if present[d] {
			colOf[d] = len(L.Columns)
			L.Columns = append(L.Columns, column{Domain: d})
		}
	}
	for i, a := range L.actors {
		d := domainOf(a.Domain)
		c := colOf[d]
		L.Boxes = append(L.Boxes, actorBox{Actor: i, Col: c, Domain: d})
		L.Columns[c].Boxes = append(L.Columns[c].Boxes, i)
	}
	n := len(L.Columns)

	// Edges: relations whose two ends exist and differ.
	index := map[string]int{}
	for i, a := range L.actors {
		if _, dup := index[a.ID]; !dup {
			index[a.ID] = i
		}
	}
	hasSolo := false
	for ri, r := range L.relations {
		f, ok1 := index[r.From]
		t, ok2 := index[r.To]
		if !ok1 || !ok2 || f == t {
			continue
		}
		e := edge{Rel: ri, From: f, To: t, Kind: r.Kind, Dir: r.Direction}
		if !knownDirection(e.Dir) {
			e.Dir = actormap.DirectionAucune
		}
		e.Text = r.Kind.Label()
		if !knownKind(r.Kind) {
			e.Text = "Relation"
		}
		cf, ct := L.Boxes[f].Col, L.Boxes[t].Col
		switch {
		case cf < ct:
			e.FromSide, e.ToSide = 1, 0
		case cf > ct:
			e.FromSide, e.ToSide = 0, 1
		default:
			e.Bracket = true
			side := 1
			if cf == n-1 && n > 1 {
				side = 0
			}
			e.FromSide, e.ToSide = side, side
			if n == 1 {
				hasSolo = true
			}
		}
		L.Edges = append(L.Edges, e)
	}

	L.order()
	L.sizeBoxes()

	// Horizontal placement.
	g := gutterFor(n)
	cw := float64(n)*boxW + float64(n-1)*g
	solo := 0.0
	if hasSolo {
		solo = 150
	}
	L.W = math.Ceil(math.Max(minWidth, cw+solo+2*margin))
	x := math.Round((L.W - cw - solo) / 2)
	for c := range L.Columns {
		L.Columns[c].X = x
		for _, b := range L.Columns[c].Boxes {
			L.Boxes[b].Rect.X = x
		}
		x += boxW + g
	}
	for c := 0; c+1 < n; c++ {
		L.Gutters = append(L.Gutters, [2]float64{L.Columns[c].X + boxW, L.Columns[c+1].X})
	}
	if hasSolo {
		right := L.Columns[0].X + boxW
		L.Gutters = append(L.Gutters, [2]float64{right, right + solo})
	}

	// Title block.
	y := 18.0
	title := strings.TrimSpace(m.Title)
	if title == "" {
		title = "Cartographie d'acteurs"
	}
	L.Title = wrap(title, L.W-2*margin-8, titleSize, true, 1000, 2)
	y += float64(len(L.Title)) * titleLine
	var sub []string
	if t := strings.TrimSpace(m.Theme); t != "" {
		sub = append(sub, "Thématique : "+t)
	}
	if t := strings.TrimSpace(m.Territory); t != "" {
		sub = append(sub, "Territoire : "+t)
	}
	if len(sub) > 0 {
		L.Subtitle = fit(strings.Join(sub, " · "), L.W-2*margin-8, 13, false)
		y += 22
	}
	L.TitleRect = rect{0, 0, L.W, y + 4}
	L.LaneTop = y + 16
	headerBottom := L.LaneTop + headerH
	for c := range L.Columns {
		col := &L.Columns[c]
		col.Header = rect{col.X - lanePad, L.LaneTop, boxW + 2*lanePad, headerH}
	}

	// Vertical placement and routing, widening the gaps where many relations pass.
	top0 := headerBottom + 14
	// Dense maps get more room between boxes, for labels and passes.
	gap := minBoxGap + math.Max(0, math.Min(40, 10*(float64(len(L.Edges))/float64(len(L.Boxes))-1)))
	gap = math.Round(gap)
	minGap := make([][]float64, n)
	for c := range L.Columns {
		minGap[c] = make([]float64, len(L.Columns[c].Boxes))
		for k := range minGap[c] {
			minGap[c][k] = gap
		}
	}
	var passes []passage
	for round := 0; round < 3; round++ {
		L.assignY(minGap, top0)
		L.assignPorts()
		var demand bool
		passes, demand = L.planPasses(minGap, headerBottom)
		if !demand {
			break
		}
	}
	L.route(passes)
	L.placeLabels(headerBottom)

	// Lanes, legend, canvas height.
	bottom := top0
	for _, b := range L.Boxes {
		bottom = math.Max(bottom, b.Rect.bottom())
	}
	for _, e := range L.Edges {
		bottom = math.Max(bottom, e.Label.bottom())
		bottom = math.Max(bottom, e.Poly.Box.bottom())
	}
	bottom += 16
	for c := range L.Columns {
		col := &L.Columns[c]
		col.Lane = rect{col.Header.X, L.LaneTop, col.Header.W, bottom - L.LaneTop}
	}
	L.layoutLegend(bottom + 28)
	return L
}

// order sorts the actors of each column by barycentre sweeps: each actor
// moves towards the mean rank of the actors it is related to.
func (L *plan) order() {
	nb := len(L.Boxes)
	nbrs := make([][]int, nb)
	for _, e := range L.Edges {
		nbrs[e.From] = append(nbrs[e.From], e.To)
		nbrs[e.To] = append(nbrs[e.To], e.From)
	}
	pos := make([]float64, nb)
	setPos := func(c int) {
		bs := L.Columns[c].Boxes
		for k, b := range bs {
			pos[b] = (float64(k) + 0.5) / float64(len(bs))
		}
	}
	for c := range L.Columns {
		setPos(c)
	}
	key := make([]float64, nb)
	n := len(L.Columns)
	for pass := 0; pass < 6; pass++ {
		for ci := 0; ci < n; ci++ {
			c := ci
			if pass%2 == 1 {
				c = n - 1 - ci
			}
			bs := L.Columns[c].Boxes
			for _, b := range bs {
				key[b] = pos[b]
				if len(nbrs[b]) > 0 {
					s := 0.0
					for _, o := range nbrs[b] {
						s += pos[o]
					}
					// A little inertia keeps the sweeps from oscillating.
					key[b] = 0.85*s/float64(len(nbrs[b])) + 0.15*pos[b]
				}
			}
			sort.SliceStable(bs, func(i, j int) bool { return key[bs[i]] < key[bs[j]] })
			setPos(c)
		}
	}
}

// sizeBoxes wraps the texts and sets the box heights, tall enough for the
// ports of the relations attached to each side.
func (L *plan) sizeBoxes() {
	ports := make([][2]int, len(L.Boxes))
	for _, e := range L.Edges {
		ports[e.From][e.FromSide]++
		ports[e.To][e.ToSide]++
	}
	inner := boxW - 2*boxPadX
	for i := range L.Boxes {
		b := &L.Boxes[i]
		a := L.actors[b.Actor]
		name := strings.TrimSpace(a.Name)
		if name == "" {
			name = "(sans nom)"
		}
		b.Lines = wrap(name, inner, nameSize, false, wrapRunes, maxNameLines)
		b.Types = wrap(a.Type, inner, typeSize, false, 1000, 2)
		h := 18 + float64(len(b.Lines))*nameLine + float64(len(b.Types))*typeLine
		p := math.Max(float64(ports[i][0]), float64(ports[i][1]))
		h = math.Max(h, 12+p*portStep)
		b.Rect.W, b.Rect.H = boxW, math.Ceil(math.Max(h, minBoxH))
	}
}

func (b actorBox) cy() float64 { return b.Rect.Y + b.Rect.H/2 }
