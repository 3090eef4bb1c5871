package assessment

// Cartographie d'acteurs: a learner's map of the actors of a territory around
// a theme, and of their relations. This file holds the data model, its
// validation (French messages keyed by form field), its JSON form (upload and
// download) and its SVG rendering; actormap_text.go measures and fits its
// texts, and bounds what the renderer takes.
//
// The SVG is drawn under a strict CSP (style-src 'self'): presentation
// attributes only, no style attribute, no <style> element. The layout is
// deterministic:
//   - one column per domain present, in Domains order;
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

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/casp-cnam/casp/internal/apperr"
)

// Domain is the field of action an actor belongs to; the map has one column
// per domain.
type Domain string

// The domains, see Domains for their display order.
const (
	DomainEmploi    Domain = "emploi"
	DomainFormation Domain = "formation"
	DomainSocial    Domain = "social"
	DomainSante     Domain = "sante"
	DomainLogement  Domain = "logement"
	DomainJustice   Domain = "justice"
	DomainAutre     Domain = "autre"
)

// Domains lists the domains in display order (columns from left to right).
var Domains = []Domain{DomainEmploi, DomainFormation, DomainSocial, DomainSante, DomainLogement, DomainJustice, DomainAutre}

// Label is the French name of the domain; an unknown domain keeps its code.
func (d Domain) Label() string {
	switch d {
	case DomainEmploi:
		return "Emploi"
	case DomainFormation:
		return "Formation"
	case DomainSocial:
		return "Social"
	case DomainSante:
		return "Santé"
	case DomainLogement:
		return "Logement"
	case DomainJustice:
		return "Justice"
	case DomainAutre:
		return "Autre"
	}
	return string(d)
}

// RelationKind is the nature of a relation between two actors.
type RelationKind string

// The relation kinds, see RelationKinds for their display order.
const (
	RelationOrientation  RelationKind = "orientation"
	RelationFinancement  RelationKind = "financement"
	RelationPartenariat  RelationKind = "partenariat"
	RelationCoordination RelationKind = "coordination"
	RelationTutelle      RelationKind = "tutelle"
	RelationInformation  RelationKind = "information"
)

// RelationKinds lists the relation kinds in display order.
var RelationKinds = []RelationKind{RelationOrientation, RelationFinancement, RelationPartenariat, RelationCoordination, RelationTutelle, RelationInformation}

// Label is the French name of the kind; an unknown kind keeps its code.
func (k RelationKind) Label() string {
	switch k {
	case RelationOrientation:
		return "Orientation"
	case RelationFinancement:
		return "Financement"
	case RelationPartenariat:
		return "Partenariat"
	case RelationCoordination:
		return "Coordination"
	case RelationTutelle:
		return "Tutelle"
	case RelationInformation:
		return "Information"
	}
	return string(k)
}

// Direction says which way a relation goes.
type Direction string

// The directions.
const (
	DirectionAller  Direction = "aller"  // from → to
	DirectionRetour Direction = "retour" // to → from
	DirectionDouble Direction = "double" // both ways
	DirectionAucune Direction = "aucune" // undirected
)

// Directions lists the directions in display order.
var Directions = []Direction{DirectionAller, DirectionRetour, DirectionDouble, DirectionAucune}

// Label is the French wording of the direction, for forms.
func (d Direction) Label() string {
	switch d {
	case DirectionAller:
		return "De l'acteur de départ vers l'acteur d'arrivée"
	case DirectionRetour:
		return "De l'acteur d'arrivée vers l'acteur de départ"
	case DirectionDouble:
		return "Dans les deux sens"
	case DirectionAucune:
		return "Sans sens particulier"
	}
	return string(d)
}

// Actor is one actor of the territory.
type Actor struct {
	ID           string `json:"id"`
	Name         string `json:"nom"`
	Type         string `json:"type"`
	Domain       Domain `json:"domaine"`
	StructureRef string `json:"structure,omitempty"` // optional id of a structure of the territory directory
}

// Relation links two actors, by id.
type Relation struct {
	From      string       `json:"de"`
	To        string       `json:"vers"`
	Kind      RelationKind `json:"nature"`
	Direction Direction    `json:"sens"`
	Comment   string       `json:"commentaire,omitempty"`
}

// ActorMap is a cartographie d'acteurs.
type ActorMap struct {
	Title     string     `json:"titre"`
	Theme     string     `json:"thematique"`
	Territory string     `json:"territoire"`
	Actors    []Actor    `json:"acteurs"`
	Relations []Relation `json:"relations"`
}

const (
	amapMaxActors    = 60
	amapMaxRelations = 200
	amapMaxName      = 120
	amapMaxType      = 80
	amapMaxID        = 64
	amapMaxComment   = 500
)

func amapKnownDomain(d Domain) bool {
	for _, x := range Domains {
		if x == d {
			return true
		}
	}
	return false
}

func amapKnownKind(k RelationKind) bool {
	for _, x := range RelationKinds {
		if x == k {
			return true
		}
	}
	return false
}

func amapKnownDirection(d Direction) bool {
	for _, x := range Directions {
		if x == d {
			return true
		}
	}
	return false
}

// amapCheckText records the message for a required or too long text field.
func amapCheckText(errs map[string]string, key, s string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		errs[key] = "Ce champ est obligatoire."
	case utf8.RuneCountInString(s) > max:
		errs[key] = fmt.Sprintf("Saisissez au plus %d caractères.", max)
	}
}

