package demo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// SyntheticOptions size a synthetic cohort.
type SyntheticOptions struct {
	Learners         int   // 1 to MaxSyntheticLearners
	PiecesPerLearner int   // 0 means DefaultSyntheticPieces
	Assessors        int   // 2 to MaxSyntheticAssessors; 0 means max(2, Learners/40)
	Seed             int64 // same seed, same cohort (apart from ids and logins)
}

// Bounds and defaults of a synthetic cohort.
const (
	DefaultSyntheticPieces = 30
	MaxSyntheticLearners   = 100000
	MaxSyntheticPieces     = 200
	MaxSyntheticAssessors  = 1000
)

// The synthetic cohort's period: deposits and gradings fall inside it.
var (
	syntheticStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	syntheticEnd   = time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)
)

// The target mix of piece statuses over a cohort (learners' pace moves
// their own mix around it), and the other proportions.
const (
	shareDraft      = 0.15
	shareDeposited  = 0.15
	shareInGrading  = 0.15
	shareGraded     = 0.40
	shareRework     = 0.12
	shareModeration = 0.03
	// Double marking: moderation pieces always, and this share of the other
	// deposited pieces, so that about 20 % of deposited pieces are
	// double-marked.
	shareDouble = 0.17
	// Double-marked pieces whose two markers disagreed and a third settled
	// (needs a third person: a third assessor, or the cohort's manager).
	shareSettled = 0.15
	// Learners at risk: weak, many pieces returned.
	shareAtRisk = 0.06
	// Deposited pieces that are a second version (the first was returned).
	shareSecondVersion       = 0.12
	shareSecondVersionAtRisk = 0.45
	// Pieces linked by the learner to one capacity beyond their kind's.
	shareExtraLink = 0.08
	// Learners per transaction.
	syntheticChunk = 100
)

// SeedSynthetic adds one synthetic cohort and returns its id: learners
// (logins synth<id>-a0001…), assessors (synth<id>-e001…), their pieces,
// versions and gradings, with realistic mixes of states and levels, the
// cohort's marking settings (20 % sampled for double marking) and one
// deadline per deliverable kind. The login « responsable », when it is a
// manager account, manages the cohort.
//
// Everything is written straight in SQL, in one transaction per 100
// learners: the accounts share one password hash, computed once from a
// random secret that is thrown away, so synthetic accounts cannot log in.
// Stored statuses are those the assessment package derives from the
// gradings written. The learners' capacity states read by the heatmap are
// not computed here: call assessment.Service.RebuildCoverage for the cohort
// afterwards (casp seed does). On error, what was already written is
// removed.
func SeedSynthetic(ctx context.Context, d *db.DB, fw *referentiel.Framework, o SyntheticOptions) (int64, error) {
	if o.PiecesPerLearner == 0 {
		o.PiecesPerLearner = DefaultSyntheticPieces
	}
	if o.Assessors == 0 {
		o.Assessors = min(max(2, o.Learners/40), MaxSyntheticAssessors)
	}
	switch {
	case o.Learners < 1 || o.Learners > MaxSyntheticLearners:
		return 0, fmt.Errorf("le nombre d'apprenants doit être compris entre 1 et %d", MaxSyntheticLearners)
	case o.PiecesPerLearner < 1 || o.PiecesPerLearner > MaxSyntheticPieces:
		return 0, fmt.Errorf("le nombre de pièces par apprenant doit être compris entre 1 et %d", MaxSyntheticPieces)
	case o.Assessors < 2 || o.Assessors > MaxSyntheticAssessors: // double marking needs two
		return 0, fmt.Errorf("le nombre d'évaluateurs doit être compris entre 2 et %d", MaxSyntheticAssessors)
	case fw == nil || len(fw.DeliverableKinds) == 0:
		return 0, errors.New("référentiel sans type de production : rien à générer")
	}
	g, err := newSynth(fw, o)
	if err != nil {
		return 0, err
	}
	if err := d.Tx(ctx, g.createCohort(ctx)); err != nil {
		return 0, fmt.Errorf("promotion synthétique : %w", err)
	}
	for lo := 0; lo < o.Learners; lo += syntheticChunk {
		hi := min(lo+syntheticChunk, o.Learners)
		var created []int64
		if err := d.Tx(ctx, g.createLearners(ctx, lo, hi, &created)); err != nil {
			if cerr := g.remove(context.WithoutCancel(ctx), d); cerr != nil {
				return 0, fmt.Errorf("promotion synthétique : %w (et nettoyage incomplet : %v)", err, cerr)
			}
			return 0, fmt.Errorf("promotion synthétique : %w", err)
		}
		g.learners = append(g.learners, created...)
	}
	return g.cohortID, nil
}

