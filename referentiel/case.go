package referentiel

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/uuid"
)

// CASEPath is where the CASE objects are served, below the site's base URI:
// every exported uri is CASEPath + kind + "/" + identifier.
const CASEPath = "/api/v1/referentiel/case/"

// caseNamespace seeds every CASE identifier. Identifiers are SHA-1 UUIDs of
// "<framework id>:<stable id>", so a framework always exports under the same
// identifiers and a consumer re-importing it updates instead of duplicating.
var caseNamespace = uuid.MustParse("c39cc60a-b055-475c-8418-dc1b4236bcbf")

// CFItemType titles, one per kind of entry of the référentiel.
const (
	caseActivity   = "Activité"
	caseTask       = "Tâche"
	caseSubStep    = "Sous-étape"
	caseCompetence = "Compétence associée"
	caseCapacity   = "Capacité évaluée"
	caseMethod     = "Modalité d'évaluation"
	caseCriterion  = "Critère d'évaluation"
)

var caseItemTypes = []struct{ title, code, description string }{
	{caseActivity, "activite", "Activité du métier, regroupant des tâches."},
	{caseTask, "tache", "Tâche d'une activité : une ligne du référentiel."},
	{caseSubStep, "sous-etape", "Étape nommée à l'intérieur d'une tâche."},
	{caseCompetence, "competence", "Compétence associée à une tâche (référentiel d'activités)."},
	{caseCapacity, "capacite", "Compétence ou capacité évaluée (référentiel de certification)."},
	{caseMethod, "modalite", "Modalité d'évaluation d'une tâche."},
	{caseCriterion, "critere", "Critère d'évaluation d'une tâche."},
}

// The CFPackage as the CASE 1.0 schema names it. Slices are never nil: the
// schema wants arrays, not null.
type casePackage struct {
	CFDocument     caseDocument      `json:"CFDocument"`
	CFItems        []caseItem        `json:"CFItems"`
	CFAssociations []caseAssociation `json:"CFAssociations"`
	CFDefinitions  caseDefinitions   `json:"CFDefinitions"`
	CFRubrics      []caseRubric      `json:"CFRubrics"`
}

// caseLink is the schema's LinkURI (and LinkGenURI, its looser twin).
type caseLink struct {
	Title      string `json:"title"`
	Identifier string `json:"identifier"`
	URI        string `json:"uri"`
}

type caseDocument struct {
	Identifier         string   `json:"identifier"`
	URI                string   `json:"uri"`
	CFPackageURI       caseLink `json:"CFPackageURI"`
	Creator            string   `json:"creator"`
	Title              string   `json:"title"`
	LastChangeDateTime string   `json:"lastChangeDateTime"`
	Publisher          string   `json:"publisher"`
	Description        string   `json:"description"`
	Subject            []string `json:"subject,omitempty"`
	Language           string   `json:"language"`
	Version            string   `json:"version"`
	AdoptionStatus     string   `json:"adoptionStatus"`
	Notes              string   `json:"notes"`
}

type caseItem struct {
	Identifier         string   `json:"identifier"`
	URI                string   `json:"uri"`
	CFDocumentURI      caseLink `json:"CFDocumentURI"`
	FullStatement      string   `json:"fullStatement"`
	AlternativeLabel   string   `json:"alternativeLabel,omitempty"`
	CFItemType         string   `json:"CFItemType"`
	CFItemTypeURI      caseLink `json:"CFItemTypeURI"`
	HumanCodingScheme  string   `json:"humanCodingScheme"`
	Notes              string   `json:"notes,omitempty"`
	Language           string   `json:"language"`
	LastChangeDateTime string   `json:"lastChangeDateTime"`
}

type caseAssociation struct {
	Identifier         string   `json:"identifier"`
	URI                string   `json:"uri"`
	CFDocumentURI      caseLink `json:"CFDocumentURI"`
	AssociationType    string   `json:"associationType"`
	SequenceNumber     int      `json:"sequenceNumber"`
	OriginNodeURI      caseLink `json:"originNodeURI"`
	DestinationNodeURI caseLink `json:"destinationNodeURI"`
	LastChangeDateTime string   `json:"lastChangeDateTime"`
}

type caseDefinitions struct {
	CFItemTypes []caseItemType `json:"CFItemTypes"`
}

type caseItemType struct {
	Identifier         string `json:"identifier"`
	URI                string `json:"uri"`
	Title              string `json:"title"`
	Description        string `json:"description"`
	HierarchyCode      string `json:"hierarchyCode"`
	TypeCode           string `json:"typeCode"`
	LastChangeDateTime string `json:"lastChangeDateTime"`
}

