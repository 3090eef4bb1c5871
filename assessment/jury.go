package assessment

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/form"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/referentiel"
)

// Outcome is a jury's decision on a candidate.
type Outcome string

// The decisions a certification jury takes.
const (
	OutcomeFull    Outcome = "totale"
	OutcomePartial Outcome = "partielle"
	OutcomeRefused Outcome = "refus"
)

// Outcomes lists the decisions in the order the form shows them.
var Outcomes = []Outcome{OutcomeFull, OutcomePartial, OutcomeRefused}

// Label is the decision's French wording.
func (o Outcome) Label() string {
	switch o {
	case OutcomeFull:
		return "Validation totale — titre délivré"
	case OutcomePartial:
		return "Validation partielle"
	case OutcomeRefused:
		return "Refus de validation"
	}
	return string(o)
}

// ActivityVerdict says whether every capacity of an activity is acquired.
type ActivityVerdict struct {
	Activity   *referentiel.Activity
	Acquired   int
	Capacities int
	Validated  bool
}

// BlockVerdict is the same for a bloc de compétences, when the framework
// version has blocs.
type BlockVerdict struct {
	Block      *referentiel.Block
	Acquired   int
	Capacities int
	Validated  bool
}

// Proposal is what the platform proposes to the jury from the evidence:
// the title when every capacity of every activity is acquired, a partial
// validation of the activities (and blocs) whose capacities are all
// acquired, otherwise no validation. The jury decides; it may depart from
// the proposal, with a reason.
type Proposal struct {
	Outcome    Outcome
	Activities []ActivityVerdict
	Blocks     []BlockVerdict
}

// Validated lists the ids of the validated activities.
func (p Proposal) Validated() []string {
	var out []string
	for _, a := range p.Activities {
		if a.Validated {
			out = append(out, a.Activity.ID)
		}
	}
	return out
}

// Propose applies the proposal rule to a learner's capacity states.
func Propose(fw *referentiel.Framework, acquired func(capacityID string) bool) Proposal {
	var p Proposal
	for _, a := range fw.Activities {
		v := ActivityVerdict{Activity: a}
		for _, t := range a.Tasks {
			if !t.HasCertification() {
				continue
			}
			t.EachCapacity(func(c *referentiel.Item) {
				v.Capacities++
				if acquired(c.ID) {
					v.Acquired++
				}
			})
		}
		if v.Capacities == 0 {
			continue
		}
		v.Validated = v.Acquired == v.Capacities
		p.Activities = append(p.Activities, v)
	}
	for _, b := range fw.Blocks {
		v := BlockVerdict{Block: b}
		caps := b.Capacities
		if len(caps) == 0 {
			for _, tid := range b.Tasks {
				if t, ok := fw.Task(tid); ok {
					t.EachCapacity(func(c *referentiel.Item) { caps = append(caps, c.ID) })
				}
			}
		}
		for _, id := range caps {
			v.Capacities++
			if acquired(id) {
				v.Acquired++
			}
		}
		v.Validated = v.Capacities > 0 && v.Acquired == v.Capacities
		p.Blocks = append(p.Blocks, v)
	}
	n := len(p.Validated())
	switch {
	case n > 0 && n == len(p.Activities):
		p.Outcome = OutcomeFull
	case n > 0:
		p.Outcome = OutcomePartial
	default:
		p.Outcome = OutcomeRefused
	}
	return p
}

// JuryDecision is a recorded, final decision.
type JuryDecision struct {
	ID             int64
	LearnerID      int64
	CohortID       int64
	JuryDate       time.Time
	Members        []string
	Outcome        Outcome
	Activities     []string
	Comments       string
	Proposal       Outcome
	SnapshotSHA256 string
	CorrectsID     int64
	CorrectedByID  int64
	RecordedByID   int64
	RecordedBy     string
	RecordedAt     time.Time
}

// Current says whether no later decision corrects this one.
func (d JuryDecision) Current() bool { return d.CorrectedByID == 0 }

