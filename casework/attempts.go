package casework

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casp-cnam/casp/casework/fonds"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/casework/reception"
	"github.com/casp-cnam/casp/casework/situation"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

// Attempt is a learner's work on an exercise other than a case file (here,
// organising a reception's week): the current plan, the runs made, the
// analysis written.
type Attempt struct {
	ID          int64
	LearnerID   int64
	LearnerName string
	ExerciseID  string
	Kind        string
	Reception   *reception.Exercise // an « organiser l'accueil » attempt
	Theme       *fonds.Theme        // a documentary file (dossier documentaire)
	Situation   *situation.Exercise // a « mise en situation »
	Finished    bool
	Plan        reception.Plan
	Work        fonds.Work
	Played      situation.Work // a « mise en situation »'s work
	Analysis    string
	Runs        int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    time.Time
}

// Run is one simulated week of an attempt, with its key figures.
type Run struct {
	N       int
	Plan    reception.Plan
	Figures RunFigures
	At      time.Time
}

// RunFigures are what a run's history shows.
type RunFigures struct {
	Arrivals   int     `json:"arrivees"`
	MeanWait   float64 `json:"attente_moyenne"`
	WaitMax    int     `json:"attente_max"`
	GaveUp     int     `json:"lasses_ou_fermeture"`
	ClosedDoor int     `json:"porte_close"`
	Urgent     int     `json:"urgences_tardives_ou_manquees"`
	Unmet      int     `json:"rdv_sans_creneau"`
	Load       int     `json:"charge_pourcent"`
}

// MaxAttemptsPerExercise bounds a learner's attempts at one exercise.
const MaxAttemptsPerExercise = 5

// MaxAnalysis bounds the analysis, in bytes.
const MaxAnalysis = 20000

const attemptCols = `a.id, a.learner_id, u.display_name, a.exercise_id, a.kind, a.state, a.plan, a.analysis, a.runs, a.created_at, a.updated_at, coalesce(a.closed_at,'')`

func (s *Store) scanAttempt(r db.Row) (Attempt, error) {
	var a Attempt
	var state, plan, created, updated, closed string
	if err := r.Scan(&a.ID, &a.LearnerID, &a.LearnerName, &a.ExerciseID, &a.Kind, &state, &plan, &a.Analysis, &a.Runs, &created, &updated, &closed); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, apperr.New(apperr.NotFound, "Cet exercice n'existe pas.")
		}
		return a, err
	}
	a.Finished = state == "termine"
	var work any = &a.Plan
	switch {
	case a.Kind == fonds.Kind:
		work = &a.Work
	case situation.IsKind(a.Kind):
		work = &a.Played
	}
	if err := json.Unmarshal([]byte(plan), work); err != nil {
		return a, err
	}
	a.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	a.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	if closed != "" {
		a.ClosedAt, _ = time.Parse(time.RFC3339Nano, closed)
	}
	gone := apperr.New(apperr.NotFound, "L'exercice de cette tentative n'existe plus.")
	if situation.IsKind(a.Kind) {
		e, ok := s.lib.Situation(a.ExerciseID)
		if !ok {
			return a, gone
		}
		a.Situation = e
		return a, nil
	}
	if a.Kind == fonds.Kind {
		th, ok := s.lib.Theme(a.ExerciseID)
		if !ok {
			return a, gone
		}
		a.Theme = th
		return a, nil
	}
	e, ok := s.lib.Reception(a.ExerciseID)
	if !ok {
		return a, gone
	}
	a.Reception = e
	return a, nil
}

// Title is the attempt's exercise title.
func (a Attempt) Title() string {
	if a.Situation != nil {
		return a.Situation.Title
	}
	if a.Theme != nil {
		return "Dossier documentaire : " + a.Theme.Title
	}
	return a.Reception.Title
}

// Theme returns a collection theme of the documentary fund by its
// exercise id (« fonds-… »).
func (l *Library) Theme(exerciseID string) (*fonds.Theme, bool) {
	id, ok := strings.CutPrefix(exerciseID, "fonds-")
	if !ok || l.Fund == nil {
		return nil, false
	}
	return l.Fund.Theme(id)
}

// StartReception opens an attempt at an « organiser l'accueil » exercise,
// or returns the learner's attempt in progress: one at a time per
// exercise, MaxAttemptsPerExercise in all, checked in the writing
// transaction. A new attempt starts from a closed week the learner fills.
func (s *Store) StartReception(ctx context.Context, learner account.User, exerciseID string) (int64, error) {
	e, ok := s.lib.Reception(exerciseID)
	if !ok {
		return 0, apperr.New(apperr.NotFound, "Cet exercice n'existe pas.")
	}
	return s.start(ctx, learner, e.ID, reception.Kind)
}

