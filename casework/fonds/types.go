package fonds

import "time"

// Kinds of documents, as the content spells them.
var Kinds = []string{"texte-officiel", "presse-professionnelle", "lettre-partenaire", "depliant", "rapport", "guide-pratique", "page-web", "compte-rendu"}

// KindLabels are the French names of the kinds, for pages.
var KindLabels = map[string]string{
	"texte-officiel":         "Texte officiel",
	"presse-professionnelle": "Presse professionnelle",
	"lettre-partenaire":      "Lettre d'un partenaire",
	"depliant":               "Dépliant",
	"rapport":                "Rapport",
	"guide-pratique":         "Guide pratique",
	"page-web":               "Page web",
	"compte-rendu":           "Compte rendu de réunion",
}

// Reliability levels an expert gives a source.
var Reliabilities = []string{"fiable", "a-verifier", "peu-fiable"}

// ReliabilityLabels are their French names.
var ReliabilityLabels = map[string]string{"fiable": "Fiable", "a-verifier": "À vérifier", "peu-fiable": "Peu fiable"}

// Fonds is the whole documentary fund, loaded and checked.
type Fonds struct {
	Thesaurus *Thesaurus
	Documents []*Document
	Themes    []*Theme
	Feeds     []*Feed

	docs   map[string]*Document
	themes map[string]*Theme
	feeds  map[string]*Feed
	index  *index
}

// Document returns a document by id.
func (f *Fonds) Document(id string) (*Document, bool) { d, ok := f.docs[id]; return d, ok }

// Theme returns a collection theme by id.
func (f *Fonds) Theme(id string) (*Theme, bool) { t, ok := f.themes[id]; return t, ok }

// Feed returns a watch feed by id.
func (f *Fonds) Feed(id string) (*Feed, bool) { fd, ok := f.feeds[id]; return fd, ok }

// RuleChanges lists the feed items that change a rule a fiche or a leaflet
// relies on, with their feed.
func (f *Fonds) RuleChanges() []FeedItem {
	var out []FeedItem
	for _, fd := range f.Feeds {
		for i := range fd.Items {
			if fd.Items[i].RuleChange {
				out = append(out, FeedItem{Feed: fd, Item: &fd.Items[i]})
			}
		}
	}
	return out
}

// FeedItem is an item with the feed it belongs to.
type FeedItem struct {
	Feed *Feed
	Item *Item
}

// Thesaurus is the controlled vocabulary documents are indexed with,
// grouped in micro-thesaurus. The hierarchy is single-parent (tg); narrower
// terms (ts) are derived from it, related terms (ta) are made symmetric.
type Thesaurus struct {
	Groups []*MicroThesaurus `yaml:"micro_thesaurus" validate:"min=1,dive"`

	descriptors map[string]*Descriptor
	order       []*Descriptor
	// lead maps a folded label or non-descriptor to its descriptor.
	lead map[string]*Descriptor
}

// MicroThesaurus is a field of the thesaurus (logement, emploi…).
type MicroThesaurus struct {
	ID          string        `yaml:"id" validate:"required"`
	Label       string        `yaml:"libelle" validate:"required"`
	Descriptors []*Descriptor `yaml:"descripteurs" validate:"min=1,dive"`
}

// Descriptor is a preferred term.
type Descriptor struct {
	ID    string `yaml:"id" validate:"required"`
	Label string `yaml:"libelle" validate:"required"`
	// Note is the scope note (note d'application).
	Note string `yaml:"note"`
	// Broader is the generic term (terme générique).
	Broader string `yaml:"tg"`
	// Related are associated terms (termes associés).
	Related []string `yaml:"ta" validate:"dive,required"`
	// UsedFor are non-descriptors: synonyms, acronyms and old names that
	// lead to this descriptor (employé pour).
	UsedFor []string `yaml:"ep" validate:"dive,required"`

	Group    string        `yaml:"-"`
	Narrower []*Descriptor `yaml:"-"`
}

// Document is one item of the fund.
type Document struct {
	ID          string      `yaml:"id" validate:"required"`
	Title       string      `yaml:"titre" validate:"required"`
	Kind        string      `yaml:"type" validate:"required,oneof=texte-officiel presse-professionnelle lettre-partenaire depliant rapport guide-pratique page-web compte-rendu"`
	Author      string      `yaml:"auteur" validate:"required"`
	Source      Source      `yaml:"source"`
	Published   string      `yaml:"date_publication" validate:"required,datetime=2006-01-02"`
	Consulted   string      `yaml:"date_consultation" validate:"required,datetime=2006-01-02"`
	Summary     string      `yaml:"resume" validate:"required"`
	Text        string      `yaml:"texte" validate:"required"`
	Descriptors []string    `yaml:"descripteurs" validate:"min=2,max=5,dive,required"`
	Audience    string      `yaml:"public_vise" validate:"required"`
	Reliability Reliability `yaml:"fiabilite"`
	// Outdated marks a document a newer text or a reform has overtaken;
	// ReplacedBy names the document of the fund that supersedes it, if any.
	Outdated   bool   `yaml:"perime"`
	ReplacedBy string `yaml:"remplace_par"`

	// File is the content file the document comes from.
	File          string    `yaml:"-"`
	PublishedOn   time.Time `yaml:"-"`
	ConsultedOn   time.Time `yaml:"-"`
	ReplacedByDoc *Document `yaml:"-"`
}

