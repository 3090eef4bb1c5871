package assessment

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment/agreement"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/french"
)

// LiveSheet is what a jury member's grading screen shows for a passage.
type LiveSheet struct {
	Session  Session
	Slot     Slot
	Access   SessionAccess
	Member   JuryMember
	Settings Settings
	Criteria []string
	// Role is the member's own grid (premier, second; simple for a jury of
	// one); "" for a member beyond the second, who takes part in the
	// agreement only.
	Role    GradingRole
	Mine    *Grading
	Notes   string
	NotesAt time.Time
	// Others: the other graders' progress (state only: each grades on
	// their own until both grids are ready).
	Others []Grading
	// Agreement: both grids ready, the jury agrees one result. Proposed
	// holds the lower level of the two per criterion, Disagree the criteria
	// where they differ by the threshold or more.
	Agreement bool
	Grids     []Grading
	Proposed  map[string]int
	Disagree  []string
	Agreed    *Grading // the agreed result, once begun
	Result    *Result  // the published result
}

// Editable says whether the member's own grid can still change: not once
// the two grids are compared (the jury then agrees one result), nor once
// the result is published.
func (l LiveSheet) Editable() bool {
	return l.Role != "" && !l.Slot.Attendance.Missed() && (l.Mine == nil || l.Mine.State == Marking || l.Mine.State == Ready) &&
		!l.Agreement && l.Result == nil
}

// comparing says whether both grids of a double grading are complete: the
// comparison is open, and neither grid changes any more.
func comparing(gs []Grading) bool {
	first, second := false, false
	for _, g := range gs {
		if g.State == Withdrawn || g.State == Marking {
			continue
		}
		first = first || g.Role == First
		second = second || g.Role == Second
	}
	return first && second
}

