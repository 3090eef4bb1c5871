package assessment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/referentiel"
)

// Attendance is a candidate's presence at a live evaluation.
type Attendance string

// The attendances: not recorded yet, present, absent, absent with excuse.
const (
	AttendanceUnknown Attendance = ""
	Present           Attendance = "present"
	Absent            Attendance = "absent"
	Excused           Attendance = "excuse"
)

// Attendances in display order.
var Attendances = []Attendance{Present, Absent, Excused}

// Label is the attendance in French.
func (a Attendance) Label() string {
	switch a {
	case Present:
		return "Présent·e"
	case Absent:
		return "Absent·e"
	case Excused:
		return "Absent·e excusé·e"
	}
	return "Non renseignée"
}

// Missed says whether the candidate did not sit the evaluation: no
// result, not a fail; the manager reschedules.
func (a Attendance) Missed() bool { return a == Absent || a == Excused }

// JuryMember is a member of a session's jury. Position 1 and 2 grade on
// their own (premier, second); every member may record the agreed result.
type JuryMember struct {
	UserID   int64
	Name     string
	Login    string
	Position int
	// External: an external professional's account (account.User.External),
	// which reaches only the sessions it sits on.
	External bool
	// Left: a member of the cohort's staff who has left it since being put
	// on the jury: they no longer reach the session (see IsJury).
	Left bool
}

// Session is a session of a live evaluation (session d'épreuve).
type Session struct {
	ID          int64
	CohortID    int64
	CohortName  string
	KindID      string
	Kind        *referentiel.LiveKind
	Title       string
	StartsAt    time.Time
	SlotMinutes int
	Place       string
	Link        string
	Bring       string
	WrittenDue  time.Time // zero: none
	SentAt      time.Time
	ChangedAt   time.Time
	Jury        []JuryMember
	Slots       []Slot
	EndsAt      time.Time // when the last passage ends
}

// Sent says whether the convocations were sent.
func (s Session) Sent() bool { return !s.SentAt.IsZero() }

// Graded says whether the grading of a passage has begun (a grid saved, an
// examination mark entered): the jury is then fixed (see gradingBegun).
func (s Session) Graded() bool {
	return slices.ContainsFunc(s.Slots, func(sl Slot) bool { return sl.PieceID != 0 || sl.HasMark })
}

