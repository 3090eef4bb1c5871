package assessment

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"
)

// AssessorLoad is one person's marking in a cohort: what they released, what
// they have under way, what waits for them, how fast and how consistently
// they mark.
type AssessorLoad struct {
	AssessorID int64
	Name       string
	// Member is true for an assessor of the cohort; false for someone who
	// graded there without being one (a manager who arbitrated, an assessor
	// since removed from the cohort).
	Member     bool
	Manager    bool // manager of the cohort (arbitrates)
	Released   int  // gradings released (every role)
	InProgress int  // gradings opened and not released (en cours, prêtes à publier)
	// Queue counts the pieces of the queue they could start now (the rules
	// of StartGrading: single marking nobody took, a free blind marking they
	// have not done, an arbitration of markings that are not theirs).
	Queue int
	// Waiting counts the pieces that wait for them: those of the queue they
	// could start and those whose grading they opened, still awaited by the
	// learner. The ages run from the deposit of the version.
	Waiting    int
	OldestWait time.Duration
	MedianWait time.Duration
	// MedianTurnaround is the median time from deposit to release of their
	// released gradings (rectifications aside: they answer a request, not a
	// deposit), over Turnarounds gradings.
	MedianTurnaround time.Duration
	Turnarounds      int
	Arbitrations     int // third-assessor gradings released
	// Double-marking agreement over every pair of gradings they share with a
	// colleague (AgreementStats' pairs): shares over RatingPairs criterion
	// ratings; Partners lists each pair with its weighted kappa.
	RatingPairs   int
	ExactShare    float64
	AdjacentShare float64
	Partners      []AgreementRow
}

// Workload is a cohort's marking, assessor by assessor, with the cohort's
// totals: Total.Waiting and its ages count each waiting piece once,
// Total.Queue the waiting pieces nobody has started.
type Workload struct {
	Assessors []AssessorLoad
	Total     AssessorLoad
	Agreement AgreementReport
	Now       time.Time
}

type wlGrading struct {
	assessor  int64
	role      GradingRole
	state     MarkingState
	released  time.Time
	deposited time.Time
	pieceID   int64
	latest    bool
}

type wlPiece struct {
	id        int64
	status    Status
	double    bool
	deposited time.Time
}

type wlPerson struct {
	load              *AssessorLoad
	assessor, manager bool // may take queue pieces, may arbitrate
	waits             []time.Duration
	turnarounds       []time.Duration
}