// published says whether a passage's piece has a published grading.
func published(ctx context.Context, q db.Querier, pieceID int64) (bool, error) {
	var yes bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pieces p JOIN gradings g ON g.version_id=p.latest_version_id
		WHERE p.id=? AND g.state='publie')`, pieceID).Scan(&yes)
	return yes, err
}

// roleIn is the grid a jury member keeps: the first two members grade on
// their own; a jury of one grades alone.
func roleIn(se Session, userID int64) GradingRole {
	for _, m := range se.Jury {
		if m.UserID != userID {
			continue
		}
		switch {
		case len(se.Jury) == 1:
			return Single
		case m.Position == 1:
			return First
		case m.Position == 2:
			return Second
		}
	}
	return ""
}

// juryKind is the kind of a session's piece: criteria come from it.
func (s *Service) liveCriteria(kindID string) ([]CapacityLink, []string, error) {
	fw := s.framework()
	kind, ok := fw.Kind(kindID)
	if !ok {
		return nil, nil, apperr.New(apperr.Invalid, "Épreuve inconnue : %s", kindID)
	}
	var links []CapacityLink
	seen := map[string]bool{}
	for _, l := range fw.Links(kind) {
		for _, c := range l.Capacities {
			if !seen[c.ID] {
				seen[c.ID] = true
				links = append(links, CapacityLink{CapacityID: c.ID, FromKind: true})
			}
		}
	}
	return links, CriteriaFor(fw, links), nil
}

// slotOf reads a passage's session and checks that the user sits on its
// jury (or manages it, for reading).
func (s *Service) slotOf(ctx context.Context, q db.Querier, user account.User, slotID int64) (Session, Slot, error) {
	var sid int64
	err := q.QueryRowContext(ctx, `SELECT session_id FROM eval_slots WHERE id=?`, slotID).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Slot{}, apperr.New(apperr.NotFound, "Passage introuvable.")
	}
	if err != nil {
		return Session{}, Slot{}, err
	}
	se, err := s.loadSession(ctx, q, sid)
	if err != nil {
		return se, Slot{}, err
	}
	for _, sl := range se.Slots {
		if sl.ID == slotID {
			return se, sl, nil
		}
	}
	return se, Slot{}, apperr.New(apperr.NotFound, "Passage introuvable.")
}

// LiveSheet loads a passage's sheet for a jury member (or, read only, for
// a manager of the cohort). It writes nothing.
func (s *Service) LiveSheet(ctx context.Context, viewer account.User, slotID int64) (LiveSheet, error) {
	se, sl, err := s.slotOf(ctx, s.db.Read, viewer, slotID)
	if err != nil {
		return LiveSheet{}, err
	}
	sh := LiveSheet{Session: se.For(viewer), Slot: sl.For(viewer)}
	if _, sh.Access, err = s.SessionFor(ctx, viewer, se.ID); err != nil {
		return LiveSheet{}, err
	}
	if se.IsJury(viewer.ID) {
		sh.Access = max(sh.Access, SessionJury)
		for _, m := range se.Jury {
			if m.UserID == viewer.ID {
				sh.Member = m
			}
		}
		sh.Role = roleIn(se, viewer.ID)
	} else if sh.Access != SessionManage {
		return LiveSheet{}, apperr.New(apperr.Forbidden, "Seul le jury de la session évalue ce passage.")
	}
	if sh.Settings, err = s.Settings(ctx, se.CohortID); err != nil {
		return sh, err
	}
	if _, sh.Criteria, err = s.liveCriteria(se.KindID); err != nil {
		return sh, err
	}
	var notes, at string
	err = s.db.Read.QueryRowContext(ctx, `SELECT notes, updated_at FROM eval_notes WHERE slot_id=? AND user_id=?`, slotID, viewer.ID).Scan(&notes, &at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return sh, err
	}
	sh.Notes, sh.NotesAt = notes, parseStamp(sql.NullString{String: at, Valid: at != ""})
	if sl.PieceID == 0 {
		return sh, nil
	}
	var vid int64
	if err := s.db.Read.QueryRowContext(ctx, `SELECT coalesce(latest_version_id,0) FROM pieces WHERE id=?`, sl.PieceID).Scan(&vid); err != nil {
		return sh, err
	}
	gs, err := gradingsOf(ctx, s.db.Read, vid)
	if err != nil {
		return sh, err
	}
	sh.fill(gs, viewer.ID)
	return sh, nil
}

// fill sorts a passage's gradings into the sheet.
func (sh *LiveSheet) fill(gs []Grading, viewerID int64) {
	var first, second *Grading
	for i := range gs {
		g := gs[i]
		switch {
		case g.State == Withdrawn:
			continue
		case g.Role == Third:
			sh.Agreed = &g
		case g.AssessorID == viewerID && g.Role == sh.Role:
			sh.Mine = &g
		default:
			sh.Others = append(sh.Others, g)
		}
		switch g.Role {
		case First:
			first = &g
		case Second:
			second = &g
		}
	}
	m := modeOf(len(sh.Session.Jury) >= 2, true)
	if o := resolve(gs, m, sh.Settings.Discrepancy); o.result != nil {
		sh.Result = o.result
	}
	if first != nil && second != nil && comparing(gs) {
		sh.Agreement = true
		sh.Grids = []Grading{*first, *second}
		_, sh.Disagree = agreement.Discrepant(levelsOf(*first), levelsOf(*second), string(first.Decision), string(second.Decision), sh.Settings.Discrepancy)
		sh.Proposed = map[string]int{}
		for _, c := range sh.Criteria {
			a, b := first.Scores[c].Level, second.Scores[c].Level
			sh.Proposed[c] = min(a, b)
		}
	}
}

// LiveInput is what a jury member's sheet sends.
type LiveInput struct {
	Grading GradingInput
	Notes   string
}

// SaveLiveSheet stores a jury member's notes and grid as typed (the screen
// sends them every few seconds, and on leaving). The first grid of a
// passage creates its piece: one frozen version naming the session, the
// jury and the written piece, whose criteria are the kind's. With ready,
// the grid must be complete. The candidate is then recorded as present.
func (s *Service) SaveLiveSheet(ctx context.Context, member account.User, slotID int64, in LiveInput, ready bool, address string) (LiveSheet, error) {
	in.Notes = strings.TrimSpace(in.Notes)
	if len([]rune(in.Notes)) > 20000 {
		return LiveSheet{}, apperr.Fields(map[string]string{"notes": "Les notes tiennent en 20 000 caractères au plus."})
	}
	var learnerID int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		se, sl, err := s.slotOf(ctx, tx, member, slotID)
		if err != nil {
			return err
		}
		if !se.IsJury(member.ID) {
			return apperr.New(apperr.Forbidden, "Seul le jury de la session évalue ce passage.")
		}
		if se.Kind.Form == "examen" {
			return apperr.New(apperr.Conflict, "Un examen se note sur la page des notes de la session, pas sur une grille.")
		}
		if sl.PieceID != 0 {
			done, err := published(ctx, tx, sl.PieceID)
			if err != nil {
				return err
			}
			if done {
				return apperr.New(apperr.Conflict, "Le résultat de ce passage est publié : la feuille ne se modifie plus.")
			}
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_notes(slot_id, user_id, notes, updated_at) VALUES (?,?,?,?)
			ON CONFLICT(slot_id, user_id) DO UPDATE SET notes=excluded.notes, updated_at=excluded.updated_at`, slotID, member.ID, in.Notes, stamp(now)); err != nil {
			return err
		}
		role := roleIn(se, member.ID)
		if role == "" {
			return nil // notes only
		}
		if sl.Attendance.Missed() {
			if gradingEmpty(in.Grading) {
				return nil
			}
			return apperr.New(apperr.Conflict, "Le candidat est noté %s : il n'y a pas de grille à remplir. Corrigez la présence si besoin.", strings.ToLower(sl.Attendance.Label()))
		}
		if sl.PieceID != 0 {
			var vid int64
			if err := tx.QueryRowContext(ctx, `SELECT latest_version_id FROM pieces WHERE id=?`, sl.PieceID).Scan(&vid); err != nil {
				return err
			}
			gs, err := gradingsOf(ctx, tx, vid)
			if err != nil {
				return err
			}
			if comparing(gs) {
				// The frozen sheet still sends its read-only comments: only
				// a level, a decision or « complete » is a change.
				if ready || gradingChosen(in.Grading) {
					return apperr.New(apperr.Conflict, "Les deux grilles sont complètes et comparées : elles ne se modifient plus. Le jury arrête le résultat commun.")
				}
				return nil // notes only
			}
		}
		st, err := s.settingsFrom(ctx, tx, se.CohortID)
		if err != nil {
			return err
		}
		_, criteria, err := s.liveCriteria(se.KindID)
		if err != nil {
			return err
		}
		if fields := checkGrading(Version{Criteria: criteria}, st, &in.Grading, ready); len(fields) > 0 {
			return apperr.Fields(fields)
		}
		if sl.PieceID == 0 && gradingEmpty(in.Grading) && !ready {
			return nil // notes only: the passage has no grid yet
		}
		pieceID, versionID, err := s.ensureSlotPiece(ctx, tx, se, sl, now)
		if err != nil {
			return err
		}
		learnerID = sl.LearnerID
		var gid int64
		var state MarkingState
		err = tx.QueryRowContext(ctx, `SELECT id, state FROM gradings WHERE version_id=? AND assessor_id=? AND role=? AND state<>'clos'`,
			versionID, member.ID, string(role)).Scan(&gid, &state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO gradings(version_id, assessor_id, role, state, created_at, updated_at) VALUES (?,?,?,?,?,?)`,
				versionID, member.ID, string(role), string(Marking), stamp(now), stamp(now))
			if err != nil {
				return err
			}
			gid, _ = res.LastInsertId()
			state = Marking
			if err := account.AuditTx(ctx, tx, liveEntry(member, sl, se, address, "ouverture de la grille : "+role.Label(), now)); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if state == Released {
			return apperr.New(apperr.Conflict, "Le résultat de ce passage est publié : la grille ne se modifie plus.")
		}
		if err := writeScores(ctx, tx, gid, criteria, in.Grading); err != nil {
			return err
		}
		next := Marking
		if !ready && state == Ready {
			// A complete grid saved again as typed stays complete while it is.
			again := in.Grading
			if len(checkGrading(Version{Criteria: criteria}, st, &again, true)) == 0 {
				next = Ready
			}
		}
		if ready {
			next = Ready
			if err := account.AuditTx(ctx, tx, liveEntry(member, sl, se, address, "grille complète : "+role.Label(), now)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE gradings SET decision=?, feedback=?, state=?, updated_at=? WHERE id=?`,
			string(in.Grading.Decision), in.Grading.Feedback, string(next), stamp(now), gid); err != nil {
			return err
		}
		return refreshStatus(ctx, tx, pieceID)
	})
	if err != nil {
		if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
			sh, lerr := s.LiveSheet(ctx, member, slotID)
			if lerr != nil {
				return LiveSheet{}, lerr
			}
			return sh, err
		}
		return LiveSheet{}, err
	}
	if learnerID != 0 {
		if err := s.RefreshLearner(ctx, learnerID); err != nil {
			return LiveSheet{}, err
		}
	}
	return LiveSheet{}, nil
}

