// Package casework is the sandbox where learners practise the job on
// simulated people: the fictional territory and its structures, the fiches
// dispositifs, the scenarios, and the case files learners work in.
package casework

import "gopkg.in/yaml.v3"

// Territory is the fictional agglomeration every scenario happens in.
// Coordinates are kilometres on a local grid (x to the east, y to the
// south), so the SVG map needs no tiles and no real geography.
type Territory struct {
	Name        string       `yaml:"nom" validate:"required"`
	Description string       `yaml:"description" validate:"required"`
	Width       float64      `yaml:"largeur_km" validate:"gt=0"`
	Height      float64      `yaml:"hauteur_km" validate:"gt=0"`
	Communes    []Commune    `yaml:"communes" validate:"min=1,dive"`
	Landmarks   []Landmark   `yaml:"reperes" validate:"dive"`
	Structures  []*Structure `yaml:"-"`
}

// Commune is a town of the agglomeration.
type Commune struct {
	ID         string     `yaml:"id" validate:"required"`
	Name       string     `yaml:"nom" validate:"required"`
	Postcode   string     `yaml:"code_postal" validate:"required,len=5,numeric"`
	X          float64    `yaml:"x" validate:"gte=0"`
	Y          float64    `yaml:"y" validate:"gte=0"`
	Population int        `yaml:"population" validate:"gt=0"`
	Districts  []District `yaml:"quartiers" validate:"dive"`
}

// District is a neighbourhood; QPV marks a quartier prioritaire.
type District struct {
	ID   string  `yaml:"id" validate:"required"`
	Name string  `yaml:"nom" validate:"required"`
	QPV  bool    `yaml:"qpv"`
	X    float64 `yaml:"x" validate:"gte=0"`
	Y    float64 `yaml:"y" validate:"gte=0"`
}

// Landmark is a line drawn on the map: river, main road, railway, bus line.
type Landmark struct {
	Kind   string       `yaml:"type" validate:"required,oneof=riviere route voie-ferree ligne-bus"`
	Name   string       `yaml:"nom" validate:"required"`
	Points [][2]float64 `yaml:"points" validate:"min=2"`
}

// Structure is a place of the territory directory (modelled on the
// data·inclusion schema).
type Structure struct {
	ID            string  `yaml:"id" validate:"required"`
	Name          string  `yaml:"nom" validate:"required"`
	Typology      string  `yaml:"typologie" validate:"required"`
	Address       string  `yaml:"adresse" validate:"required"`
	Postcode      string  `yaml:"code_postal" validate:"required,len=5,numeric"`
	Commune       string  `yaml:"commune" validate:"required"`
	District      string  `yaml:"quartier"`
	X             float64 `yaml:"x" validate:"gte=0"`
	Y             float64 `yaml:"y" validate:"gte=0"`
	Phone         string  `yaml:"telephone" validate:"required"`
	Email         string  `yaml:"courriel" validate:"required,email"`
	Website       string  `yaml:"site_web"`
	Hours         string  `yaml:"horaires" validate:"required"`
	Accessibility string  `yaml:"accessibilite" validate:"required"`
	Network       string  `yaml:"reseau_porteur"`
	Description   string  `yaml:"description" validate:"required"`
	UpdatedOn     string  `yaml:"mis_a_jour" validate:"required,datetime=2006-01-02"`
	// Opening is when the structure answers the phone and opens its desk,
	// as the sandbox's clock reads it (« lun-ven 09:00-12:00 »).
	Opening  Opening            `yaml:"ouverture"`
	Services []DirectoryService `yaml:"services" validate:"min=1,dive"`
}

// Opening lists a structure's opening slots: desk (accueil) and phone
// (telephone). Each slot reads « jours HH:MM-HH:MM », days being lun mar
// mer jeu ven sam dim, a range (lun-ven) or a list (lun,mer,ven).
type Opening struct {
	Desk  []string `yaml:"accueil" validate:"dive,required"`
	Phone []string `yaml:"telephone" validate:"dive,required"`
}

