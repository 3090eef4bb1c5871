package casework

import (
	"context"
	"database/sql"
	"fmt"
	"unicode"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

// DomainLabels name the diagnostic domains in French.
var DomainLabels = map[string]string{
	"emploi": "Situation professionnelle", "formation": "Formation", "logement": "Logement", "mobilite": "Mobilité", "sante": "Santé",
	"famille": "Contraintes familiales", "finances": "Difficultés financières", "administratif": "Difficultés administratives ou juridiques",
	"langue": "Maîtrise de la langue", "savoirs-de-base": "Savoirs de base", "numerique": "Numérique", "isolement": "Isolement", "justice": "Justice",
}

// Situation is a situation the learner noted in the diagnostic. It is
// never erased: it is marked « levée » with a day.
type Situation struct {
	ID       int64
	Domain   string
	Label    string
	FactID   string
	Status   string // reperee, levee
	NotedDay int
	EndedDay int
	Note     string
	// Source is the answer (question or move) the situation rests on.
	Source string
}

// Situations lists the case's situations, open ones first.
func (s *Store) Situations(ctx context.Context, c Case) ([]Situation, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Situation, error) {
		var x Situation
		err := r.Scan(&x.ID, &x.Domain, &x.Label, &x.FactID, &x.Status, &x.NotedDay, &x.EndedDay, &x.Note, &x.Source)
		return x, err
	}, `SELECT id, domain, label, fact_id, status, noted_day, coalesce(ended_day,-1), note, source
		FROM case_situations WHERE case_id=? ORDER BY status='levee', id`, c.ID)
}

// SituationInput is the form to note a situation.
type SituationInput struct {
	Domain string
	Label  string
	Note   string
	// Source is an answer of the transcript the situation rests on; it
	// ties the situation to what that answer revealed.
	Source string
}

// NoteSituation records a situation in the diagnostic.
func (s *Store) NoteSituation(ctx context.Context, learner account.User, caseID int64, in SituationInput) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if _, ok := DomainLabels[in.Domain]; !ok {
		fields["domaine"] = "Choisissez un domaine du diagnostic."
	}
	label, ok := trimmed(in.Label, 200)
	if !meaningful(label) {
		fields["situation"] = "Décrivez la situation en quelques mots, par exemple « Hébergé chez un tiers »."
	} else if !ok {
		fields["situation"] = "La situation tient en 200 caractères au plus."
	}
	note, ok := trimmed(in.Note, 2000)
	if !ok {
		fields["note"] = "La note tient en 2 000 caractères au plus."
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	// The situation rests on an answer: it is tied to a fact that answer
	// revealed in the chosen domain (one not yet tied, if several). The
	// debrief credits only situations tied to a revealed fact.
	fact, source := "", ""
	if in.Source != "" {
		iv, err := s.InterviewState(ctx, c)
		if err != nil {
			return err
		}
		var reveals []string
		if q := c.Scenario.question(in.Source); q != nil && iv.Asked[q.ID] {
			reveals, source = q.Reveals, q.ID
		} else if _, isMove := MoveLabels[in.Source]; isMove && iv.Moves[in.Source] > 0 {
			reveals, source = c.Scenario.MoveOf(in.Source).Reveals, in.Source
		}
		sits, err := s.Situations(ctx, c)
		if err != nil {
			return err
		}
		tied := map[string]bool{}
		for _, x := range sits {
			tied[x.FactID] = true
		}
		for _, f := range reveals {
			if factDomain(c.Scenario, f) == in.Domain && iv.Revealed[f] && (fact == "" || tied[fact]) {
				fact = f
			}
		}
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_situations(case_id, domain, label, fact_id, status, noted_day, note, source) VALUES (?,?,?,?,?,?,?,?)`,
			c.ID, in.Domain, label, fact, "reperee", c.Day, note, source); err != nil {
			return err
		}
		if err := advanceState(ctx, tx, c, StateDiagnostic); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "diagnostic", fmt.Sprintf("Situation repérée (%s) : %s", DomainLabels[in.Domain], label))
	})
}

func factDomain(sc *Scenario, id string) string {
	for _, f := range sc.Facts {
		if f.ID == id {
			return f.Domain
		}
	}
	return ""
}

// LiftSituation marks a situation as lifted (levée) on the current day.
func (s *Store) LiftSituation(ctx context.Context, learner account.User, caseID, situationID int64) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var label string
		if err := tx.QueryRowContext(ctx, `SELECT label FROM case_situations WHERE id=? AND case_id=? AND status='reperee'`, situationID, c.ID).Scan(&label); err != nil {
			if err == sql.ErrNoRows {
				return apperr.New(apperr.NotFound, "Situation introuvable ou déjà levée.")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_situations SET status='levee', ended_day=? WHERE id=?`, c.Day, situationID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "diagnostic", "Situation levée : "+label)
	})
}