// synth holds one generation: the random source (consumed in a fixed
// order, so the same seed gives the same cohort) and what was created.
type synth struct {
	fw       *referentiel.Framework
	o        SyntheticOptions
	rng      *mrand.Rand
	hash     string
	now      string
	kinds    []*referentiel.DeliverableKind // by deadline
	due      map[string]time.Time
	base     map[string][]assessment.CapacityLink
	caps     []string // every certified capacity, for extra links
	criteria map[string][]string
	bodies   map[string][]string // editor → authored bodies (guide, cartographie)
	fb       feedbackBank

	learnerNames, assessorNames int // starts of the name sequences

	cohortID  int64
	prefix    string
	managerID int64
	assessors []int64
	learners  []int64
}

func newSynth(fw *referentiel.Framework, o SyntheticOptions) (*synth, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	hash, err := argon2id.CreateHash(hex.EncodeToString(secret), &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		return nil, err
	}
	g := &synth{fw: fw, o: o, rng: mrand.New(mrand.NewSource(o.Seed)), hash: hash, now: time.Now().UTC().Format(time.RFC3339),
		due: map[string]time.Time{}, base: map[string][]assessment.CapacityLink{}, criteria: map[string][]string{}, bodies: map[string][]string{}}
	g.learnerNames = g.rng.Intn(len(firstNames) * len(lastNames))
	g.assessorNames = g.rng.Intn(len(firstNames) * len(lastNames))
	// Deadlines: the kinds in framework order, the long reports last,
	// spread from mid-February to the end of November.
	g.kinds = append(g.kinds, fw.DeliverableKinds...)
	sort.SliceStable(g.kinds, func(i, j int) bool { return g.kinds[i].MinPages < g.kinds[j].MinPages })
	first, last := time.Date(2026, 2, 13, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i, k := range g.kinds {
		at := first
		if len(g.kinds) > 1 {
			at = first.Add(time.Duration(i) * last.Sub(first) / time.Duration(len(g.kinds)-1))
		}
		g.due[k.ID] = at.Truncate(24 * time.Hour)
		seen := map[string]bool{}
		for _, l := range fw.Links(k) {
			for _, c := range l.Capacities {
				if !seen[c.ID] {
					seen[c.ID] = true
					g.base[k.ID] = append(g.base[k.ID], assessment.CapacityLink{CapacityID: c.ID, FromKind: true})
				}
			}
		}
		g.criteria[k.ID] = assessment.CriteriaFor(fw, g.base[k.ID])
	}
	for _, t := range fw.Tasks() {
		if t.HasCertification() {
			t.EachCapacity(func(c *referentiel.Item) { g.caps = append(g.caps, c.ID) })
		}
	}
	samples, fb, err := loadSamples(fw)
	if err != nil {
		return nil, err
	}
	g.fb = fb
	for _, s := range samples {
		k, _ := fw.Kind(s.Kind)
		if k.Editor == "rapport" {
			continue // reports are generated short, to keep the file small
		}
		body, err := s.body()
		if err != nil {
			return nil, err
		}
		g.bodies[k.Editor] = append(g.bodies[k.Editor], body)
	}
	return g, nil
}

// createCohort adds the cohort, its settings and deadlines, its manager and
// its assessors.
func (g *synth) createCohort(ctx context.Context) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		base := fmt.Sprintf("Promotion synthétique %d", g.o.Learners)
		name := base
		for n := 2; ; n++ {
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cohorts WHERE name=?`, name).Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
			name = fmt.Sprintf("%s (%d)", base, n)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO cohorts(name, framework_id, starts_on, ends_on, created_at) VALUES (?,?,?,?,?)`,
			name, g.fw.ID, syntheticStart.Format(time.DateOnly), syntheticEnd.Format(time.DateOnly), g.now)
		if err != nil {
			return err
		}
		if g.cohortID, err = res.LastInsertId(); err != nil {
			return err
		}
		// Logins synth<id>-…; a cohort id reused after a deletion may find
		// them taken, so a letter is added until the prefix is free.
		g.prefix = fmt.Sprintf("synth%d", g.cohortID)
		for suffix := 'b'; ; suffix++ {
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE substr(login, 1, ?)=?`, len(g.prefix)+1, g.prefix+"-").Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
			if suffix > 'z' {
				return errors.New("aucun préfixe d'identifiant libre pour les comptes synthétiques")
			}
			g.prefix = fmt.Sprintf("synth%d%c", g.cohortID, suffix)
		}
		levels, _ := json.Marshal(assessment.DefaultLevels)
		if _, err := tx.ExecContext(ctx, `INSERT INTO marking_settings(cohort_id, levels, pass_level, double_kinds, sample_percent, discrepancy)
			VALUES (?,?,?,?,?,?)`, g.cohortID, string(levels), 2, "[]", 20, 2); err != nil {
			return err
		}
		for _, k := range g.kinds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO deadlines(cohort_id, kind_id, due_on) VALUES (?,?,?)`,
				g.cohortID, k.ID, g.due[k.ID].Format(time.DateOnly)); err != nil {
				return err
			}
		}
		err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE login='responsable' AND role='manager'`).Scan(&g.managerID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if g.managerID != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,'manager')`, g.cohortID, g.managerID); err != nil {
				return err
			}
		}
		for i := 0; i < g.o.Assessors; i++ {
			id, err := g.addUser(ctx, tx, fmt.Sprintf("%s-e%03d", g.prefix, i+1), g.name(g.assessorNames, i), "assessor")
			if err != nil {
				return err
			}
			g.assessors = append(g.assessors, id)
		}
		return nil
	}
}