// CertificationFile is a learner's certification dossier: every capacity with its
// evidence, the proposal, the decisions, and the fingerprint of what the
// jury sees.
type CertificationFile struct {
	LearnerID   int64
	LearnerName string
	CohortID    int64
	Progress    Progress
	Proposal    Proposal
	Decisions   []JuryDecision // newest first
	Snapshot    []byte         // canonical JSON of the evidence
	SHA256      string         // of Snapshot
}

// Current is the decision in force, if any.
func (d CertificationFile) Current() *JuryDecision {
	for i := range d.Decisions {
		if d.Decisions[i].Current() {
			return &d.Decisions[i]
		}
	}
	return nil
}

// snapshotCapacity is one capacity as sealed in a decision.
type snapshotCapacity struct {
	ID       string             `json:"capacite"`
	Text     string             `json:"libelle"`
	State    CapacityState      `json:"etat"`
	Evidence []snapshotEvidence `json:"preuves"`
}

type snapshotEvidence struct {
	PieceID   int64          `json:"piece"`
	Title     string         `json:"titre"`
	Kind      string         `json:"type"`
	Version   int            `json:"version"`
	SHA256    string         `json:"empreinte"`
	Deposited string         `json:"depot"`
	Released  string         `json:"publication"`
	Decision  Decision       `json:"decision"`
	Levels    map[string]int `json:"niveaux"`
	Assessors []string       `json:"evaluateurs"`
	Note      string         `json:"remarque,omitempty"`
}

// CertificationFile builds a learner's certification dossier (the learner must be one).
func (s *Service) CertificationFile(ctx context.Context, learner account.User) (CertificationFile, error) {
	return s.CertificationFileIn(ctx, learner, nil)
}

// CertificationFileIn is the file made of the pieces and decisions of the given
// cohorts only (nil: every cohort; see ProgressIn).
func (s *Service) CertificationFileIn(ctx context.Context, learner account.User, cohorts []int64) (CertificationFile, error) {
	prog, err := s.ProgressIn(ctx, learner.ID, cohorts)
	if err != nil {
		return CertificationFile{}, err
	}
	decisions, err := s.JuryDecisions(ctx, learner.ID)
	if err != nil {
		return CertificationFile{}, err
	}
	if cohorts != nil {
		decisions = slices.DeleteFunc(decisions, func(j JuryDecision) bool { return !slices.Contains(cohorts, j.CohortID) })
	}
	return s.certificationFile(learner, prog, decisions)
}

// certificationFile seals a learner's record into their certification
// file: the proposal, the canonical snapshot and its SHA-256, with the
// decisions given.
func (s *Service) certificationFile(learner account.User, prog Progress, decisions []JuryDecision) (CertificationFile, error) {
	var err error
	d := CertificationFile{LearnerID: learner.ID, LearnerName: learner.DisplayName, CohortID: prog.CohortID, Progress: prog}
	state := map[string]CapacityState{}
	var snap []snapshotCapacity
	for _, a := range prog.Activities {
		for _, t := range a.Tasks {
			for _, c := range t.Capacities {
				state[c.Capacity.ID] = c.State
				sc := snapshotCapacity{ID: c.Capacity.ID, Text: c.Capacity.Text, State: c.State}
				for _, e := range c.Evidence {
					se := snapshotEvidence{PieceID: e.PieceID, Title: e.Title, Kind: e.KindID, Version: e.Version, SHA256: e.SHA256,
						Deposited: stamp(e.DepositedAt), Released: stamp(e.Released), Decision: e.Decision, Levels: map[string]int{}, Note: e.Note()}
					for _, cr := range c.Criteria {
						if l, ok := e.Levels[cr]; ok {
							se.Levels[cr] = l
						}
					}
					for _, g := range e.From {
						se.Assessors = append(se.Assessors, g.AssessorName)
					}
					sc.Evidence = append(sc.Evidence, se)
				}
				snap = append(snap, sc)
			}
		}
	}
	d.Proposal = Propose(s.framework(), func(id string) bool { return state[id] == CapAcquired })
	// encoding/json sorts map keys: the snapshot is canonical.
	d.Snapshot, err = json.Marshal(struct {
		Learner    int64              `json:"apprenant"`
		Cohort     int64              `json:"promotion"`
		Framework  string             `json:"referentiel"`
		Rule       string             `json:"regle"`
		Proposal   Outcome            `json:"proposition"`
		Validated  []string           `json:"activites_validees"`
		Capacities []snapshotCapacity `json:"capacites"`
	}{learner.ID, prog.CohortID, s.framework().ID, prog.Rule, d.Proposal.Outcome, d.Proposal.Validated(), snap})
	if err != nil {
		return d, err
	}
	sum := sha256.Sum256(d.Snapshot)
	d.SHA256 = hex.EncodeToString(sum[:])
	d.Decisions = decisions
	return d, nil
}

