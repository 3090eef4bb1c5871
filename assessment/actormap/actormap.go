// Package actormap is the cartographie d'acteurs: a learner's map of the
// actors of a territory around a theme, and of their relations. It holds the
// data model, its validation (French messages keyed by form field) and its
// JSON form (upload and download); package layout draws it as SVG.
package actormap

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

// Map is a cartographie d'acteurs.
type Map struct {
	Title     string     `json:"titre"`
	Theme     string     `json:"thematique"`
	Territory string     `json:"territoire"`
	Actors    []Actor    `json:"acteurs"`
	Relations []Relation `json:"relations"`
}

// ActorName returns the name of one of the map's actors, for tables.
func (m Map) ActorName(id string) string {
	for _, a := range m.Actors {
		if a.ID == id {
			return a.Name
		}
	}
	return id
}