type caseRubric struct {
	Identifier         string                `json:"identifier"`
	URI                string                `json:"uri"`
	Title              string                `json:"title"`
	Description        string                `json:"description"`
	LastChangeDateTime string                `json:"lastChangeDateTime"`
	CFRubricCriteria   []caseRubricCriterion `json:"CFRubricCriteria"`
}

type caseRubricCriterion struct {
	Identifier  string `json:"identifier"`
	URI         string `json:"uri"`
	Category    string `json:"category"`
	Description string `json:"description"`
	// CFItemURI is the capacity the criterion assesses; absent only when the
	// task has no capacity at all.
	CFItemURI          *caseLink `json:"CFItemURI,omitempty"`
	Position           int       `json:"position"`
	RubricID           string    `json:"rubricId"`
	LastChangeDateTime string    `json:"lastChangeDateTime"`
}

// WriteCASE writes the framework as a 1EdTech CASE 1.0 CFPackage: one CFItem
// per entry, isChildOf associations for the tree, one CFRubric per modality
// whose criteria point at the capacities they assess. baseURI is the site's
// absolute address (« http://localhost:8080 »). Two exports of the same
// framework are byte-identical: identifiers and dates derive from it.
func (fw *Framework) WriteCASE(w io.Writer, baseURI string) error {
	u, err := url.Parse(baseURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("adresse de base invalide pour l'export CASE : %q (attendu : http://hôte[:port])", baseURI)
	}
	b := &caseBuilder{
		fw:    fw,
		base:  strings.TrimRight(baseURI, "/"),
		stamp: caseStamp(fw),
		links: map[string]caseLink{},
		types: map[string]caseLink{},
		seq:   map[string]int{},
	}
	b.build()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b.pkg)
}

var yearRe = regexp.MustCompile(`\b(19|20)\d\d\b`)

// caseStamp dates every object on January 1st of the framework's year, found
// in its version then its id: the model carries no change date, and the clock
// would make exports differ from run to run. The seed is the 2016 dossier.
func caseStamp(fw *Framework) string {
	year := yearRe.FindString(fw.Version)
	if year == "" {
		year = yearRe.FindString(fw.ID)
	}
	if year == "" {
		year = "2016"
	}
	return year + "-01-01T00:00:00+00:00"
}

type caseBuilder struct {
	fw    *Framework
	base  string
	stamp string
	pkg   casePackage
	doc   caseLink
	links map[string]caseLink // CFItems by stable id, for the rubrics
	types map[string]caseLink // CFItemTypes by title
	seq   map[string]int      // last sequenceNumber given under each parent
}

// node names one CASE object: its deterministic identifier and its uri.
func (b *caseBuilder) node(kind, stableID, title string) caseLink {
	id := uuid.NewSHA1(caseNamespace, []byte(b.fw.ID+":"+stableID)).String()
	return caseLink{Title: title, Identifier: id, URI: b.base + CASEPath + kind + "/" + id}
}

func (b *caseBuilder) build() {
	fw := b.fw
	b.doc = b.node("CFDocuments", "document", fw.Title)
	pkgLink := b.doc
	pkgLink.URI = b.base + CASEPath + "CFPackages/" + b.doc.Identifier
	var subjects []string
	for _, r := range fw.RomeCodes {
		subjects = append(subjects, "ROME "+r.Code+" – "+r.Label)
	}
	b.pkg = casePackage{
		CFDocument: caseDocument{
			Identifier:         b.doc.Identifier,
			URI:                b.doc.URI,
			CFPackageURI:       pkgLink,
			Creator:            "Cnam",
			Title:              fw.Title,
			LastChangeDateTime: b.stamp,
			Publisher:          fw.Certifier,
			Description:        strings.Join(fw.Intro, "\n\n"),
			Subject:            subjects,
			Language:           "fr",
			Version:            fw.Version,
			// CASE's own vocabulary, not a French label: importers match it.
			AdoptionStatus: "Adopted",
			Notes:          "Niveau " + fw.Level,
		},
		CFItems:        []caseItem{},
		CFAssociations: []caseAssociation{},
		CFRubrics:      []caseRubric{},
	}
	for i, t := range caseItemTypes {
		l := b.node("CFItemTypes", "type/"+t.code, t.title)
		b.types[t.title] = l
		b.pkg.CFDefinitions.CFItemTypes = append(b.pkg.CFDefinitions.CFItemTypes, caseItemType{
			Identifier: l.Identifier, URI: l.URI, Title: t.title, Description: t.description,
			HierarchyCode: fmt.Sprint(i + 1), TypeCode: t.code, LastChangeDateTime: b.stamp,
		})
	}
	for _, a := range fw.Activities {
		al := b.item(caseEntry{typ: caseActivity, stableID: "activite/" + a.ID, code: a.ID,
			text: a.Title, label: a.TitleLabel, notes: a.Summary}, b.doc)
		for _, t := range a.Tasks {
			tl := b.item(caseEntry{typ: caseTask, stableID: t.ID, code: t.ID, text: t.Title, label: t.TitleLabel}, al)
			for _, s := range t.SubSteps {
				b.item(caseEntry{typ: caseSubStep, stableID: s.ID, code: s.ID, text: s.Title}, tl)
			}
			b.items(caseCompetence, t.Competences, tl)
			b.items(caseCapacity, t.Capacities, tl)
			for _, m := range t.Methods {
				b.item(caseEntry{typ: caseMethod, stableID: m.ID, code: m.ID, text: m.Text, label: m.Label}, tl)
			}
			b.criteria(t.Criteria, tl)
		}
	}
	for _, t := range fw.Tasks() {
		for _, m := range t.Methods {
			b.rubric(t, m)
		}
	}
}