// DirectoryService is what a structure of the territory offers (data·inclusion
// service).
type DirectoryService struct {
	ID           string   `yaml:"id" validate:"required"`
	Name         string   `yaml:"nom" validate:"required"`
	Type         string   `yaml:"type" validate:"required,oneof=ACCOMPAGNEMENT AIDE_FINANCIERE AIDE_MATERIELLE ATELIER FORMATION INFORMATION"`
	Themes       []string `yaml:"thematiques" validate:"min=1,dive,required"`
	Publics      []string `yaml:"publics" validate:"min=1,dive,required"`
	Conditions   string   `yaml:"conditions_acces" validate:"required"`
	Fees         string   `yaml:"frais" validate:"required,oneof=gratuit payant"`
	Zone         string   `yaml:"zone_eligibilite" validate:"required"`
	Reception    []string `yaml:"modes_accueil" validate:"min=1,dive,oneof=en-presentiel a-distance"`
	Mobilisation []string `yaml:"modes_mobilisation" validate:"min=1,dive,oneof=se-presenter telephoner envoyer-un-courriel fiche-de-prescription"`
	MobilisedBy  []string `yaml:"mobilisable_par" validate:"min=1,dive,oneof=usagers professionnels"`
	Hours        string   `yaml:"horaires"`
	Contact      string   `yaml:"contact" validate:"required"`
	// How the partner answers a fiche de liaison in simulated time, unless a
	// scenario says otherwise.
	// How many days the partner takes to answer (0: the same day; absent:
	// five days).
	AnswerDays *int   `yaml:"delai_reponse_jours" validate:"omitempty,gte=0,lte=30"`
	Answer     string `yaml:"reponse_habituelle" validate:"omitempty,oneof=acceptee refusee silence"`
}

// Fiche is a fiche dispositif: a Markdown page with front matter.
type Fiche struct {
	ID         string   `yaml:"id" validate:"required"`
	Title      string   `yaml:"titre" validate:"required"`
	UpdatedOn  string   `yaml:"mis_a_jour" validate:"required,datetime=2006-01-02"`
	Themes     []string `yaml:"thematiques" validate:"min=1,dive,required"`
	Publics    []string `yaml:"publics" validate:"dive,required"`
	Summary    string   `yaml:"resume" validate:"required"`
	Structures []string `yaml:"structures" validate:"dive,required"`
	// Sources are the official texts the fiche was checked against.
	Sources []Source `yaml:"sources" validate:"min=1,dive"`
	// Amounts are the figures a trainee needs, each dated.
	Amounts []Amount `yaml:"montants" validate:"dive"`
	// Changes are the fiche's changes a learner who used it must know,
	// each with the exercise that checks their understanding (task 6.5).
	Changes []FicheChange `yaml:"changements" validate:"dive"`
	Body    string        `yaml:"-"`
}

// FicheChange is a dated change of a fiche: what changes, from when, and
// the « actualisation » exercise that checks it is understood.
type FicheChange struct {
	On       string `yaml:"le" validate:"required,datetime=2006-01-02"`
	Summary  string `yaml:"resume" validate:"required"`
	Exercise string `yaml:"exercice"`
}

// Source is an official source of a fiche: its name, address and the day it
// was consulted.
type Source struct {
	Name      string `yaml:"nom" validate:"required"`
	URL       string `yaml:"adresse" validate:"required,url"`
	Consulted string `yaml:"consulte_le" validate:"required,datetime=2006-01-02"`
}

// Amount is a figure of a fiche, « montant au » a date.
type Amount struct {
	Label  string `yaml:"libelle" validate:"required"`
	Amount string `yaml:"montant" validate:"required"`
	AsOf   string `yaml:"au" validate:"required,datetime=2006-01-02"`
}

// Scenario is a simulated person arriving at a structure of the territory.
type Scenario struct {
	ID    string `yaml:"id" validate:"required"`
	Title string `yaml:"titre" validate:"required"`
	// Summary is public (the catalogue): it says nothing of what the person
	// hides. TrainerSummary, for trainers only, holds the whole story.
	Summary        string `yaml:"resume" validate:"required"`
	TrainerSummary string `yaml:"resume_formateur" validate:"required"`
	// The clock: the weekday of day 0 and the arrival time (HH:MM).
	Weekday      string          `yaml:"jour_semaine" validate:"omitempty,oneof=lundi mardi mercredi jeudi vendredi samedi dimanche"`
	ArrivalTime  string          `yaml:"heure_arrivee" validate:"omitempty,datetime=15:04"`
	Structure    string          `yaml:"structure" validate:"required"`
	Arrival      string          `yaml:"accueil" validate:"required,oneof=physique telephonique"`
	Difficulty   int             `yaml:"difficulte" validate:"gte=1,lte=3"`
	Publics      []string        `yaml:"publics" validate:"min=1,dive,required"`
	Tasks        []string        `yaml:"taches" validate:"min=1,dive,required"`
	Person       Person          `yaml:"personne"`
	Demand       string          `yaml:"demande" validate:"required"`
	Presentation string          `yaml:"presentation" validate:"required"`
	StartTrust   int             `yaml:"confiance_initiale" validate:"gte=0,lte=5"`
	Topics       []Topic         `yaml:"themes" validate:"min=3,dive"`
	Moves        map[string]Move `yaml:"gestes" validate:"dive"`
	Facts        []Fact          `yaml:"faits" validate:"min=3,dive"`
	Implicit     []string        `yaml:"besoins_implicites" validate:"dive,required"`
	UrgencyCues  []string        `yaml:"signaux_urgence" validate:"dive,required"`
	Key          ExpertKey       `yaml:"cle_expert"`
	Timeline     []Event         `yaml:"chronologie" validate:"min=3,dive"`
	Partners     []PartnerAnswer `yaml:"reponses_partenaires" validate:"dive"`
}

