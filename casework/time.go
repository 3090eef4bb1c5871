package casework

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// MaxAdvance bounds one step of simulated time.
const MaxAdvance = 60

// Advance moves the case forward by days of simulated time, day by day:
// partners answer fiches de liaison (or stay silent: reminder at D+10,
// expiry at D+30), planned appointments without outcome are due, and the
// scenario's events fire when their condition holds — an immediate
// urgency left unassessed escalates. Everything is journaled.
func (s *Store) Advance(ctx context.Context, learner account.User, caseID int64, days int) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	if days < 1 || days > MaxAdvance {
		return apperr.Fields(map[string]string{"jours": fmt.Sprintf("Avancez de 1 à %d jours.", MaxAdvance)})
	}
	iv, err := s.InterviewState(ctx, c)
	if err != nil {
		return err
	}
	snap, err := s.snapshot(ctx, c, iv)
	if err != nil {
		return err
	}
	refs := snap.Referrals
	fired := map[int]bool{}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT event_index FROM case_events WHERE case_id=?`, c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			rows.Close()
			return err
		}
		fired[i] = true
	}
	rows.Close()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for day := c.Day + 1; day <= c.Day+days; day++ {
			for i := range refs {
				if err := s.partnerStep(ctx, tx, c, &refs[i], day); err != nil {
					return err
				}
			}
			for i, e := range c.Scenario.Timeline {
				if fired[i] || day < e.Day {
					continue
				}
				if e.Kind == "rdv-manque" {
					// A missed appointment is the first one still planned
					// on or after the event's day; it waits for it.
					a := missedAppointment(snap.Appts, e, day)
					if a == nil || !snap.holds(c.Scenario, e.cond, day) {
						continue
					}
					fired[i] = true
					a.Status = "absent"
					if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status='absent' WHERE id=?`, a.ID); err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO case_events(case_id, event_index, fired_day, appointment_id) VALUES (?,?,?,?)`, c.ID, i, day, a.ID); err != nil {
						return err
					}
					if err := s.journal(ctx, tx, c.ID, day, 0, "evenement", fmt.Sprintf("%s — rendez-vous du jour %d (« %s ») : %s", e.Title, a.Day, a.Purpose, e.Description)); err != nil {
						return err
					}
					continue
				}
				if e.Day != day {
					continue
				}
				fired[i] = true
				if !snap.holds(c.Scenario, e.cond, day) {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO case_events(case_id, event_index, fired_day) VALUES (?,?,?)`, c.ID, i, day); err != nil {
					return err
				}
				if err := s.journal(ctx, tx, c.ID, day, 0, "evenement", e.Title+" — "+e.Description); err != nil {
					return err
				}
			}
		}
		next := c.Day + days
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET sim_day=?, clock=? WHERE id=?`, next, DayStart, c.ID); err != nil {
			return err
		}
		if snap.Signed >= 0 {
			if err := advanceState(ctx, tx, c, StateFollowUp); err != nil {
				return err
			}
		}
		return s.journal(ctx, tx, c.ID, next, learner.ID, "temps", fmt.Sprintf("Le temps avance de %d jour%s : jour %d (%s).", days, plural(days), next, Weekdays[c.Scenario.WeekdayOf(next)]))
	})
}

// missedAppointment is the appointment a rdv-manque event hits on day: one
// still planned that day, on or after the event's day, of the mode its
// condition names.
func missedAppointment(appts []Appointment, e Event, day int) *Appointment {
	mode := ""
	for _, c := range e.cond {
		if c.kind == "rdv" && !c.neg {
			mode = c.arg
		}
	}
	for i := range appts {
		a := &appts[i]
		if a.Day == day && a.Day >= e.Day && a.Status == "prevu" && (mode == "" || a.Mode == mode) {
			return a
		}
	}
	return nil
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// snapshot gathers what conditions read.
func (s *Store) snapshot(ctx context.Context, c Case, iv Interview) (Snapshot, error) {
	snap := Snapshot{Revealed: iv.Revealed, Asked: iv.Asked, Moves: iv.Moves, Styles: iv.Styles, Signed: -1}
	var err error
	if snap.Referrals, err = s.Referrals(ctx, c); err != nil {
		return snap, err
	}
	if snap.Appts, err = s.Appointments(ctx, c); err != nil {
		return snap, err
	}
	if snap.Goals, err = s.Plan(ctx, c); err != nil {
		return snap, err
	}
	k, err := s.Contract(ctx, c)
	if err != nil {
		return snap, err
	}
	snap.Signed = k.SignedDay
	if snap.Urgencies, err = s.Urgencies(ctx, c); err != nil {
		return snap, err
	}
	return snap, nil
}

// partnerStep moves one referral along on one day.
func (s *Store) partnerStep(ctx context.Context, tx *sql.Tx, c Case, r *Referral, day int) error {
	if r.Status != "envoyee" && r.Status != "en_etude" {
		return nil
	}
	name := "le partenaire"
	if r.Structure != nil {
		name = r.Structure.Name
	}
	answer, reason, delay := s.partnerAnswer(c.Scenario, *r)
	elapsed := day - r.SentDay
	set := func(status, refusal, summary string) error {
		r.Status, r.Refusal = status, refusal
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET status=?, refusal=?, answer_day=? WHERE id=?`, status, refusal, day, r.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, day, 0, "orientation", summary)
	}
	switch {
	case answer != "silence" && elapsed >= delay:
		if answer == "refusee" {
			return set("refusee", reason, fmt.Sprintf("%s refuse l'orientation (motif : %s).", name, reason))
		}
		return set("acceptee", "", fmt.Sprintf("%s accepte l'orientation et propose un premier rendez-vous à la personne.", name))
	case answer == "silence" && elapsed >= ExpiryDays:
		return set("expiree", "", fmt.Sprintf("Fiche de liaison vers %s expirée sans réponse (J+%d).", name, ExpiryDays))
	case answer == "silence" && elapsed == ReminderDays && !r.Reminded:
		r.Reminded = true
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET reminded=1 WHERE id=?`, r.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, day, 0, "orientation", fmt.Sprintf("Relance automatique : %s n'a pas répondu depuis %d jours.", name, ReminderDays))
	case r.Status == "envoyee" && elapsed >= 1:
		r.Status = "en_etude"
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET status='en_etude' WHERE id=?`, r.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, day, 0, "orientation", fmt.Sprintf("%s a reçu la fiche de liaison : en étude.", name))
	}
	return nil
}
