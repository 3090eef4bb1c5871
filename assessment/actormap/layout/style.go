package layout

import (
	"math"
	"slices"

	"github.com/casp-cnam/casp/assessment/actormap"
)

// Styles. Every ink has a contrast of at least 4.5:1 on white (checked by the
// tests), so it serves for lines and for text alike.

type domainStyle struct{ Ink, Tint string }

var domainStyles = map[actormap.Domain]domainStyle{
	actormap.DomainEmploi:    {"#1d4f91", "#edf2f9"},
	actormap.DomainFormation: {"#6a3d9a", "#f4f0f9"},
	actormap.DomainSocial:    {"#a0361f", "#fbf1ee"},
	actormap.DomainSante:     {"#1a6656", "#ecf5f2"},
	actormap.DomainLogement:  {"#7a5200", "#f9f3e6"},
	actormap.DomainJustice:   {"#3f4656", "#f0f1f4"},
	actormap.DomainAutre:     {"#545a63", "#f3f4f5"},
}

// kindStyle distinguishes relation kinds by colour, dash pattern and
// width, so that colour is never the only cue (the text label is another).
type kindStyle struct {
	Color string
	Dash  string
	Width float64
	Round bool
}

var kindStyles = map[actormap.RelationKind]kindStyle{
	actormap.RelationOrientation:  {"#0b57d0", "", 2, false},
	actormap.RelationFinancement:  {"#137333", "10 5", 2, false},
	actormap.RelationPartenariat:  {"#9c4a00", "0.1 5", 2.6, true},
	actormap.RelationCoordination: {"#7b1fa2", "12 4 2 4", 2, false},
	actormap.RelationTutelle:      {"#b3261e", "", 3.5, false},
	actormap.RelationInformation:  {"#545a63", "5 3", 1.6, false},
}

var unknownKind = kindStyle{"#3f4656", "1 3", 1.5, false}

func styleOf(k actormap.RelationKind) kindStyle {
	if s, ok := kindStyles[k]; ok {
		return s
	}
	return unknownKind
}

func domainOf(d actormap.Domain) actormap.Domain {
	if knownDomain(d) {
		return d
	}
	return actormap.DomainAutre
}

const (
	ink          = "#1b1b1f"
	muted        = "#4a4f57"
	font         = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
	margin       = 12.0
	boxW         = 150.0
	boxPadX      = 7.0
	nameSize     = 13.0
	nameLine     = 16.0
	typeSize     = 12.0
	typeLine     = 15.0
	wrapRunes    = 22
	maxNameLines = 3
	minBoxH      = 48.0
	portStep     = 9.0
	labelSize    = 12.0
	labelH       = 18.0
	labelPadX    = 3.5
	headerH      = 36.0
	lanePad      = 8.0
	minBoxGap    = 30.0
	passGap      = 7.0  // distance between a passing relation and a box
	passStep     = 8.0  // distance between relations passing the same gap
	arrowRoom    = 7.0  // room left for an arrowhead between a path end and its box
	corner       = 8.0  // radius of rounded corners
	trackInset   = 17.0 // no vertical track nearer than this to a column
	trackStep    = 12.0
	minWidth     = 640.0
	titleSize    = 20.0
	titleLine    = 26.0
)

// gutterFor is the horizontal space between two columns: wide enough for
// a label, wider when there are few columns, keeping 7 columns near 1600.
func gutterFor(n int) float64 {
	if n <= 1 {
		return 0
	}
	g := (1400 - 2*margin - float64(n)*boxW) / float64(n-1)
	return math.Max(90, math.Min(170, math.Floor(g)))
}

func knownDomain(d actormap.Domain) bool { return slices.Contains(actormap.Domains, d) }

func knownKind(k actormap.RelationKind) bool { return slices.Contains(actormap.RelationKinds, k) }

func knownDirection(d actormap.Direction) bool { return slices.Contains(actormap.Directions, d) }
