// Package referentiel holds the CASP framework (référentiel d'activités et de
// certification) as structured data: types, the embedded data files, lookups,
// validation and exports. Everything else in casp hangs on these ids.
package referentiel

// Framework is one version of a title's référentiel. Several versions may be
// loaded side by side; the 2016 Cnam seed is the one shipped.
type Framework struct {
	ID               string             `yaml:"id" json:"id" validate:"required"`
	Title            string             `yaml:"title" json:"title" validate:"required"`
	Level            string             `yaml:"level" json:"level" validate:"required"`
	Version          string             `yaml:"version" json:"version" validate:"required"`
	Certifier        string             `yaml:"certifier" json:"certifier" validate:"required"`
	Heading          string             `yaml:"heading" json:"heading" validate:"required"`
	Intro            []string           `yaml:"intro" json:"intro" validate:"min=1,dive,required"`
	JobDesignation   []string           `yaml:"job_designation" json:"jobDesignation" validate:"min=1,dive,required"`
	JobTitlesIntro   string             `yaml:"job_titles_intro" json:"jobTitlesIntro" validate:"required"`
	JobTitleFamilies []JobTitleFamily   `yaml:"job_title_families" json:"jobTitleFamilies" validate:"min=1,dive"`
	ActivitiesIntro  string             `yaml:"activities_intro" json:"activitiesIntro" validate:"required"`
	Activities       []*Activity        `yaml:"activities" json:"activities" validate:"min=1,dive"`
	RomeCodes        []RomeCode         `yaml:"rome_codes" json:"romeCodes" validate:"dive"`
	StructureDomains []StructureDomain  `yaml:"structure_domains" json:"structureDomains" validate:"dive"`
	Blocks           []*Block           `yaml:"blocks" json:"blocks" validate:"dive"`
	DeliverableKinds []*DeliverableKind `yaml:"deliverable_kinds" json:"deliverableKinds" validate:"dive"`
	LiveKinds        []*LiveKind        `yaml:"live_evaluation_kinds" json:"liveEvaluationKinds" validate:"dive"`

	tasks     map[string]*Task
	taskOrder []*Task
	kinds     map[string]*DeliverableKind
	live      map[string]*LiveKind
}

// JobTitleFamily is one of the seed's lines of job titles (insertion
// professionnelle, information/formation, intervention sociale).
type JobTitleFamily struct {
	ID     string   `yaml:"id" json:"id" validate:"required"`
	Label  string   `yaml:"label" json:"label" validate:"required"`
	Source string   `yaml:"source" json:"source" validate:"required"` // the seed's line, verbatim
	Titles []string `yaml:"titles" json:"titles" validate:"min=1,dive,required"`
}

// RomeCode is a ROME job sheet the seed names as closest to the title.
type RomeCode struct {
	Code  string `yaml:"code" json:"code" validate:"required,len=5"`
	Label string `yaml:"label" json:"label" validate:"required"`
}

// StructureDomain groups the structures where the job is exercised.
type StructureDomain struct {
	ID         string   `yaml:"id" json:"id" validate:"required"`
	Label      string   `yaml:"label" json:"label" validate:"required"`
	Structures []string `yaml:"structures" json:"structures" validate:"min=1,dive,required"`
}

// Activity is one of the six activities.
type Activity struct {
	ID string `yaml:"id" json:"id" validate:"required"`
	// Summary is the line from « Description des activités »; Title is the
	// heading row of the certification table. Both verbatim.
	Summary      string  `yaml:"summary" json:"summary" validate:"required"`
	SummaryLabel string  `yaml:"summary_label,omitempty" json:"summaryLabel,omitempty"`
	Title        string  `yaml:"title" json:"title" validate:"required"`
	TitleLabel   string  `yaml:"title_label,omitempty" json:"titleLabel,omitempty"`
	Tasks        []*Task `yaml:"tasks" json:"tasks" validate:"min=1,dive"`
}

// Task is one row of the référentiel (1.1 … 6.5, 6.7).
type Task struct {
	ID          string       `yaml:"id" json:"id" validate:"required"`
	Title       string       `yaml:"title" json:"title" validate:"required"`
	TitleLabel  string       `yaml:"title_label,omitempty" json:"titleLabel,omitempty"`
	SubSteps    []SubStep    `yaml:"sub_steps,omitempty" json:"subSteps,omitempty" validate:"dive"`
	Competences []*Item      `yaml:"competences" json:"competences" validate:"min=1,dive"`
	Capacities  []*Item      `yaml:"capacities" json:"capacities" validate:"dive"`
	Methods     []*Method    `yaml:"methods" json:"methods" validate:"dive"`
	Criteria    []*Criterion `yaml:"criteria" json:"criteria" validate:"dive"`

	activity *Activity
}

// SubStep is a named step inside a task (2.4.a, 2.4.b).
type SubStep struct {
	ID    string `yaml:"id" json:"id" validate:"required"`
	Title string `yaml:"title" json:"title" validate:"required"`
}

// Item is a compétence associée or a capacité évaluée. Text is the seed's
// wording, never altered; Label is an optional corrected display text.
type Item struct {
	ID       string  `yaml:"id" json:"id" validate:"required"`
	Text     string  `yaml:"text" json:"text" validate:"required"`
	Label    string  `yaml:"label,omitempty" json:"label,omitempty"`
	Children []*Item `yaml:"children,omitempty" json:"children,omitempty" validate:"dive"`
}