// EachCertificationFile builds, within the cohort, the certification file
// of each learner given and hands it to fn, in their order: the same files
// as CertificationFileIn, read in seven statements for the whole cohort
// (the versions' texts are not read: a file names its evidence).
func (s *Service) EachCertificationFile(ctx context.Context, cohortID int64, learners []account.User, fn func(account.User, CertificationFile) error) error {
	light := strings.Replace(pieceCols, "p.draft, ", "'', ", 1)
	pieces, err := db.Collect(ctx, s.db.Read, func(r db.Row) (Piece, error) { return scanPiece(r) },
		`SELECT `+light+` FROM pieces p JOIN users u ON u.id=p.learner_id
		WHERE p.cohort_id=? ORDER BY p.created_at DESC, p.id DESC`, cohortID)
	if err != nil {
		return err
	}
	// A collective part counts for its group's current members.
	members := map[int64][]int64{}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT m.group_id, m.learner_id FROM group_members m JOIN learner_groups g ON g.id=m.group_id
		WHERE g.cohort_id=? AND m.left_at IS NULL`, cohortID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var g, l int64
		if err := rows.Scan(&g, &l); err != nil {
			rows.Close()
			return err
		}
		members[g] = append(members[g], l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	byLearner := map[int64][]Piece{}
	for _, p := range pieces {
		if p.GroupID != 0 {
			for _, l := range members[p.GroupID] {
				byLearner[l] = append(byLearner[l], p)
			}
			continue
		}
		byLearner[p.LearnerID] = append(byLearner[p.LearnerID], p)
	}
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return err
	}
	results, err := s.resultsWhere(ctx, `p.cohort_id=?`, cohortID, false)
	if err != nil {
		return err
	}
	drafts, err := s.justifications(ctx, `piece_id IN (SELECT id FROM pieces WHERE cohort_id=?)`, cohortID)
	if err != nil {
		return err
	}
	decisions, err := db.Collect(ctx, s.db.Read, func(r db.Row) (JuryDecision, error) { return scanDecision(r) },
		`SELECT `+decisionColumns+` FROM jury_decisions d JOIN users u ON u.id=d.recorded_by
		WHERE d.cohort_id=? ORDER BY d.id DESC`, cohortID)
	if err != nil {
		return err
	}
	decided := map[int64][]JuryDecision{}
	for _, d := range decisions {
		decided[d.LearnerID] = append(decided[d.LearnerID], d)
	}
	for _, l := range learners {
		prog, err := s.buildProgress(byLearner[l.ID], cohortID, st, results, drafts)
		if err != nil {
			return err
		}
		f, err := s.certificationFile(l, prog, decided[l.ID])
		if err != nil {
			return err
		}
		if err := fn(l, f); err != nil {
			return err
		}
	}
	return nil
}

const decisionColumns = `d.id, d.learner_id, d.cohort_id, d.jury_date, d.members, d.outcome, d.activities, d.comments, d.proposal,
	d.snapshot_sha256, coalesce(d.corrects_id,0), coalesce((SELECT n.id FROM jury_decisions n WHERE n.corrects_id=d.id),0),
	d.recorded_by, u.display_name, d.recorded_at`

func scanDecision(row interface{ Scan(...any) error }) (JuryDecision, error) {
	var d JuryDecision
	var date, members, acts, at string
	if err := row.Scan(&d.ID, &d.LearnerID, &d.CohortID, &date, &members, &d.Outcome, &acts, &d.Comments, &d.Proposal,
		&d.SnapshotSHA256, &d.CorrectsID, &d.CorrectedByID, &d.RecordedByID, &d.RecordedBy, &at); err != nil {
		return d, err
	}
	d.JuryDate, _ = time.Parse(time.DateOnly, date)
	d.RecordedAt = parseStamp(sql.NullString{String: at, Valid: true})
	if err := jsonInto(members, &d.Members); err != nil {
		return d, err
	}
	return d, jsonInto(acts, &d.Activities)
}

// JuryDecisions lists a learner's decisions, newest first.
func (s *Service) JuryDecisions(ctx context.Context, learnerID int64) ([]JuryDecision, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (JuryDecision, error) { return scanDecision(r) },
		`SELECT `+decisionColumns+` FROM jury_decisions d JOIN users u ON u.id=d.recorded_by
		WHERE d.learner_id=? ORDER BY d.id DESC`, learnerID)
}

// DecisionInput is the jury decision form.
type DecisionInput struct {
	JuryDate   string   `form:"jury_date" validate:"required,datetime=2006-01-02"`
	Members    string   `form:"members" validate:"required,max=2000"`
	Outcome    string   `form:"outcome" validate:"required,oneof=totale partielle refus"`
	Activities []string `form:"activities"`
	Comments   string   `form:"comments" validate:"max=5000"`
	Corrects   int64    `form:"corrects"`
}

// CheckDecision checks a jury decision against the dossier as RecordDecision
// does, without recording it (the confirmation page shows what will be
// recorded, or the errors next to the fields): the input tidied, the jury's
// members and the activities validated.
func (s *Service) CheckDecision(d CertificationFile, in DecisionInput) (DecisionInput, []string, []string, error) {
	in.Members = strings.TrimSpace(in.Members)
	in.Comments = strings.TrimSpace(in.Comments)
	if err := form.Check(in); err != nil {
		return in, nil, nil, err
	}
	bad := map[string]string{}
	if in.JuryDate > s.now().In(french.Paris).Format(time.DateOnly) {
		bad["jury_date"] = "La date du jury ne peut pas être dans le futur : enregistrez la décision après le jury."
	}
	var members []string
	for _, m := range strings.FieldsFunc(in.Members, func(r rune) bool { return r == '\n' || r == ';' }) {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(members, m) {
			members = append(members, m)
		}
	}
	if len(members) < 2 {
		bad["members"] = "Indiquez au moins deux membres du jury, un par ligne (ou séparés par « ; »)."
	}
	known := map[string]bool{}
	for _, a := range d.Proposal.Activities {
		known[a.Activity.ID] = true
	}
	var acts []string
	for _, a := range d.Proposal.Activities {
		if slices.Contains(in.Activities, a.Activity.ID) {
			acts = append(acts, a.Activity.ID)
		}
	}
	for _, a := range in.Activities {
		if !known[a] {
			bad["activities"] = "Activité inconnue : " + a + "."
		}
	}
	switch Outcome(in.Outcome) {
	case OutcomeFull:
		acts = d.Proposal.allIDs()
	case OutcomePartial:
		if bad["activities"] != "" {
			break
		}
		if len(acts) == 0 {
			bad["activities"] = "Cochez les activités validées par le jury."
		} else if len(acts) == len(d.Proposal.Activities) {
			bad["activities"] = "Toutes les activités sont cochées : choisissez la validation totale."
		}
	case OutcomeRefused:
		acts = nil
	}
	if Outcome(in.Outcome) != d.Proposal.Outcome && in.Comments == "" {
		bad["comments"] = "La décision diffère de la proposition (" + d.Proposal.Outcome.Label() + ") : motivez-la."
	}
	cur := d.Current()
	switch {
	case cur != nil && in.Corrects != cur.ID:
		bad["corrects"] = "Une décision est déjà en vigueur : la nouvelle décision doit la rectifier."
	case cur == nil && in.Corrects != 0:
		bad["corrects"] = "Il n'y a pas de décision à rectifier."
	}
	if cur != nil && in.Comments == "" {
		bad["comments"] = "Motivez la rectification de la décision précédente."
	}
	if len(bad) > 0 {
		return in, nil, nil, apperr.Fields(bad)
	}
	if d.CohortID == 0 {
		return in, nil, nil, apperr.New(apperr.Invalid, "Cet apprenant n'est inscrit dans aucune promotion.")
	}
	return in, members, acts, nil
}

// RecordDecision records the jury's decision on a dossier. Decisions are
// final: when one is in force, the new decision must say it corrects it and
// why. The dossier's snapshot and fingerprint are sealed with it.
func (s *Service) RecordDecision(ctx context.Context, recorder account.User, d CertificationFile, in DecisionInput, address string) (JuryDecision, error) {
	in, members, acts, err := s.CheckDecision(d, in)
	if err != nil {
		return JuryDecision{}, err
	}
	mj, _ := json.Marshal(members)
	if acts == nil {
		acts = []string{}
	}
	aj, _ := json.Marshal(acts)
	var corrects any
	if in.Corrects != 0 {
		corrects = in.Corrects
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO jury_decisions(learner_id, cohort_id, jury_date, members, outcome, activities, comments,
			proposal, snapshot, snapshot_sha256, corrects_id, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			d.LearnerID, d.CohortID, in.JuryDate, string(mj), in.Outcome, string(aj), in.Comments, string(d.Proposal.Outcome),
			string(d.Snapshot), d.SHA256, corrects, recorder.ID, stamp(s.now()))
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		detail := Outcome(in.Outcome).Label() + " (activités " + strings.Join(acts, ", ") + ") ; empreinte du dossier " + d.SHA256
		if in.Corrects != 0 {
			detail += " ; rectifie la décision n° " + strconv.FormatInt(in.Corrects, 10)
		}
		// The decision and its audit entry are kept or lost together.
		return account.AuditTx(ctx, tx, account.Entry{At: s.now(), ActorID: recorder.ID, ActorLogin: recorder.Login, Action: account.ActionJury,
			SubjectUserID: d.LearnerID, Target: "décision n° " + strconv.FormatInt(id, 10), Address: address, Detail: detail})
	})
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return JuryDecision{}, apperr.Fields(map[string]string{"corrects": "Cette décision a déjà été rectifiée : rechargez le dossier."})
		}
		return JuryDecision{}, err
	}
	return s.JuryDecision(ctx, id)
}

func (p Proposal) allIDs() []string {
	out := make([]string, len(p.Activities))
	for i, a := range p.Activities {
		out[i] = a.Activity.ID
	}
	return out
}

// JuryDecision loads one decision.
func (s *Service) JuryDecision(ctx context.Context, id int64) (JuryDecision, error) {
	d, err := scanDecision(s.db.Read.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM jury_decisions d JOIN users u ON u.id=d.recorded_by
		WHERE d.id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.New(apperr.NotFound, "Décision introuvable.")
	}
	return d, err
}

// DecisionSnapshot is the sealed dossier of a decision, to compare with the
// dossier as it is now.
func (s *Service) DecisionSnapshot(ctx context.Context, id int64) ([]byte, error) {
	var snap string
	err := s.db.Read.QueryRowContext(ctx, `SELECT snapshot FROM jury_decisions WHERE id=?`, id).Scan(&snap)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Décision introuvable.")
	}
	return []byte(snap), err
}

// JuryLine is one learner of a cohort's jury list.
type JuryLine struct {
	LearnerID int64
	Name      string
	Login     string // tells apart two learners of the same name
	Acquired  int
	Total     int
	Proposal  Proposal
	Decision  *JuryDecision // in force
}

// JuryList is a cohort's learners with their proposal and decision in
// force, in a fixed number of queries (the stored capacity states).
func (s *Service) JuryList(ctx context.Context, cohortID int64) ([]JuryLine, error) {
	// Everything the list shows (members, names, acquired capacities, jury
	// decisions) raises the cohort's version: the list is kept in memory
	// per version, checked with one tiny read. Callers must not change the
	// lines they get.
	version, err := s.cohortVersion(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	s.rosters.mu.Lock()
	e, ok := s.rosters.jury[cohortID]
	s.rosters.mu.Unlock()
	if ok && version >= 0 && e.version == version {
		return e.lines, nil
	}
	lines, err := s.juryList(ctx, cohortID)
	if err == nil && version >= 0 {
		s.rosters.mu.Lock()
		if s.rosters.jury == nil || len(s.rosters.jury) >= maxCachedJuryLists {
			s.rosters.jury = map[int64]juryEntry{}
		}
		s.rosters.jury[cohortID] = juryEntry{version: version, lines: lines}
		s.rosters.mu.Unlock()
	}
	return lines, err
}

// maxCachedJuryLists bounds the jury lists kept in memory.
const maxCachedJuryLists = 16

func (s *Service) juryList(ctx context.Context, cohortID int64) ([]JuryLine, error) {
	fw := s.framework()
	rows, err := s.db.Read.QueryContext(ctx, `SELECT u.id, u.display_name, u.login FROM cohort_members m JOIN users u ON u.id=m.user_id
		WHERE m.cohort_id=? AND m.member_role='learner' ORDER BY u.id`, cohortID) // sorted by name below, in Go
	if err != nil {
		return nil, err
	}
	var out []JuryLine
	index := map[int64]int{}
	for rows.Next() {
		var l JuryLine
		if err := rows.Scan(&l.LearnerID, &l.Name, &l.Login); err != nil {
			rows.Close()
			return nil, err
		}
		index[l.LearnerID] = len(out)
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	acquired := map[int64]map[string]bool{}
	crows, err := s.db.Read.QueryContext(ctx, `SELECT lc.learner_id, lc.capacity_id FROM learner_capacities lc
		JOIN cohort_members m ON m.user_id=lc.learner_id AND m.cohort_id=? AND m.member_role='learner' WHERE lc.state=?`, cohortID, CapAcquired)
	if err != nil {
		return nil, err
	}
	for crows.Next() {
		var lid int64
		var cid string
		if err := crows.Scan(&lid, &cid); err != nil {
			crows.Close()
			return nil, err
		}
		if acquired[lid] == nil {
			acquired[lid] = map[string]bool{}
		}
		acquired[lid][cid] = true
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, err
	}
	// French alphabetical order (accents where a reader expects them).
	french.SortByName(out, func(l JuryLine) string { return l.Name }, func(l JuryLine) int64 { return l.LearnerID })
	for i := range out {
		index[out[i].LearnerID] = i
	}
	for i := range out {
		got := acquired[out[i].LearnerID]
		out[i].Proposal = Propose(fw, func(id string) bool { return got[id] })
		for _, a := range out[i].Proposal.Activities {
			out[i].Acquired += a.Acquired
			out[i].Total += a.Capacities
		}
	}
	drows, err := s.db.Read.QueryContext(ctx, `SELECT `+decisionColumns+` FROM jury_decisions d JOIN users u ON u.id=d.recorded_by
		WHERE d.cohort_id=? AND NOT EXISTS (SELECT 1 FROM jury_decisions n WHERE n.corrects_id=d.id)`, cohortID)
	if err != nil {
		return nil, err
	}
	defer drows.Close()
	for drows.Next() {
		d, err := scanDecision(drows)
		if err != nil {
			return nil, err
		}
		if i, ok := index[d.LearnerID]; ok {
			out[i].Decision = &d
		}
	}
	return out, drows.Err()
}