// gradingBegun is Session.Graded read in a transaction.
func gradingBegun(ctx context.Context, q db.Querier, sessionID int64) (bool, error) {
	var yes bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM eval_slots sl WHERE sl.session_id=?
		AND (EXISTS (SELECT 1 FROM pieces p WHERE p.slot_id=sl.id) OR EXISTS (SELECT 1 FROM exam_marks m WHERE m.slot_id=sl.id)))`, sessionID).Scan(&yes)
	return yes, err
}

// juryFixed refuses a change of jury once grading has begun.
const juryFixed = "L'évaluation de cette session a commencé : son jury ne change plus (les grilles et les notes sont celles de ses membres)."

// Marked says whether the jury grades with two grids and an agreed result.
func (s Session) Marked() bool { return len(s.Jury) >= 2 }

// IsJury says whether the user sits on the jury: an external member, or a
// member of the cohort's staff who still is one.
func (s Session) IsJury(userID int64) bool {
	return slices.ContainsFunc(s.Jury, func(m JuryMember) bool { return m.UserID == userID && !m.Left })
}

// Slot is one candidate's passage.
type Slot struct {
	ID          int64
	SessionID   int64
	LearnerID   int64
	Learner     string
	Login       string
	Position    int
	StartsAt    time.Time
	EndsAt      time.Time
	Attendance  Attendance
	WrittenID   int64  // the written piece the oral is about
	WrittenName string // its title
	WrittenAt   time.Time
	// WrittenAnonymous: the written piece is under anonymous marking
	// (Piece.Anonymous); Session.For masks it from a marker.
	WrittenAnonymous bool
	HasMark          bool   // an examination mark is entered
	PieceID          int64  // the slot's piece, once grading has begun
	Status           Status // that piece's status
	Decision         Decision
	Sent             *ConvocationFacts // what the convocation said when sent
}

// ConvocationFacts are what a convocation says; kept as sent, so that a
// change afterwards is shown as such.
type ConvocationFacts struct {
	StartsAt time.Time `json:"debut"`
	Minutes  int       `json:"duree"`
	Place    string    `json:"lieu"`
	Link     string    `json:"lien"`
	Bring    string    `json:"apporter"`
}

// Facts are what the slot's convocation says now.
func (s Session) Facts(sl Slot) ConvocationFacts {
	return ConvocationFacts{StartsAt: sl.StartsAt, Minutes: s.SlotMinutes, Place: s.Place, Link: s.Link, Bring: s.Bring}
}

// Changes lists, in French, what changed since the convocation was sent.
func (s Session) Changes(sl Slot) []string {
	if sl.Sent == nil {
		return nil
	}
	now, was := s.Facts(sl), *sl.Sent
	var out []string
	if !now.StartsAt.Equal(was.StartsAt) {
		out = append(out, "horaire : "+french.DateTime(was.StartsAt)+" → "+french.DateTime(now.StartsAt))
	}
	if now.Minutes != was.Minutes {
		out = append(out, fmt.Sprintf("durée : %d min → %d min", was.Minutes, now.Minutes))
	}
	if now.Place != was.Place {
		out = append(out, "lieu : "+orDash(was.Place)+" → "+orDash(now.Place))
	}
	if now.Link != was.Link {
		out = append(out, "lien de visioconférence : "+orDash(was.Link)+" → "+orDash(now.Link))
	}
	if now.Bring != was.Bring {
		out = append(out, "à apporter : "+orDash(was.Bring)+" → "+orDash(now.Bring))
	}
	return out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// SessionInput is the planning form.
type SessionInput struct {
	Kind       string
	Title      string
	Date       string // 2026-12-14
	Time       string // 09:00
	Minutes    int
	Place      string
	Link       string
	Bring      string
	WrittenDue string // 2026-12-07, for a kind with a written part
	Jury       []int64
	Learners   []int64 // in passing order
	// Positions: each learner's passage number (nil: 1, 2, 3…). Learners
	// with the same number pass together (a group, a jeu de rôle).
	Positions []int
}

// position is the passage number of the i-th learner.
func (in SessionInput) position(i int) int {
	if i < len(in.Positions) {
		return in.Positions[i]
	}
	return i + 1
}

// passages is the number of passages (the highest position).
func (in SessionInput) passages() int {
	n := 0
	for i := range in.Learners {
		n = max(n, in.position(i))
	}
	return n
}

// sessionAdmin checks that actor manages the cohort (or is an admin).
func (s *Service) sessionAdmin(ctx context.Context, q db.Querier, actor account.User, cohortID int64) error {
	if actor.Role == account.Admin {
		return nil
	}
	if actor.Role == account.Manager {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members WHERE cohort_id=? AND user_id=? AND member_role='manager'`,
			cohortID, actor.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return apperr.New(apperr.Forbidden, "Seul un responsable de cette promotion planifie ses épreuves.")
}

// checked is a session input once checked: times resolved in Paris.
type checked struct {
	in    SessionInput
	kind  *referentiel.LiveKind
	start time.Time
	due   time.Time
}

// checkSession checks the form alone (no database); messages by field.
func (s *Service) checkSession(in SessionInput) (checked, map[string]string) {
	f := map[string]string{}
	c := checked{in: in}
	c.in.Title = strings.TrimSpace(in.Title)
	c.in.Place = strings.TrimSpace(in.Place)
	c.in.Link = strings.TrimSpace(in.Link)
	c.in.Bring = strings.TrimSpace(in.Bring)
	k, ok := s.framework().LiveKind(in.Kind)
	if !ok {
		f["kind"] = "Choisissez une épreuve dans la liste."
	}
	c.kind = k
	if len([]rune(c.in.Title)) > 200 {
		f["title"] = "Le titre tient en 200 caractères au plus."
	}
	day, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(in.Date)+" "+strings.TrimSpace(in.Time), french.Paris)
	switch {
	case strings.TrimSpace(in.Date) == "":
		f["date"] = "Indiquez la date de la session."
	case strings.TrimSpace(in.Time) == "":
		f["time"] = "Indiquez l'heure du premier passage."
	case err != nil:
		f["date"] = "Date ou heure illisible : utilisez le sélecteur (jj/mm/aaaa et hh:mm)."
	}
	c.start = day.UTC()
	if in.Minutes < 5 || in.Minutes > 480 {
		f["minutes"] = "La durée d'un passage va de 5 à 480 minutes."
	}
	if c.in.Place == "" && c.in.Link == "" {
		f["place"] = "Indiquez le lieu de la session, ou un lien de visioconférence."
	}
	if len([]rune(c.in.Place)) > 300 {
		f["place"] = "Le lieu tient en 300 caractères au plus."
	}
	if c.in.Link != "" {
		if u, err := url.Parse(c.in.Link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			f["link"] = "Le lien de visioconférence commence par https:// suivi d'une adresse."
		}
	}
	if len([]rune(c.in.Bring)) > 1000 {
		f["bring"] = "Ce qu'il faut apporter tient en 1 000 caractères au plus."
	}
	_, badDate := f["date"]
	if k != nil && k.Written != "" {
		due, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.WrittenDue), french.Paris)
		switch {
		case strings.TrimSpace(in.WrittenDue) == "":
			f["written_due"] = "Indiquez la date limite de dépôt de l'écrit, avant la session."
		case err != nil:
			f["written_due"] = "Date limite illisible (jj/mm/aaaa)."
		case !badDate && !due.Before(day):
			f["written_due"] = "La date limite de dépôt de l'écrit précède la session."
		}
		c.due = due
	}
	if k != nil && len(in.Jury) < k.Jury {
		f["jury"] = fmt.Sprintf("Cette épreuve demande un jury d'au moins %d membres.", k.Jury)
		if k.Jury == 1 {
			f["jury"] = "Choisissez au moins un membre du jury."
		}
	}
	if len(in.Learners) == 0 {
		f["learners"] = "Choisissez au moins un candidat."
	}
	for i := range in.Learners {
		if in.position(i) < 1 {
			f["learners"] = "L'ordre de passage commence à 1."
		}
	}
	seen := map[int64]bool{}
	for _, id := range in.Learners {
		if seen[id] {
			f["learners"] = "Un candidat figure deux fois dans l'ordre de passage."
		}
		seen[id] = true
	}
	return c, f
}

