package assessment

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/french"
)

// QueueFilter narrows an assessor's queue.
type QueueFilter struct {
	KindID    string
	CohortID  int64
	Status    Status
	From, To  time.Time // deposit date range (inclusive days); zero: open
	DueBefore time.Time // only kinds due on or before this day
	Page      int       // from 1
}

// QueuePageSize is how many pieces a queue page shows.
const QueuePageSize = 50

// QueueItem is one piece awaiting the assessor.
type QueueItem struct {
	PieceID      int64
	Title        string
	KindID       string
	Kind         string
	CohortID     int64
	CohortName   string
	Learner      string // the pseudonym under anonymous marking
	Anonymous    bool
	Status       Status
	Version      int
	DepositedAt  time.Time
	Due          time.Time
	Double       bool
	MyGradingID  int64
	MyState      MarkingState // ToMark when the assessor has not started
	MyRole       GradingRole
	OthersActive int // colleagues' gradings on this version (in arbitration, the two released ones and any arbitration)
	WasMarker    bool
}

// LateDays is how many days after its deadline the version was deposited
// (0: on time, or no deadline), counted in Paris days.
func (q QueueItem) LateDays() int {
	if q.Due.IsZero() || q.DepositedAt.IsZero() {
		return 0
	}
	return max(0, -french.Days(q.DepositedAt, q.Due))
}

// Actionable tells whether the assessor can start or resume work on it.
func (q QueueItem) Actionable() bool {
	if q.MyGradingID != 0 {
		return true
	}
	switch {
	case q.Status == Moderation:
		// The two markers' released gradings count, plus a colleague's
		// arbitration under way.
		return !q.WasMarker && q.OthersActive < 3
	case q.Double:
		return !q.WasMarker && q.OthersActive < 2
	}
	return q.OthersActive == 0
}

// Queue is a page of the queue with counts over all of it.
type Queue struct {
	Items    []QueueItem
	Total    int
	ByStatus map[string]int
	Page     int
	Pages    int
}