// gradingChosen says whether a grid input sets a level or a decision.
func gradingChosen(in GradingInput) bool {
	for _, l := range in.Levels {
		if l >= 0 {
			return true
		}
	}
	return in.Decision != ""
}

func gradingEmpty(in GradingInput) bool {
	for _, l := range in.Levels {
		if l >= 0 {
			return false
		}
	}
	for _, c := range in.Comments {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return in.Decision == "" && strings.TrimSpace(in.Feedback) == ""
}

// writeScores stores a grid's levels and comments in one statement.
func writeScores(ctx context.Context, tx *sql.Tx, gid int64, criteria []string, in GradingInput) error {
	if len(criteria) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 4*len(criteria))
	for i, c := range criteria {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(?,?,?,?)")
		var level any
		if l, ok := in.Levels[c]; ok && l >= 0 {
			level = l
		}
		args = append(args, gid, c, level, strings.TrimSpace(in.Comments[c]))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO grading_scores(grading_id, criterion_id, level, comment) VALUES `+b.String()+`
		ON CONFLICT(grading_id, criterion_id) DO UPDATE SET level=excluded.level, comment=excluded.comment`, args...)
	return err
}

// ensureSlotPiece returns the passage's piece and version, creating them on
// the first grid: the candidate is then present.
func (s *Service) ensureSlotPiece(ctx context.Context, tx *sql.Tx, se Session, sl Slot, now time.Time) (int64, int64, error) {
	if sl.PieceID != 0 {
		var vid int64
		err := tx.QueryRowContext(ctx, `SELECT latest_version_id FROM pieces WHERE id=?`, sl.PieceID).Scan(&vid)
		return sl.PieceID, vid, err
	}
	links, criteria, err := s.liveCriteria(se.KindID)
	if err != nil {
		return 0, 0, err
	}
	var jury []string
	for _, m := range se.Jury {
		jury = append(jury, m.Name)
	}
	title := se.Kind.Label + " — " + french.Date(sl.StartsAt)
	body := fmt.Sprintf("**%s** — %s.\n\nSession « %s », passage n° %d le %s, %s.\n\nJury : %s.",
		se.Kind.FormLabel(), se.Kind.Label, se.Title, sl.Position, french.DateTime(sl.StartsAt), orDash(firstNonEmpty(se.Place, se.Link)), strings.Join(jury, ", "))
	if sl.WrittenID != 0 {
		body += fmt.Sprintf("\n\nÉcrit associé : « %s ».", sl.WrittenName)
	}
	sum := sha256.Sum256([]byte(se.KindID + "\x00" + title + "\x00" + body))
	double := len(se.Jury) >= 2
	res, err := tx.ExecContext(ctx, `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, double_marking, status, created_at, slot_id)
		VALUES (?,?,?,?,'',?,?,?,'depose',?,?)`, sl.LearnerID, se.CohortID, se.KindID, title, stamp(now), newPseudonym(), double, stamp(now), sl.ID)
	if err != nil {
		return 0, 0, err
	}
	pid, _ := res.LastInsertId()
	lj, _ := json.Marshal(links)
	cj, _ := json.Marshal(criteria)
	res, err = tx.ExecContext(ctx, `INSERT INTO piece_versions(piece_id, number, title, body, links, criteria, sha256, deposited_at) VALUES (?,1,?,?,?,?,?,?)`,
		pid, title, body, string(lj), string(cj), hex.EncodeToString(sum[:]), stamp(sl.StartsAt))
	if err != nil {
		return 0, 0, err
	}
	vid, _ := res.LastInsertId()
	if _, err := tx.ExecContext(ctx, `UPDATE pieces SET latest_version_id=?, deposited_at=? WHERE id=?`, vid, stamp(sl.StartsAt), pid); err != nil {
		return 0, 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE eval_slots SET attendance='present' WHERE id=? AND attendance=''`, sl.ID); err != nil {
		return 0, 0, err
	}
	return pid, vid, nil
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func liveEntry(actor account.User, sl Slot, se Session, address, detail string, at time.Time) account.Entry {
	return account.Entry{At: at, ActorID: actor.ID, ActorLogin: actor.Login, Action: account.ActionGrading, SubjectUserID: sl.LearnerID,
		Target: fmt.Sprintf("passage %d, session d'épreuve %d", sl.ID, se.ID), Address: address, Detail: detail}
}