func (g *synth) addUser(ctx context.Context, tx *sql.Tx, login, name, role string) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO users(login, display_name, role, password_hash, created_at, password_changed_at) VALUES (?,?,?,?,?,?)`,
		login, name, role, g.hash, g.now, g.now)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,?)`, g.cohortID, id, role)
	return id, err
}

// remove deletes what a failed generation left: learners first (their
// pieces, versions and gradings go with them), then assessors, then the
// cohort (its members, settings and deadlines go with it).
func (g *synth) remove(ctx context.Context, d *db.DB) error {
	if g.cohortID == 0 {
		return nil
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pieces WHERE cohort_id=?`, g.cohortID); err != nil {
			return err
		}
		for _, ids := range [][]int64{g.learners, g.assessors} {
			for _, id := range ids {
				if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id=?`, id); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM cohorts WHERE id=?`, g.cohortID)
		return err
	})
}

// learnerPlan is one synthetic learner's profile.
type learnerPlan struct {
	ability float64 // around which their levels are drawn, 0 to 3
	pace    float64 // -1 far behind … +1 far ahead
	atRisk  bool
	referee int // index of their usual assessor
}

// piecePlan is one piece before it is written.
type piecePlan struct {
	kind    *referentiel.DeliverableKind
	status  assessment.Status
	at      time.Time // latest deposit, or last save of a draft
	quality float64
	v2      bool
	double  bool
	extra   string // capacity linked beyond the kind's, if any
}

// stageRank orders statuses from the oldest pieces (settled) to the newest
// (drafts), so that a learner's earlier pieces are the graded ones.
func stageRank(s assessment.Status) float64 {
	switch s {
	case assessment.Graded, assessment.Rework:
		return 0
	case assessment.Moderation:
		return 1
	case assessment.InGrading:
		return 2
	case assessment.Deposited:
		return 3
	}
	return 4
}

func (g *synth) plan() learnerPlan {
	r := g.rng
	lp := learnerPlan{pace: clamp(r.NormFloat64()*0.45, -1, 1), atRisk: r.Float64() < shareAtRisk, referee: r.Intn(g.o.Assessors)}
	lp.ability = clamp(1.9+r.NormFloat64()*0.55, 0.4, 3)
	if lp.atRisk {
		lp.ability = 0.6 + r.Float64()*0.6
		lp.pace = clamp(lp.pace-0.3, -1, 1)
	}
	return lp
}

func (g *synth) pieces(lp learnerPlan) []piecePlan {
	r, m := g.rng, g.o.PiecesPerLearner
	f := lp.pace
	w := []float64{shareDraft * (1 - 0.7*f), shareDeposited * (1 - 0.3*f), shareInGrading, shareGraded * (1 + 0.25*f), shareRework * (1 - 0.3*f), shareModeration}
	if lp.atRisk {
		w[0] *= 1.2
		w[3] *= 0.5
		w[4] *= 3.5
	}
	statuses := []assessment.Status{assessment.Draft, assessment.Deposited, assessment.InGrading, assessment.Graded, assessment.Rework, assessment.Moderation}
	var total float64
	for _, x := range w {
		total += x
	}
	type drawn struct {
		s   assessment.Status
		key float64
	}
	st := make([]drawn, m)
	for i := range st {
		x, j := r.Float64()*total, 0
		for ; j < len(w)-1 && x >= w[j]; j++ {
			x -= w[j]
		}
		st[i] = drawn{statuses[j], stageRank(statuses[j]) + r.Float64()*2.5}
	}
	sort.SliceStable(st, func(i, j int) bool { return st[i].key < st[j].key })
	// Kinds: a window of the deadline order starting anywhere, so that the
	// cohort covers every kind evenly; earlier deadlines are done earlier.
	off := r.Intn(len(g.kinds))
	type kindKey struct {
		k   *referentiel.DeliverableKind
		key float64
	}
	ks := make([]kindKey, m)
	for i := range ks {
		idx := (off + i) % len(g.kinds)
		ks[i] = kindKey{g.kinds[idx], float64(idx) + r.Float64()*3}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	// Dates: spread over the period, leaving room for the gradings.
	from, to := syntheticStart.AddDate(0, 0, 14), syntheticEnd.AddDate(0, 0, -25)
	days := int(to.Sub(from).Hours() / 24)
	dates := make([]time.Time, m)
	for i := range dates {
		dates[i] = from.AddDate(0, 0, r.Intn(days+1)).Add(8*time.Hour + time.Duration(r.Intn(11*3600))*time.Second)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	out := make([]piecePlan, m)
	for i := range out {
		p := piecePlan{kind: ks[i].k, status: st[i].s, at: dates[i], quality: r.NormFloat64() * 0.35}
		if p.status != assessment.Draft {
			p.double = p.status == assessment.Moderation || r.Float64() < shareDouble
			v2 := shareSecondVersion
			if lp.atRisk {
				v2 = shareSecondVersionAtRisk
			}
			p.v2 = r.Float64() < v2
		}
		if r.Float64() < shareExtraLink {
			p.extra = g.extraCapacity(p.kind)
		}
		out[i] = p
	}
	return out
}

func (g *synth) extraCapacity(k *referentiel.DeliverableKind) string {
	have := map[string]bool{}
	for _, l := range g.base[k.ID] {
		have[l.CapacityID] = true
	}
	for tries := 0; tries < 10 && len(g.caps) > 0; tries++ {
		if c := g.caps[g.rng.Intn(len(g.caps))]; !have[c] {
			return c
		}
	}
	return ""
}

// grading is one grading before it is written; a level of -1 is unset.
type grading struct {
	role     assessment.GradingRole
	state    assessment.MarkingState
	decision assessment.Decision
	assessor int64
	levels   []int
	created  time.Time
	updated  time.Time
}

// markers are the people who may grade a learner's pieces: two distinct
// assessors when there are two, and a third person (another assessor, or
// the cohort's manager) to settle disagreements, 0 when there is none.
func (g *synth) markers(lp learnerPlan) (a, b, c int64) {
	n := len(g.assessors)
	a = g.assessors[lp.referee]
	b = a
	if n > 1 {
		b = g.assessors[(lp.referee+1+g.rng.Intn(n-1))%n]
	}
	switch {
	case n > 2:
		for c = a; c == a || c == b; {
			c = g.assessors[g.rng.Intn(n)]
		}
	default:
		c = g.managerID
	}
	return a, b, c
}

// levels draws a level per criterion around the learner's ability and the
// piece's quality, then makes them agree with the decision.
func (g *synth) levels(n int, skill float64, d assessment.Decision) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = int(clamp(skill+g.rng.NormFloat64()*0.6+0.5, 0, 3.99))
	}
	fitDecision(out, d, g.rng)
	return out
}

func fitDecision(l []int, d assessment.Decision, r *mrand.Rand) {
	if len(l) == 0 {
		return
	}
	switch d {
	case assessment.Validated:
		for i := range l {
			l[i] = max(l[i], 2)
		}
	case assessment.ToRework:
		low := false
		for _, x := range l {
			low = low || (x >= 0 && x < 2)
		}
		if !low {
			l[r.Intn(len(l))] = 1
		}
	case assessment.NotValidated:
		for i := range l {
			if r.Float64() < 0.7 {
				l[i] = min(l[i], 1)
			}
		}
	}
}

// concordant is a second marker's levels: within one level of the first
// on each criterion, same decision.
func (g *synth) concordant(first []int, d assessment.Decision) []int {
	out := make([]int, len(first))
	low := -1
	for i, x := range first {
		out[i] = x
		switch v := g.rng.Float64(); {
		case v < 0.2:
			out[i] = max(x-1, 0)
		case v > 0.8:
			out[i] = min(x+1, 3)
		}
		if x < 2 && low < 0 {
			low = i
		}
	}
	switch {
	case d == assessment.Validated:
		for i := range out {
			out[i] = max(out[i], 2)
		}
	case d == assessment.ToRework && low >= 0:
		out[low] = min(out[low], 1)
	}
	return out
}

// discrepant is a second marker's levels two levels away from the first on
// one criterion, and the decision that goes with them.
func (g *synth) discrepant(first []int, d assessment.Decision) ([]int, assessment.Decision) {
	out := append([]int(nil), first...)
	if len(out) > 0 {
		i := g.rng.Intn(len(out))
		if out[i] >= 2 {
			out[i] -= 2
		} else {
			out[i] += 2
		}
	}
	if g.rng.Float64() < 0.5 {
		if d == assessment.Validated {
			return out, assessment.ToRework
		}
		return out, assessment.Validated
	}
	return out, d
}

// decisionFor draws the released decision for a target status.
func (g *synth) decisionFor(s assessment.Status, skill float64) assessment.Decision {
	if s == assessment.Rework {
		return assessment.ToRework
	}
	if g.rng.Float64() < clamp(0.35-0.1*skill, 0.03, 0.4) {
		return assessment.NotValidated
	}
	return assessment.Validated
}

// gradings builds the gradings of one version so that the assessment
// package derives status s from them: none for déposé; a grading under way
// for en évaluation; released concordant gradings (or a settled
// disagreement) for évalué and à retravailler; two released discrepant
// gradings for moderation. Their dates fall between dep and until.
func (g *synth) gradings(s assessment.Status, double bool, n int, skill float64, a, b, c int64, dep, until time.Time) []grading {
	r := g.rng
	w := until.Sub(dep)
	at := func(lo, hi float64) time.Time {
		return dep.Add(time.Duration((lo + r.Float64()*(hi-lo)) * float64(w))).Truncate(time.Second)
	}
	mk := func(role assessment.GradingRole, state assessment.MarkingState, d assessment.Decision, who int64, levels []int, created time.Time) grading {
		upd := created.Add(time.Duration(r.Float64() * 0.2 * float64(w))).Truncate(time.Second)
		return grading{role: role, state: state, decision: d, assessor: who, levels: levels, created: created, updated: upd}
	}
	partial := func(l []int) []int {
		for i := range l {
			if r.Float64() < 0.4 {
				l[i] = -1
			}
		}
		return l
	}
	switch s {
	case assessment.InGrading:
		d := g.decisionFor(assessment.Graded, skill)
		if !double {
			if r.Float64() < 0.55 {
				return []grading{mk(assessment.Single, assessment.Marking, "", a, partial(g.levels(n, skill, d)), at(0.05, 0.45))}
			}
			return []grading{mk(assessment.Single, assessment.Ready, d, a, g.levels(n, skill, d), at(0.05, 0.45))}
		}
		first := mk(assessment.First, assessment.Marking, "", a, partial(g.levels(n, skill, d)), at(0.05, 0.45))
		if r.Float64() < 0.5 {
			return []grading{first}
		}
		first.state, first.decision, first.levels = assessment.Released, d, g.levels(n, skill, d)
		second := mk(assessment.Second, assessment.Marking, "", b, partial(g.concordant(first.levels, d)), at(0.05, 0.45))
		return []grading{first, second}
	case assessment.Graded, assessment.Rework, assessment.Moderation:
		d := g.decisionFor(s, skill)
		target := g.levels(n, skill, d)
		if !double {
			return []grading{mk(assessment.Single, assessment.Released, d, a, target, at(0.05, 0.45))}
		}
		first := mk(assessment.First, assessment.Released, d, a, target, at(0.05, 0.45))
		settle := s == assessment.Moderation || (c != 0 && r.Float64() < shareSettled)
		if !settle {
			return []grading{first, mk(assessment.Second, assessment.Released, d, b, g.concordant(target, d), at(0.05, 0.45))}
		}
		// The two markers disagree; the third settles, or is settling.
		first.levels = g.levels(n, skill, d)
		l2, d2 := g.discrepant(first.levels, d)
		second := mk(assessment.Second, assessment.Released, d2, b, l2, at(0.05, 0.45))
		out := []grading{first, second}
		if c == 0 {
			return out
		}
		third := mk(assessment.Third, assessment.Released, d, c, target, maxTime(first.updated, second.updated).Add(time.Duration(r.Float64()*0.1*float64(w))).Truncate(time.Second))
		if s == assessment.Moderation {
			if r.Float64() >= 0.4 {
				return out
			}
			third.state, third.decision, third.levels = assessment.Marking, "", partial(third.levels)
		}
		return append(out, third)
	}
	return nil
}

// createLearners writes learners lo to hi-1 with their pieces.
// Their ids go to created, which the caller keeps once the transaction is
// committed (ids of a rolled-back transaction may be reused by others).
func (g *synth) createLearners(ctx context.Context, lo, hi int, created *[]int64) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		w, err := newSynthWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		width := max(4, len(strconv.Itoa(g.o.Learners)))
		for i := lo; i < hi; i++ {
			uid, err := g.addUser(ctx, tx, fmt.Sprintf("%s-a%0*d", g.prefix, width, i+1), g.name(g.learnerNames, i), "learner")
			if err != nil {
				return err
			}
			*created = append(*created, uid)
			lp := g.plan()
			a, b, c := g.markers(lp)
			for _, p := range g.pieces(lp) {
				if err := g.writePiece(w, uid, lp, p, a, b, c); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

func (g *synth) writePiece(w *synthWriter, learnerID int64, lp learnerPlan, p piecePlan, a, b, c int64) error {
	r := g.rng
	title := p.kind.Label + " — " + themes[r.Intn(len(themes))]
	links := g.base[p.kind.ID]
	criteria := g.criteria[p.kind.ID]
	just := ""
	if p.extra != "" {
		just = justifications[r.Intn(len(justifications))]
		links = append(append([]assessment.CapacityLink(nil), links...), assessment.CapacityLink{CapacityID: p.extra, Justification: just})
		criteria = assessment.CriteriaFor(g.fw, links)
	}
	body1, body := g.body(p.kind, title)
	if p.v2 && p.kind.Editor == "rapport" {
		body = body1 + reworkedSection
	}
	// Dates: v1 deposited some weeks before v2, the piece started before.
	v1At := p.at
	if p.v2 {
		v1At = maxTime(syntheticStart.Add(24*time.Hour), p.at.AddDate(0, 0, -(12+r.Intn(30))))
	}
	created := maxTime(syntheticStart, v1At.AddDate(0, 0, -(2+r.Intn(18)))).Truncate(time.Second)
	pid, err := w.piece(learnerID, g.cohortID, p.kind.ID, title, body, p.at, pseudonym(r), p.double, p.status, created, p.status != assessment.Draft, p.v2)
	if err != nil {
		return err
	}
	if p.extra != "" {
		if err := w.link(pid, p.extra, just); err != nil {
			return err
		}
	}
	if p.status == assessment.Draft {
		return nil
	}
	lj, _ := json.Marshal(links)
	cj, _ := json.Marshal(criteria)
	skill := lp.ability + p.quality
	if p.v2 {
		v1, err := w.version(pid, 1, title, body1, string(lj), string(cj), fingerprint(p.kind.ID, title, body1), v1At)
		if err != nil {
			return err
		}
		for _, gr := range g.gradings(assessment.Rework, p.double, len(criteria), skill-0.4, a, b, c, v1At, p.at.Add(-time.Hour)) {
			if err := g.writeGrading(w, v1, criteria, gr); err != nil {
				return err
			}
		}
	}
	number := 1
	if p.v2 {
		number = 2
	}
	vid, err := w.version(pid, number, title, body, string(lj), string(cj), fingerprint(p.kind.ID, title, body), p.at)
	if err != nil {
		return err
	}
	for _, gr := range g.gradings(p.status, p.double, len(criteria), skill, a, b, c, p.at, minTime(p.at.AddDate(0, 0, 21), syntheticEnd)) {
		if err := g.writeGrading(w, vid, criteria, gr); err != nil {
			return err
		}
	}
	return nil
}

func (g *synth) writeGrading(w *synthWriter, versionID int64, criteria []string, gr grading) error {
	feedback := ""
	if gr.decision != "" {
		feedback = g.pick(g.fb.General[string(gr.decision)])
	}
	var released any
	if gr.state == assessment.Released {
		released = stampOf(gr.updated)
	}
	gid, err := w.grading(versionID, gr.assessor, string(gr.role), string(gr.state), string(gr.decision), feedback,
		stampOf(gr.created), stampOf(gr.updated), released)
	if err != nil {
		return err
	}
	comments := make([]string, len(criteria))
	for i, l := range gr.levels {
		if l >= 0 && g.rng.Intn(3) == 0 {
			comments[i] = g.pick(g.fb.Comments[strconv.Itoa(l)])
		}
	}
	return w.scores(gid, criteria, gr.levels, comments)
}

func (g *synth) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[g.rng.Intn(len(list))]
}

// body returns a piece's first version and its current text. Reports are
// generated, a few hundred words at most; guides and actor maps are the
// authored demo pieces, since their editors check their structure.
func (g *synth) body(k *referentiel.DeliverableKind, title string) (string, string) {
	if list := g.bodies[k.Editor]; len(list) > 0 {
		b := list[g.rng.Intn(len(list))]
		return b, b
	}
	switch k.Editor {
	case "guide":
		b := string(assessment.NewGuide().JSON())
		return b, b
	case "cartographie":
		b := string(actormap.Map{Actors: []actormap.Actor{}, Relations: []actormap.Relation{}}.JSON())
		return b, b
	}
	r := g.rng
	var sb strings.Builder
	sb.WriteString("# " + title + "\n\n")
	for _, sec := range reportSections {
		sb.WriteString("## " + sec.title + "\n\n")
		n := 2 + r.Intn(2)
		for j := 0; j < n; j++ {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(sec.sentences[r.Intn(len(sec.sentences))])
		}
		sb.WriteString("\n\n")
	}
	b := strings.TrimRight(sb.String(), "\n") + "\n"
	return b, b
}

const reworkedSection = "\n## Compléments apportés à la suite de l'évaluation\n\n" +
	"J'ai repris l'analyse en distinguant ce que j'ai observé de ce que j'en déduis, et j'ai précisé pour chaque proposition le partenaire mobilisé, l'échéance et la manière dont la personne y a pris part.\n"

// fingerprint mirrors the assessment package's canonical fingerprint of a
// version without attachments.
func fingerprint(kind, title, body string) string {
	canon, _ := json.Marshal(struct {
		Kind  string   `json:"type"`
		Title string   `json:"titre"`
		Body  string   `json:"contenu"`
		Files []string `json:"fichiers"`
	}{kind, title, body, []string{}})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

const pseudonymAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func pseudonym(r *mrand.Rand) string {
	b := []byte("Copie ")
	for i := 0; i < 5; i++ {
		b = append(b, pseudonymAlphabet[r.Intn(len(pseudonymAlphabet))])
	}
	return string(b)
}

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// name gives the i-th display name « Prénom Nom » of a sequence starting
// at start: the step, a prime that does not divide the number of
// combinations, visits every first name × last name once before any
// repeats.
func (g *synth) name(start, i int) string {
	total := len(firstNames) * len(lastNames)
	idx := (start + i*7919) % total
	return firstNames[idx%len(firstNames)] + " " + lastNames[idx/len(firstNames)]
}

// synthWriter holds the transaction's prepared statements; ids are
// assigned here (the write transaction is exclusive), which saves a
// round trip per row.
type synthWriter struct {
	ctx                                 context.Context
	tx                                  *sql.Tx
	insPiece, insLink, insVersion       *sql.Stmt
	insGrading                          *sql.Stmt
	insScores                           map[int]*sql.Stmt
	nextPiece, nextVersion, nextGrading int64
}

func newSynthWriter(ctx context.Context, tx *sql.Tx) (*synthWriter, error) {
	w := &synthWriter{ctx: ctx, tx: tx, insScores: map[int]*sql.Stmt{}}
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id),0) FROM pieces), (SELECT coalesce(max(id),0) FROM piece_versions),
		(SELECT coalesce(max(id),0) FROM gradings)`).Scan(&w.nextPiece, &w.nextVersion, &w.nextGrading); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		st  **sql.Stmt
		sql string
	}{
		{&w.insPiece, `INSERT INTO pieces(id, learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, double_marking, status,
			latest_version_id, deposited_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`},
		{&w.insLink, `INSERT INTO piece_links(piece_id, capacity_id, justification) VALUES (?,?,?)`},
		{&w.insVersion, `INSERT INTO piece_versions(id, piece_id, number, title, body, links, criteria, sha256, deposited_at) VALUES (?,?,?,?,?,?,?,?,?)`},
		{&w.insGrading, `INSERT INTO gradings(id, version_id, assessor_id, role, state, decision, feedback, created_at, updated_at, released_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*s.st = st
	}
	return w, nil
}

func (w *synthWriter) close() {
	for _, s := range []*sql.Stmt{w.insPiece, w.insLink, w.insVersion, w.insGrading} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range w.insScores {
		s.Close()
	}
}

// piece writes a piece; a deposited one points to the version(s) about to
// be written (ids are known in advance), deposited when its draft was last
// saved.
func (w *synthWriter) piece(learnerID, cohortID int64, kind, title, draft string, saved time.Time, pseudo string, double bool,
	status assessment.Status, created time.Time, deposited, v2 bool) (int64, error) {
	w.nextPiece++
	var latest, depositedAt any
	if deposited {
		latest, depositedAt = w.nextVersion+1, stampOf(saved)
		if v2 {
			latest = w.nextVersion + 2
		}
	}
	_, err := w.insPiece.ExecContext(w.ctx, w.nextPiece, learnerID, cohortID, kind, title, draft, stampOf(saved), pseudo, double, string(status),
		latest, depositedAt, stampOf(created))
	return w.nextPiece, err
}

func (w *synthWriter) link(pieceID int64, capacity, justification string) error {
	_, err := w.insLink.ExecContext(w.ctx, pieceID, capacity, justification)
	return err
}

func (w *synthWriter) version(pieceID int64, number int, title, body, links, criteria, sum string, at time.Time) (int64, error) {
	w.nextVersion++
	_, err := w.insVersion.ExecContext(w.ctx, w.nextVersion, pieceID, number, title, body, links, criteria, sum, stampOf(at))
	return w.nextVersion, err
}

func (w *synthWriter) grading(versionID, assessorID int64, role, state, decision, feedback, created, updated string, released any) (int64, error) {
	w.nextGrading++
	_, err := w.insGrading.ExecContext(w.ctx, w.nextGrading, versionID, assessorID, role, state, decision, feedback, created, updated, released)
	return w.nextGrading, err
}

// scores writes a grading's levels in one statement.
func (w *synthWriter) scores(gradingID int64, criteria []string, levels []int, comments []string) error {
	n := len(criteria)
	if n == 0 {
		return nil
	}
	st := w.insScores[n]
	if st == nil {
		var err error
		st, err = w.tx.PrepareContext(w.ctx, `INSERT INTO grading_scores(grading_id, criterion_id, level, comment) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?,?,?,?),", n), ","))
		if err != nil {
			return err
		}
		w.insScores[n] = st
	}
	args := make([]any, 0, 4*n)
	for i, c := range criteria {
		var level any
		if levels[i] >= 0 {
			level = levels[i]
		}
		args = append(args, gradingID, c, level, comments[i])
	}
	_, err := st.ExecContext(w.ctx, args...)
	return err
}

