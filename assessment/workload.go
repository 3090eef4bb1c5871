package assessment

import (
	"context"
	"encoding/json"
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
	People    int // people in all, when Assessors is one page
	Page      int // the page shown (from 1), of Pages
	Pages     int
	Total     AssessorLoad
	Agreement AgreementReport
	Now       time.Time
}

// WorkloadQuery narrows Workload. Only, when set, keeps one person's line
// (an assessor sees their own and the totals); MaxPairs bounds the pairs of
// assessors listed, those sharing the most ratings first (0: every pair).
// Page (from 1) and PageSize, when set, keep one page of people, members
// first, by name; Workload.People counts them all.
type WorkloadQuery struct {
	Only     int64
	MaxPairs int
	Page     int
	PageSize int
}

type wlPerson struct {
	load              *AssessorLoad
	assessor, manager bool // may take queue pieces, may arbitrate
}

// bin is a count of values sharing a key: a deposit hour, or a turnaround
// bucket. A hist is sorted by key.
type bin struct {
	key int64
	n   int
}
type hist []bin

func (h hist) count() int {
	n := 0
	for _, b := range h {
		n += b.n
	}
	return n
}

// at returns the keys of the values of rank lo and hi (0-based, in key
// order); both are within the count.
func (h hist) at(lo, hi int) (int64, int64) {
	var klo, khi int64
	seen := 0
	for _, b := range h {
		if lo >= seen && lo < seen+b.n {
			klo = b.key
		}
		if hi >= seen && hi < seen+b.n {
			khi = b.key
			break
		}
		seen += b.n
	}
	return klo, khi
}

// add merges h with a sum of signed counts by key (small), dropping empty
// keys.
func (h hist) add(delta map[int64]int) hist {
	if len(delta) == 0 {
		return h
	}
	keys := make([]int64, 0, len(delta))
	for k := range delta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(hist, 0, len(h)+len(keys))
	i := 0
	for _, b := range h {
		for i < len(keys) && keys[i] < b.key {
			if d := delta[keys[i]]; d > 0 {
				out = append(out, bin{keys[i], d})
			}
			i++
		}
		if i < len(keys) && keys[i] == b.key {
			b.n += delta[keys[i]]
			i++
		}
		if b.n > 0 {
			out = append(out, b)
		}
	}
	for ; i < len(keys); i++ {
		if d := delta[keys[i]]; d > 0 {
			out = append(out, bin{keys[i], d})
		}
	}
	return out
}

// sumHists adds histograms key by key.
func sumHists(hs ...hist) hist {
	sum := map[int64]int{}
	for _, h := range hs {
		for _, b := range h {
			sum[b.key] += b.n
		}
	}
	return hist(nil).add(sum)
}

// medianOf is the median of a histogram's values through value (the mean
// of the two middle ones for an even count); 0 for none.
func (h hist) medianOf(value func(int64) time.Duration) time.Duration {
	n := h.count()
	if n == 0 {
		return 0
	}
	lo, hi := h.at((n-1)/2, n/2)
	return (value(lo) + value(hi)) / 2
}