// Source is where a document was published.
type Source struct {
	Name string `yaml:"nom" validate:"required"`
	URL  string `yaml:"url" validate:"required,url"`
}

// Reliability is the expert's judgement of a source.
type Reliability struct {
	Level string `yaml:"niveau" validate:"required,oneof=fiable a-verifier peu-fiable"`
	Why   string `yaml:"pourquoi" validate:"required"`
}

// Unreliable tells whether the expert would warn about the document: out of
// date, or not a reliable source.
func (d *Document) Unreliable() bool { return d.Outdated || d.Reliability.Level != "fiable" }

// Theme is a collection theme the trainee is asked to work on.
type Theme struct {
	ID    string `yaml:"id" validate:"required"`
	Title string `yaml:"titre" validate:"required"`
	// Task is the instruction given to the trainee.
	Task string `yaml:"consigne" validate:"required"`
	// Tasks are the framework tasks the theme rehearses (5.1 … 5.5).
	Tasks []string `yaml:"taches" validate:"min=1,dive,oneof=5.1 5.2 5.3 5.4 5.5"`
	// Audience is who the information leaflet is for; PlainLanguage asks
	// for FALC (facile à lire et à comprendre).
	Audience      string   `yaml:"public_du_document" validate:"required"`
	PlainLanguage bool     `yaml:"falc"`
	Expected      []string `yaml:"documents_attendus" validate:"min=3,dive,required"`
	Traps         []Trap   `yaml:"documents_pieges" validate:"min=1,dive"`
	Descriptors   []string `yaml:"descripteurs_attendus" validate:"min=2,dive,required"`
	Key           Leaflet  `yaml:"cle_depliant"`
}

// Trap is a document the expert would not select, and why.
type Trap struct {
	Document string `yaml:"document" validate:"required"`
	Why      string `yaml:"pourquoi" validate:"required"`
}

// Leaflet is the expert key for the information leaflet.
type Leaflet struct {
	Title  string         `yaml:"titre" validate:"required"`
	Points []LeafletPoint `yaml:"points" validate:"min=3,dive"`
	// Avoid lists what a leaflet for this public must not do (jargon,
	// outdated terms…).
	Avoid []string `yaml:"a_eviter" validate:"dive,required"`
}

// LeafletPoint is one thing the leaflet must say, in plain language, with
// words that show it is there.
type LeafletPoint struct {
	Text     string   `yaml:"texte" validate:"required"`
	Keywords []string `yaml:"mots_cles" validate:"min=1,dive,required"`
}

// Feed is a watch feed (RSS or Atom) whose items appear on simulated days.
type Feed struct {
	ID          string `yaml:"id" validate:"required"`
	Title       string `yaml:"titre" validate:"required"`
	Format      string `yaml:"format" validate:"required,oneof=rss atom"`
	Publisher   string `yaml:"emetteur" validate:"required"`
	Link        string `yaml:"lien" validate:"required,url"`
	Description string `yaml:"description" validate:"required"`
	Items       []Item `yaml:"items" validate:"min=1,dive"`

	File string `yaml:"-"`
}

// Item is an entry of a feed. Read from content, every field is set; read
// back from XML by ParseFeed, ID is the entry's guid or Atom id and Day,
// RuleChange and what goes with it are empty.
type Item struct {
	ID      string `yaml:"id" validate:"required"`
	Title   string `yaml:"titre" validate:"required"`
	Link    string `yaml:"lien" validate:"required,url"`
	Date    string `yaml:"date" validate:"required,datetime=2006-01-02 15:04"`
	Summary string `yaml:"resume" validate:"required"`
	// Day is the simulated day (0 to 60) the item appears in the feed.
	Day         int      `yaml:"jour_simule" validate:"gte=0,lte=60"`
	Descriptors []string `yaml:"descripteurs" validate:"min=1,dive,required"`
	// A rule change affects a fiche dispositif and a theme's leaflet: the
	// trainee must notice it and update both.
	RuleChange bool   `yaml:"changement_regle"`
	Fiche      string `yaml:"fiche" validate:"required_if=RuleChange true"`
	Theme      string `yaml:"theme" validate:"required_if=RuleChange true"`
	Before     string `yaml:"avant" validate:"required_if=RuleChange true"`
	After      string `yaml:"apres" validate:"required_if=RuleChange true"`

	// Published is Date in Europe/Paris (zero when a parsed feed gave none).
	Published time.Time `yaml:"-"`
}