// StartDossier opens an attempt at a documentary file on a theme (see
// StartReception).
func (s *Store) StartDossier(ctx context.Context, learner account.User, exerciseID string) (int64, error) {
	if _, ok := s.lib.Theme(exerciseID); !ok {
		return 0, apperr.New(apperr.NotFound, "Cet exercice n'existe pas.")
	}
	return s.start(ctx, learner, exerciseID, fonds.Kind)
}

// StartSituation opens an attempt at a « mise en situation » (see
// StartReception).
func (s *Store) StartSituation(ctx context.Context, learner account.User, exerciseID string) (int64, error) {
	e, ok := s.lib.Situation(exerciseID)
	if !ok {
		return 0, apperr.New(apperr.NotFound, "Cet exercice n'existe pas.")
	}
	return s.start(ctx, learner, e.ID, e.Kind)
}

// UpdateSituation changes a « mise en situation » in progress, in the
// writing transaction: change edits the work and returns a message per
// field it refuses (then nothing is saved).
func (s *Store) UpdateSituation(ctx context.Context, learner account.User, id int64, change func(e *situation.Exercise, w *situation.Work) map[string]string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.ownAttempt(ctx, tx, learner, id)
		if err != nil {
			return err
		}
		if a.Situation == nil {
			return apperr.New(apperr.NotFound, "Cet exercice n'est pas une mise en situation.")
		}
		w := a.Played
		if errs := change(a.Situation, &w); len(errs) > 0 {
			return apperr.Fields(errs)
		}
		raw, err := json.Marshal(w)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE exercise_attempts SET plan=?, updated_at=? WHERE id=?`, string(raw), stamp(s.now()), a.ID)
		return err
	})
}

func (s *Store) start(ctx context.Context, learner account.User, exerciseID, kind string) (int64, error) {
	if learner.Role != account.Learner {
		return 0, apperr.New(apperr.Forbidden, "Seuls les apprenants font les exercices du bac à sable.")
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var open, all int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(CASE WHEN state='en_cours' THEN id END),0), count(*)
			FROM exercise_attempts WHERE learner_id=? AND exercise_id=?`, learner.ID, exerciseID).Scan(&open, &all); err != nil {
			return err
		}
		if open != 0 {
			id = open
			return nil
		}
		if all >= MaxAttemptsPerExercise {
			return apperr.New(apperr.Conflict, "Vous avez déjà fait cet exercice %d fois : relisez vos débriefings, ou choisissez-en un autre.", all)
		}
		now := stamp(s.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO exercise_attempts(learner_id, exercise_id, kind, plan, created_at, updated_at) VALUES (?,?,?,?,?,?)`,
			learner.ID, exerciseID, kind, `{}`, now, now)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return nil
	})
	return id, err
}

// Attempt returns an attempt to its learner, to an administrator, and to
// the managers and assessors of a cohort the learner is in; anyone else
// gets Forbidden.
func (s *Store) Attempt(ctx context.Context, viewer account.User, id int64) (Attempt, error) {
	a, err := s.scanAttempt(s.db.Read.QueryRowContext(ctx, `SELECT `+attemptCols+` FROM exercise_attempts a JOIN users u ON u.id=a.learner_id WHERE a.id=?`, id))
	if err != nil {
		return a, err
	}
	if ok, err := s.mayRead(ctx, viewer, a.LearnerID); err != nil || ok {
		return a, err
	}
	return Attempt{}, apperr.New(apperr.Forbidden, "Cet exercice est celui d'un autre apprenant.")
}

// ownAttempt returns an attempt in progress to its learner, for a change.
func (s *Store) ownAttempt(ctx context.Context, tx db.Querier, learner account.User, id int64) (Attempt, error) {
	a, err := s.scanAttempt(tx.QueryRowContext(ctx, `SELECT `+attemptCols+` FROM exercise_attempts a JOIN users u ON u.id=a.learner_id WHERE a.id=?`, id))
	if err != nil {
		return a, err
	}
	if a.LearnerID != learner.ID {
		if learner.Role == account.Learner {
			return Attempt{}, apperr.New(apperr.Forbidden, "Cet exercice est celui d'un autre apprenant.")
		}
		return Attempt{}, apperr.New(apperr.Forbidden, "Seul l'apprenant qui fait l'exercice peut le modifier.")
	}
	if a.Finished {
		return Attempt{}, apperr.New(apperr.Conflict, "Cet exercice est terminé : il est en lecture seule.")
	}
	return a, nil
}

// SavePlan checks and saves the plan; with run, it also simulates the
// week and records the run. A refused plan returns the fields' messages.
func (s *Store) SavePlan(ctx context.Context, learner account.User, id int64, p reception.Plan, run bool) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.ownAttempt(ctx, tx, learner, id)
		if err != nil {
			return err
		}
		if a.Reception == nil {
			return apperr.New(apperr.NotFound, "Cet exercice n'a pas de planning.")
		}
		if errs := a.Reception.ValidatePlan(p); len(errs) > 0 {
			return apperr.Fields(errs)
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return err
		}
		now := stamp(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE exercise_attempts SET plan=?, updated_at=? WHERE id=?`, string(raw), now, a.ID); err != nil {
			return err
		}
		if !run {
			return nil
		}
		r := a.Reception.Simulate(p, a.Reception.Arrivals())
		fig, err := json.Marshal(FiguresOf(r))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO exercise_runs(attempt_id, n, plan, figures, at) VALUES (?,?,?,?,?)`, a.ID, a.Runs+1, string(raw), string(fig), now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE exercise_attempts SET runs=runs+1 WHERE id=?`, a.ID)
		return err
	})
}

