package casework

import (
	"context"
	"database/sql"
	"strings"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/referentiel"
)

// Debrief sets the learner's work beside the expert key. It is formative
// feedback, never a grade.
type Debrief struct {
	Case         Case
	Found        []FactCheck
	Extra        []Situation // noted but not in the key
	Urgency      UrgencyCheck
	Orientations []OrientationCheck
	Pitfalls     []string
	Tasks        []*referentiel.Task
	Questions    int
	Asked        int
	Events       int
	Revealed     int
	FactsTotal   int
}

// FactCheck is one situation of the key: found or missed.
type FactCheck struct {
	Fact     Fact
	Found    bool
	Revealed bool // the interview brought it to light
	By       string
}

// UrgencyCheck compares urgency levels.
type UrgencyCheck struct {
	Expected, Given string
	Why             string
	Right           bool
	Day             int
}

// OrientationCheck is one expected referral: matched or not, in time or not.
type OrientationCheck struct {
	Expected ExpectedReferral
	Matched  *Referral
	InTime   bool
}

// Debrief computes the debrief of a case (readable by its learner and staff).
func (s *Store) Debrief(ctx context.Context, viewer account.User, caseID int64) (Debrief, error) {
	c, err := s.Case(ctx, viewer, caseID)
	if err != nil {
		return Debrief{}, err
	}
	d := Debrief{Case: c, Pitfalls: c.Scenario.Key.Pitfalls}
	sits, err := s.Situations(ctx, c)
	if err != nil {
		return d, err
	}
	iv, err := s.InterviewState(ctx, c)
	if err != nil {
		return d, err
	}
	d.Revealed, d.FactsTotal = len(iv.Revealed), len(c.Scenario.Facts)
	for _, tp := range c.Scenario.Topics {
		d.Questions += len(tp.Questions)
	}
	d.Asked = len(iv.Asked)
	used := map[int64]bool{}
	for _, fid := range c.Scenario.Key.Situations {
		var f Fact
		for _, x := range c.Scenario.Facts {
			if x.ID == fid {
				f = x
			}
		}
		fc := FactCheck{Fact: f, Revealed: iv.Revealed[fid]}
		// A situation matches the fact if tied to it, or noted in its domain.
		for _, x := range sits {
			if !used[x.ID] && (x.FactID == fid || (x.FactID == "" && x.Domain == f.Domain)) {
				fc.Found, fc.By = true, x.Label
				used[x.ID] = true
				break
			}
		}
		d.Found = append(d.Found, fc)
	}
	for _, x := range sits {
		if !used[x.ID] {
			d.Extra = append(d.Extra, x)
		}
	}
	d.Urgency = UrgencyCheck{Expected: c.Scenario.Key.Urgency, Given: c.Urgency, Why: c.Scenario.Key.UrgencyWhy,
		Right: c.Urgency == c.Scenario.Key.Urgency, Day: c.UrgencyDay}
	refs, err := s.Referrals(ctx, c)
	if err != nil {
		return d, err
	}
	taken := map[int64]bool{}
	for _, o := range c.Scenario.Key.Orientations {
		oc := OrientationCheck{Expected: o}
		want, _, _ := strings.Cut(o.Theme, "--")
		for i := range refs {
			r := &refs[i]
			if taken[r.ID] || r.Structure == nil || r.Structure.Typology != o.Typology || (o.Structure != "" && r.StructureID != o.Structure) {
				continue
			}
			themeOK := r.Service == nil
			if r.Service != nil {
				for _, th := range r.Service.Themes {
					t, _, _ := strings.Cut(th, "--")
					themeOK = themeOK || t == want
				}
			}
			if themeOK {
				oc.Matched, oc.InTime = r, o.MaxDays == 0 || r.SentDay <= o.MaxDays
				taken[r.ID] = true
				break
			}
		}
		d.Orientations = append(d.Orientations, oc)
	}
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM case_events WHERE case_id=?`, c.ID).Scan(&n); err != nil {
		return d, err
	}
	d.Events = n
	for _, t := range c.Scenario.Tasks {
		if tk, ok := s.fw.Task(t); ok {
			d.Tasks = append(d.Tasks, tk)
		}
	}
	return d, nil
}

// SaveReview stores the bilan and the transmission note.
func (s *Store) SaveReview(ctx context.Context, learner account.User, caseID int64, review, transmission string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	review, ok1 := trimmed(review, 20000)
	transmission, ok2 := trimmed(transmission, 20000)
	if !ok1 || !ok2 {
		return apperr.Fields(map[string]string{"bilan": "Le texte tient en 20 000 caractères au plus."})
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET review=?, transmission=? WHERE id=?`, review, transmission, c.ID); err != nil {
			return err
		}
		if review != "" {
			if err := advanceState(ctx, tx, c, StateReview); err != nil {
				return err
			}
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "bilan", "Bilan et note de transmission enregistrés")
	})
}

// Close closes the case: it becomes read-only, and the debrief is final.
func (s *Store) Close(ctx context.Context, learner account.User, caseID int64) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.Review) == "" {
		return apperr.Fields(map[string]string{"bilan": "Rédigez le bilan avant de clore le dossier."})
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET state='clos', closed_at=? WHERE id=?`, stamp(s.now()), c.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "etat", "Dossier clos")
	})
}