// Queue lists the pieces awaiting grading in the assessor's cohorts, oldest
// deposit first; for a manager, the pieces of their cohorts awaiting
// arbitration. Two statements, whatever the number of learners.
func (s *Service) Queue(ctx context.Context, assessor account.User, f QueueFilter) (Queue, error) {
	where := []string{`p.status IN ('depose','en_evaluation','moderation')`, `p.slot_id IS NULL`} // épreuves: graded from their session
	var args []any                                                                                // the filters' values
	if f.KindID != "" {
		where = append(where, `p.kind_id=?`)
		args = append(args, f.KindID)
	}
	if f.CohortID != 0 {
		where = append(where, `p.cohort_id=?`)
		args = append(args, f.CohortID)
	}
	if !f.From.IsZero() {
		where = append(where, `p.deposited_at>=?`)
		args = append(args, stamp(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, `p.deposited_at<?`)
		args = append(args, stamp(f.To.AddDate(0, 0, 1)))
	}
	member := `JOIN cohort_members m ON m.cohort_id=p.cohort_id AND m.user_id=? AND m.member_role='assessor'`
	if assessor.Role == account.Manager {
		member = `JOIN cohort_members m ON m.cohort_id=p.cohort_id AND m.user_id=? AND m.member_role='manager'`
		where = append(where, `p.status='moderation'`)
	}
	if !f.DueBefore.IsZero() {
		where = append(where, `EXISTS (SELECT 1 FROM deadlines dl WHERE dl.cohort_id=p.cohort_id AND dl.kind_id=p.kind_id AND dl.due_on<=?)`)
		args = append(args, f.DueBefore.Format("2006-01-02"))
	}
	base := ` FROM pieces p ` + member + ` WHERE ` + strings.Join(where, " AND ")
	q := Queue{ByStatus: map[string]int{}, Page: max(f.Page, 1)}
	// Counts by status over the whole filtered queue (before the status filter).
	rows, err := s.db.Read.QueryContext(ctx, `SELECT p.status, count(*)`+base+` GROUP BY p.status`, append([]any{assessor.ID}, args...)...)
	if err != nil {
		return q, err
	}
	for rows.Next() {
		var st Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return q, err
		}
		q.ByStatus[string(st)] = n
		if f.Status == "" || f.Status == st {
			q.Total += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return q, err
	}
	listArgs := append([]any{assessor.ID, assessor.ID, assessor.ID}, args...)
	statusCond := ""
	if f.Status != "" {
		statusCond = ` AND p.status=?`
		listArgs = append(listArgs, string(f.Status))
	}
	q.Pages = max(1, (q.Total+QueuePageSize-1)/QueuePageSize)
	if q.Page > q.Pages {
		q.Page = q.Pages
	}
	listArgs = append(listArgs, QueuePageSize, (q.Page-1)*QueuePageSize, assessor.ID)
	// The page's ids are chosen first (index scan and a sort on narrow
	// rows); the joins and per-piece subqueries then run for those 50 only.
	rows, err = s.db.Read.QueryContext(ctx, `SELECT p.id, p.title, p.kind_id, p.cohort_id, c.name,
		CASE WHEN p.group_id IS NULL THEN u.display_name ELSE 'Groupe « ' || (SELECT g.name FROM learner_groups g WHERE g.id=p.group_id) || ' »' END, p.pseudonym, c.anonymous_marking,
		p.status, v.number, p.deposited_at, d.due_on, p.double_marking,
		coalesce(g.id,0), coalesce(g.state,''), coalesce(g.role,''),
		(SELECT count(*) FROM gradings o WHERE o.version_id=p.latest_version_id AND o.assessor_id<>? AND o.state<>'clos'
			AND (o.role IN ('simple','premier','second') OR (p.status='moderation' AND o.role='tiers'))),
		(SELECT count(*) FROM gradings w WHERE w.version_id=p.latest_version_id AND w.assessor_id=? AND w.role IN ('premier','second'))
		FROM (SELECT p.id FROM pieces p `+member+` WHERE `+strings.Join(where, " AND ")+statusCond+`
			ORDER BY p.deposited_at, p.id LIMIT ? OFFSET ?) page
		JOIN pieces p ON p.id=page.id
		JOIN cohorts c ON c.id=p.cohort_id
		JOIN users u ON u.id=p.learner_id
		JOIN piece_versions v ON v.id=p.latest_version_id
		LEFT JOIN gradings g ON g.version_id=p.latest_version_id AND g.assessor_id=? AND g.state IN ('en_cours','pret')
		LEFT JOIN deadlines d ON d.cohort_id=p.cohort_id AND d.kind_id=p.kind_id
		ORDER BY p.deposited_at, p.id`, listArgs...)
	if err != nil {
		return q, err
	}
	defer rows.Close()
	fw := s.framework()
	for rows.Next() {
		var it QueueItem
		var name, pseudo, deposited string
		var due sql.NullString
		var state, role string
		var was int
		if err := rows.Scan(&it.PieceID, &it.Title, &it.KindID, &it.CohortID, &it.CohortName, &name, &pseudo, &it.Anonymous,
			&it.Status, &it.Version, &deposited, &due, &it.Double, &it.MyGradingID, &state, &role, &it.OthersActive, &was); err != nil {
			return q, err
		}
		it.Learner = name
		if it.Anonymous {
			it.Learner = pseudo
		}
		it.DepositedAt = parseStamp(sql.NullString{String: deposited, Valid: true})
		if due.Valid {
			it.Due, _ = time.Parse("2006-01-02", due.String)
		}
		it.MyState, it.MyRole, it.WasMarker = ToMark, GradingRole(role), was > 0
		if state != "" {
			it.MyState = MarkingState(state)
		}
		if k, ok := fw.Kind(it.KindID); ok {
			it.Kind = k.Label
		}
		q.Items = append(q.Items, it)
	}
	return q, rows.Err()
}

// ReleasedGrading is one of an assessor's published gradings, for their
// own list (no learner named: a piece may still be marked anonymously).
type ReleasedGrading struct {
	GradingID  int64
	PieceID    int64
	Title      string
	Kind       string
	CohortName string
	Version    int
	Role       GradingRole
	Decision   Decision
	ReleasedAt time.Time
}

// ReleasedBy lists an assessor's published gradings, newest first, a page
// of 50 (from 1); more tells whether older ones follow. Two statements.
func (s *Service) ReleasedBy(ctx context.Context, assessor account.User, page int) (list []ReleasedGrading, more bool, err error) {
	page = max(page, 1)
	fw := s.framework()
	rows, err := s.db.Read.QueryContext(ctx, `SELECT g.id, p.id, p.title, p.kind_id, c.name, v.number, g.role, g.decision, g.released_at
		FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id JOIN cohorts c ON c.id=p.cohort_id
		WHERE g.assessor_id=? AND g.state='publie' ORDER BY g.released_at DESC, g.id DESC LIMIT ? OFFSET ?`,
		assessor.ID, releasedPage+1, (page-1)*releasedPage)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var r ReleasedGrading
		var kind string
		var at sql.NullString
		if err := rows.Scan(&r.GradingID, &r.PieceID, &r.Title, &kind, &r.CohortName, &r.Version, &r.Role, &r.Decision, &at); err != nil {
			return nil, false, err
		}
		r.Kind, r.ReleasedAt = fw.KindLabel(kind), parseStamp(at)
		list = append(list, r)
	}
	if len(list) > releasedPage {
		list, more = list[:releasedPage], true
	}
	return list, more, rows.Err()
}

// releasedPage is how many published gradings a page lists.
const releasedPage = 50