// SetUrgency records the urgency level of a domain ("" for the whole
// situation) and its justification.
func (s *Store) SetUrgency(ctx context.Context, learner account.User, caseID int64, domain, level, why string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if UrgencyLabel(level) == "Non évaluée" {
		fields["urgence"] = "Choisissez un niveau d'urgence."
	}
	if _, ok := DomainLabels[domain]; domain != "" && !ok {
		fields["urgence_domaine"] = "Choisissez un domaine du diagnostic, ou toute la situation."
	}
	why, ok := trimmed(why, 2000)
	if why == "" {
		fields["justification"] = "Justifiez le niveau d'urgence à partir de ce que la personne a dit."
	} else if !ok {
		fields["justification"] = "La justification tient en 2 000 caractères au plus."
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	what := "toute la situation"
	if domain != "" {
		what = DomainLabels[domain]
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_urgencies(case_id, domain, level, why, sim_day) VALUES (?,?,?,?,?)
			ON CONFLICT(case_id, domain) DO UPDATE SET level=excluded.level, why=excluded.why, sim_day=excluded.sim_day`, c.ID, domain, level, why, c.Day); err != nil {
			return err
		}
		// The case keeps its most urgent level for lists and exports.
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET urgency=?, urgency_why=?, urgency_day=? WHERE id=? AND (? OR urgency='' OR ?>=
			CASE urgency WHEN 'immediate' THEN 4 WHEN 'urgente' THEN 3 WHEN 'prioritaire' THEN 2 ELSE 1 END)`,
			level, why, c.Day, c.ID, domain == "", urgencyRank(level)); err != nil {
			return err
		}
		if err := advanceState(ctx, tx, c, StateDiagnostic); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "diagnostic", fmt.Sprintf("Niveau d'urgence (%s) : %s", what, UrgencyLabel(level)))
	})
}

// Urgencies returns the case's urgency ratings by domain.
func (s *Store) Urgencies(ctx context.Context, c Case) (map[string]RatedUrgency, error) {
	out := map[string]RatedUrgency{}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT domain, level, why, sim_day FROM case_urgencies WHERE case_id=?`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		var r RatedUrgency
		if err := rows.Scan(&d, &r.Level, &r.Why, &r.Day); err != nil {
			return nil, err
		}
		out[d] = r
	}
	return out, rows.Err()
}

// meaningful refuses labels such as « ? » or « x »: at least three letters.
func meaningful(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 3
}

// SaveDiagnostic stores the first diagnostic (task 1.5) or the elaborated
// one (task 3.1).
func (s *Store) SaveDiagnostic(ctx context.Context, learner account.User, caseID int64, which, text string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	text, ok := trimmed(text, 20000)
	if !ok {
		return apperr.Fields(map[string]string{which: "Le texte tient en 20 000 caractères au plus."})
	}
	col, label := "first_diagnostic", "Premier diagnostic enregistré"
	if which == "diagnostic_approfondi" {
		col, label = "full_diagnostic", "Diagnostic approfondi enregistré"
	} else if which != "premier_diagnostic" {
		return apperr.New(apperr.Invalid, "Diagnostic inconnu.")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET `+col+`=? WHERE id=?`, text, c.ID); err != nil {
			return err
		}
		if err := advanceState(ctx, tx, c, StateDiagnostic); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "diagnostic", label)
	})
}