// Workload computes the cohort's marking statistics with a fixed number of
// statements whatever its size: the people, the cohort's gradings, its
// waiting pieces, then AgreementStats.
func (s *Service) Workload(ctx context.Context, cohortID int64) (Workload, error) {
	now := s.now()
	w := Workload{Now: now, Total: AssessorLoad{Name: "Ensemble de la promotion", Member: true}}
	// 1. Assessors of the cohort, and whoever graded there.
	rows, err := s.db.Read.QueryContext(ctx, `SELECT u.id, u.display_name, u.role,
		EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id=? AND m.user_id=u.id AND m.member_role='assessor'),
		EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id=? AND m.user_id=u.id AND m.member_role='manager')
		FROM users u WHERE u.id IN (SELECT user_id FROM cohort_members WHERE cohort_id=? AND member_role='assessor'
			UNION SELECT g.assessor_id FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=?)`,
		cohortID, cohortID, cohortID, cohortID)
	if err != nil {
		return w, err
	}
	people := map[int64]*wlPerson{}
	var order []*wlPerson
	for rows.Next() {
		var l AssessorLoad
		var role string
		var isAssessor, isManager bool
		if err := rows.Scan(&l.AssessorID, &l.Name, &role, &isAssessor, &isManager); err != nil {
			rows.Close()
			return w, err
		}
		l.Member, l.Manager = isAssessor, isManager
		p := &wlPerson{load: &l, assessor: role == "assessor" && isAssessor, manager: role == "manager" && isManager}
		people[l.AssessorID] = p
		order = append(order, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}
	// 2. Every grading of the cohort.
	rows, err = s.db.Read.QueryContext(ctx, `SELECT g.assessor_id, g.role, g.state, g.released_at, v.deposited_at, p.id, v.id=p.latest_version_id
		FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=?`, cohortID)
	if err != nil {
		return w, err
	}
	var gradings []wlGrading
	for rows.Next() {
		var g wlGrading
		var released sql.NullString
		var deposited string
		if err := rows.Scan(&g.assessor, &g.role, &g.state, &released, &deposited, &g.pieceID, &g.latest); err != nil {
			rows.Close()
			return w, err
		}
		g.released = parseStamp(released)
		g.deposited = parseStamp(sql.NullString{String: deposited, Valid: true})
		gradings = append(gradings, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}
	// 3. The waiting pieces and their latest version's deposit.
	rows, err = s.db.Read.QueryContext(ctx, `SELECT p.id, p.status, p.double_marking, v.deposited_at FROM pieces p
		JOIN piece_versions v ON v.id=p.latest_version_id
		WHERE p.cohort_id=? AND p.status IN ('depose','en_evaluation','moderation')`, cohortID)
	if err != nil {
		return w, err
	}
	var waiting []wlPiece
	for rows.Next() {
		var p wlPiece
		var deposited string
		if err := rows.Scan(&p.id, &p.status, &p.double, &deposited); err != nil {
			rows.Close()
			return w, err
		}
		p.deposited = parseStamp(sql.NullString{String: deposited, Valid: true})
		waiting = append(waiting, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}

	isWaiting := map[int64]bool{}
	for _, p := range waiting {
		isWaiting[p.id] = true
	}
	latest := map[int64][]wlGrading{} // waiting piece → its latest version's gradings
	var allTurnarounds []time.Duration
	started := map[int64]bool{}
	for _, g := range gradings {
		p := people[g.assessor]
		if p == nil { // graded between statements 1 and 2: counted next time
			continue
		}
		switch {
		case !g.released.IsZero():
			p.load.Released++
			w.Total.Released++
			if g.role == Third {
				p.load.Arbitrations++
				w.Total.Arbitrations++
			}
			if g.role != Rectification {
				d := g.released.Sub(g.deposited)
				p.turnarounds = append(p.turnarounds, d)
				allTurnarounds = append(allTurnarounds, d)
			}
		case g.state == Marking || g.state == Ready:
			p.load.InProgress++
			w.Total.InProgress++
			if g.latest && isWaiting[g.pieceID] {
				p.waits = append(p.waits, now.Sub(g.deposited))
				started[g.pieceID] = true
			}
		}
		if g.latest && isWaiting[g.pieceID] && g.state != Withdrawn {
			latest[g.pieceID] = append(latest[g.pieceID], g)
		}
	}
	var allWaits []time.Duration
	for _, pc := range waiting {
		age := now.Sub(pc.deposited)
		allWaits = append(allWaits, age)
		if !started[pc.id] {
			w.Total.Queue++
		}
		for _, p := range order {
			if canStart(p, pc, latest[pc.id]) {
				p.load.Queue++
				p.waits = append(p.waits, age)
			}
		}
	}
	w.Total.Waiting = len(allWaits)
	w.Total.OldestWait, w.Total.MedianWait = oldestAndMedian(allWaits)
	w.Total.MedianTurnaround, w.Total.Turnarounds = median(allTurnarounds), len(allTurnarounds)

	// 4. Double-marking agreement, pair by pair.
	if w.Agreement, err = s.AgreementStats(ctx, cohortID); err != nil {
		return w, err
	}
	w.Total.RatingPairs = w.Agreement.Overall.Pairs
	w.Total.ExactShare, w.Total.AdjacentShare = w.Agreement.Overall.PercentExact, w.Agreement.Overall.PercentAdjacent
	for _, p := range order {
		l := p.load
		l.Waiting = len(p.waits)
		l.OldestWait, l.MedianWait = oldestAndMedian(p.waits)
		l.MedianTurnaround, l.Turnarounds = median(p.turnarounds), len(p.turnarounds)
		var exact, adjacent float64
		for _, row := range w.Agreement.ByPair {
			if row.Assessors[0] != l.AssessorID && row.Assessors[1] != l.AssessorID {
				continue
			}
			l.Partners = append(l.Partners, row)
			l.RatingPairs += row.Agreement.Pairs
			exact += row.Agreement.PercentExact * float64(row.Agreement.Pairs)
			adjacent += row.Agreement.PercentAdjacent * float64(row.Agreement.Pairs)
		}
		if l.RatingPairs > 0 {
			l.ExactShare, l.AdjacentShare = exact/float64(l.RatingPairs), adjacent/float64(l.RatingPairs)
		}
		w.Assessors = append(w.Assessors, *l)
	}
	sort.SliceStable(w.Assessors, func(i, j int) bool {
		if w.Assessors[i].Member != w.Assessors[j].Member {
			return w.Assessors[i].Member
		}
		return strings.ToLower(w.Assessors[i].Name) < strings.ToLower(w.Assessors[j].Name)
	})
	return w, nil
}

// canStart tells whether p could open a grading of the waiting piece now,
// by the rules of nextRole and the queue: gs are the piece's latest
// version's gradings (withdrawn ones left out).
func canStart(p *wlPerson, pc wlPiece, gs []wlGrading) bool {
	id := p.load.AssessorID
	marker, thirdTaken, othersActive := false, false, 0
	for _, g := range gs {
		mine := g.assessor == id
		switch {
		case mine && (g.state == Marking || g.state == Ready):
			return false // under way: counted in InProgress
		case mine && (g.role == First || g.role == Second):
			marker = true
		case !mine && (g.role == Single || g.role == First || g.role == Second):
			othersActive++
		}
		if g.role == Third {
			thirdTaken = true
		}
	}
	switch {
	case pc.status == Moderation:
		return (p.assessor || p.manager) && !marker && !thirdTaken
	case !p.assessor:
		return false
	case pc.double:
		return !marker && othersActive < 2
	}
	return othersActive == 0
}

// median of durations (the mean of the two middle ones for an even count);
// 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func oldestAndMedian(ds []time.Duration) (time.Duration, time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	return slices.Max(ds), median(ds)
}
