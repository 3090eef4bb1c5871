package casework

import (
	"context"
	"database/sql"
	"fmt"

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
}

// Situations lists the case's situations, open ones first.
func (s *Store) Situations(ctx context.Context, c Case) ([]Situation, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Situation, error) {
		var x Situation
		err := r.Scan(&x.ID, &x.Domain, &x.Label, &x.FactID, &x.Status, &x.NotedDay, &x.EndedDay, &x.Note)
		return x, err
	}, `SELECT id, domain, label, fact_id, status, noted_day, coalesce(ended_day,-1), note
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
	if label == "" {
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
	fact := ""
	if in.Source != "" {
		iv, err := s.InterviewState(ctx, c)
		if err != nil {
			return err
		}
		for _, tp := range c.Scenario.Topics {
			for _, q := range tp.Questions {
				if q.ID == in.Source && iv.Asked[q.ID] {
					for _, f := range q.Reveals {
						if factDomain(c.Scenario, f) == in.Domain {
							fact = f
						}
					}
				}
			}
		}
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_situations(case_id, domain, label, fact_id, status, noted_day, note) VALUES (?,?,?,?,?,?,?)`,
			c.ID, in.Domain, label, fact, "reperee", c.Day, note); err != nil {
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

// SetUrgency records the urgency level and its justification.
func (s *Store) SetUrgency(ctx context.Context, learner account.User, caseID int64, level, why string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if UrgencyLabel(level) == "Non évaluée" {
		fields["urgence"] = "Choisissez un niveau d'urgence."
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
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET urgency=?, urgency_why=?, urgency_day=? WHERE id=?`, level, why, c.Day, c.ID); err != nil {
			return err
		}
		if err := advanceState(ctx, tx, c, StateDiagnostic); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "diagnostic", "Niveau d'urgence : "+UrgencyLabel(level))
	})
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