// AgreeLiveResult records the result the jury agrees for a passage, once
// both grids are complete (a jury of one publishes its grid). Any member
// may enter it; with publish, it must be complete, and the two grids and
// the agreed result are published together: the candidate sees it, and it
// counts in their progress.
func (s *Service) AgreeLiveResult(ctx context.Context, member account.User, slotID int64, in GradingInput, publish bool, address string) (LiveSheet, error) {
	var learnerID int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		se, sl, err := s.slotOf(ctx, tx, member, slotID)
		if err != nil {
			return err
		}
		if !se.IsJury(member.ID) {
			return apperr.New(apperr.Forbidden, "Seul le jury de la session arrête le résultat.")
		}
		if sl.PieceID == 0 {
			return apperr.New(apperr.Conflict, "Aucune grille n'est remplie pour ce passage.")
		}
		learnerID = sl.LearnerID
		var vid int64
		if err := tx.QueryRowContext(ctx, `SELECT latest_version_id FROM pieces WHERE id=?`, sl.PieceID).Scan(&vid); err != nil {
			return err
		}
		gs, err := gradingsOf(ctx, tx, vid)
		if err != nil {
			return err
		}
		now := s.now()
		st, err := s.settingsFrom(ctx, tx, se.CohortID)
		if err != nil {
			return err
		}
		if len(se.Jury) < 2 {
			// A jury of one publishes its own grid.
			for _, g := range gs {
				if g.Role == Single && g.State == Ready {
					return s.releaseLive(ctx, tx, []int64{g.ID}, sl, se, member, address, st, now)
				}
			}
			return apperr.New(apperr.Conflict, "Marquez d'abord votre grille comme complète.")
		}
		sh := LiveSheet{Session: se, Settings: st}
		_, sh.Criteria, err = s.liveCriteria(se.KindID)
		if err != nil {
			return err
		}
		sh.fill(gs, member.ID)
		if sh.Result != nil {
			return apperr.New(apperr.Conflict, "Le résultat de ce passage est déjà publié.")
		}
		if !sh.Agreement {
			return apperr.New(apperr.Conflict, "Les deux grilles du jury doivent être complètes avant d'arrêter le résultat.")
		}
		if fields := checkGrading(Version{Criteria: sh.Criteria}, st, &in, publish); len(fields) > 0 {
			return apperr.Fields(fields)
		}
		gid := int64(0)
		if sh.Agreed != nil {
			gid = sh.Agreed.ID
		} else {
			res, err := tx.ExecContext(ctx, `INSERT INTO gradings(version_id, assessor_id, role, state, created_at, updated_at) VALUES (?,?,'tiers','en_cours',?,?)`,
				vid, member.ID, stamp(now), stamp(now))
			if err != nil {
				return err
			}
			gid, _ = res.LastInsertId()
		}
		if err := writeScores(ctx, tx, gid, sh.Criteria, in); err != nil {
			return err
		}
		state := Marking
		if publish {
			state = Ready
		}
		// The member who records the agreed result signs it.
		if _, err := tx.ExecContext(ctx, `UPDATE gradings SET assessor_id=?, decision=?, feedback=?, state=?, updated_at=? WHERE id=?`,
			member.ID, string(in.Decision), in.Feedback, string(state), stamp(now), gid); err != nil {
			return err
		}
		if !publish {
			return refreshStatus(ctx, tx, sl.PieceID)
		}
		ids := []int64{gid}
		for _, g := range sh.Grids {
			ids = append(ids, g.ID)
		}
		return s.releaseLive(ctx, tx, ids, sl, se, member, address, st, now)
	})
	if err != nil {
		if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
			sh, lerr := s.LiveSheet(ctx, member, slotID)
			if lerr != nil {
				return LiveSheet{}, lerr
			}
			return sh, err
		}
		return LiveSheet{}, err
	}
	return LiveSheet{}, s.RefreshLearner(ctx, learnerID)
}