// Method is a modalité d'évaluation (one paragraph of the seed's cell).
type Method struct {
	ID    string `yaml:"id" json:"id" validate:"required"`
	Text  string `yaml:"text" json:"text" validate:"required"`
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
}

// Criterion is a critère d'évaluation. Method names the modality it belongs
// to when the seed aligns them paragraph by paragraph; empty means the task.
// Capacities lists the capacities it assesses; empty means all of the task's.
type Criterion struct {
	ID         string       `yaml:"id" json:"id" validate:"required"`
	Text       string       `yaml:"text" json:"text" validate:"required"`
	Label      string       `yaml:"label,omitempty" json:"label,omitempty"`
	Method     string       `yaml:"method,omitempty" json:"method,omitempty"`
	Capacities []string     `yaml:"capacities,omitempty" json:"capacities,omitempty"`
	Children   []*Criterion `yaml:"children,omitempty" json:"children,omitempty" validate:"dive"`
}

// Block is a bloc de compétences: a group of tasks and capacities that can be
// certified on its own (RNCP since 2019).
type Block struct {
	ID         string   `yaml:"id" json:"id" validate:"required"`
	Title      string   `yaml:"title" json:"title" validate:"required"`
	Tasks      []string `yaml:"tasks" json:"tasks" validate:"min=1,dive,required"`
	Capacities []string `yaml:"capacities,omitempty" json:"capacities,omitempty" validate:"dive,required"`
}

// DeliverableKind is a type de production: what a learner hands in, and what
// in the framework it evidences.
type DeliverableKind struct {
	ID          string `yaml:"id" json:"id" validate:"required"`
	Label       string `yaml:"label" json:"label" validate:"required"`
	Description string `yaml:"description" json:"description" validate:"required"`
	Editor      string `yaml:"editor" json:"editor" validate:"required,oneof=rapport guide cartographie"`
	MinPages    int    `yaml:"min_pages,omitempty" json:"minPages,omitempty" validate:"gte=0"`
	MaxPages    int    `yaml:"max_pages,omitempty" json:"maxPages,omitempty" validate:"gte=0"`
	// Collective: the modality has it written by a group, with collective
	// and individual parts (CollectiveQuote, its words, is checked).
	Collective      bool       `yaml:"collective,omitempty" json:"collective,omitempty"`
	CollectiveQuote string     `yaml:"collective_quote,omitempty" json:"collectiveQuote,omitempty"`
	Evidences       []Evidence `yaml:"evidences" json:"evidences" validate:"min=1,dive"`
}

// Live reports a kind of live evaluation (see LiveKind.AsKind): no
// learner writes it, a jury grades it during a session.
func (k *DeliverableKind) Live() bool { return k.Editor == LiveEditor }

// LiveEditor is the editor of the kinds made from live evaluations.
const LiveEditor = "epreuve"

// LiveKind is a kind of live evaluation (épreuve): soutenance, mise en
// situation, jeu de rôle, exposé, présentation orale, examen. It evidences
// tasks through modalities, quoted word for word, like a deliverable kind.
type LiveKind struct {
	ID          string `yaml:"id" json:"id" validate:"required"`
	Label       string `yaml:"label" json:"label" validate:"required"`
	Form        string `yaml:"form" json:"form" validate:"required,oneof=soutenance presentation-orale expose mise-en-situation jeu-de-role examen"`
	Description string `yaml:"description" json:"description" validate:"required"`
	// Written names the deliverable kind that forms one evaluation with
	// this one where the modality associates them (« rapport … et
	// soutenance »): on the modalities both evidence, neither counts alone.
	Written    string     `yaml:"written,omitempty" json:"written,omitempty"`
	Collective bool       `yaml:"collective,omitempty" json:"collective,omitempty"`
	Jury       int        `yaml:"jury" json:"jury" validate:"gte=1,lte=5"` // members at least
	Minutes    int        `yaml:"minutes" json:"minutes" validate:"gte=5,lte=480"`
	Evidences  []Evidence `yaml:"evidences" json:"evidences" validate:"min=1,dive"`

	kind *DeliverableKind
}

// FormLabel names the form of evaluation in French.
func (k *LiveKind) FormLabel() string {
	switch k.Form {
	case "soutenance":
		return "Soutenance"
	case "presentation-orale":
		return "Présentation orale"
	case "expose":
		return "Exposé"
	case "mise-en-situation":
		return "Mise en situation"
	case "jeu-de-role":
		return "Jeu de rôle"
	case "examen":
		return "Examen"
	}
	return k.Form
}

// AsKind is the live kind seen as a kind of piece: what the jury's
// gradings are attached to, so that results flow where pieces' do.
func (k *LiveKind) AsKind() *DeliverableKind { return k.kind }

// Evidence ties a deliverable kind to a task through one of its modalities.
// Quote is the modality's words that name the kind. Criteria and Capacities
// default to those of the modality (or of the whole task when its criteria
// are not aligned to modalities).
type Evidence struct {
	Task       string   `yaml:"task" json:"task" validate:"required"`
	Method     string   `yaml:"method" json:"method" validate:"required"`
	Quote      string   `yaml:"quote" json:"quote" validate:"required"`
	Criteria   []string `yaml:"criteria,omitempty" json:"criteria,omitempty"`
	Capacities []string `yaml:"capacities,omitempty" json:"capacities,omitempty"`
}