type caseEntry struct{ typ, stableID, code, text, label, notes string }

// item adds a CFItem and the isChildOf association to its parent, numbered
// in the framework's order among its siblings.
func (b *caseBuilder) item(e caseEntry, parent caseLink) caseLink {
	l := b.node("CFItems", e.stableID, e.text)
	b.links[e.stableID] = l
	b.pkg.CFItems = append(b.pkg.CFItems, caseItem{
		Identifier: l.Identifier, URI: l.URI, CFDocumentURI: b.doc,
		FullStatement: e.text, AlternativeLabel: e.label,
		CFItemType: e.typ, CFItemTypeURI: b.types[e.typ],
		HumanCodingScheme: e.code, Notes: e.notes, Language: "fr",
		LastChangeDateTime: b.stamp,
	})
	b.seq[parent.Identifier]++
	al := b.node("CFAssociations", "isChildOf/"+e.stableID, "")
	b.pkg.CFAssociations = append(b.pkg.CFAssociations, caseAssociation{
		Identifier: al.Identifier, URI: al.URI, CFDocumentURI: b.doc,
		AssociationType: "isChildOf", SequenceNumber: b.seq[parent.Identifier],
		OriginNodeURI: l, DestinationNodeURI: parent, LastChangeDateTime: b.stamp,
	})
	return l
}

func (b *caseBuilder) items(typ string, its []*Item, parent caseLink) {
	for _, it := range its {
		l := b.item(caseEntry{typ: typ, stableID: it.ID, code: it.ID, text: it.Text, label: it.Label}, parent)
		b.items(typ, it.Children, l)
	}
}

func (b *caseBuilder) criteria(cs []*Criterion, parent caseLink) {
	for _, c := range cs {
		l := b.item(caseEntry{typ: caseCriterion, stableID: c.ID, code: c.ID, text: c.Text, label: c.Label}, parent)
		b.criteria(c.Children, l)
	}
}

// rubric adds the modality's rubric. A CFRubricCriterion points at one item,
// so a criterion assessing several capacities gives one rubric criterion per
// capacity; category keeps the criterion's id to group them back.
func (b *caseBuilder) rubric(t *Task, m *Method) {
	rl := b.node("CFRubrics", "rubrique/"+m.ID, "")
	r := caseRubric{
		Identifier: rl.Identifier, URI: rl.URI,
		Title:       shorten(m.ID+" : "+m.Display(), 120),
		Description: m.Text, LastChangeDateTime: b.stamp,
		CFRubricCriteria: []caseRubricCriterion{},
	}
	add := func(c *Criterion, capacity *Item) {
		name := "rubrique/" + m.ID + "|" + c.ID
		var target *caseLink
		if capacity != nil {
			name += "|" + capacity.ID
			l := b.links[capacity.ID]
			target = &l
		}
		cl := b.node("CFRubricCriteria", name, "")
		r.CFRubricCriteria = append(r.CFRubricCriteria, caseRubricCriterion{
			Identifier: cl.Identifier, URI: cl.URI, Category: c.ID, Description: c.Text,
			CFItemURI: target, Position: len(r.CFRubricCriteria) + 1,
			RubricID: rl.Identifier, LastChangeDateTime: b.stamp,
		})
	}
	for _, c := range t.CriteriaOf(m.ID) {
		caps := t.CapacitiesOf(c)
		if len(caps) == 0 {
			add(c, nil)
		}
		for _, capacity := range caps {
			add(c, capacity)
		}
	}
	b.pkg.CFRubrics = append(b.pkg.CFRubrics, r)
}

// shorten cuts s to at most n characters, on a word boundary when it can.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndex(cut, " "); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