// Workload reads the cohort's marking statistics from the tallies kept as
// pieces are deposited and graded, with a fixed number of statements
// whatever its size: the people and their counts, their turnarounds, the
// waiting pieces by deposit hour, the waiting pieces each person holds,
// then AgreementStats. Waiting ages are to the hour, turnarounds to the
// hour below two days and to the tenth of a day beyond.
func (s *Service) Workload(ctx context.Context, cohortID int64, q WorkloadQuery) (Workload, error) {
	now := s.now()
	w := Workload{Now: now, Total: AssessorLoad{Name: "Ensemble de la promotion", Member: true}}
	// 1. Assessors of the cohort and whoever graded there (the cohort
	// itself is person 0: its totals).
	rows, err := s.db.Read.QueryContext(ctx, `SELECT u.id, u.display_name, u.role,
		EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id=?1 AND m.user_id=u.id AND m.member_role='assessor'),
		EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id=?1 AND m.user_id=u.id AND m.member_role='manager'),
		coalesce(t.released, 0), coalesce(t.in_progress, 0), coalesce(t.arbitrations, 0), coalesce(t.turnarounds, 0),
		coalesce(t.rating_pairs, 0), coalesce(t.exact, 0), coalesce(t.adjacent, 0)
		FROM users u LEFT JOIN assessor_tallies t ON t.cohort_id=?1 AND t.assessor_id=u.id
		WHERE u.id IN (SELECT user_id FROM cohort_members WHERE cohort_id=?1 AND member_role='assessor'
			UNION SELECT assessor_id FROM assessor_tallies WHERE cohort_id=?1 AND assessor_id<>0 AND gradings>0)
		UNION ALL SELECT 0, '', '', 0, 0, released, in_progress, arbitrations, turnarounds, rating_pairs, exact, adjacent
		FROM assessor_tallies WHERE cohort_id=?1 AND assessor_id=0`, cohortID)
	if err != nil {
		return w, err
	}
	var order []*wlPerson
	for rows.Next() {
		var l AssessorLoad
		var role string
		var isAssessor, isManager bool
		var exact, adjacent int
		if err := rows.Scan(&l.AssessorID, &l.Name, &role, &isAssessor, &isManager, &l.Released, &l.InProgress, &l.Arbitrations,
			&l.Turnarounds, &l.RatingPairs, &exact, &adjacent); err != nil {
			rows.Close()
			return w, err
		}
		if l.RatingPairs > 0 {
			l.ExactShare, l.AdjacentShare = float64(exact)/float64(l.RatingPairs), float64(adjacent)/float64(l.RatingPairs)
		}
		if l.AssessorID == 0 {
			l.Name, l.Member = w.Total.Name, true
			w.Total = l
			continue
		}
		if q.Only != 0 && l.AssessorID != q.Only {
			continue
		}
		l.Member, l.Manager = isAssessor, isManager
		order = append(order, &wlPerson{load: &l, assessor: role == "assessor" && isAssessor, manager: role == "manager" && isManager})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i].load, order[j].load
		if a.Member != b.Member {
			return a.Member
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	})
	w.People, w.Page, w.Pages = len(order), 1, 1
	if q.PageSize > 0 {
		w.Pages = max(1, (len(order)+q.PageSize-1)/q.PageSize)
		w.Page = min(max(q.Page, 1), w.Pages)
		lo := (w.Page - 1) * q.PageSize
		order = order[lo:min(lo+q.PageSize, len(order))]
	}
	ids := []int64{0}
	for _, p := range order {
		ids = append(ids, p.load.AssessorID)
	}
	idList, _ := json.Marshal(ids)

	// 2. Turnarounds of the people shown and of the cohort, by bucket.
	turnarounds := map[int64]hist{}
	rows, err = s.db.Read.QueryContext(ctx, `SELECT assessor_id, bucket, n FROM turnaround_tallies
		WHERE cohort_id=? AND n>0 AND assessor_id IN (SELECT value FROM json_each(?)) ORDER BY assessor_id, bucket`, cohortID, string(idList))
	if err != nil {
		return w, err
	}
	for rows.Next() {
		var id int64
		var b bin
		if err := rows.Scan(&id, &b.key, &b.n); err != nil {
			rows.Close()
			return w, err
		}
		turnarounds[id] = append(turnarounds[id], b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}

	// 3. Waiting pieces by who may start them and deposit hour.
	byClass := map[string]hist{}
	var all, notStarted hist
	rows, err = s.db.Read.QueryContext(ctx, `SELECT class, hour, started, n FROM waiting_tallies WHERE cohort_id=? AND n>0 ORDER BY hour`, cohortID)
	if err != nil {
		return w, err
	}
	for rows.Next() {
		var class string
		var b bin
		var started bool
		if err := rows.Scan(&class, &b.key, &started, &b.n); err != nil {
			rows.Close()
			return w, err
		}
		byClass[class] = append(byClass[class], b)
		all = append(all, b)
		if !started {
			notStarted = append(notStarted, b)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}

	// 4. The waiting pieces each person shown holds a grading of: their
	// own work under way, and the pieces they cannot take again.
	held := map[int64][]waitHold{}
	rows, err = s.db.Read.QueryContext(ctx, `SELECT assessor_id, class, hour, own, marker FROM waiting_people
		WHERE cohort_id=? AND assessor_id IN (SELECT value FROM json_each(?))`, cohortID, string(idList))
	if err != nil {
		return w, err
	}
	for rows.Next() {
		var id int64
		var h waitHold
		if err := rows.Scan(&id, &h.class, &h.hour, &h.own, &h.marker); err != nil {
			rows.Close()
			return w, err
		}
		held[id] = append(held[id], h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}

	age := func(hour int64) time.Duration { return now.Sub(time.Unix(hour*3600, 0)) }
	waits := func(l *AssessorLoad, h hist) {
		l.Waiting = h.count()
		if l.Waiting > 0 {
			oldest, _ := h.at(0, 0)
			l.OldestWait, l.MedianWait = age(oldest), h.medianOf(age)
		}
	}
	all, notStarted = sumHists(all), sumHists(notStarted)
	waits(&w.Total, all)
	w.Total.Queue = notStarted.count()
	w.Total.MedianTurnaround = turnarounds[0].medianOf(bucketDuration)
	bases := map[[2]bool]hist{
		{true, false}: sumHists(byClass["A"], byClass["M"]), {true, true}: sumHists(byClass["A"], byClass["M"]),
		{false, true}: sumHists(byClass["M"]), {false, false}: nil,
	}

	// 5. Double-marking agreement, pair by pair.
	if w.Agreement, err = s.agreementStats(ctx, cohortID, q.MaxPairs, q.Only); err != nil {
		return w, err
	}
	partners := map[int64][]AgreementRow{}
	for _, row := range w.Agreement.ByPair {
		partners[row.Assessors[0]] = append(partners[row.Assessors[0]], row)
		partners[row.Assessors[1]] = append(partners[row.Assessors[1]], row)
	}
	for _, p := range order {
		l := p.load
		// The pieces open to them, less those they hold (marker, or their
		// own grading under way), plus their own work under way.
		eligible := func(class string) bool {
			return class == "A" && p.assessor || class == "M" && (p.assessor || p.manager)
		}
		base := bases[[2]bool{p.assessor, p.manager}]
		queue := base.count()
		delta := map[int64]int{}
		for _, h := range held[l.AssessorID] {
			if eligible(h.class) && (h.own || h.marker) {
				delta[h.hour]--
				queue--
			}
			if h.own {
				delta[h.hour]++
			}
		}
		l.Queue = queue
		waits(l, base.add(delta))
		l.MedianTurnaround = turnarounds[l.AssessorID].medianOf(bucketDuration)
		l.Partners = partners[l.AssessorID]
		w.Assessors = append(w.Assessors, *l)
	}
	return w, nil
}

// waitHold is a waiting piece a person holds a grading of.
type waitHold struct {
	class       string
	hour        int64
	own, marker bool
}
