package assessment

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/referentiel"
)

// RefreshLearner recomputes and stores a learner's state on every capacity
// (the acquisition rule applied to their pieces). Every change to a piece
// calls it, so heatmaps stay a plain read.
func (s *Service) RefreshLearner(ctx context.Context, learnerID int64) error {
	prog, err := s.Progress(ctx, learnerID)
	if err != nil {
		return err
	}
	// The most returns of a single piece: a learner stuck on one production.
	var returned int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT coalesce(max(c),0) FROM (SELECT count(*) AS c FROM gradings g
		JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id
		WHERE p.learner_id=? AND g.state='publie' AND g.decision='a_retravailler' GROUP BY p.id)`, learnerID).Scan(&returned); err != nil {
		return err
	}
	var kinds []string
	for _, p := range prog.Pieces {
		if p.Status != Draft && !slices.Contains(kinds, p.KindID) {
			kinds = append(kinds, p.KindID)
		}
	}
	now := stamp(s.now())
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Only the capacities whose state or count changed are written: a
		// deposit or a grading moves a few of the hundred (read in the write
		// transaction: no refresh slips between the read and the writes).
		type stored struct {
			state  string
			pieces int
		}
		had := map[string]stored{}
		rows, err := tx.QueryContext(ctx, `SELECT capacity_id, state, pieces FROM learner_capacities WHERE learner_id=?`, learnerID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var st stored
			if err := rows.Scan(&id, &st.state, &st.pieces); err != nil {
				rows.Close()
				return err
			}
			had[id] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO learner_stats(learner_id, acquired, pending, returned, deposited_kinds, updated_at) VALUES (?,?,?,?,?,?)
			ON CONFLICT(learner_id) DO UPDATE SET acquired=excluded.acquired, pending=excluded.pending, returned=excluded.returned,
			deposited_kinds=excluded.deposited_kinds, updated_at=excluded.updated_at`,
			learnerID, prog.Acquired, prog.Pending, returned, strings.Join(kinds, ","), now); err != nil {
			return err
		}
		for _, a := range prog.Activities {
			for _, t := range a.Tasks {
				for _, cp := range t.Capacities {
					if st, ok := had[cp.Capacity.ID]; ok && st.state == string(cp.State) && st.pieces == len(cp.Pieces) {
						continue
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO learner_capacities(learner_id, capacity_id, state, pieces, updated_at) VALUES (?,?,?,?,?)
						ON CONFLICT(learner_id, capacity_id) DO UPDATE SET state=excluded.state, pieces=excluded.pieces, updated_at=excluded.updated_at`,
						learnerID, cp.Capacity.ID, string(cp.State), len(cp.Pieces), now); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// RebuildCoverage recomputes every learner of a cohort, and the cohort's
// marking statistics (after a bulk import).
func (s *Service) RebuildCoverage(ctx context.Context, cohortID int64) error {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT user_id FROM cohort_members WHERE cohort_id=? AND member_role='learner'`, cohortID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := s.RefreshLearner(ctx, id); err != nil {
			return err
		}
	}
	_, err = s.db.Write.ExecContext(ctx, `INSERT OR IGNORE INTO cohort_graded_criteria(cohort_id, criterion_id)
		SELECT DISTINCT p.cohort_id, sc.criterion_id FROM grading_scores sc JOIN gradings g ON g.id=sc.grading_id
		JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id
		WHERE p.cohort_id=? AND g.state='publie' AND sc.level IS NOT NULL`, cohortID)
	if err != nil {
		return err
	}
	return s.RebuildMarkingStats(ctx, cohortID)
}

// HeatmapFilter narrows and orders a cohort heatmap.
type HeatmapFilter struct {
	Sort     string // "nom", "progression", "risque"
	Activity string // only this activity's capacities
	Page     int
	All      bool // every learner on one page (exports)
}

// HeatmapPageSize is how many learners a heatmap page shows.
const HeatmapPageSize = 50

// HeatColumn is one capacity column, with its task and activity.
type HeatColumn struct {
	Capacity *referentiel.Item
	Task     *referentiel.Task
	Totals   map[string]int // over the whole cohort, by state
}

// HeatRow is one learner's line.
type HeatRow struct {
	LearnerID int64
	Name      string
	Login     string // tells apart two learners of the same name
	Cells     []CapacityState
	Acquired  int
	Pending   int
	Returned  int // most returns for rework of a single piece
	AtRisk    bool
	Reasons   []string
	sortKey   []byte
}

// Memo keeps what callers derive from a heatmap page (its rendered table,
// its JSON) for as long as the page itself is kept.
type Memo struct {
	mu   sync.Mutex
	vals map[string]any
}

// Do returns f's result for key, computing it once; errors are not kept.
func (m *Memo) Do(key string, f func() (any, error)) (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.vals[key]; ok {
		return v, nil
	}
	v, err := f()
	if err != nil {
		return nil, err
	}
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	m.vals[key] = v
	return v, nil
}

// Heatmap is a cohort's learners × capacities.
type Heatmap struct {
	Memo     *Memo // shared by every reader of this page while it is kept
	Columns  []HeatColumn
	Rows     []HeatRow
	Learners int
	Page     int
	Pages    int
	Sort     string
	Activity string
}

// Heatmap builds a page of a cohort's heatmap with a fixed number of
// queries: the learners' totals (whole cohort), the page's cells, and the
// per-capacity totals (whole cohort).
func (s *Service) Heatmap(ctx context.Context, cohortID int64, f HeatmapFilter) (Heatmap, error) {
	// Every table a heatmap reads changes only with the cohort's version
	// (raised by triggers): a page is kept in memory while the version and
	// the day stay the same, and one tiny read checks it.
	version, err := s.cohortVersion(ctx, cohortID)
	if err != nil {
		return Heatmap{}, err
	}
	day := s.now().In(french.Paris).Format(time.DateOnly)
	key := heatKey{cohortID, f.Sort, f.Activity, max(f.Page, 1), f.All}
	s.rosters.mu.Lock()
	e, ok := s.rosters.pages[key]
	s.rosters.mu.Unlock()
	if ok && version >= 0 && e.version == version && e.day == day {
		return e.heat, nil
	}
	h, err := s.heatmap(ctx, cohortID, f, version)
	if err == nil && version >= 0 {
		s.rosters.mu.Lock()
		if s.rosters.pages == nil {
			s.rosters.pages = map[heatKey]heatEntry{}
		}
		// Full: out go the pages of older versions or days, else one page
		// at random (a map's order), never the whole lot.
		if len(s.rosters.pages) >= maxCachedPages {
			for k, e := range s.rosters.pages {
				if k.cohort == cohortID && (e.version != version || e.day != day) {
					delete(s.rosters.pages, k)
				}
			}
		}
		for k := range s.rosters.pages {
			if len(s.rosters.pages) < maxCachedPages {
				break
			}
			delete(s.rosters.pages, k)
		}
		s.rosters.pages[key] = heatEntry{version: version, day: day, heat: h}
		s.rosters.mu.Unlock()
	}
	return h, err
}

// CohortVersion is the cohort's version, raised by triggers whenever what
// its heatmap, jury list or member list shows changes (-1: none kept).
func (s *Service) CohortVersion(ctx context.Context, cohortID int64) (int64, error) {
	return s.cohortVersion(ctx, cohortID)
}

// cohortVersion is the cohort's version, raised by triggers whenever what
// its heatmap or jury list shows changes (-1 for a cohort without one: then
// nothing is kept).
func (s *Service) cohortVersion(ctx context.Context, cohortID int64) (int64, error) {
	var version int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT coalesce((SELECT v FROM cohort_versions WHERE cohort_id=?), -1)`, cohortID).Scan(&version)
	return version, err
}

// KeptHeatmapPages is how many heatmap pages are kept in memory now.
func (s *Service) KeptHeatmapPages() int {
	s.rosters.mu.Lock()
	defer s.rosters.mu.Unlock()
	return len(s.rosters.pages)
}

// MaxKeptHeatmapPages bounds KeptHeatmapPages.
const MaxKeptHeatmapPages = maxCachedPages

// maxCachedPages bounds the heatmap pages kept in memory: with what the
// server derives from each (its rendered and compressed content, its JSON)
// about 300 Kio a page of 50 learners, 7 Mio in all at most.
const maxCachedPages = 24

type heatKey struct {
	cohort         int64
	sort, activity string
	page           int
	all            bool
}

type heatEntry struct {
	version int64
	day     string
	heat    Heatmap
}

// heatmap computes a heatmap page; version is the cohort's, read by the caller.
func (s *Service) heatmap(ctx context.Context, cohortID int64, f HeatmapFilter, version int64) (Heatmap, error) {
	fw := s.framework()
	h := Heatmap{Sort: f.Sort, Activity: f.Activity, Page: max(f.Page, 1), Memo: &Memo{}}
	var capIDs []string
	index := map[string]int{}
	for _, t := range fw.Tasks() {
		if f.Activity != "" && t.Activity().ID != f.Activity {
			continue
		}
		t.EachCapacity(func(c *referentiel.Item) {
			index[c.ID] = len(h.Columns)
			capIDs = append(capIDs, c.ID)
			h.Columns = append(h.Columns, HeatColumn{Capacity: c, Task: t, Totals: map[string]int{}})
		})
	}
	if len(capIDs) == 0 {
		return h, apperr.New(apperr.NotFound, "Activité inconnue.")
	}
	// 1. Every learner, sorted, with totals and risk flags: kept in memory
	// while the cohort's version (raised by triggers) and the day stay the same.
	all, err := s.roster(ctx, cohortID, f.Sort, version)
	if err != nil {
		return h, err
	}
	if f.Sort != "progression" && f.Sort != "risque" {
		h.Sort = "nom"
	}
	h.Learners = len(all)
	size := HeatmapPageSize
	if f.All {
		size = max(1, len(all))
	}
	h.Pages = max(1, (len(all)+size-1)/size)
	h.Page = min(h.Page, h.Pages)
	lo := (h.Page - 1) * size
	// The roster is shared between requests: the page gets its own copy.
	page := slices.Clone(all[lo:min(lo+size, len(all))])
	// 2. The page's cells.
	byLearner := map[int64]int{}
	ids := make([]int64, len(page))
	for i := range page {
		page[i].Cells = make([]CapacityState, len(capIDs))
		for j := range page[i].Cells {
			page[i].Cells[j] = CapMissing
		}
		byLearner[page[i].LearnerID] = i
		ids[i] = page[i].LearnerID
	}
	if len(ids) > 0 {
		crows, err := s.db.Read.QueryContext(ctx, `SELECT learner_id, capacity_id, state FROM learner_capacities WHERE learner_id IN (`+placeholders(ids)+`)`)
		if err != nil {
			return h, err
		}
		for crows.Next() {
			var lid int64
			var cid string
			var st CapacityState
			if err := crows.Scan(&lid, &cid, &st); err != nil {
				crows.Close()
				return h, err
			}
			if j, ok := index[cid]; ok {
				page[byLearner[lid]].Cells[j] = st
			}
		}
		crows.Close()
	}
	// 3. Per-capacity totals over the whole cohort.
	// Kept by triggers (migration 006): a read of a few hundred rows.
	trows, err := s.db.Read.QueryContext(ctx, `SELECT capacity_id, state, n FROM cohort_capacity_totals WHERE cohort_id=? AND n>0`, cohortID)
	if err != nil {
		return h, err
	}
	defer trows.Close()
	for trows.Next() {
		var cid string
		var st CapacityState
		var n int
		if err := trows.Scan(&cid, &st, &n); err != nil {
			return h, err
		}
		if j, ok := index[cid]; ok {
			h.Columns[j].Totals[string(st)] = n
		}
	}
	for j := range h.Columns {
		known := 0
		for _, n := range h.Columns[j].Totals {
			known += n
		}
		h.Columns[j].Totals[string(CapMissing)] += h.Learners - known
	}
	h.Rows = page
	return h, trows.Err()
}

// rosterCache keeps, per cohort and order, the last sorted learner list
// with the cohort version and the day it was computed for, and the
// heatmap pages built from it.
type rosterCache struct {
	mu      sync.Mutex
	entries map[rosterKey]rosterEntry
	pages   map[heatKey]heatEntry
	jury    map[int64]juryEntry
}

// juryEntry is a cohort's jury list at a version of the cohort.
type juryEntry struct {
	version int64
	lines   []JuryLine
}

type rosterKey struct {
	cohort int64
	sort   string
}

type rosterEntry struct {
	version int64
	day     string
	rows    []HeatRow
}

// roster lists a cohort's learners with their totals and risk flags, in
// the requested order (names in French order; by progress; at risk first),
// from the cache when the cohort has not changed since.
func (s *Service) roster(ctx context.Context, cohortID int64, order string, version int64) ([]HeatRow, error) {
	if order != "progression" && order != "risque" {
		order = "nom"
	}
	today := s.now().In(french.Paris)
	day := today.Format(time.DateOnly)
	key := rosterKey{cohortID, order}
	s.rosters.mu.Lock()
	e, ok := s.rosters.entries[key]
	s.rosters.mu.Unlock()
	if ok && version >= 0 && e.version == version && e.day == day {
		return e.rows, nil
	}
	// The deadlines due within RiskDeadlineDays (or past), then every
	// learner with their totals.
	soon := today.AddDate(0, 0, RiskDeadlineDays).Format(time.DateOnly)
	drows, err := s.db.Read.QueryContext(ctx, `SELECT kind_id, due_on FROM deadlines WHERE cohort_id=? AND due_on<=?`, cohortID, soon)
	if err != nil {
		return nil, err
	}
	type dueKind struct {
		key  string // « ,kind, » to find in « ,deposited kinds, »
		past bool
		miss missedDeadline
	}
	var due []dueKind
	fw := s.framework()
	for drows.Next() {
		var kind, on string
		if err := drows.Scan(&kind, &on); err != nil {
			drows.Close()
			return nil, err
		}
		at, _ := time.ParseInLocation(time.DateOnly, on, french.Paris)
		due = append(due, dueKind{"," + kind + ",", on < day, missedDeadline{fw.KindLabel(kind), at}})
	}
	drows.Close()
	if err := drows.Err(); err != nil {
		return nil, err
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT u.id, u.display_name, u.login, coalesce(ls.acquired,0), coalesce(ls.pending,0), coalesce(ls.returned,0),
		coalesce(ls.deposited_kinds,'')
		FROM cohort_members m JOIN users u ON u.id=m.user_id LEFT JOIN learner_stats ls ON ls.learner_id=u.id
		WHERE m.cohort_id=? AND m.member_role='learner'`, cohortID)
	if err != nil {
		return nil, err
	}
	var all []HeatRow
	var overdue [][]missedDeadline
	for rows.Next() {
		var r HeatRow
		var deposited string
		if err := rows.Scan(&r.LearnerID, &r.Name, &r.Login, &r.Acquired, &r.Pending, &r.Returned, &deposited); err != nil {
			rows.Close()
			return nil, err
		}
		deposited = "," + deposited + ","
		var late []missedDeadline
		for _, d := range due {
			if d.past && !strings.Contains(deposited, d.key) {
				late = append(late, d.miss)
			}
		}
		overdue = append(overdue, late)
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flagRisks(all, overdue)
	// Names in French order (accents and case as a reader expects), then
	// the chosen order, stable, so that ties keep the alphabetical order.
	for i := range all {
		all[i].sortKey = french.Key(all[i].Name)
	}
	slices.SortStableFunc(all, func(a, b HeatRow) int { return bytes.Compare(a.sortKey, b.sortKey) })
	switch order {
	case "progression":
		slices.SortStableFunc(all, func(a, b HeatRow) int { return b.Acquired - a.Acquired })
	case "risque":
		slices.SortStableFunc(all, func(a, b HeatRow) int {
			if a.AtRisk != b.AtRisk {
				if a.AtRisk {
					return -1
				}
				return 1
			}
			return a.Acquired - b.Acquired
		})
	}
	if version >= 0 {
		s.rosters.mu.Lock()
		if s.rosters.entries == nil {
			s.rosters.entries = map[rosterKey]rosterEntry{}
		}
		s.rosters.entries[key] = rosterEntry{version: version, day: day, rows: all}
		s.rosters.mu.Unlock()
	}
	return all, nil
}

// Risk thresholds, in one place.
const (
	RiskDeadlineDays = 14 // deadlines this close are read with the past ones
	RiskReturns      = 2  // one piece returned this many times
	RiskMinMedian    = 4  // the cohort median below which coverage is not compared
)

// missedDeadline is a deadline past without a deposit of its kind.
type missedDeadline struct {
	kind string // its label
	on   time.Time
}

// flagRisks marks the learners at risk, with the reasons in French, named:
// a deadline past without a deposit (« échéance du 14 novembre 2026
// dépassée sans dépôt : Guide d'entretien »), one piece returned
// RiskReturns times or more, or coverage (acquired and in grading) under
// half the cohort's median once that median means something. A deadline
// still to come is not a risk: most learners deposit near it.
func flagRisks(all []HeatRow, overdue [][]missedDeadline) {
	cover := make([]int, len(all))
	for i, r := range all {
		cover[i] = r.Acquired + r.Pending
	}
	sorted := slices.Clone(cover)
	slices.Sort(sorted)
	median := 0
	if len(sorted) > 0 {
		median = sorted[len(sorted)/2]
	}
	for i := range all {
		r := &all[i]
		r.Reasons = nil
		if i < len(overdue) {
			for _, m := range overdue[i] {
				r.Reasons = append(r.Reasons, "échéance du "+french.Date(m.on)+" dépassée sans dépôt : "+m.kind)
			}
		}
		if r.Returned >= RiskReturns {
			r.Reasons = append(r.Reasons, fmt.Sprintf("une pièce renvoyée %d fois", r.Returned))
		}
		if median >= RiskMinMedian && cover[i]*2 < median {
			r.Reasons = append(r.Reasons, fmt.Sprintf("%d capacités acquises ou en évaluation, moins de la moitié de la médiane de la promotion (%d)", cover[i], median))
		}
		r.AtRisk = len(r.Reasons) > 0
	}
}

// GradedCriteria lists the criteria graded at least once (released) in a cohort.
func (s *Service) GradedCriteria(ctx context.Context, cohortID int64) (map[string]bool, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT criterion_id FROM cohort_graded_criteria WHERE cohort_id=?`, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}