// Person is the persona (fictional).
type Person struct {
	FirstName     string   `yaml:"prenom" validate:"required"`
	LastName      string   `yaml:"nom" validate:"required"` // an initial: « B. »
	Age           int      `yaml:"age" validate:"gte=14,lte=95"`
	Gender        string   `yaml:"genre" validate:"required,oneof=femme homme autre"`
	Household     string   `yaml:"foyer" validate:"required"`
	HouseholdRole string   `yaml:"role_foyer" validate:"required"`
	Resources     string   `yaml:"ressources" validate:"required"`
	Rights        []Right  `yaml:"droits" validate:"dive"`
	Housing       string   `yaml:"logement" validate:"required"`
	Mobility      string   `yaml:"mobilite" validate:"required"`
	Health        string   `yaml:"sante" validate:"required"`
	Languages     []string `yaml:"langues" validate:"min=1,dive,required"`
	Education     string   `yaml:"niveau_formation" validate:"required,oneof=infra-3 3 4 5 6 7"`
	WorkHistory   string   `yaml:"parcours_professionnel" validate:"required"`
	JobSeeker     string   `yaml:"inscription_demandeur_emploi" validate:"required,oneof=non moins-6-mois 6-11-mois 12-23-mois 24-mois-et-plus"`
}

// Right is a benefit and its state (RSA: droit ouvert / suspendu / en
// attente / refusé / clos…).
type Right struct {
	Name  string `yaml:"droit" validate:"required"`
	State string `yaml:"etat" validate:"required"`
}

// Topic groups interview questions.
type Topic struct {
	ID        string     `yaml:"id" validate:"required"`
	Label     string     `yaml:"libelle" validate:"required"`
	Questions []Question `yaml:"questions" validate:"min=1,dive"`
}

// Question is what the learner may ask, and how the person answers.
type Question struct {
	ID      string   `yaml:"id" validate:"required"`
	Text    string   `yaml:"texte" validate:"required"`
	Answer  string   `yaml:"reponse" validate:"required"`
	Reveals []string `yaml:"revele" validate:"dive,required"`
	// Below MinTrust the person gives Guarded instead and reveals nothing.
	MinTrust int    `yaml:"confiance_min" validate:"gte=0,lte=5"`
	Guarded  string `yaml:"reponse_reservee" validate:"required_with=MinTrust"`
	Trust    int    `yaml:"effet_confiance" validate:"gte=-2,lte=2"`
	Minutes  int    `yaml:"duree_minutes" validate:"gte=0,lte=15"`
	// Style is the question's form (ouverte by default); authored
	// distractors are fermee, orientee, jugeante or multiple.
	Style string `yaml:"style" validate:"omitempty,oneof=ouverte fermee orientee jugeante multiple"`
	// Requires are conditions (moves made, questions asked…) without which
	// the person answers guardedly, whatever the trust.
	Requires []string `yaml:"requiert" validate:"dive,required"`
	// Withholds are facts the person will no longer tell once asked this.
	Withholds []string `yaml:"retient" validate:"dive,required"`
	// Keywords help the matcher recognise the question typed in other words.
	Keywords []string `yaml:"mots_cles" validate:"dive,required"`

	requires []clause
}

// Move is a professional move's effect in this scenario.
type Move struct {
	// Text is what the professional says (shown to the trainee instead of
	// the move's name, which the debrief reveals).
	Text      string   `yaml:"texte"`
	Answer    string   `yaml:"reponse" validate:"required"`
	Trust     int      `yaml:"effet_confiance" validate:"gte=-2,lte=2"`
	Reveals   []string `yaml:"revele" validate:"dive,required"`
	Withholds []string `yaml:"retient" validate:"dive,required"`
}

// Fact is something the interview can bring to light.
type Fact struct {
	ID        string `yaml:"id" validate:"required"`
	Domain    string `yaml:"domaine" validate:"required"`
	Situation string `yaml:"situation" validate:"required"`
	Detail    string `yaml:"detail" validate:"required"`
	Urgent    bool   `yaml:"urgent"`
	// Sensitive facts (health, debts, justice, violence) call for a
	// confidentiality reminder before they are asked about.
	Sensitive bool `yaml:"sensible"`
	// Fiche and Criterion link the fact to what the trainee should read and
	// to the framework (criterion id such as « 1.5/crit/1 »).
	Fiche     string `yaml:"fiche"`
	Criterion string `yaml:"critere"`
}