// Fictional names, combined first name × last name.
var firstNames = []string{
	"Adèle", "Agathe", "Aïcha", "Alice", "Amandine", "Anaïs", "Awa", "Camille", "Céline", "Chloé", "Clara", "Élodie",
	"Emma", "Fatima", "Hélène", "Inès", "Jade", "Julie", "Laura", "Léa", "Leïla", "Lina", "Louise", "Manon",
	"Marie", "Mathilde", "Myriam", "Nadia", "Nora", "Pauline", "Rose", "Sarah", "Sophie", "Yasmine", "Zoé", "Maëlle",
	"Adam", "Alexandre", "Antoine", "Arthur", "Bastien", "Benjamin", "Bilal", "Clément", "David", "Enzo", "Florian", "Gabriel",
	"Hugo", "Ibrahima", "Jules", "Julien", "Karim", "Kevin", "Louis", "Lucas", "Mamadou", "Mathis", "Maxime", "Mehdi",
	"Nathan", "Nicolas", "Olivier", "Paul", "Pierre", "Rayan", "Samuel", "Sofiane", "Théo", "Thomas", "Yanis", "Youssef",
}

var lastNames = []string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Simon", "Michel",
	"Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
	"Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
	"François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu",
	"Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
	"Diallo", "Traoré", "Benali", "Haddad", "Nguyen", "Da Silva", "Ferreira", "Cissé", "Belkacem", "Kone", "Mendy", "Lopez",
}