// CheckSessionInput checks a planning form alone (the database is not
// read): the messages by field, so that a form can show them all at once.
func (s *Service) CheckSessionInput(in SessionInput) map[string]string {
	_, f := s.checkSession(in)
	return f
}

// conflicts checks the plan against the database (read through q, inside
// the writing transaction so that two plans at once cannot both pass):
// jury members and learners belong to the cohort, nobody is in two places
// at once, and a learner whose written piece was due before today has
// deposited it by then. The session being edited (self) is left out.
func (s *Service) conflicts(ctx context.Context, q db.Querier, cohortID, self int64, c checked) (map[string]string, error) {
	f := map[string]string{}
	members := map[int64]string{}
	roles := map[int64]string{}
	rows, err := q.QueryContext(ctx, `SELECT m.user_id, m.member_role, u.display_name FROM cohort_members m JOIN users u ON u.id=m.user_id
		WHERE m.cohort_id=? AND u.disabled=0`, cohortID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var role, name string
		if err := rows.Scan(&id, &role, &name); err != nil {
			rows.Close()
			return nil, err
		}
		members[id], roles[id] = name, role
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// External members: external accounts already on one of this cohort's
	// juries (added through AddExternalJury).
	ext := map[int64]string{}
	rows, err = q.QueryContext(ctx, `SELECT DISTINCT u.id, u.display_name FROM eval_jury j JOIN eval_sessions s ON s.id=j.session_id JOIN users u ON u.id=j.user_id
		WHERE s.cohort_id=? AND u.role='assessor' AND u.external=1 AND u.disabled=0`, cohortID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		ext[id] = name
	}
	rows.Close()
	staff := 0
	for _, id := range c.in.Jury {
		if r := roles[id]; r != "assessor" && r != "manager" && ext[id] == "" {
			f["jury"] = "Le jury se compose d'évaluateurs ou de responsables de la promotion, ou de professionnels extérieurs ajoutés à ses épreuves."
		} else if ext[id] == "" {
			staff++
		}
	}
	if f["jury"] == "" && len(c.in.Jury) > 0 && staff == 0 {
		f["jury"] = "Le jury compte au moins un évaluateur ou un responsable de la promotion : les professionnels extérieurs le complètent."
	}
	for _, id := range c.in.Learners {
		if roles[id] != "learner" {
			f["learners"] = "Seuls les apprenants de la promotion passent ses épreuves."
		}
	}
	if len(f) > 0 {
		return f, nil
	}
	end := c.start.Add(time.Duration(c.in.passages()*c.in.Minutes) * time.Minute)
	// Jury members busy elsewhere during the session.
	jin := placeholders(c.in.Jury)
	rows, err = q.QueryContext(ctx, `SELECT u.display_name, s.title, s.starts_at, s.slot_minutes * (SELECT coalesce(max(x.position),0) FROM eval_slots x WHERE x.session_id=s.id)
		FROM eval_jury j JOIN eval_sessions s ON s.id=j.session_id JOIN users u ON u.id=j.user_id
		WHERE j.user_id IN (`+jin+`) AND s.id<>?`, self)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, title, at string
		var minutes int
		if err := rows.Scan(&name, &title, &at, &minutes); err != nil {
			rows.Close()
			return nil, err
		}
		st := parseStamp(sql.NullString{String: at, Valid: true})
		en := st.Add(time.Duration(minutes) * time.Minute)
		if st.Before(end) && c.start.Before(en) && f["jury"] == "" {
			f["jury"] = fmt.Sprintf("%s siège déjà au jury de « %s » le %s, de %s à %s : une personne ne peut être à deux endroits à la fois.",
				name, title, french.Date(st), french.Time(st), french.Time(en))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Learners with another passage at the same time.
	lin := placeholders(c.in.Learners)
	rows, err = q.QueryContext(ctx, `SELECT sl.learner_id, u.display_name, s.title, s.starts_at, s.slot_minutes, sl.position
		FROM eval_slots sl JOIN eval_sessions s ON s.id=sl.session_id JOIN users u ON u.id=sl.learner_id
		WHERE sl.learner_id IN (`+lin+`) AND s.id<>?`, self)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var lid int64
		var name, title, at string
		var minutes, pos int
		if err := rows.Scan(&lid, &name, &title, &at, &minutes, &pos); err != nil {
			rows.Close()
			return nil, err
		}
		st := parseStamp(sql.NullString{String: at, Valid: true}).Add(time.Duration((pos-1)*minutes) * time.Minute)
		en := st.Add(time.Duration(minutes) * time.Minute)
		mine := c.start.Add(time.Duration((c.in.position(slices.Index(c.in.Learners, lid))-1)*c.in.Minutes) * time.Minute)
		if st.Before(mine.Add(time.Duration(c.in.Minutes)*time.Minute)) && mine.Before(en) && f["learners"] == "" {
			f["learners"] = fmt.Sprintf("%s passe déjà « %s » le %s de %s à %s : changez l'ordre de passage, l'horaire ou la date.",
				name, title, french.Date(st), french.Time(st), french.Time(en))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(f) > 0 || c.kind.Written == "" {
		return f, nil
	}
	// The written piece, once its deadline is past.
	if french.Days(s.now(), c.due) >= 0 {
		return f, nil
	}
	deposited, err := s.writtenBy(ctx, q, c.in.Learners, c.kind.Written, c.due)
	if err != nil {
		return nil, err
	}
	var late []string
	for _, id := range c.in.Learners {
		if _, ok := deposited[id]; !ok {
			late = append(late, members[id])
		}
	}
	if len(late) > 0 {
		k, _ := s.framework().Kind(c.kind.Written)
		if len(late) == 1 {
			f["learners"] = fmt.Sprintf("%s n'a pas déposé « %s » avant la date limite du %s : cette personne ne peut être convoquée à l'épreuve. Retirez-la de l'ordre de passage ou reportez la date limite.",
				late[0], k.Label, french.Date(c.due))
		} else {
			f["learners"] = fmt.Sprintf("%s n'ont pas déposé « %s » avant la date limite du %s : ces personnes ne peuvent être convoquées à l'épreuve. Retirez-les de l'ordre de passage ou reportez la date limite.",
				strings.Join(late, ", "), k.Label, french.Date(c.due))
		}
	}
	return f, nil
}

// writtenBy finds, for each learner, their latest piece of the written
// kind deposited by the end of the due day (Paris): piece id → learner.
func (s *Service) writtenBy(ctx context.Context, q db.Querier, learners []int64, kindID string, due time.Time) (map[int64]int64, error) {
	limit := time.Date(due.Year(), due.Month(), due.Day()+1, 0, 0, 0, 0, french.Paris).UTC()
	rows, err := q.QueryContext(ctx, `SELECT p.learner_id, p.id FROM pieces p
		WHERE p.learner_id IN (`+placeholders(learners)+`) AND p.kind_id=? AND p.slot_id IS NULL
		AND EXISTS (SELECT 1 FROM piece_versions v WHERE v.piece_id=p.id AND v.deposited_at < ?)
		ORDER BY p.id`, kindID, stamp(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var lid, pid int64
		if err := rows.Scan(&lid, &pid); err != nil {
			return nil, err
		}
		out[lid] = pid
	}
	return out, rows.Err()
}

// PlanSession plans a session for a cohort: details, jury, passing order.
// Conflicts are refused with the field at fault; nothing is written then.
func (s *Service) PlanSession(ctx context.Context, actor account.User, cohortID int64, in SessionInput, address string) (int64, error) {
	return s.saveSession(ctx, actor, cohortID, 0, in, address)
}

// UpdateSession changes a session. Once its convocations are sent, the
// change is dated: each convocation then shows what changed.
func (s *Service) UpdateSession(ctx context.Context, actor account.User, sessionID int64, in SessionInput, address string) error {
	var cohortID int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT cohort_id FROM eval_sessions WHERE id=?`, sessionID).Scan(&cohortID)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoSession
	}
	if err != nil {
		return err
	}
	_, err = s.saveSession(ctx, actor, cohortID, sessionID, in, address)
	return err
}

var errNoSession = apperr.New(apperr.NotFound, "Session d'épreuve introuvable.")

func (s *Service) saveSession(ctx context.Context, actor account.User, cohortID, sessionID int64, in SessionInput, address string) (int64, error) {
	c, fields := s.checkSession(in)
	if len(fields) > 0 {
		return 0, apperr.Fields(fields)
	}
	if c.in.Title == "" {
		c.in.Title = c.kind.Label
	}
	id := sessionID
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.sessionAdmin(ctx, tx, actor, cohortID); err != nil {
			return err
		}
		if sessionID != 0 {
			var kind string
			if err := tx.QueryRowContext(ctx, `SELECT kind_id FROM eval_sessions WHERE id=?`, sessionID).Scan(&kind); err != nil {
				return err
			}
			begun, err := gradingBegun(ctx, tx, sessionID)
			if err != nil {
				return err
			}
			var jury []int64
			rows, err := tx.QueryContext(ctx, `SELECT user_id FROM eval_jury WHERE session_id=? ORDER BY position`, sessionID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				jury = append(jury, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if begun && !slices.Equal(jury, c.in.Jury) {
				return apperr.Fields(map[string]string{"jury": juryFixed})
			}
			if kind != c.kind.ID {
				var graded int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pieces WHERE slot_id IN (SELECT id FROM eval_slots WHERE session_id=?)`, sessionID).Scan(&graded); err != nil {
					return err
				}
				if graded > 0 {
					return apperr.Fields(map[string]string{"kind": "L'évaluation de cette session a commencé : son épreuve ne change plus."})
				}
			}
		}
		f, err := s.conflicts(ctx, tx, cohortID, sessionID, c)
		if err != nil {
			return err
		}
		if len(f) > 0 {
			return apperr.Fields(f)
		}
		now := s.now()
		due := ""
		if !c.due.IsZero() {
			due = c.due.Format("2006-01-02")
		}
		if sessionID == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO eval_sessions(cohort_id, kind_id, title, starts_at, slot_minutes, place, link, bring, written_due, created_at, created_by)
				VALUES (?,?,?,?,?,?,?,?,?,?,?)`, cohortID, c.kind.ID, c.in.Title, stamp(c.start), c.in.Minutes, c.in.Place, c.in.Link, c.in.Bring, due, stamp(now), actor.ID)
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
		} else if _, err := tx.ExecContext(ctx, `UPDATE eval_sessions SET kind_id=?, title=?, starts_at=?, slot_minutes=?, place=?, link=?, bring=?, written_due=?,
				changed_at=CASE WHEN sent_at IS NOT NULL THEN ? ELSE changed_at END WHERE id=?`,
			c.kind.ID, c.in.Title, stamp(c.start), c.in.Minutes, c.in.Place, c.in.Link, c.in.Bring, due, stamp(now), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM eval_jury WHERE session_id=?`, id); err != nil {
			return err
		}
		for i, uid := range c.in.Jury {
			if _, err := tx.ExecContext(ctx, `INSERT INTO eval_jury(session_id, user_id, position) VALUES (?,?,?)`, id, uid, i+1); err != nil {
				return err
			}
		}
		// A candidate whose passage has a grading stays in the order.
		var kept []string
		rows, err := tx.QueryContext(ctx, `SELECT u.display_name, sl.learner_id FROM eval_slots sl JOIN users u ON u.id=sl.learner_id
			WHERE sl.session_id=? AND EXISTS (SELECT 1 FROM pieces p WHERE p.slot_id=sl.id)`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			var lid int64
			if err := rows.Scan(&name, &lid); err != nil {
				rows.Close()
				return err
			}
			if !slices.Contains(c.in.Learners, lid) {
				kept = append(kept, name)
			}
		}
		rows.Close()
		if len(kept) > 0 {
			return apperr.Fields(map[string]string{"learners": strings.Join(kept, ", ") + " : l'évaluation du passage a commencé, le candidat reste dans l'ordre de passage."})
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM eval_slots WHERE session_id=? AND learner_id NOT IN (`+placeholders(c.in.Learners)+`)`, id); err != nil {
			return err
		}
		written := map[int64]int64{}
		if c.kind.Written != "" {
			limit := c.due
			if french.Days(now, c.due) >= 0 {
				limit = now.In(french.Paris)
			}
			if written, err = s.writtenBy(ctx, tx, c.in.Learners, c.kind.Written, limit); err != nil {
				return err
			}
		}
		for i, lid := range c.in.Learners {
			if _, err := tx.ExecContext(ctx, `INSERT INTO eval_slots(session_id, learner_id, position, written_piece_id) VALUES (?,?,?,?)
				ON CONFLICT(session_id, learner_id) DO UPDATE SET position=excluded.position,
				written_piece_id=coalesce(excluded.written_piece_id, eval_slots.written_piece_id)`, id, lid, c.in.position(i), nullable(written[lid])); err != nil {
				return err
			}
		}
		detail := "planification"
		if sessionID != 0 {
			detail = "modification"
		}
		return account.AuditTx(ctx, tx, account.Entry{At: now, ActorID: actor.ID, ActorLogin: actor.Login, Action: account.ActionLiveSession,
			Target: fmt.Sprintf("session d'épreuve %d (promotion %d)", id, cohortID), Address: address,
			Detail: fmt.Sprintf("%s : %s, %s, %d candidats", detail, c.kind.Label, french.DateTime(c.start), len(c.in.Learners))})
	})
	return id, err
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SendConvocations sends the session's convocations: each candidate sees
// theirs on their home page, printable, as PDF and as a calendar file.
// What each one says is kept, so that a later change is shown as one.
// Sending again reaches the candidates added since.
func (s *Service) SendConvocations(ctx context.Context, actor account.User, sessionID int64, address string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		se, err := s.loadSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if err := s.sessionAdmin(ctx, tx, actor, se.CohortID); err != nil {
			return err
		}
		in := SessionInput{Kind: se.KindID, Minutes: se.SlotMinutes}
		for _, m := range se.Jury {
			in.Jury = append(in.Jury, m.UserID)
		}
		for _, sl := range se.Slots {
			in.Learners = append(in.Learners, sl.LearnerID)
			in.Positions = append(in.Positions, sl.Position)
		}
		if len(in.Learners) == 0 {
			return apperr.New(apperr.Invalid, "Ajoutez des candidats avant d'envoyer les convocations.")
		}
		f, err := s.conflicts(ctx, tx, se.CohortID, se.ID, checked{in: in, kind: se.Kind, start: se.StartsAt, due: se.WrittenDue})
		if err != nil {
			return err
		}
		if len(f) > 0 {
			return apperr.Fields(f)
		}
		now := s.now()
		for _, sl := range se.Slots {
			facts, _ := json.Marshal(se.Facts(sl))
			// The first sending is kept: later changes show against it.
			if _, err := tx.ExecContext(ctx, `UPDATE eval_slots SET sent_snapshot=? WHERE id=? AND sent_snapshot=''`, string(facts), sl.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE eval_sessions SET sent_at=coalesce(sent_at, ?) WHERE id=?`, stamp(now), se.ID); err != nil {
			return err
		}
		return account.AuditTx(ctx, tx, account.Entry{At: now, ActorID: actor.ID, ActorLogin: actor.Login, Action: account.ActionLiveSession,
			Target: fmt.Sprintf("session d'épreuve %d (promotion %d)", se.ID, se.CohortID), Address: address,
			Detail: fmt.Sprintf("convocations envoyées : %d", len(se.Slots))})
	})
}

