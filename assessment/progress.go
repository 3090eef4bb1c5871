package assessment

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// CapacityState is where a learner stands on one capacity.
type CapacityState string

// The states, from nothing to acquired.
const (
	CapMissing  CapacityState = "a_couvrir"
	CapDraft    CapacityState = "en_preparation"
	CapPending  CapacityState = "en_evaluation"
	CapRework   CapacityState = "non_acquise"
	CapAcquired CapacityState = "acquise"
)

// Label is the state in French.
func (c CapacityState) Label() string {
	switch c {
	case CapMissing:
		return "À couvrir"
	case CapDraft:
		return "Pièce en préparation"
	case CapPending:
		return "En évaluation"
	case CapRework:
		return "Évaluée, non acquise"
	case CapAcquired:
		return "Acquise"
	}
	return string(c)
}

// Symbol marks the state in text, never by colour alone.
func (c CapacityState) Symbol() string {
	switch c {
	case CapMissing:
		return "○"
	case CapDraft:
		return "✎"
	case CapPending:
		return "…"
	case CapRework:
		return "↺"
	case CapAcquired:
		return "✓"
	}
	return "•"
}

// Evidence is one piece's latest released result, as the acquisition rule
// sees it.
type Evidence struct {
	PieceID     int64
	Title       string
	KindID      string
	Version     int
	VersionID   int64
	SHA256      string
	DepositedAt time.Time
	Levels      map[string]int // criterion → level, only the criteria the version asked for
	Released    time.Time
	Decision    Decision
	From        []Grading // the released gradings the result is made of
	// WrittenPieceID: for a live evaluation, the written piece its slot
	// names; Parts: the written piece and its oral when they form one
	// evaluation (see joint); Awaiting: the half still missing, and then
	// the evidence does not count yet.
	WrittenPieceID int64
	Parts          []Evidence
	Awaiting       string
	Live           bool // the result of a live evaluation (a jury's)
	GroupID        int64
	PartOf         int64
	Collective     bool // a collective part and a member's individual part, together
	// Masked: the piece is under anonymous marking for the viewer; only the
	// fact that a result exists is shown (see Progress.For).
	Masked bool
}

// HasLevel says whether the result rates this criterion (for templates).
func (e Evidence) HasLevel(criterionID string) bool {
	l, ok := e.Levels[criterionID]
	return ok && l >= 0
}

// CapacityProgress is one capacity's line in a learner's progress.
type CapacityProgress struct {
	Capacity *referentiel.Item
	Criteria []string
	State    CapacityState
	Pieces   []Piece // pieces linked to it
	Evidence []Evidence
}

// TaskProgress groups a task's capacities.
type TaskProgress struct {
	Task       *referentiel.Task
	Capacities []CapacityProgress
	Acquired   int
}

// ActivityProgress groups an activity's tasks.
type ActivityProgress struct {
	Activity   *referentiel.Activity
	Tasks      []TaskProgress
	Acquired   int
	Capacities int
	// The other states, counted as for the whole record.
	Pending, Rework, Draft, Missing int
}

// Progress is a learner's whole record against the framework.
type Progress struct {
	Activities []ActivityProgress
	Acquired   int
	Capacities int
	Pending    int
	Missing    int
	Rework     int // evaluated, not acquired yet
	Draft      int // a piece in preparation
	Pieces     []Piece
	Feedback   []FeedbackItem
	Deadlines  []Deadline
	Rule       string
	Settings   Settings
	CohortID   int64 // the learner's current cohort (0 when none)
}

// FeedbackItem is a released result as the learner sees it.
type FeedbackItem struct {
	Piece    Piece
	Version  int
	Decision Decision
	Feedback []string
	At       time.Time
}

// Deadline is when a deliverable kind is due in a cohort.
type Deadline struct {
	KindID string
	Kind   string
	DueOn  time.Time
	Done   bool
}

// Progress computes a learner's progress with a fixed number of queries,
// whatever the number of pieces.
func (s *Service) Progress(ctx context.Context, learnerID int64) (Progress, error) {
	return s.ProgressIn(ctx, learnerID, nil)
}

// ProgressIn is a learner's progress from the pieces of the given cohorts
// only (nil: every cohort): staff who share one cohort with a learner read
// nothing of another.
func (s *Service) ProgressIn(ctx context.Context, learnerID int64, cohorts []int64) (Progress, error) {
	pieces, err := s.LearnerPieces(ctx, learnerID)
	if err != nil {
		return Progress{}, err
	}
	if cohorts != nil {
		pieces = slices.DeleteFunc(pieces, func(p Piece) bool { return !slices.Contains(cohorts, p.CohortID) })
	}
	cohortID, err := s.latestCohort(ctx, learnerID, cohorts)
	if err != nil {
		return Progress{}, err
	}
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return Progress{}, err
	}
	results, err := s.resultsWhere(ctx, learnerPiecesWhere, learnerID, true)
	if err != nil {
		return Progress{}, err
	}
	// Which pieces claim which capacity: the latest deposited version's
	// links, or the draft's links for pieces never deposited (read at once).
	drafts, err := s.justifications(ctx, `piece_id IN (SELECT p.id FROM pieces p WHERE `+learnerPiecesWhere+`)`, learnerID)
	if err != nil {
		return Progress{}, err
	}
	out, err := s.buildProgress(pieces, cohortID, st, results, drafts)
	if err != nil {
		return out, err
	}
	out.Deadlines, err = s.deadlines(ctx, cohortID, pieces)
	return out, err
}

