package casework

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

// MoveLabels name the professional moves in French.
var MoveLabels = map[string]string{
	"reformuler":               "Reformuler",
	"rassurer":                 "Rassurer",
	"rappeler-confidentialite": "Rappeler la confidentialité",
	"recadrer":                 "Recadrer",
	"valoriser":                "Valoriser",
	"expliquer-le-cadre":       "Expliquer le cadre et le rôle de la structure",
	"ecoute-silencieuse":       "Laisser un silence, écouter",
}

// Line is one line of the interview transcript.
type Line struct {
	ID      int64
	Speaker string // pro, personne, note
	Ref     string // question id or move name
	Text    string
}

// Transcript returns the interview so far.
func (s *Store) Transcript(ctx context.Context, c Case) ([]Line, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Line, error) {
		var l Line
		err := r.Scan(&l.ID, &l.Speaker, &l.Ref, &l.Text)
		return l, err
	}, `SELECT id, speaker, ref, text FROM case_transcript WHERE case_id=? ORDER BY id`, c.ID)
}

// Interview is what the interview panel needs: which questions were asked
// (and answered openly or guardedly) and the revealed facts.
type Interview struct {
	Asked    map[string]bool // answered openly
	Guarded  map[string]bool // answered guardedly: may be asked again later
	Moves    map[string]int
	Revealed map[string]bool
}

// InterviewState loads asked questions, used moves and revealed facts.
func (s *Store) InterviewState(ctx context.Context, c Case) (Interview, error) {
	iv := Interview{Asked: map[string]bool{}, Guarded: map[string]bool{}, Moves: map[string]int{}, Revealed: map[string]bool{}}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT ref, speaker, text FROM case_transcript WHERE case_id=? AND ref<>''`, c.ID)
	if err != nil {
		return iv, err
	}
	guarded := map[string]string{}
	for _, tp := range c.Scenario.Topics {
		for _, q := range tp.Questions {
			guarded[q.ID] = q.Guarded
		}
	}
	for rows.Next() {
		var ref, speaker, text string
		if err := rows.Scan(&ref, &speaker, &text); err != nil {
			rows.Close()
			return iv, err
		}
		if speaker != "personne" {
			continue
		}
		if _, isMove := MoveLabels[ref]; isMove {
			iv.Moves[ref]++
			continue
		}
		if g, ok := guarded[ref]; ok && g != "" && text == g {
			iv.Guarded[ref] = true
		} else {
			iv.Asked[ref] = true
			delete(iv.Guarded, ref)
		}
	}
	rows.Close()
	frows, err := s.db.Read.QueryContext(ctx, `SELECT fact_id FROM case_facts WHERE case_id=?`, c.ID)
	if err != nil {
		return iv, err
	}
	defer frows.Close()
	for frows.Next() {
		var f string
		if err := frows.Scan(&f); err != nil {
			return iv, err
		}
		iv.Revealed[f] = true
	}
	return iv, frows.Err()
}

func clampTrust(t int) int { return min(max(t, 0), 5) }

// Ask puts a question of the scenario to the person. Below the question's
// trust threshold the person answers guardedly and reveals nothing; the
// question can be asked again once trust has grown.
func (s *Store) Ask(ctx context.Context, learner account.User, caseID int64, questionID string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	var q *Question
	for i := range c.Scenario.Topics {
		for j := range c.Scenario.Topics[i].Questions {
			if c.Scenario.Topics[i].Questions[j].ID == questionID {
				q = &c.Scenario.Topics[i].Questions[j]
			}
		}
	}
	if q == nil {
		return apperr.New(apperr.Invalid, "Cette question n'existe pas dans ce cas.")
	}
	iv, err := s.InterviewState(ctx, c)
	if err != nil {
		return err
	}
	if iv.Asked[q.ID] {
		return apperr.New(apperr.Conflict, "Vous avez déjà posé cette question : la personne y a répondu plus haut.")
	}
	open := c.Trust >= q.MinTrust
	answer := q.Answer
	trust := q.Trust
	if !open {
		answer, trust = q.Guarded, min(q.Trust, 0)
	}
	minutes := q.Minutes
	if minutes == 0 {
		minutes = 2
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_transcript(case_id, speaker, ref, text) VALUES (?,?,?,?),(?,?,?,?)`,
			c.ID, "pro", q.ID, q.Text, c.ID, "personne", q.ID, answer); err != nil {
			return err
		}
		if open {
			for _, f := range q.Reveals {
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO case_facts(case_id, fact_id, sim_day) VALUES (?,?,?)`, c.ID, f, c.Day); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET trust=?, minutes=minutes+? WHERE id=?`, clampTrust(c.Trust+trust), minutes, c.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "entretien", "Question : « "+q.Text+" »")
	})
}

// Move makes a professional move. Repeating a move no longer builds trust.
func (s *Store) Move(ctx context.Context, learner account.User, caseID int64, move string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	label, ok := MoveLabels[move]
	if !ok {
		return apperr.New(apperr.Invalid, "Geste professionnel inconnu.")
	}
	iv, err := s.InterviewState(ctx, c)
	if err != nil {
		return err
	}
	m, ok := c.Scenario.Moves[move]
	if !ok {
		m = Move{Answer: "(La personne hoche la tête.)"}
	}
	trust := m.Trust
	if iv.Moves[move] > 0 && trust > 0 {
		trust = 0
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_transcript(case_id, speaker, ref, text) VALUES (?,?,?,?),(?,?,?,?)`,
			c.ID, "pro", move, "["+label+"]", c.ID, "personne", move, m.Answer); err != nil {
			return err
		}
		for _, f := range m.Reveals {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO case_facts(case_id, fact_id, sim_day) VALUES (?,?,?)`, c.ID, f, c.Day); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET trust=?, minutes=minutes+1 WHERE id=?`, clampTrust(c.Trust+trust), c.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "entretien", fmt.Sprintf("Geste professionnel : %s", label))
	})
}