// Validate checks the map and returns one French message per form field in
// error ("titre", "acteurs[3].nom", "relations[1].vers"…); an empty map
// means the map is valid.
func (m ActorMap) Validate() map[string]string {
	errs := map[string]string{}
	amapCheckText(errs, "titre", m.Title, amapMaxName, true)
	amapCheckText(errs, "thematique", m.Theme, amapMaxName, false)
	amapCheckText(errs, "territoire", m.Territory, amapMaxName, false)
	if len(m.Actors) > amapMaxActors {
		errs["acteurs"] = fmt.Sprintf("Une cartographie compte au plus %d acteurs.", amapMaxActors)
	}
	if len(m.Relations) > amapMaxRelations {
		errs["relations"] = fmt.Sprintf("Une cartographie compte au plus %d relations.", amapMaxRelations)
	}
	ids := map[string]bool{}
	for i, a := range m.Actors {
		p := fmt.Sprintf("acteurs[%d].", i)
		amapCheckText(errs, p+"id", a.ID, amapMaxID, true)
		if strings.TrimSpace(a.ID) != "" {
			if ids[a.ID] {
				errs[p+"id"] = "Cet identifiant est déjà celui d'un autre acteur."
			}
			ids[a.ID] = true
		}
		amapCheckText(errs, p+"nom", a.Name, amapMaxName, true)
		amapCheckText(errs, p+"type", a.Type, amapMaxType, false)
		if !amapKnownDomain(a.Domain) {
			errs[p+"domaine"] = "Choisissez un domaine dans la liste."
		}
		amapCheckText(errs, p+"structure", a.StructureRef, amapMaxID, false)
	}
	for i, r := range m.Relations {
		p := fmt.Sprintf("relations[%d].", i)
		endpoint := func(key, id string) {
			switch {
			case strings.TrimSpace(id) == "":
				errs[p+key] = "Ce champ est obligatoire."
			case !ids[id]:
				errs[p+key] = "Choisissez un acteur de la cartographie."
			}
		}
		endpoint("de", r.From)
		endpoint("vers", r.To)
		if _, bad := errs[p+"vers"]; !bad && r.From == r.To && ids[r.To] {
			errs[p+"vers"] = "Choisissez un acteur différent de l'acteur de départ."
		}
		if !amapKnownKind(r.Kind) {
			errs[p+"nature"] = "Choisissez une nature de relation dans la liste."
		}
		if !amapKnownDirection(r.Direction) {
			errs[p+"sens"] = "Choisissez un sens dans la liste."
		}
		amapCheckText(errs, p+"commentaire", r.Comment, amapMaxComment, false)
	}
	return errs
}

// JSON is the indented JSON form of the map, for download; ParseActorMap
// reads it back.
func (m ActorMap) JSON() []byte {
	if m.Actors == nil {
		m.Actors = []Actor{}
	}
	if m.Relations == nil {
		m.Relations = []Relation{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		// Strings, slices and structs only: encoding cannot fail.
		panic(err)
	}
	return b.Bytes()
}

// ParseActorMap reads a map from its JSON form. Unknown fields, malformed
// JSON and trailing data are refused with an apperr Invalid error whose
// message is French and safe to show. The map is not validated: call
// Validate.
func ParseActorMap(data []byte) (ActorMap, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return ActorMap{}, apperr.New(apperr.Invalid, "Le fichier est vide.")
	}
	if trimmed[0] != '{' {
		return ActorMap{}, apperr.New(apperr.Invalid, "Le fichier doit contenir une cartographie au format JSON : un objet entre accolades { }.")
	}
	var m ActorMap
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return ActorMap{}, amapJSONError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ActorMap{}, apperr.New(apperr.Invalid, "Le fichier contient des données après la cartographie.")
	}
	return m, nil
}

func amapJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.As(err, &syn):
		line, col := amapLineCol(data, syn.Offset)
		return apperr.New(apperr.Invalid, "Le fichier n'est pas un JSON valide (ligne %d, colonne %d).", line, col)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return apperr.New(apperr.Invalid, "Le fichier JSON est incomplet : il se termine avant la fin de la cartographie.")
	case errors.As(err, &typ):
		want := "une valeur d'un autre type"
		if typ.Type != nil {
			switch typ.Type.Kind().String() {
			case "string":
				want = "du texte"
			case "slice", "array":
				want = "une liste [ ]"
			case "struct", "map":
				want = "un objet { }"
			}
		}
		if typ.Field == "" {
			return apperr.New(apperr.Invalid, "Le fichier contient une valeur de type inattendu : %s était attendu.", want)
		}
		return apperr.New(apperr.Invalid, "Le champ « %s » doit contenir %s.", typ.Field, want)
	case strings.Contains(msg, "unknown field"):
		name := "?"
		if i := strings.Index(msg, `"`); i >= 0 {
			if q, err := strconv.QuotedPrefix(msg[i:]); err == nil {
				name, _ = strconv.Unquote(q)
			}
		}
		return apperr.New(apperr.Invalid, "Le champ « %s » est inconnu : une cartographie ne contient que les champs prévus (titre, thematique, territoire, acteurs, relations…).", name)
	}
	return apperr.New(apperr.Invalid, "Le fichier n'est pas une cartographie d'acteurs valide.")
}

func amapLineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col := 1, 1
	for _, r := range string(data[:offset]) {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if col > 1 {
		col-- // the offset points just after the offending byte
	}
	return line, col
}

// ---------------------------------------------------------------------------
// Geometry.

type amapPt struct{ X, Y float64 }

type amapRect struct{ X, Y, W, H float64 }