// ExpertKey is what an experienced professional would find and do.
type ExpertKey struct {
	Situations []string `yaml:"situations" validate:"min=1,dive,required"` // fact ids
	// Urgency is the level for the whole situation; Urgencies, when given,
	// one level per domain (food immediate, housing urgent…).
	Urgency      string             `yaml:"urgence" validate:"omitempty,oneof=immediate urgente prioritaire non-urgente"`
	UrgencyWhy   string             `yaml:"justification_urgence"`
	Urgencies    []DomainUrgency    `yaml:"urgences" validate:"dive"`
	Orientations []ExpectedReferral `yaml:"orientations" validate:"min=1,dive"`
	Avoid        []AvoidReferral    `yaml:"orientations_a_eviter" validate:"dive"`
	Pitfalls     []Pitfall          `yaml:"pieges" validate:"min=1,dive"`
}

// DomainUrgency is the expected urgency of one domain; Tolerated levels
// are judged acceptable too.
type DomainUrgency struct {
	Domain    string   `yaml:"domaine"`
	Level     string   `yaml:"niveau" validate:"required,oneof=immediate urgente prioritaire non-urgente"`
	Tolerated []string `yaml:"tolerees" validate:"dive,oneof=immediate urgente prioritaire non-urgente"`
	Why       string   `yaml:"justification" validate:"required"`
}

// AvoidReferral is an orientation the expert would not make, and why. A
// partner receiving it refuses with Refusal when given.
type AvoidReferral struct {
	Typology  string `yaml:"typologie"`
	Structure string `yaml:"structure"`
	Service   string `yaml:"service"`
	Reason    string `yaml:"motif" validate:"required"`
	Refusal   string `yaml:"refus"`
	Fiche     string `yaml:"fiche"`
}

// Pitfall is a trap of the case. With a condition (Si), the debrief detects
// from what the trainee did whether they fell into it.
type Pitfall struct {
	Text string `yaml:"texte" validate:"required"`
	If   string `yaml:"si"`
	Why  string `yaml:"pourquoi"`

	cond []clause
}

// UnmarshalYAML accepts a plain string (an undetected pitfall) or a block.
func (p *Pitfall) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		p.Text = n.Value
		return nil
	}
	type plain Pitfall
	var q plain
	if err := n.Decode(&q); err != nil {
		return err
	}
	*p = Pitfall(q)
	return nil
}

// ExpectedReferral is an orientation the expert expects: to a typology of
// structure (ML, CCAS…) for a theme, optionally a named structure.
type ExpectedReferral struct {
	Typology  string `yaml:"typologie" validate:"required"`
	Theme     string `yaml:"thematique" validate:"required"`
	Structure string `yaml:"structure"`
	Reason    string `yaml:"motif" validate:"required"`
	MaxDays   int    `yaml:"delai_max_jours" validate:"gte=0"`
	// SameDay: the referral is expected on the day the person arrives.
	SameDay bool `yaml:"le_jour_meme"`
	// Alternatives are other structures that answer the same need.
	Alternatives []AlternativeReferral `yaml:"alternatives" validate:"dive"`
	Fiche        string                `yaml:"fiche"`
	Task         string                `yaml:"tache"`
	Criterion    string                `yaml:"critere"`
}

// AlternativeReferral is another way to meet an expected orientation.
type AlternativeReferral struct {
	Typology  string `yaml:"typologie" validate:"required"`
	Structure string `yaml:"structure"`
	Theme     string `yaml:"thematique"`
}

// Event happens on a simulated day, if its condition holds.
type Event struct {
	Day         int    `yaml:"jour" validate:"gte=0,lte=365"`
	Kind        string `yaml:"type" validate:"required,oneof=rdv-manque suspension-caf avis-expulsion refus-partenaire silence-partenaire reponse-partenaire offre-emploi rechute-sante crise-accueil expiration-justificatif nouvelle-information autre"`
	Title       string `yaml:"titre" validate:"required"`
	Description string `yaml:"description" validate:"required"`
	// When is a condition (see conditions.go): clauses joined by « et ».
	When string `yaml:"condition" validate:"required"`

	cond []clause
}

// PartnerAnswer overrides how a service answers referrals in this scenario.
type PartnerAnswer struct {
	Structure string `yaml:"structure" validate:"required"`
	Service   string `yaml:"service" validate:"required"`
	Answer    string `yaml:"reponse" validate:"required,oneof=acceptee refusee silence"`
	Reason    string `yaml:"motif" validate:"required_if=Answer refusee"`
	Days      int    `yaml:"delai_jours" validate:"gte=0,lte=30"`
}