// releaseLive publishes a passage's gradings in the transaction.
func (s *Service) releaseLive(ctx context.Context, tx *sql.Tx, ids []int64, sl Slot, se Session, member account.User, address string, _ Settings, now time.Time) error {
	in := placeholders(ids)
	if _, err := tx.ExecContext(ctx, `UPDATE gradings SET state='publie', released_at=?, updated_at=? WHERE id IN (`+in+`) AND state IN ('pret','en_cours')`,
		stamp(now), stamp(now)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO cohort_graded_criteria(cohort_id, criterion_id)
		SELECT ?, criterion_id FROM grading_scores WHERE grading_id IN (`+in+`) AND level IS NOT NULL`, se.CohortID); err != nil {
		return err
	}
	if err := account.AuditTx(ctx, tx, liveEntry(member, sl, se, address, "résultat arrêté par le jury et publié", now)); err != nil {
		return err
	}
	return refreshStatus(ctx, tx, sl.PieceID)
}

// SetAttendance records whether the candidate came. An absence (excused
// or not) leaves no result — it is not a fail — and the manager plans
// another passage; it is refused once a grid has begun.
func (s *Service) SetAttendance(ctx context.Context, actor account.User, slotID int64, a Attendance, address string) error {
	if a != Present && a != Absent && a != Excused && a != AttendanceUnknown {
		return apperr.Fields(map[string]string{"attendance": "Choisissez : présent, absent ou absent excusé."})
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		se, sl, err := s.slotOf(ctx, tx, actor, slotID)
		if err != nil {
			return err
		}
		if !se.IsJury(actor.ID) {
			if err := s.sessionAdmin(ctx, tx, actor, se.CohortID); err != nil {
				return apperr.New(apperr.Forbidden, "Seuls le jury et les responsables de la promotion notent la présence.")
			}
		}
		if a.Missed() && sl.PieceID != 0 {
			return apperr.Fields(map[string]string{"attendance": "La notation de ce passage a commencé : le candidat est présent."})
		}
		if a.Missed() && sl.HasMark {
			return apperr.Fields(map[string]string{"attendance": "Une note est saisie pour ce candidat : effacez-la d'abord sur la page des notes, puis notez l'absence."})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE eval_slots SET attendance=? WHERE id=?`, string(a), slotID); err != nil {
			return err
		}
		return account.AuditTx(ctx, tx, liveEntry(actor, sl, se, address, "présence : "+a.Label(), s.now()))
	})
}

