package assessment

// A candidate's convocations to live evaluations.

import (
	"context"
	"database/sql"
	"errors"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// Convocation is one candidate's convocation.
type Convocation struct {
	Session Session
	Slot    Slot
	Changes []string // what changed since it was sent
}

// LearnerConvocations lists the convocations sent to a learner, oldest
// first; each session carries only the learner's own passage.
func (s *Service) LearnerConvocations(ctx context.Context, learnerID int64) ([]Convocation, error) {
	list, err := s.loadSessions(ctx, s.db.Read, `s.sent_at IS NOT NULL AND s.id IN (SELECT session_id FROM eval_slots WHERE learner_id=? AND sent_snapshot<>'')`, learnerID)
	if err != nil {
		return nil, err
	}
	out := make([]Convocation, 0, len(list))
	for _, se := range list {
		for _, sl := range se.Slots {
			if sl.LearnerID == learnerID {
				c := Convocation{Session: se, Slot: sl, Changes: se.Changes(sl)}
				c.Session.Slots = []Slot{sl}
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// ConvocationFor returns a passage's convocation to its candidate (once
// sent), or to the session's staff and jury.
func (s *Service) ConvocationFor(ctx context.Context, viewer account.User, slotID int64) (Convocation, error) {
	var sid, lid int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT session_id, learner_id FROM eval_slots WHERE id=?`, slotID).Scan(&sid, &lid)
	if errors.Is(err, sql.ErrNoRows) {
		return Convocation{}, apperr.New(apperr.NotFound, "Convocation introuvable.")
	}
	if err != nil {
		return Convocation{}, err
	}
	var se Session
	if viewer.Role == account.Learner {
		if viewer.ID != lid {
			return Convocation{}, apperr.New(apperr.Forbidden, "Cette convocation est celle d'un autre candidat.")
		}
		if se, err = s.loadSession(ctx, s.db.Read, sid); err != nil {
			return Convocation{}, err
		}
		if !se.Sent() {
			return Convocation{}, apperr.New(apperr.NotFound, "Convocation introuvable.")
		}
	} else if se, _, err = s.SessionFor(ctx, viewer, sid); err != nil {
		return Convocation{}, err
	}
	for _, sl := range se.Slots {
		if sl.ID == slotID {
			c := Convocation{Session: se, Slot: sl, Changes: se.Changes(sl)}
			c.Session.Slots = []Slot{sl}
			return c, nil
		}
	}
	return Convocation{}, apperr.New(apperr.NotFound, "Convocation introuvable.")
}