// loadSessions reads the sessions a condition selects (on eval_sessions s),
// with their juries and passages, in three statements whatever their number.
func (s *Service) loadSessions(ctx context.Context, q db.Querier, where string, args ...any) ([]Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.cohort_id, c.name, s.kind_id, s.title, s.starts_at, s.slot_minutes, s.place, s.link, s.bring,
		s.written_due, s.sent_at, s.changed_at FROM eval_sessions s JOIN cohorts c ON c.id=s.cohort_id WHERE `+where+` ORDER BY s.starts_at, s.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Session
	index := map[int64]int{}
	fw := s.framework()
	for rows.Next() {
		var se Session
		var at, due string
		var sent, changed sql.NullString
		if err := rows.Scan(&se.ID, &se.CohortID, &se.CohortName, &se.KindID, &se.Title, &at, &se.SlotMinutes, &se.Place, &se.Link, &se.Bring,
			&due, &sent, &changed); err != nil {
			rows.Close()
			return nil, err
		}
		se.StartsAt = parseStamp(sql.NullString{String: at, Valid: true})
		if due != "" {
			se.WrittenDue, _ = time.ParseInLocation("2006-01-02", due, french.Paris)
		}
		se.SentAt, se.ChangedAt = parseStamp(sent), parseStamp(changed)
		se.Kind, _ = fw.LiveKind(se.KindID)
		if se.Kind == nil {
			se.Kind = &referentiel.LiveKind{ID: se.KindID, Label: se.KindID}
		}
		index[se.ID] = len(out)
		out = append(out, se)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	sub := `SELECT s.id FROM eval_sessions s WHERE ` + where
	rows, err = q.QueryContext(ctx, `SELECT j.session_id, j.user_id, u.display_name, u.login, j.position, u.external,
		u.external=0 AND NOT EXISTS (SELECT 1 FROM cohort_members m WHERE m.user_id=u.id AND m.cohort_id=e.cohort_id AND m.member_role IN ('assessor','manager'))
		FROM eval_jury j JOIN users u ON u.id=j.user_id JOIN eval_sessions e ON e.id=j.session_id
		WHERE j.session_id IN (`+sub+`) ORDER BY j.session_id, j.position`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sid int64
		var m JuryMember
		if err := rows.Scan(&sid, &m.UserID, &m.Name, &m.Login, &m.Position, &m.External, &m.Left); err != nil {
			rows.Close()
			return nil, err
		}
		out[index[sid]].Jury = append(out[index[sid]].Jury, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT sl.id, sl.session_id, sl.learner_id, u.display_name, u.login, sl.position, sl.attendance,
		coalesce(sl.written_piece_id,0), coalesce(w.title,''), coalesce(w.deposited_at,''), coalesce(p.id,0), coalesce(p.status,''), sl.sent_snapshot,
		coalesce((SELECT `+anonymousExpr+` FROM pieces p WHERE p.id=sl.written_piece_id),0),
		EXISTS (SELECT 1 FROM exam_marks m WHERE m.slot_id=sl.id)
		FROM eval_slots sl JOIN users u ON u.id=sl.learner_id LEFT JOIN pieces w ON w.id=sl.written_piece_id LEFT JOIN pieces p ON p.slot_id=sl.id
		WHERE sl.session_id IN (`+sub+`) ORDER BY sl.session_id, sl.position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sl Slot
		var att, wat, snap string
		if err := rows.Scan(&sl.ID, &sl.SessionID, &sl.LearnerID, &sl.Learner, &sl.Login, &sl.Position, &att, &sl.WrittenID, &sl.WrittenName, &wat,
			&sl.PieceID, &sl.Status, &snap, &sl.WrittenAnonymous, &sl.HasMark); err != nil {
			return nil, err
		}
		sl.Attendance = Attendance(att)
		sl.WrittenAt = parseStamp(sql.NullString{String: wat, Valid: wat != ""})
		if snap != "" {
			sl.Sent = &ConvocationFacts{}
			if err := json.Unmarshal([]byte(snap), sl.Sent); err != nil {
				return nil, err
			}
		}
		se := &out[index[sl.SessionID]]
		sl.StartsAt = se.StartsAt.Add(time.Duration((sl.Position-1)*se.SlotMinutes) * time.Minute)
		sl.EndsAt = sl.StartsAt.Add(time.Duration(se.SlotMinutes) * time.Minute)
		se.Slots = append(se.Slots, sl)
		if sl.EndsAt.After(se.EndsAt) {
			se.EndsAt = sl.EndsAt
		}
	}
	return out, rows.Err()
}

func (s *Service) loadSession(ctx context.Context, q db.Querier, id int64) (Session, error) {
	list, err := s.loadSessions(ctx, q, `s.id=?`, id)
	if err != nil {
		return Session{}, err
	}
	if len(list) == 0 {
		return Session{}, errNoSession
	}
	return list[0], nil
}

// For is the session as the viewer may read it: a written piece under
// anonymous marking loses its title and deposit date for a marker, who
// could otherwise match them with the anonymous copy in their queue.
func (se Session) For(viewer account.User) Session {
	if !marks(viewer) {
		return se
	}
	out := se
	out.Slots = make([]Slot, len(se.Slots))
	for i, sl := range se.Slots {
		out.Slots[i] = sl.For(viewer)
	}
	return out
}

// For is the passage as the viewer may read it (see Session.For).
func (sl Slot) For(viewer account.User) Slot {
	if sl.WrittenAnonymous && sl.WrittenID != 0 && marks(viewer) && viewer.ID != sl.LearnerID {
		sl.WrittenName, sl.WrittenAt = MaskedTitle, time.Time{}
	}
	return sl
}

// SessionAccess is how a viewer relates to a session.
type SessionAccess int

// The accesses, from reading to managing.
const (
	SessionNone SessionAccess = iota
	SessionStaff
	SessionJury
	SessionManage
)

// SessionFor returns a session to staff of its cohort, its jury, or an
// admin, with what the viewer may do.
func (s *Service) SessionFor(ctx context.Context, viewer account.User, id int64) (Session, SessionAccess, error) {
	se, err := s.loadSession(ctx, s.db.Read, id)
	if err != nil {
		return se, SessionNone, err
	}
	acc := SessionNone
	if se.IsJury(viewer.ID) {
		acc = SessionJury
	}
	switch viewer.Role {
	case account.Admin:
		acc = SessionManage
	case account.Manager, account.Assessor:
		a, err := s.accessTo(ctx, viewer, 0, se.CohortID)
		if err != nil {
			return se, SessionNone, err
		}
		if a == managerAccess {
			acc = SessionManage
		} else if a == assessorAccess && acc == SessionNone {
			acc = SessionStaff
		}
	}
	if acc == SessionNone {
		return Session{}, SessionNone, apperr.New(apperr.Forbidden, "Cette session d'épreuve ne vous concerne pas.")
	}
	return se.For(viewer), acc, nil
}

// CohortSessions lists a cohort's sessions (the caller checks access).
func (s *Service) CohortSessions(ctx context.Context, cohortID int64) ([]Session, error) {
	return s.loadSessions(ctx, s.db.Read, `s.cohort_id=?`, cohortID)
}

// JurySessions lists the sessions a user sits on (see Session.IsJury).
func (s *Service) JurySessions(ctx context.Context, userID int64) ([]Session, error) {
	return s.loadSessions(ctx, s.db.Read, `s.id IN (SELECT j.session_id FROM eval_jury j JOIN users u ON u.id=j.user_id WHERE j.user_id=?
		AND (u.external=1 OR EXISTS (SELECT 1 FROM cohort_members m WHERE m.user_id=u.id AND m.cohort_id=s.cohort_id AND m.member_role IN ('assessor','manager'))))`, userID)
}

// AddExternalJury puts an external professional's account on a session's
// jury (last in the order). The account must be an external one
// (account.User.External): it reaches only the sessions it sits on (their
// passages, sheets and the candidates' written pieces), nothing else.
func (s *Service) AddExternalJury(ctx context.Context, actor account.User, sessionID, userID int64, address string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var cohortID int64
		if err := tx.QueryRowContext(ctx, `SELECT cohort_id FROM eval_sessions WHERE id=?`, sessionID).Scan(&cohortID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errNoSession
			}
			return err
		}
		if err := s.sessionAdmin(ctx, tx, actor, cohortID); err != nil {
			return err
		}
		if begun, err := gradingBegun(ctx, tx, sessionID); err != nil {
			return err
		} else if begun {
			return apperr.New(apperr.Conflict, juryFixed)
		}
		var ok int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users u WHERE u.id=? AND u.role='assessor' AND u.external=1 AND u.disabled=0`, userID).Scan(&ok); err != nil {
			return err
		}
		if ok == 0 {
			return apperr.New(apperr.Forbidden, "Seul un compte de professionnel extérieur rejoint un jury par ce formulaire.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_jury(session_id, user_id, position)
			VALUES (?, ?, coalesce((SELECT max(position) FROM eval_jury WHERE session_id=?),0)+1) ON CONFLICT DO NOTHING`, sessionID, userID, sessionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE eval_sessions SET changed_at=CASE WHEN sent_at IS NOT NULL THEN ? ELSE changed_at END WHERE id=?`, stamp(s.now()), sessionID); err != nil {
			return err
		}
		return account.AuditTx(ctx, tx, account.Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: account.ActionLiveSession,
			Target: fmt.Sprintf("session d'épreuve %d (promotion %d)", sessionID, cohortID), Address: address,
			Detail: fmt.Sprintf("membre extérieur ajouté au jury (compte %d)", userID)})
	})
}