// buildProgress lays a learner's record against the framework from what
// was read: their pieces, the cohort's rules, each piece's latest result
// and the links claimed by drafts.
func (s *Service) buildProgress(pieces []Piece, cohortID int64, st Settings, results map[int64]pieceResult, drafts map[int64]map[string]string) (Progress, error) {
	fw := s.framework()
	var out Progress
	var err error
	out.Pieces = pieces
	out.Settings = st
	out.CohortID = cohortID
	out.Rule = CurrentRule.Text(st.LevelLabel(st.PassLevel))
	linked := map[string][]Piece{}
	evidence := map[string][]Evidence{}
	for _, p := range pieces {
		r := results[p.ID]
		var links []CapacityLink
		if r.version.ID != 0 {
			links = r.version.Links
		} else if links, err = s.linksOf(p, drafts[p.ID]); err != nil {
			return out, err
		}
		for _, l := range links {
			linked[l.CapacityID] = append(linked[l.CapacityID], p)
			if r.result != nil {
				evidence[l.CapacityID] = append(evidence[l.CapacityID], Evidence{PieceID: p.ID, Title: p.Title, KindID: p.KindID,
					Version: r.version.Number, VersionID: r.version.ID, SHA256: r.version.SHA256, DepositedAt: r.version.DepositedAt,
					Levels: r.result.Levels, Released: r.result.ReleasedAt, Decision: r.result.Decision, From: r.result.From,
					WrittenPieceID: p.WrittenPieceID, Live: p.Live(), GroupID: p.GroupID, PartOf: p.PartOf})
			}
		}
		if r.result != nil {
			out.Feedback = append(out.Feedback, FeedbackItem{Piece: p, Version: r.version.Number, Decision: r.result.Decision,
				Feedback: r.result.Feedback, At: r.result.ReleasedAt})
		}
	}
	for _, a := range fw.Activities {
		ap := ActivityProgress{Activity: a}
		for _, t := range a.Tasks {
			if !t.HasCertification() {
				continue
			}
			tp := TaskProgress{Task: t}
			t.EachCapacity(func(c *referentiel.Item) {
				cp := CapacityProgress{Capacity: c, Pieces: linked[c.ID], Evidence: joint(fw, c.ID, evidence[c.ID])}
				t.EachCriterion(func(cr *referentiel.Criterion) {
					for _, x := range t.CapacitiesOf(cr) {
						if x.ID == c.ID {
							cp.Criteria = append(cp.Criteria, cr.ID)
						}
					}
				})
				cp.State = capacityState(cp, st.PassLevel)
				switch cp.State {
				case CapAcquired:
					tp.Acquired++
					out.Acquired++
				case CapPending:
					out.Pending++
					ap.Pending++
				case CapMissing:
					out.Missing++
					ap.Missing++
				case CapRework:
					out.Rework++
					ap.Rework++
				case CapDraft:
					out.Draft++
					ap.Draft++
				}
				out.Capacities++
				ap.Capacities++
				tp.Capacities = append(tp.Capacities, cp)
			})
			ap.Acquired += tp.Acquired
			ap.Tasks = append(ap.Tasks, tp)
		}
		out.Activities = append(out.Activities, ap)
	}
	return out, nil
}