// WrittenFor returns the written piece of a passage's candidate, latest
// deposited version, to the session's jury (external members included:
// it is the one piece their account reaches), the cohort's managers and an
// administrator; not to the cohort's other assessors, who would tie an
// anonymous copy of their queue to its learner. The caller shows the
// piece through Piece.LearnerLabel and Piece.HiddenFrom.
func (s *Service) WrittenFor(ctx context.Context, viewer account.User, slotID int64) (Piece, Version, error) {
	se, sl, err := s.slotOf(ctx, s.db.Read, viewer, slotID)
	if err != nil {
		return Piece{}, Version{}, err
	}
	if !se.IsJury(viewer.ID) {
		_, acc, err := s.SessionFor(ctx, viewer, se.ID)
		if err != nil {
			return Piece{}, Version{}, err
		}
		if acc != SessionManage {
			return Piece{}, Version{}, apperr.New(apperr.Forbidden, "Seuls le jury de la session et les responsables de la promotion lisent l'écrit du candidat.")
		}
	}
	if sl.WrittenID == 0 {
		return Piece{}, Version{}, apperr.New(apperr.NotFound, "Aucun écrit déposé n'est associé à ce passage.")
	}
	p, err := scanPiece(s.db.Read.QueryRowContext(ctx, `SELECT `+pieceCols+` FROM pieces p JOIN users u ON u.id=p.learner_id WHERE p.id=?`, sl.WrittenID))
	if err != nil {
		return p, Version{}, err
	}
	v, _, err := s.versionByID(ctx, s.db.Read, p.LatestVersionID)
	if err != nil {
		return p, v, err
	}
	as, err := s.attachmentsOf(ctx, s.db.Read, p.ID, v.ID)
	v.Attachments = p.MaskAttachments(viewer, as)
	return p, v, err
}
