package assessment

import (
	"embed"
	"time"

	"github.com/casp-cnam/casp/internal/db"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

// Migrations are the tables this package owns.
var Migrations = db.Migrations{Owner: "assessment", FS: migrationsFS, Dir: "migrations"}

// Status is where a piece stands in its lifecycle.
type Status string

// The lifecycle: brouillon → déposé → en évaluation → évalué, or
// à retravailler → redéposé (a new version, déposé again).
const (
	Draft      Status = "brouillon"
	Deposited  Status = "depose"
	InGrading  Status = "en_evaluation"
	Moderation Status = "moderation"
	Graded     Status = "evalue"
	Rework     Status = "a_retravailler"
)

// Label is the status in French.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Brouillon"
	case Deposited:
		return "Déposé"
	case InGrading:
		return "En évaluation"
	case Moderation:
		return "En évaluation (arbitrage)"
	case Graded:
		return "Évalué"
	case Rework:
		return "À retravailler"
	}
	return string(s)
}

// Symbol is a text mark shown beside the label, so that status never rests
// on colour alone.
func (s Status) Symbol() string {
	switch s {
	case Draft:
		return "✎"
	case Deposited:
		return "↥"
	case InGrading, Moderation:
		return "…"
	case Graded:
		return "✓"
	case Rework:
		return "↺"
	}
	return "•"
}

// Decision is an assessor's overall verdict on a version.
type Decision string

// The decisions.
const (
	Validated    Decision = "valide"
	ToRework     Decision = "a_retravailler"
	NotValidated Decision = "non_valide"
)

// Decisions in display order.
var Decisions = []Decision{Validated, ToRework, NotValidated}

// Label is the decision in French.
func (d Decision) Label() string {
	switch d {
	case Validated:
		return "Validé"
	case ToRework:
		return "À retravailler"
	case NotValidated:
		return "Non validé"
	}
	return "—"
}

// GradingRole says why a grading exists.
type GradingRole string

// The roles: single marking, the two blind markers of a double marking, the
// third assessor who settles a disagreement, and a correction of a
// released result.
const (
	Single        GradingRole = "simple"
	First         GradingRole = "premier"
	Second        GradingRole = "second"
	Third         GradingRole = "tiers"
	Rectification GradingRole = "correction"
)

// Label is the role in French.
func (r GradingRole) Label() string {
	switch r {
	case Single:
		return "Correction simple"
	case First:
		return "Première correction"
	case Second:
		return "Seconde correction"
	case Third:
		return "Arbitrage (tiers évaluateur)"
	case Rectification:
		return "Rectification"
	}
	return string(r)
}

// MarkingState is a grading's workflow state (Moodle's marking workflow).
type MarkingState string

// The states: à corriger is the absence of a grading.
const (
	ToMark    MarkingState = "a_corriger"
	Marking   MarkingState = "en_cours"
	Ready     MarkingState = "pret"
	Released  MarkingState = "publie"
	Withdrawn MarkingState = "clos"
)

// Label is the state in French.
func (m MarkingState) Label() string {
	switch m {
	case ToMark:
		return "À corriger"
	case Marking:
		return "En cours"
	case Ready:
		return "Prêt à publier"
	case Released:
		return "Publié"
	case Withdrawn:
		return "Remplacé"
	}
	return string(m)
}

// Piece is a portfolio piece.
type Piece struct {
	ID              int64
	LearnerID       int64
	LearnerName     string
	CohortID        int64
	KindID          string
	Title           string
	Draft           string
	DraftSavedAt    time.Time
	Pseudonym       string
	DoubleMarking   bool
	Status          Status
	LatestVersionID int64
	DepositedAt     time.Time
	CreatedAt       time.Time
	Versions        int
	// SlotID is the passage of a live evaluation this piece records (0 for
	// a learner's own piece); WrittenPieceID, the written piece it forms one
	// evaluation with, when the kind has one.
	SlotID         int64
	WrittenPieceID int64
	// GroupID: a collective part, written by a group (GroupName); PartOf:
	// an individual part, the collective part it belongs to. Writer: the
	// viewer may write it (its author, or a current member of its group).
	GroupID   int64
	GroupName string
	PartOf    int64
	Writer    bool
	// Anonymous: the cohort marks anonymously and a marking of this piece
	// is unpublished; every version then hides the learner from markers.
	Anonymous bool
}

// Version is a deposited, frozen version of a piece.
type Version struct {
	ID          int64
	PieceID     int64
	Number      int
	Title       string
	Body        string
	Links       []CapacityLink
	Criteria    []string
	SHA256      string
	DepositedAt time.Time
	Attachments []Attachment
}

// CapacityLink is a capacity the learner claims the piece evidences, with
// their justification.
type CapacityLink struct {
	CapacityID    string `json:"capacite"`
	Justification string `json:"justification,omitempty"`
	FromKind      bool   `json:"type,omitempty"` // implied by the deliverable kind
}

// Attachment is a file joined to a piece (a draft's, or a version's once deposited).
type Attachment struct {
	ID           int64
	PieceID      int64
	VersionID    int64
	StoredName   string
	OriginalName string
	MIME         string
	Size         int64
	SHA256       string
	CreatedAt    time.Time
}

// Grading is one assessor's grading of one version.
type Grading struct {
	ID           int64
	VersionID    int64
	AssessorID   int64
	AssessorName string
	Role         GradingRole
	State        MarkingState
	Decision     Decision
	Feedback     string
	Scores       map[string]Score
	SupersedesID int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ReleasedAt   time.Time
}

// Score is a level (index in the cohort's scale, -1 when not set) and a comment.
type Score struct {
	Level   int
	Comment string
}