// FiguresOf keeps a week's key figures.
func FiguresOf(r reception.Report) RunFigures {
	return RunFigures{Arrivals: r.Total.Arrivals, MeanWait: r.Total.MeanWait(), WaitMax: r.Total.WaitMax, GaveUp: r.Total.GaveUp + r.Total.AtClosing,
		ClosedDoor: r.Total.ClosedDoor, Urgent: r.Total.UrgentLate + r.Total.UrgentMissed, Unmet: r.Unmet, Load: r.LoadPercent}
}

// SaveAnalysis saves the learner's analysis of their planning (6.7).
func (s *Store) SaveAnalysis(ctx context.Context, learner account.User, id int64, analysis string) error {
	analysis, ok := trimmed(analysis, MaxAnalysis)
	if !ok {
		return apperr.Fields(map[string]string{"analyse": fmt.Sprintf("L'analyse tient en %d caractères au plus.", MaxAnalysis)})
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.ownAttempt(ctx, tx, learner, id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE exercise_attempts SET analysis=?, updated_at=? WHERE id=?`, analysis, stamp(s.now()), a.ID)
		return err
	})
}

// Finish ends an attempt, which then reads only: it needs a simulated
// week and a written analysis.
func (s *Store) Finish(ctx context.Context, learner account.User, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.ownAttempt(ctx, tx, learner, id)
		if err != nil {
			return err
		}
		errs := map[string]string{}
		switch {
		case a.Situation != nil:
			if a.Situation.StageOf(a.Played) != situation.StageWrite {
				errs["production"] = "Jouez la situation jusqu'au bout avant de terminer."
			} else if msg := a.Situation.CheckProduction(a.Played.Production); msg != "" {
				errs["production"] = msg
			}
		case a.Theme != nil:
			if len(a.Work.Documents) == 0 {
				errs["documents"] = "Retenez au moins un document avant de terminer."
			}
			if strings.TrimSpace(a.Work.Leaflet) == "" {
				errs["depliant"] = "Rédigez le document d'information avant de terminer."
			}
		default:
			if a.Runs == 0 {
				errs["simuler"] = "Faites tourner la semaine au moins une fois avant de terminer."
			}
			if strings.TrimSpace(a.Analysis) == "" {
				errs["analyse"] = "Écrivez votre analyse avant de terminer."
			}
		}
		if len(errs) > 0 {
			return apperr.Fields(errs)
		}
		_, err = tx.ExecContext(ctx, `UPDATE exercise_attempts SET state='termine', closed_at=?, updated_at=? WHERE id=?`, stamp(s.now()), stamp(s.now()), a.ID)
		return err
	})
}

// Runs lists an attempt's simulated weeks, first to last.
func (s *Store) Runs(ctx context.Context, a Attempt) ([]Run, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Run, error) {
		var x Run
		var plan, fig, at string
		if err := r.Scan(&x.N, &plan, &fig, &at); err != nil {
			return x, err
		}
		if err := json.Unmarshal([]byte(plan), &x.Plan); err != nil {
			return x, err
		}
		if err := json.Unmarshal([]byte(fig), &x.Figures); err != nil {
			return x, err
		}
		x.At, _ = time.Parse(time.RFC3339Nano, at)
		return x, nil
	}, `SELECT n, plan, figures, at FROM exercise_runs WHERE attempt_id=? ORDER BY n`, a.ID)
}

// Attempts lists a learner's attempts, most recent first.
func (s *Store) Attempts(ctx context.Context, learnerID int64) ([]Attempt, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Attempt, error) { return s.scanAttempt(r) },
		`SELECT `+attemptCols+` FROM exercise_attempts a JOIN users u ON u.id=a.learner_id WHERE a.learner_id=? ORDER BY a.id DESC`, learnerID)
}

// AttemptExport is an attempt as exported (French keys).
type AttemptExport struct {
	ID       int64           `json:"id"`
	Exercise string          `json:"exercice"`
	Title    string          `json:"titre"`
	Kind     string          `json:"type"`
	State    string          `json:"etat"`
	Plan     reception.Plan  `json:"plan"`
	Work     *fonds.Work     `json:"dossier,omitempty"`
	Played   *situation.Work `json:"mise_en_situation,omitempty"`
	Analysis string          `json:"analyse"`
	Runs     []RunExport     `json:"semaines_simulees"`
	Comments []CommentExport `json:"commentaires_des_formateurs"`
	OpenedAt time.Time       `json:"commence_le"`
	ClosedAt *time.Time      `json:"termine_le,omitempty"`
}

// RunExport is one simulated week as exported.
type RunExport struct {
	N       int            `json:"numero"`
	Plan    reception.Plan `json:"plan"`
	Figures RunFigures     `json:"chiffres"`
	At      time.Time      `json:"le"`
}

// ExportAttempts gathers a learner's exercise attempts (right of access).
func (s *Store) ExportAttempts(ctx context.Context, viewer account.User, learnerID int64) ([]AttemptExport, error) {
	if viewer.Role != account.Admin && viewer.ID != learnerID {
		return nil, apperr.New(apperr.Forbidden, "Seul un administrateur, ou la personne elle-même, exporte ses données.")
	}
	list, err := s.Attempts(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	out := []AttemptExport{}
	for i := len(list) - 1; i >= 0; i-- {
		a := list[i]
		runs, err := s.Runs(ctx, a)
		if err != nil {
			return nil, err
		}
		ae := AttemptExport{ID: a.ID, Exercise: a.ExerciseID, Title: a.Title(), Kind: KindLabel(a.Kind), State: "en cours",
			Plan: a.Plan, Analysis: a.Analysis, Runs: []RunExport{}, Comments: []CommentExport{}, OpenedAt: a.CreatedAt}
		comments, err := s.AttemptComments(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, k := range comments {
			ae.Comments = append(ae.Comments, CommentExport{Author: k.Author, At: k.At, Text: k.Text})
		}
		if a.Theme != nil {
			w := a.Work
			ae.Work = &w
		}
		if a.Situation != nil {
			w := a.Played
			ae.Played = &w
		}
		if a.Finished {
			ae.State = "terminé"
			at := a.ClosedAt
			ae.ClosedAt = &at
		}
		for _, r := range runs {
			ae.Runs = append(ae.Runs, RunExport{N: r.N, Plan: r.Plan, Figures: r.Figures, At: r.At})
		}
		out = append(out, ae)
	}
	return out, nil
}

// AttemptMarkdown writes the « note d'organisation de l'accueil » of an
// attempt: the plan, its last simulated week, the learner's analysis.
func (s *Store) AttemptMarkdown(a Attempt) string {
	var b strings.Builder
	e := a.Reception
	st, _ := s.lib.Structure(e.Structure)
	name := e.Structure
	if st != nil {
		name = st.Name
	}
	fmt.Fprintf(&b, "*Exercice du bac à sable : %s — %s. Structure et public fictifs.*\n\n", e.Title, name)
	b.WriteString("## Planning de la semaine\n\n| Jour | Demi-journée | Ouverture | Agents à l'accueil | Agents en rendez-vous |\n| --- | --- | --- | --- | --- |\n")
	for _, d := range reception.Days {
		for _, h := range reception.Halves {
			hp := a.Plan.Days[d][h]
			open := "fermé au public"
			if hp.Opened() {
				open = hp.Open + " – " + hp.Close
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d |\n", reception.DayLabels[d], reception.HalfLabels[h], open, hp.Desk, hp.Appointments)
		}
	}
	tri := "non"
	if a.Plan.Triage {
		tri = "oui"
	}
	fmt.Fprintf(&b, "\nPré-accueil qui repère les urgences à l'arrivée : %s.\n\n## Aménagement de l'espace\n\n", tri)
	chosen := map[string]bool{}
	for _, id := range a.Plan.Amenities {
		chosen[id] = true
	}
	for _, am := range e.Amenities {
		if chosen[am.ID] {
			fmt.Fprintf(&b, "- %s\n", am.Label)
		}
	}
	if len(a.Plan.Amenities) == 0 {
		b.WriteString("- (aucun aménagement retenu)\n")
	}
	r := e.Simulate(a.Plan, e.Arrivals())
	fmt.Fprintf(&b, "\n## La semaine simulée\n\n- Passages : %d, dont %d urgences\n- Personnes reçues : %d ; attente moyenne %s, maximale %d min\n- Lassées d'attendre ou renvoyées à la fermeture : %d ; venues porte close : %d\n- Urgences vues trop tard ou manquées : %d\n- Rendez-vous : %d demandés, %d créneaux, %d sans créneau\n- Charge de l'équipe : %d %% du temps disponible pour le public\n",
		r.Total.Arrivals, r.Total.Urgencies, r.Total.Served, strings.Replace(fmt.Sprintf("%.1f min", r.Total.MeanWait()), ".", ",", 1), r.Total.WaitMax,
		r.Total.GaveUp+r.Total.AtClosing, r.Total.ClosedDoor, r.Total.UrgentLate+r.Total.UrgentMissed, r.Requests, r.Slots, r.Unmet, r.LoadPercent)
	fmt.Fprintf(&b, "\n## Analyse de ma pratique\n\n%s\n", orDash(a.Analysis))
	return b.String()
}

// SaveWork checks and saves a documentary file: every document kept is in
// the fund with a judgment of its reliability, the texts fit.
func (s *Store) SaveWork(ctx context.Context, learner account.User, id int64, w fonds.Work) error {
	errs := map[string]string{}
	for _, c := range w.Documents {
		if _, ok := s.lib.Fund.Document(c.Document); !ok {
			errs["documents"] = "Un document retenu n'est pas dans le fonds : rechargez la page."
		} else if _, ok := fonds.ReliabilityLabels[c.Reliability]; !ok {
			errs["fiabilite-"+c.Document] = "Dites si ce document vous paraît fiable, à vérifier ou peu fiable."
		}
	}
	for name, v := range map[string]string{"notices": w.Records, "depliant": w.Leaflet, "diffusion": w.Diffusion} {
		if len(v) > fonds.MaxWorkText {
			errs[name] = fmt.Sprintf("Le texte tient en %d caractères au plus.", fonds.MaxWorkText)
		}
	}
	if len(errs) > 0 {
		return apperr.Fields(errs)
	}
	raw, err := json.Marshal(w)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.ownAttempt(ctx, tx, learner, id)
		if err != nil {
			return err
		}
		if a.Theme == nil {
			return apperr.New(apperr.NotFound, "Cet exercice n'est pas un dossier documentaire.")
		}
		_, err = tx.ExecContext(ctx, `UPDATE exercise_attempts SET plan=?, updated_at=? WHERE id=?`, string(raw), stamp(s.now()), a.ID)
		return err
	})
}

// DossierMarkdown writes a documentary file as a portfolio piece: the
// documents kept with their records, the descriptors, the leaflet and its
// diffusion.
func (s *Store) DossierMarkdown(a Attempt) string {
	var b strings.Builder
	f := s.lib.Fund
	fmt.Fprintf(&b, "*Exercice du bac à sable : dossier documentaire sur « %s ». Fonds et sources fictifs.*\n\n## Documents retenus\n\n| Document | Source | Date | Fiabilité jugée |\n| --- | --- | --- | --- |\n", a.Theme.Title)
	for _, c := range a.Work.Documents {
		if d, ok := f.Document(c.Document); ok {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(d.Title), cell(d.Source.Name), d.Published, fonds.ReliabilityLabel(c.Reliability))
		}
	}
	var labels []string
	for _, id := range a.Work.Descriptors {
		if d, ok := f.Thesaurus.Descriptor(id); ok {
			labels = append(labels, d.Label)
		}
	}
	fmt.Fprintf(&b, "\n## Indexation\n\n%s\n\n## Notices bibliographiques\n\n%s\n\n## Document d'information (%s)\n\n%s\n\n## Diffusion\n\n%s\n",
		orDash(strings.Join(labels, ", ")), orDash(a.Work.Records), a.Theme.Audience, orDash(a.Work.Leaflet), orDash(a.Work.Diffusion))
	return b.String()
}