// latestCohort is the learner's most recent cohort among those given (nil:
// any), 0 when none.
func (s *Service) latestCohort(ctx context.Context, learnerID int64, cohorts []int64) (int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT m.cohort_id FROM cohort_members m JOIN cohorts c ON c.id=m.cohort_id
		WHERE m.user_id=? AND m.member_role='learner' ORDER BY c.starts_on DESC, c.id DESC`, learnerID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		if cohorts == nil || slices.Contains(cohorts, id) {
			return id, nil
		}
	}
	return 0, rows.Err()
}

type pieceResult struct {
	version Version
	result  *Result
}

// resultsWhere finds, for each piece the condition selects (on pieces p),
// the latest version with a released result (versions and gradings loaded
// in three queries); without body, the versions' texts are left empty.
func (s *Service) resultsWhere(ctx context.Context, where string, arg any, body bool) (map[int64]pieceResult, error) {
	bodyCol := "v.body"
	if !body {
		bodyCol = "''"
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT v.id, v.piece_id, v.number, v.title, `+bodyCol+`, v.links, v.criteria, v.sha256, v.deposited_at, p.double_marking, p.slot_id IS NOT NULL,
		coalesce((SELECT discrepancy FROM marking_settings ms WHERE ms.cohort_id=p.cohort_id), 2)
		FROM piece_versions v JOIN pieces p ON p.id=v.piece_id WHERE `+where+` ORDER BY v.piece_id, v.number DESC`, arg)
	if err != nil {
		return nil, err
	}
	type vrow struct {
		v      Version
		double bool
		slot   bool
		disc   int
	}
	var versions []vrow
	for rows.Next() {
		var r vrow
		var links, criteria, at string
		if err := rows.Scan(&r.v.ID, &r.v.PieceID, &r.v.Number, &r.v.Title, &r.v.Body, &links, &criteria, &r.v.SHA256, &at, &r.double, &r.slot, &r.disc); err != nil {
			rows.Close()
			return nil, err
		}
		r.v.DepositedAt = parseStamp(sql.NullString{String: at, Valid: true})
		if err := jsonInto(links, &r.v.Links); err != nil {
			rows.Close()
			return nil, err
		}
		if err := jsonInto(criteria, &r.v.Criteria); err != nil {
			rows.Close()
			return nil, err
		}
		versions = append(versions, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(versions))
	for i, r := range versions {
		ids[i] = r.v.ID
	}
	gs, err := gradingsForVersions(ctx, s.db.Read, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]pieceResult{}
	for _, r := range versions {
		cur, seen := out[r.v.PieceID]
		if seen && cur.result != nil {
			continue // a later version already has a result
		}
		o := resolve(gs[r.v.ID], modeOf(r.double, r.slot), r.disc)
		if o.result != nil {
			out[r.v.PieceID] = pieceResult{version: r.v, result: o.result}
		} else if !seen {
			out[r.v.PieceID] = pieceResult{version: r.v}
		}
	}
	return out, nil
}

// gradingsForVersions loads the gradings of many versions in two queries.
func gradingsForVersions(ctx context.Context, q db.Querier, ids []int64) (map[int64][]Grading, error) {
	out := map[int64][]Grading{}
	if len(ids) == 0 {
		return out, nil
	}
	in := placeholders(ids)
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.version_id, g.assessor_id, u.display_name, g.role, g.state, g.decision, g.feedback,
		coalesce(g.supersedes_id,0), g.created_at, g.updated_at, g.released_at
		FROM gradings g JOIN users u ON u.id=g.assessor_id WHERE g.version_id IN (`+in+`) ORDER BY g.id`)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Grading{}
	var order []Grading
	for rows.Next() {
		var g Grading
		var created, updated string
		var released sql.NullString
		if err := rows.Scan(&g.ID, &g.VersionID, &g.AssessorID, &g.AssessorName, &g.Role, &g.State, &g.Decision, &g.Feedback,
			&g.SupersedesID, &created, &updated, &released); err != nil {
			rows.Close()
			return nil, err
		}
		g.CreatedAt = parseStamp(sql.NullString{String: created, Valid: true})
		g.UpdatedAt = parseStamp(sql.NullString{String: updated, Valid: true})
		g.ReleasedAt = parseStamp(released)
		g.Scores = map[string]Score{}
		order = append(order, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range order {
		byID[order[i].ID] = &order[i]
	}
	srows, err := q.QueryContext(ctx, `SELECT s.grading_id, s.criterion_id, coalesce(s.level,-1), s.comment FROM grading_scores s
		JOIN gradings g ON g.id=s.grading_id WHERE g.version_id IN (`+in+`)`)
	if err != nil {
		return nil, err
	}
	defer srows.Close()
	for srows.Next() {
		var gid int64
		var crit string
		var sc Score
		if err := srows.Scan(&gid, &crit, &sc.Level, &sc.Comment); err != nil {
			return nil, err
		}
		byID[gid].Scores[crit] = sc
	}
	for _, g := range order {
		out[g.VersionID] = append(out[g.VersionID], *byID[g.ID])
	}
	return out, srows.Err()
}

// placeholders inlines integer ids (they are ints, never user text).
func placeholders(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// LearnerDeadlines are the deadlines of a learner's current cohort, each
// marked done when a piece of its kind is deposited (what Progress gives,
// without computing the rest).
func (s *Service) LearnerDeadlines(ctx context.Context, learnerID int64) ([]Deadline, error) {
	pieces, err := s.LearnerPieces(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	cohortID, err := s.latestCohort(ctx, learnerID, nil)
	if err != nil {
		return nil, err
	}
	return s.deadlines(ctx, cohortID, pieces)
}

func (s *Service) deadlines(ctx context.Context, cohortID int64, pieces []Piece) ([]Deadline, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT kind_id, due_on FROM deadlines WHERE cohort_id=? ORDER BY due_on`, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Deadline
	fw := s.framework()
	for rows.Next() {
		var d Deadline
		var due string
		if err := rows.Scan(&d.KindID, &due); err != nil {
			return nil, err
		}
		d.DueOn, _ = time.Parse("2006-01-02", due)
		if k, ok := fw.Kind(d.KindID); ok {
			d.Kind = k.Label
		}
		for _, p := range pieces {
			if p.KindID == d.KindID && p.Status != Draft {
				d.Done = true
			}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