// Themes make titles: a deliverable kind on one public or setting.
var themes = []string{
	"accueil des jeunes en Mission locale", "accompagnement des allocataires du RSA", "permanence du CCAS",
	"hébergement d'urgence et accès au logement", "non-recours aux droits", "insertion par l'activité économique",
	"public en situation de handicap (Cap emploi)", "contrat d'engagement jeune", "familles monoparentales",
	"seniors en recherche d'emploi", "personnes sous main de justice", "réfugiés et demandeurs d'asile",
	"illettrisme et accès au numérique", "mobilité en territoire rural", "santé et freins périphériques",
	"jeunes sortants de l'aide sociale à l'enfance", "Point information jeunesse", "quartier prioritaire de la ville",
	"chantier d'insertion", "information collective", "création d'activité", "reconversion professionnelle",
	"décrochage scolaire", "travailleurs pauvres",
}

var justifications = []string{
	"La pièce montre aussi comment j'ai mobilisé les partenaires du territoire autour de la situation.",
	"J'y analyse ma posture professionnelle, ce qui relève aussi de cette capacité.",
	"Une partie du travail porte sur la recherche et la mise à jour de l'information, au-delà du type de production.",
	"La restitution à l'équipe décrite en fin de pièce illustre cette capacité.",
}

var reportSections = []struct {
	title     string
	sentences []string
}{
	{"Contexte", []string{
		"La structure d'accueil accompagne chaque année plusieurs centaines de personnes sur un territoire marqué par un chômage de longue durée.",
		"J'ai effectué mon stage au sein d'une équipe de cinq conseillers, sous la responsabilité d'une coordinatrice.",
		"Le dispositif étudié s'adresse à un public éloigné de l'emploi, orienté par les services sociaux du département.",
		"Les situations présentées ont été anonymisées : les prénoms et les lieux ont été modifiés.",
		"La commande initiale venait de l'équipe, qui souhaitait mieux comprendre les ruptures de parcours.",
	}},
	{"Démarche", []string{
		"J'ai conduit des entretiens semi-directifs à partir d'un guide préparé avec ma tutrice.",
		"J'ai croisé les observations faites à l'accueil avec les données d'activité du service.",
		"Chaque rencontre a fait l'objet d'une prise de notes, relue et complétée le jour même.",
		"J'ai présenté une première version de mon analyse à l'équipe avant de la compléter.",
		"Les partenaires rencontrés ont été choisis pour couvrir l'emploi, le logement, la santé et la formation.",
	}},
	{"Analyse", []string{
		"Les freins à l'emploi ne se cumulent pas seulement : ils se renforcent les uns les autres.",
		"La relation de confiance s'est construite progressivement, à partir de demandes très concrètes.",
		"Plusieurs personnes ne sollicitent pas les aides auxquelles elles ont droit, faute d'information ou par crainte d'être jugées.",
		"Le travail en réseau suppose de connaître les missions et les limites de chaque partenaire.",
		"Ma posture a évolué : j'ai appris à laisser la personne formuler elle-même ses priorités.",
		"Les outils du service facilitent le suivi, mais ne rendent pas compte de tout le travail d'accompagnement.",
	}},
	{"Perspectives", []string{
		"Je propose de formaliser une fiche de liaison avec les partenaires du logement.",
		"Un temps d'échange régulier entre conseillers permettrait de partager les situations complexes.",
		"Cette expérience confirme mon intérêt pour l'accompagnement global des personnes.",
		"Il faudrait évaluer ces propositions après six mois de mise en œuvre.",
	}},
}