func (r amapRect) overlaps(o amapRect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

func (r amapRect) grow(d float64) amapRect {
	return amapRect{r.X - d, r.Y - d, r.W + 2*d, r.H + 2*d}
}

func (r amapRect) contains(p amapPt) bool {
	return p.X >= r.X && p.X <= r.X+r.W && p.Y >= r.Y && p.Y <= r.Y+r.H
}

func (r amapRect) bottom() float64 { return r.Y + r.H }
func (r amapRect) right() float64  { return r.X + r.W }

// amapSeg is a straight line (Curve false: C1 and C2 unused) or a cubic Bézier.
type amapSeg struct {
	P0, C1, C2, P3 amapPt
	Curve          bool
}

func (s amapSeg) at(t float64) amapPt {
	if !s.Curve {
		return amapPt{s.P0.X + (s.P3.X-s.P0.X)*t, s.P0.Y + (s.P3.Y-s.P0.Y)*t}
	}
	u := 1 - t
	a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return amapPt{a*s.P0.X + b*s.C1.X + c*s.C2.X + d*s.P3.X, a*s.P0.Y + b*s.C1.Y + c*s.C2.Y + d*s.P3.Y}
}

// amapPoly is a path sampled every few units, with cumulative lengths.
type amapPoly struct {
	Pts []amapPt
	Cum []float64
	Box amapRect
}

func amapSample(segs []amapSeg) amapPoly {
	var p amapPoly
	add := func(q amapPt) {
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
	p.Box = amapRect{minX, minY, maxX - minX, maxY - minY}
	return p
}

func (p amapPoly) length() float64 {
	if len(p.Cum) == 0 {
		return 0
	}
	return p.Cum[len(p.Cum)-1]
}

func (p amapPoly) at(s float64) amapPt {
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
	return amapPt{a.X + (b.X-a.X)*t, a.Y + (b.Y-a.Y)*t}
}

// crosses says whether the sampled path passes through r.
func (p amapPoly) crosses(r amapRect) bool {
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

// ---------------------------------------------------------------------------
// Styles. Every ink has a contrast of at least 4.5:1 on white (checked by the
// tests), so it serves for lines and for text alike.

type amapDomainStyle struct{ Ink, Tint string }

var amapDomainStyles = map[Domain]amapDomainStyle{
	DomainEmploi:    {"#1d4f91", "#edf2f9"},
	DomainFormation: {"#6a3d9a", "#f4f0f9"},
	DomainSocial:    {"#a0361f", "#fbf1ee"},
	DomainSante:     {"#1a6656", "#ecf5f2"},
	DomainLogement:  {"#7a5200", "#f9f3e6"},
	DomainJustice:   {"#3f4656", "#f0f1f4"},
	DomainAutre:     {"#545a63", "#f3f4f5"},
}

// amapKindStyle distinguishes relation kinds by colour, dash pattern and
// width, so that colour is never the only cue (the text label is another).
type amapKindStyle struct {
	Color string
	Dash  string
	Width float64
	Round bool
}

var amapKindStyles = map[RelationKind]amapKindStyle{
	RelationOrientation:  {"#0b57d0", "", 2, false},
	RelationFinancement:  {"#137333", "10 5", 2, false},
	RelationPartenariat:  {"#9c4a00", "0.1 5", 2.6, true},
	RelationCoordination: {"#7b1fa2", "12 4 2 4", 2, false},
	RelationTutelle:      {"#b3261e", "", 3.5, false},
	RelationInformation:  {"#545a63", "5 3", 1.6, false},
}

var amapUnknownKind = amapKindStyle{"#3f4656", "1 3", 1.5, false}

func amapStyleOf(k RelationKind) amapKindStyle {
	if s, ok := amapKindStyles[k]; ok {
		return s
	}
	return amapUnknownKind
}

func amapDomainOf(d Domain) Domain {
	if amapKnownDomain(d) {
		return d
	}
	return DomainAutre
}

const (
	amapInk        = "#1b1b1f"
	amapMuted      = "#4a4f57"
	amapFont       = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
	amapMargin     = 12.0
	amapBoxW       = 150.0
	amapBoxPadX    = 7.0
	amapNameSize   = 13.0
	amapNameLine   = 16.0
	amapTypeSize   = 12.0
	amapTypeLine   = 15.0
	amapWrapRunes  = 22
	amapMaxLines   = 3
	amapMinBoxH    = 48.0
	amapPortStep   = 9.0
	amapLabelSize  = 12.0
	amapLabelH     = 18.0
	amapLabelPadX  = 3.5
	amapHeaderH    = 36.0
	amapLanePad    = 8.0
	amapMinGap     = 30.0
	amapPassGap    = 7.0  // distance between a passing relation and a box
	amapPassStep   = 8.0  // distance between relations passing the same gap
	amapArrow      = 7.0  // room left for an arrowhead between a path end and its box
	amapCorner     = 8.0  // radius of rounded corners
	amapTrackInset = 17.0 // no vertical track nearer than this to a column
	amapTrackStep  = 12.0
	amapMinWidth   = 640.0
	amapTitleSize  = 20.0
	amapTitleLine  = 26.0
)

// amapGutterFor is the horizontal space between two columns: wide enough for
// a label, wider when there are few columns, keeping 7 columns near 1600.
func amapGutterFor(n int) float64 {
	if n <= 1 {
		return 0
	}
	g := (1400 - 2*amapMargin - float64(n)*amapBoxW) / float64(n-1)
	return math.Max(90, math.Min(170, math.Floor(g)))
}

// ---------------------------------------------------------------------------
// Layout.

type amapBox struct {
	Actor  int // index in the rendered actors (also the box index)
	Col    int
	Domain Domain
	Rect   amapRect
	Lines  []string
	Types  []string // the type, in smaller text
}

type amapColumn struct {
	Domain Domain
	X      float64 // left of the boxes
	Lane   amapRect
	Header amapRect
	Boxes  []int // top to bottom
}

type amapEdge struct {
	Rel      int // index in the rendered relations
	From, To int // box indices
	Kind     RelationKind
	Dir      Direction
	FromSide int // 0 left, 1 right
	ToSide   int
	Bracket  bool // both ends in the same column
	FromPort amapPt
	ToPort   amapPt
	Segs     []amapSeg
	Poly     amapPoly
	Label    amapRect
	Text     string
	Leader   []amapPt // nil, or from the path to the label when it is off the path
}

func (e amapEdge) startArrow() bool { return e.Dir == DirectionRetour || e.Dir == DirectionDouble }
func (e amapEdge) endArrow() bool   { return e.Dir == DirectionAller || e.Dir == DirectionDouble }

type amapLegendItem struct {
	Kind  RelationKind
	Label string
	X, Y  float64
}

type amapLayout struct {
	W, H      float64
	Title     []string
	Subtitle  string
	TitleRect amapRect
	LaneTop   float64
	Columns   []amapColumn
	Boxes     []amapBox
	Edges     []amapEdge
	Gutters   [][2]float64
	Legend    []amapLegendItem
	LegendY   float64
	DirY      float64
	Fallbacks int // labels that could not sit on their path
	Truncated bool
	m         ActorMap // the map drawn, within the bounds (amapBound)
	actors    []Actor
	relations []Relation
}

type amapCross struct {
	edge, gutter int
	y1, y2, x    float64
}

type amapPass struct {
	edge, col, gap int
	want, y        float64
}

type amapGap struct {
	idx    int // -1 above the first box, k between box k and k+1, len-1 below the last
	lo, hi float64
}

func amapBuild(m ActorMap) *amapLayout {
	m, truncated := amapBound(m)
	L := &amapLayout{m: m, actors: m.Actors, relations: m.Relations, Truncated: truncated}

	// Columns and boxes.
	present := map[Domain]bool{}
	for _, a := range L.actors {
		present[amapDomainOf(a.Domain)] = true
	}
	colOf := map[Domain]int{}
	for _, d := range Domains {
		if present[d] {
			colOf[d] = len(L.Columns)
			L.Columns = append(L.Columns, amapColumn{Domain: d})
		}
	}
	for i, a := range L.actors {
		d := amapDomainOf(a.Domain)
		c := colOf[d]
		L.Boxes = append(L.Boxes, amapBox{Actor: i, Col: c, Domain: d})
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
		e := amapEdge{Rel: ri, From: f, To: t, Kind: r.Kind, Dir: r.Direction}
		if !amapKnownDirection(e.Dir) {
			e.Dir = DirectionAucune
		}
		e.Text = r.Kind.Label()
		if !amapKnownKind(r.Kind) {
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
	g := amapGutterFor(n)
	cw := float64(n)*amapBoxW + float64(n-1)*g
	solo := 0.0
	if hasSolo {
		solo = 150
	}
	L.W = math.Ceil(math.Max(amapMinWidth, cw+solo+2*amapMargin))
	x := math.Round((L.W - cw - solo) / 2)
	for c := range L.Columns {
		L.Columns[c].X = x
		for _, b := range L.Columns[c].Boxes {
			L.Boxes[b].Rect.X = x
		}
		x += amapBoxW + g
	}
	for c := 0; c+1 < n; c++ {
		L.Gutters = append(L.Gutters, [2]float64{L.Columns[c].X + amapBoxW, L.Columns[c+1].X})
	}
	if hasSolo {
		right := L.Columns[0].X + amapBoxW
		L.Gutters = append(L.Gutters, [2]float64{right, right + solo})
	}

	// Title block.
	y := 18.0
	title := strings.TrimSpace(m.Title)
	if title == "" {
		title = "Cartographie d'acteurs"
	}
	L.Title = amapWrap(title, L.W-2*amapMargin-8, amapTitleSize, true, 1000, 2)
	y += float64(len(L.Title)) * amapTitleLine
	var sub []string
	if t := strings.TrimSpace(m.Theme); t != "" {
		sub = append(sub, "Thématique : "+t)
	}
	if t := strings.TrimSpace(m.Territory); t != "" {
		sub = append(sub, "Territoire : "+t)
	}
	if len(sub) > 0 {
		L.Subtitle = amapFit(strings.Join(sub, " · "), L.W-2*amapMargin-8, 13, false)
		y += 22
	}
	L.TitleRect = amapRect{0, 0, L.W, y + 4}
	L.LaneTop = y + 16
	headerBottom := L.LaneTop + amapHeaderH
	for c := range L.Columns {
		col := &L.Columns[c]
		col.Header = amapRect{col.X - amapLanePad, L.LaneTop, amapBoxW + 2*amapLanePad, amapHeaderH}
	}

	// Vertical placement and routing, widening the gaps where many relations pass.
	top0 := headerBottom + 14
	// Dense maps get more room between boxes, for labels and passes.
	gap := amapMinGap + math.Max(0, math.Min(40, 10*(float64(len(L.Edges))/float64(len(L.Boxes))-1)))
	gap = math.Round(gap)
	minGap := make([][]float64, n)
	for c := range L.Columns {
		minGap[c] = make([]float64, len(L.Columns[c].Boxes))
		for k := range minGap[c] {
			minGap[c][k] = gap
		}
	}
	var passes []amapPass
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
		col.Lane = amapRect{col.Header.X, L.LaneTop, col.Header.W, bottom - L.LaneTop}
	}
	L.layoutLegend(bottom + 28)
	return L
}

// order sorts the actors of each column by barycentre sweeps: each actor
// moves towards the mean rank of the actors it is related to.
func (L *amapLayout) order() {
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
func (L *amapLayout) sizeBoxes() {
	ports := make([][2]int, len(L.Boxes))
	for _, e := range L.Edges {
		ports[e.From][e.FromSide]++
		ports[e.To][e.ToSide]++
	}
	inner := amapBoxW - 2*amapBoxPadX
	for i := range L.Boxes {
		b := &L.Boxes[i]
		a := L.actors[b.Actor]
		name := strings.TrimSpace(a.Name)
		if name == "" {
			name = "(sans nom)"
		}
		b.Lines = amapWrap(name, inner, amapNameSize, false, amapWrapRunes, amapMaxLines)
		b.Types = amapWrap(a.Type, inner, amapTypeSize, false, 1000, 2)
		h := 18 + float64(len(b.Lines))*amapNameLine + float64(len(b.Types))*amapTypeLine
		p := math.Max(float64(ports[i][0]), float64(ports[i][1]))
		h = math.Max(h, 12+p*amapPortStep)
		b.Rect.W, b.Rect.H = amapBoxW, math.Ceil(math.Max(h, amapMinBoxH))
	}
}

func (b amapBox) cy() float64 { return b.Rect.Y + b.Rect.H/2 }

// amapPAV is the isotonic regression of target (non-decreasing result
// nearest in least squares), each value then raised to at least lower.
func amapPAV(target []float64, lower float64) []float64 {
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
func (L *amapLayout) assignY(minGap [][]float64, top0 float64) {
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
			z := amapPAV(target, top0)
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
func (L *amapLayout) assignPorts() {
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
					x += float64(2*side-1) * amapArrow
				}
				if r.atFrom {
					e.FromPort = amapPt{x, y}
				} else {
					e.ToPort = amapPt{x, y}
				}
			}
		}
	}
}

// gaps lists the free horizontal corridors of column c.
func (L *amapLayout) gaps(c int, headerBottom float64) []amapGap {
	bs := L.Columns[c].Boxes
	var out []amapGap
	first := L.Boxes[bs[0]].Rect
	if first.Y-headerBottom >= 30 {
		out = append(out, amapGap{-1, headerBottom + 10, first.Y - amapPassGap})
	}
	for k := 0; k+1 < len(bs); k++ {
		a, b := L.Boxes[bs[k]].Rect, L.Boxes[bs[k+1]].Rect
		out = append(out, amapGap{k, a.bottom() + amapPassGap, b.Y - amapPassGap})
	}
	last := L.Boxes[bs[len(bs)-1]].Rect
	out = append(out, amapGap{len(bs) - 1, last.bottom() + amapPassGap + 4, math.Inf(1)})
	return out
}

// planPasses chooses, for each relation spanning several columns, the gap
// it takes through each intermediate column, and spreads the relations
// sharing a gap. It raises minGap where a gap is too narrow and says so.
func (L *amapLayout) planPasses(minGap [][]float64, headerBottom float64) ([]amapPass, bool) {
	var passes []amapPass
	gapsOf := make([][]amapGap, len(L.Columns))
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
			passes = append(passes, amapPass{edge: ei, col: c, gap: best, want: want})
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
				group[idx].y = g.lo + float64(idx)*amapPassStep
			}
		} else {
			// Keep each wish, at least s apart, inside the gap.
			avail := math.Max(0, g.hi-g.lo)
			s := 0.0
			if k > 1 {
				s = math.Min(amapPassStep, avail/(k-1))
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
			need := 2*amapPassGap + (k-1)*amapPassStep
			if g.idx >= 0 && need > avail+0.5 {
				c := group[0].col
				if want := need + 2*amapPassGap; want > minGap[c][g.idx] {
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
func (L *amapLayout) route(passes []amapPass) {
	passY := map[[2]int]float64{}
	for _, p := range passes {
		passY[[2]int{p.edge, p.col}] = math.Round(p.y*10) / 10
	}
	n := len(L.Columns)
	var crosses []amapCross
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
			crosses = append(crosses, amapCross{edge: ei, gutter: gi, y1: e.FromPort.Y, y2: e.ToPort.Y})
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
			crosses = append(crosses, amapCross{edge: ei, gutter: gi, y1: cur, y2: next})
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
		gl, gr := L.Gutters[gi][0]+amapTrackInset, L.Gutters[gi][1]-amapTrackInset
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
			lo, hi := math.Min(cr.y1, cr.y2)-2*amapCorner, math.Max(cr.y1, cr.y2)+2*amapCorner
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
		span := math.Min(gr-gl, amapTrackStep*float64(T-1))
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
		var verts []amapPt
		if e.Bracket {
			cr := crosses[perEdge[ei][0]]
			verts = []amapPt{e.FromPort, {cr.x, e.FromPort.Y}, {cr.x, e.ToPort.Y}, e.ToPort}
		} else {
			start, end := e.FromPort, e.ToPort
			reversed := L.Boxes[e.From].Col > L.Boxes[e.To].Col
			if reversed {
				start, end = end, start
			}
			verts = []amapPt{start}
			for _, ci := range perEdge[ei] {
				cr := crosses[ci]
				verts = append(verts, amapPt{cr.x, cr.y1}, amapPt{cr.x, cr.y2})
			}
			verts = append(verts, end)
			if reversed {
				for i, j := 0, len(verts)-1; i < j; i, j = i+1, j-1 {
					verts[i], verts[j] = verts[j], verts[i]
				}
			}
		}
		e.Segs = amapRound(verts, amapCorner)
		e.Poly = amapSample(e.Segs)
	}
}

// amapRound turns an orthogonal polyline into lines and quarter curves.
func amapRound(verts []amapPt, radius float64) []amapSeg {
	// Drop repeated points and straight-through vertices.
	var v []amapPt
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
		return []amapSeg{{P0: verts[0], P3: verts[len(verts)-1]}}
	}
	const k = 0.5523
	var segs []amapSeg
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
		din := amapPt{(c.X - p.X) / lin, (c.Y - p.Y) / lin}
		dout := amapPt{(nx.X - c.X) / lout, (nx.Y - c.Y) / lout}
		s := amapPt{c.X - din.X*r, c.Y - din.Y*r}
		t := amapPt{c.X + dout.X*r, c.Y + dout.Y*r}
		if math.Hypot(s.X-cur.X, s.Y-cur.Y) > 0.05 {
			segs = append(segs, amapSeg{P0: cur, P3: s})
		}
		segs = append(segs, amapSeg{P0: s, C1: amapPt{s.X + din.X*r*k, s.Y + din.Y*r*k}, C2: amapPt{t.X - dout.X*r*k, t.Y - dout.Y*r*k}, P3: t, Curve: true})
		cur = t
	}
	last := v[len(v)-1]
	if math.Hypot(last.X-cur.X, last.Y-cur.Y) > 0.05 || len(segs) == 0 {
		segs = append(segs, amapSeg{P0: cur, P3: last})
	}
	return segs
}

func amapLabelDims(text string) (float64, float64) {
	return math.Ceil(amapTextW(text, amapLabelSize, false) + 2*amapLabelPadX), amapLabelH
}

// placeLabels puts each relation label on its path, as near the middle as
// possible, where it overlaps no box, header or other label, preferring
// places where it hides no other relation.
func (L *amapLayout) placeLabels(headerBottom float64) {
	var obstacles []amapRect
	for _, b := range L.Boxes {
		obstacles = append(obstacles, b.Rect.grow(3))
	}
	free := func(r amapRect) bool {
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
		w, h := amapLabelDims(e.Text)
		total := e.Poly.length()
		mid := total / 2
		step := math.Max(3, total/100)
		rectAt := func(p amapPt) amapRect {
			return amapRect{math.Round((p.X-w/2)*10) / 10, math.Round((p.Y-h/2)*10) / 10, w, h}
		}
		bestCost := math.Inf(1)
		var best amapRect
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
			pt := e.Poly.at(s)
			a, b := e.Poly.at(s-2), e.Poly.at(s+2)
			off := amapPt{0, h/2 + 1.5}
			if math.Abs(b.Y-a.Y) > math.Abs(b.X-a.X) {
				off = amapPt{w/2 + 1.5, 0}
			}
			for ci, c := range []amapPt{pt, {pt.X - off.X, pt.Y - off.Y}, {pt.X + off.X, pt.Y + off.Y}} {
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
				r := rectAt(amapPt{anchor.X + rad*math.Cos(ang), anchor.Y + rad*math.Sin(ang)})
				if free(r) {
					e.Label, found = r, true
					break
				}
			}
		}
		if !found {
			r := rectAt(amapPt{math.Max(w/2+4, math.Min(L.W-w/2-4, anchor.X)), overflowY + h/2})
			for !free(r) {
				r.Y += h + 4
			}
			e.Label = r
		}
		obstacles = append(obstacles, e.Label.grow(2))
		near := amapPt{math.Max(e.Label.X, math.Min(e.Label.right(), anchor.X)), math.Max(e.Label.Y, math.Min(e.Label.bottom(), anchor.Y))}
		e.Leader = []amapPt{anchor, near}
	}
}

// layoutLegend lays out the key of relation kinds present, then the key of
// arrows.
func (L *amapLayout) layoutLegend(y float64) {
	L.LegendY = y
	present := map[RelationKind]bool{}
	unknown := false
	for _, e := range L.Edges {
		if amapKnownKind(e.Kind) {
			present[e.Kind] = true
		} else {
			unknown = true
		}
	}
	var kinds []RelationKind
	for _, k := range RelationKinds {
		if present[k] {
			kinds = append(kinds, k)
		}
	}
	if unknown {
		kinds = append(kinds, "")
	}
	x0 := amapMargin + 4
	x := x0 + amapTextW("Nature des relations :", 13, true) + 14
	row := y
	for _, k := range kinds {
		label := k.Label()
		if k == "" {
			label = "Relation (nature inconnue)"
		}
		w := 44 + amapTextW(label, 12, false) + 22
		if x+w > L.W-amapMargin && x > x0+200 {
			x, row = x0+amapTextW("Nature des relations :", 13, true)+14, row+24
		}
		L.Legend = append(L.Legend, amapLegendItem{Kind: k, Label: label, X: x, Y: row})
		x += w
	}
	if len(kinds) == 0 {
		L.DirY = y
	} else {
		L.DirY = row + 26
	}
	L.H = math.Ceil(L.DirY + 24)
}

// ---------------------------------------------------------------------------
// Rendering.

func amapNum(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func amapEsc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func amapPlural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// amapIDPrefix derives the ids of the SVG from its content, so that two
// different maps inlined in one page do not share ids.
func amapIDPrefix(m ActorMap) string {
	h := fnv.New32a()
	h.Write(m.JSON())
	return fmt.Sprintf("cartographie-%08x", h.Sum32())
}

func amapTitleOf(m ActorMap) string {
	if t := strings.TrimSpace(m.Title); t != "" {
		return t
	}
	return "Cartographie d'acteurs"
}

// amapDesc is the text alternative: counts, actors by domain, relations.
func (L *amapLayout) desc() string {
	var b strings.Builder
	var domains []string
	for _, c := range L.Columns {
		domains = append(domains, c.Domain.Label())
	}
	word := "domaines"
	if len(domains) == 1 {
		word = "domaine"
	}
	fmt.Fprintf(&b, "%s, %s, %s : %s.", amapPlural(len(L.Boxes), "acteur", "acteurs"), amapPlural(len(L.Edges), "relation", "relations"), word, strings.Join(domains, ", "))
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
		fmt.Fprintf(&b, " Seuls les %d premiers acteurs et les %d premières relations sont représentés.", amapMaxActors, amapMaxRelations)
	}
	return b.String()
}

func (L *amapLayout) edgeSentence(e amapEdge) string {
	name := func(b int) string { return strings.Join(strings.Fields(L.actors[L.Boxes[b].Actor].Name), " ") }
	arrow := " — "
	switch e.Dir {
	case DirectionAller:
		arrow = " → "
	case DirectionRetour:
		arrow = " ← "
	case DirectionDouble:
		arrow = " ↔ "
	}
	s := name(e.From) + arrow + name(e.To) + " : " + strings.ToLower(e.Text)
	if c := strings.Join(strings.Fields(L.relations[e.Rel].Comment), " "); c != "" {
		s += " (" + c + ")"
	}
	return s
}

func amapKindID(k RelationKind) string {
	if amapKnownKind(k) {
		return string(k)
	}
	return "autre"
}

// SVG renders the map as a standalone, accessible SVG document (no style
// attribute, no <style> element). The output depends only on the map; the
// texts beyond the lengths validation allows are cut, the actors and
// relations beyond its limits left out, whatever the caller.
func (m ActorMap) SVG() []byte {
	if len(m.Actors) == 0 {
		b, _ := amapBound(m)
		return amapEmptySVG(b)
	}
	return amapBuild(m).render()
}

func amapEmptySVG(m ActorMap) []byte {
	p := amapIDPrefix(m)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 140" width="480" height="140" role="img" aria-labelledby="%s-titre %s-desc" font-family="%s">`+"\n", p, p, amapFont)
	fmt.Fprintf(&b, `<title id="%s-titre">%s</title>`+"\n", p, amapEsc(amapTitleOf(m)))
	fmt.Fprintf(&b, `<desc id="%s-desc">Aucun acteur pour l'instant.</desc>`+"\n", p)
	b.WriteString(`<rect x="0.5" y="0.5" width="479" height="139" rx="8" fill="#ffffff" stroke="#c9ced6" stroke-dasharray="6 4"/>` + "\n")
	fmt.Fprintf(&b, `<text x="240" y="52" text-anchor="middle" font-size="16" font-weight="700" fill="%s">%s</text>`+"\n", amapInk, amapEsc(amapFit(amapTitleOf(m), 440, 16, true)))
	fmt.Fprintf(&b, `<text x="240" y="90" text-anchor="middle" font-size="15" fill="%s">Aucun acteur pour l'instant.</text>`+"\n", amapMuted)
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func (L *amapLayout) render() []byte {
	m := L.m
	p := amapIDPrefix(m)
	var b bytes.Buffer
	f := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	W, H := amapNum(L.W), amapNum(L.H)
	f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-titre %s-desc" font-family="%s">`+"\n", W, H, W, H, p, p, amapFont)
	f(`<title id="%s-titre">%s</title>`+"\n", p, amapEsc(amapTitleOf(m)))
	f(`<desc id="%s-desc">%s</desc>`+"\n", p, amapEsc(L.desc()))

	// Markers: one pair per kind present, plus a neutral pair for the key.
	b.WriteString("<defs>\n")
	done := map[string]bool{}
	marker := func(id, color string) {
		f(`<marker id="%s-fin-%s" viewBox="0 0 10 8" markerWidth="10" markerHeight="8" refX="3" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,4 L0,8 Z" fill="%s"/></marker>`+"\n", p, id, color)
		f(`<marker id="%s-debut-%s" viewBox="0 0 10 8" markerWidth="10" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M10,0 L0,4 L10,8 Z" fill="%s"/></marker>`+"\n", p, id, color)
	}
	for _, e := range L.Edges {
		id := amapKindID(e.Kind)
		if !done[id] && (e.startArrow() || e.endArrow()) {
			done[id] = true
			marker(id, amapStyleOf(e.Kind).Color)
		}
	}
	marker("legende", amapMuted)
	b.WriteString("</defs>\n")
	f(`<rect width="%s" height="%s" fill="#ffffff"/>`+"\n", W, H)

	// Title block.
	for i, line := range L.Title {
		f(`<text x="%s" y="%s" font-size="%s" font-weight="700" fill="%s">%s</text>`+"\n", amapNum(amapMargin+4), amapNum(18+amapTitleSize+float64(i)*amapTitleLine-4), amapNum(amapTitleSize), amapInk, amapEsc(line))
	}
	if L.Subtitle != "" {
		f(`<text x="%s" y="%s" font-size="13" fill="%s">%s</text>`+"\n", amapNum(amapMargin+4), amapNum(18+float64(len(L.Title))*amapTitleLine+14), amapMuted, amapEsc(L.Subtitle))
	}

	// Lanes.
	b.WriteString(`<g class="domaines">` + "\n")
	for _, c := range L.Columns {
		st := amapDomainStyles[c.Domain]
		f(`<rect x="%s" y="%s" width="%s" height="%s" rx="10" fill="%s"/>`+"\n", amapNum(c.Lane.X), amapNum(c.Lane.Y), amapNum(c.Lane.W), amapNum(c.Lane.H), st.Tint)
		f(`<text x="%s" y="%s" text-anchor="middle" font-size="14" font-weight="700" fill="%s">%s</text>`+"\n", amapNum(c.X+amapBoxW/2), amapNum(c.Header.Y+23), st.Ink, amapEsc(c.Domain.Label()))
		f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`+"\n", amapNum(c.X+10), amapNum(c.Header.bottom()-2), amapNum(c.X+amapBoxW-10), amapNum(c.Header.bottom()-2), st.Ink)
	}
	b.WriteString("</g>\n")

	// Relations.
	b.WriteString(`<g class="relations" fill="none">` + "\n")
	for _, e := range L.Edges {
		st := amapStyleOf(e.Kind)
		id := amapKindID(e.Kind)
		f(`<g><title>%s</title><path data-relation="%d" d="%s" stroke="%s" stroke-width="%s"`, amapEsc(L.edgeSentence(e)), e.Rel, amapPathD(e.Segs), st.Color, amapNum(st.Width))
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
		st := amapDomainStyles[bx.Domain]
		tip := strings.Join(strings.Fields(a.Name), " ")
		if t := strings.Join(strings.Fields(a.Type), " "); t != "" {
			tip += " — " + t
		}
		tip += " (" + bx.Domain.Label() + ")"
		r := bx.Rect
		f(`<g data-acteur="%d"><title>%s</title>`, bx.Actor, amapEsc(tip))
		f(`<rect x="%s" y="%s" width="%s" height="%s" rx="8" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`, amapNum(r.X), amapNum(r.Y), amapNum(r.W), amapNum(r.H), st.Ink)
		f(`<rect x="%s" y="%s" width="4" height="%s" rx="2" fill="%s"/>`, amapNum(r.X+3), amapNum(r.Y+6), amapNum(r.H-12), st.Ink)
		block := float64(len(bx.Lines))*amapNameLine + float64(len(bx.Types))*amapTypeLine
		ty := r.Y + (r.H-block)/2
		cx := amapNum(r.X + r.W/2 + 2)
		for i, line := range bx.Lines {
			f(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, cx, amapNum(ty+12+float64(i)*amapNameLine), amapNum(amapNameSize), amapInk, amapEsc(line))
		}
		for i, line := range bx.Types {
			f(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-style="italic" fill="%s">%s</text>`, cx, amapNum(ty+float64(len(bx.Lines))*amapNameLine+11.5+float64(i)*amapTypeLine), amapNum(amapTypeSize), amapMuted, amapEsc(line))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	// Labels, above everything.
	b.WriteString(`<g class="etiquettes">` + "\n")
	for _, e := range L.Edges {
		st := amapStyleOf(e.Kind)
		r := e.Label
		b.WriteString("<g>")
		if e.Leader != nil {
			f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1" stroke-dasharray="2 2"/><circle cx="%s" cy="%s" r="2.5" fill="%s"/>`,
				amapNum(e.Leader[0].X), amapNum(e.Leader[0].Y), amapNum(e.Leader[1].X), amapNum(e.Leader[1].Y), st.Color, amapNum(e.Leader[0].X), amapNum(e.Leader[0].Y), st.Color)
		}
		f(`<rect x="%s" y="%s" width="%s" height="%s" rx="4" fill="#ffffff" stroke="%s" stroke-width="1"/>`, amapNum(r.X), amapNum(r.Y), amapNum(r.W), amapNum(r.H), st.Color)
		f(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, amapNum(r.X+r.W/2), amapNum(r.Y+13), amapNum(amapLabelSize), st.Color, amapEsc(e.Text))
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	// Key.
	b.WriteString(`<g class="legende">` + "\n")
	if len(L.Legend) > 0 {
		f(`<text x="%s" y="%s" font-size="13" font-weight="700" fill="%s">Nature des relations :</text>`+"\n", amapNum(amapMargin+4), amapNum(L.LegendY+4), amapInk)
		for _, it := range L.Legend {
			st := amapStyleOf(it.Kind)
			f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"`, amapNum(it.X), amapNum(it.Y), amapNum(it.X+36), amapNum(it.Y), st.Color, amapNum(st.Width))
			if st.Dash != "" {
				f(` stroke-dasharray="%s"`, st.Dash)
			}
			if st.Round {
				b.WriteString(` stroke-linecap="round"`)
			}
			f(`/><text x="%s" y="%s" font-size="12" fill="%s">%s</text>`+"\n", amapNum(it.X+44), amapNum(it.Y+4), amapInk, amapEsc(it.Label))
		}
	}
	f(`<text x="%s" y="%s" font-size="13" font-weight="700" fill="%s">Sens :</text>`+"\n", amapNum(amapMargin+4), amapNum(L.DirY+4), amapInk)
	x := amapMargin + 4 + amapTextW("Sens :", 13, true) + 14
	for _, d := range []struct {
		start, end bool
		text       string
	}{{false, true, "la flèche indique le sens de la relation"}, {true, true, "dans les deux sens"}, {false, false, "sans sens particulier"}} {
		x1, x2 := x+3, x+33
		if d.start {
			x1 = x + 3 + amapArrow
		}
		if d.end {
			x2 = x + 33 - amapArrow
		}
		f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.6"`, amapNum(x1), amapNum(L.DirY), amapNum(x2), amapNum(L.DirY), amapMuted)
		if d.start {
			f(` marker-start="url(#%s-debut-legende)"`, p)
		}
		if d.end {
			f(` marker-end="url(#%s-fin-legende)"`, p)
		}
		f(`/><text x="%s" y="%s" font-size="12" fill="%s">%s</text>`+"\n", amapNum(x+42), amapNum(L.DirY+4), amapInk, amapEsc(d.text))
		x += 42 + amapTextW(d.text, 12, false) + 22
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes()
}

func amapPathD(segs []amapSeg) string {
	var b strings.Builder
	pt := func(p amapPt) string { return amapNum(p.X) + "," + amapNum(p.Y) }
	b.WriteString("M" + pt(segs[0].P0))
	for _, s := range segs {
		if s.Curve {
			b.WriteString(" C" + pt(s.C1) + " " + pt(s.C2) + " " + pt(s.P3))
		} else {
			b.WriteString(" L" + pt(s.P3))
		}
	}
	return b.String()
}
