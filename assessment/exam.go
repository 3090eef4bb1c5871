package assessment

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/french"
)

// Examinations: a mark out of 20 per candidate, a pass mark (10 at the
// Cnam), a comment; entered by form or imported from a CSV file, then
// published. A published mark becomes the passage's result on the
// criteria the examination covers, by the conversion MarkLevel states.

// ExamMark is a candidate's mark.
type ExamMark struct {
	SlotID    int64
	Mark      float64
	OutOf     int
	PassMark  float64
	Comment   string
	EnteredAt time.Time
	Published bool
}

// ExamSheet is an examination's results table.
type ExamSheet struct {
	Session  Session
	Marks    map[int64]ExamMark // by slot
	PassMark float64
	Settings Settings
	Criteria []string
}

// Entered counts the marks entered; Unpublished those not published yet.
func (e ExamSheet) Entered() int { return len(e.Marks) }

// Unpublished counts the marks entered but not published.
func (e ExamSheet) Unpublished() int {
	n := 0
	for _, m := range e.Marks {
		if !m.Published {
			n++
		}
	}
	return n
}

// Mark returns a slot's mark (for templates).
func (e ExamSheet) Mark(slotID int64) *ExamMark {
	if m, ok := e.Marks[slotID]; ok {
		return &m
	}
	return nil
}

// MarkLevel converts a mark into a level of the cohort's scale: the top
// level from 16/20, the pass level from the pass mark, the level below it
// from half the pass mark, the lowest under that.
func MarkLevel(st Settings, mark, pass float64, outOf int) int {
	top := len(st.Levels) - 1
	switch {
	case mark >= 16*float64(outOf)/20 && mark >= pass:
		return top
	case mark >= pass:
		return st.PassLevel
	case mark >= pass/2:
		return max(0, st.PassLevel-1)
	}
	return 0
}

// ConversionText states the conversion for the UI.
func ConversionText(st Settings, pass float64) string {
	return fmt.Sprintf("Chaque critère couvert par l'examen prend le niveau de la note : « %s » à partir de 16/20, « %s » à partir de la barre (%s/20), « %s » à partir de la moitié de la barre, « %s » en dessous. L'examen est « Validé » à partir de la barre, « Non validé » en dessous ; un absent n'a pas de note, ce n'est pas un échec.",
		st.LevelLabel(len(st.Levels)-1), st.LevelLabel(st.PassLevel), FormatMark(pass), st.LevelLabel(max(0, st.PassLevel-1)), st.LevelLabel(0))
}

// FormatMark writes a mark the French way (12,5).
func FormatMark(m float64) string {
	return strings.Replace(strconv.FormatFloat(m, 'f', -1, 64), ".", ",", 1)
}

// ParseMark reads « 12,5 », « 12.5 » or « 12 » (out of 20).
func ParseMark(s string) (float64, error) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	m, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(m) || m < 0 || m > 20 || math.Round(m*100) != m*100 {
		return 0, errors.New("note invalide")
	}
	return m, nil
}

func (s *Service) examSession(ctx context.Context, viewer account.User, sessionID int64) (Session, error) {
	se, acc, err := s.SessionFor(ctx, viewer, sessionID)
	if err != nil {
		return se, err
	}
	if se.Kind.Form != "examen" {
		return se, apperr.New(apperr.NotFound, "Cette session n'est pas un examen.")
	}
	if acc != SessionManage && acc != SessionJury {
		return se, apperr.New(apperr.Forbidden, "Seuls les correcteurs de l'examen et les responsables de la promotion saisissent les notes.")
	}
	return se, nil
}

// ExamSheet loads an examination's marks for its markers (jury) and the
// cohort's managers.
func (s *Service) ExamSheet(ctx context.Context, viewer account.User, sessionID int64) (ExamSheet, error) {
	se, err := s.examSession(ctx, viewer, sessionID)
	if err != nil {
		return ExamSheet{}, err
	}
	ex := ExamSheet{Session: se, Marks: map[int64]ExamMark{}, PassMark: 10}
	if ex.Settings, err = s.Settings(ctx, se.CohortID); err != nil {
		return ex, err
	}
	if _, ex.Criteria, err = s.liveCriteria(se.KindID); err != nil {
		return ex, err
	}
	ex.Marks, err = examMarks(ctx, s.db.Read, sessionID)
	for _, m := range ex.Marks {
		ex.PassMark = m.PassMark
	}
	return ex, err
}

// examMarks reads a session's marks, by slot.
func examMarks(ctx context.Context, q db.Querier, sessionID int64) (map[int64]ExamMark, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.slot_id, m.mark, m.out_of, m.pass_mark, m.comment, m.entered_at,
		EXISTS (SELECT 1 FROM pieces p JOIN gradings g ON g.version_id=p.latest_version_id WHERE p.slot_id=m.slot_id AND g.state='publie')
		FROM exam_marks m JOIN eval_slots sl ON sl.id=m.slot_id WHERE sl.session_id=?`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]ExamMark{}
	for rows.Next() {
		var m ExamMark
		var at string
		if err := rows.Scan(&m.SlotID, &m.Mark, &m.OutOf, &m.PassMark, &m.Comment, &at, &m.Published); err != nil {
			return nil, err
		}
		m.EnteredAt = parseStamp(sql.NullString{String: at, Valid: true})
		out[m.SlotID] = m
	}
	return out, rows.Err()
}

// ExamEntry is one line of the results form (or of an imported file).
type ExamEntry struct {
	SlotID  int64
	Mark    string // as typed; empty: no mark
	Comment string
}

// SaveExamMarks stores the marks typed (a blank mark removes an
// unpublished one). Every line is checked first: on any error nothing is
// written and the errors come back by field (note-<slot>, barre).
func (s *Service) SaveExamMarks(ctx context.Context, actor account.User, sessionID int64, pass string, entries []ExamEntry, address string) error {
	se, err := s.examSession(ctx, actor, sessionID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	passMark, err := ParseMark(pass)
	if err != nil || passMark <= 0 {
		fields["barre"] = "La barre est une note de 0,5 à 20 (10 à l'université)."
	}
	slots := map[int64]Slot{}
	for _, sl := range se.Slots {
		slots[sl.ID] = sl
	}
	type line struct {
		e    ExamEntry
		mark float64
	}
	var lines []line
	for _, e := range entries {
		sl, ok := slots[e.SlotID]
		if !ok {
			return apperr.New(apperr.Invalid, "Candidat inconnu dans cet examen.")
		}
		key := fmt.Sprintf("note-%d", e.SlotID)
		e.Comment = strings.TrimSpace(e.Comment)
		if len([]rune(e.Comment)) > 2000 {
			fields["commentaire-"+strconv.FormatInt(e.SlotID, 10)] = "Le commentaire tient en 2 000 caractères au plus."
		}
		if strings.TrimSpace(e.Mark) == "" {
			lines = append(lines, line{e: e, mark: -1})
			continue
		}
		if sl.Attendance.Missed() {
			fields[key] = "Candidat noté absent : pas de note. Corrigez d'abord la présence."
			continue
		}
		m, err := ParseMark(e.Mark)
		if err != nil {
			fields[key] = "Une note de 0 à 20, avec au plus deux décimales (12,5)."
			continue
		}
		lines = append(lines, line{e: e, mark: m})
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		n := 0
		for _, l := range lines {
			var published bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pieces p JOIN gradings g ON g.version_id=p.latest_version_id
				WHERE p.slot_id=? AND g.state='publie')`, l.e.SlotID).Scan(&published); err != nil {
				return err
			}
			if published {
				continue // a published mark changes only by rectification
			}
			if l.mark < 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM exam_marks WHERE slot_id=?`, l.e.SlotID); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO exam_marks(slot_id, mark, out_of, pass_mark, comment, entered_by, entered_at) VALUES (?,?,20,?,?,?,?)
				ON CONFLICT(slot_id) DO UPDATE SET mark=excluded.mark, pass_mark=excluded.pass_mark, comment=excluded.comment,
				entered_by=excluded.entered_by, entered_at=excluded.entered_at`, l.e.SlotID, l.mark, passMark, l.e.Comment, actor.ID, stamp(now)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE eval_slots SET attendance='present' WHERE id=? AND attendance=''`, l.e.SlotID); err != nil {
				return err
			}
			n++
		}
		if _, err := tx.ExecContext(ctx, `UPDATE exam_marks SET pass_mark=? WHERE slot_id IN (SELECT id FROM eval_slots WHERE session_id=?)
			AND NOT EXISTS (SELECT 1 FROM pieces p JOIN gradings g ON g.version_id=p.latest_version_id WHERE p.slot_id=exam_marks.slot_id AND g.state='publie')`,
			passMark, sessionID); err != nil {
			return err
		}
		return account.AuditTx(ctx, tx, account.Entry{At: now, ActorID: actor.ID, ActorLogin: actor.Login, Action: account.ActionGrading,
			Target: fmt.Sprintf("examen, session d'épreuve %d", sessionID), Address: address, Detail: fmt.Sprintf("%d note(s) saisie(s)", n)})
	})
}

// PublishExamMarks publishes every entered mark not yet published: each
// becomes the passage's result (levels by MarkLevel, « Validé » from the
// pass mark), which the candidate sees and which counts in their progress.
// An absent candidate gets no result (an absence is not a fail: their
// attendance says « absent »); an examination not yet sat is not published.
func (s *Service) PublishExamMarks(ctx context.Context, actor account.User, sessionID int64, address string) (int, error) {
	ex, err := s.ExamSheet(ctx, actor, sessionID)
	if err != nil {
		return 0, err
	}
	if now := s.now(); ex.Session.StartsAt.After(now) {
		return 0, apperr.New(apperr.Conflict, "L'examen a lieu le %s : ses notes se publient une fois l'épreuve passée.", french.DateTime(ex.Session.StartsAt))
	}
	var learners []int64
	n := 0
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		// Read the passages and the marks in the writing transaction: two
		// publications at once publish once, and a mark or an attendance
		// changed meanwhile is the one published.
		fresh, err := s.loadSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		marks, err := examMarks(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		for _, sl := range fresh.Slots {
			m, ok := marks[sl.ID]
			if !ok || sl.Attendance.Missed() {
				continue
			}
			var published bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pieces p JOIN gradings g ON g.version_id=p.latest_version_id
				WHERE p.slot_id=? AND g.state='publie')`, sl.ID).Scan(&published); err != nil {
				return err
			}
			if published {
				continue
			}
			pieceID, versionID, err := s.ensureSlotPiece(ctx, tx, ex.Session, sl, now)
			if err != nil {
				return err
			}
			decision := Validated
			if m.Mark < m.PassMark {
				decision = NotValidated
			}
			feedback := fmt.Sprintf("Note : %s/20 (barre : %s/20).", FormatMark(m.Mark), FormatMark(m.PassMark))
			if m.Comment != "" {
				feedback += "\n\n" + m.Comment
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO gradings(version_id, assessor_id, role, state, decision, feedback, created_at, updated_at, released_at)
				VALUES (?,?,'simple','publie',?,?,?,?,?)`, versionID, actor.ID, string(decision), feedback, stamp(now), stamp(now), stamp(now))
			if err != nil {
				return err
			}
			gid, _ := res.LastInsertId()
			level := MarkLevel(ex.Settings, m.Mark, m.PassMark, m.OutOf)
			in := GradingInput{Levels: map[string]int{}}
			for _, c := range ex.Criteria {
				in.Levels[c] = level
			}
			if err := writeScores(ctx, tx, gid, ex.Criteria, in); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO cohort_graded_criteria(cohort_id, criterion_id)
				SELECT ?, criterion_id FROM grading_scores WHERE grading_id=? AND level IS NOT NULL`, ex.Session.CohortID, gid); err != nil {
				return err
			}
			if err := refreshStatus(ctx, tx, pieceID); err != nil {
				return err
			}
			learners = append(learners, sl.LearnerID)
			n++
		}
		if n == 0 {
			return apperr.New(apperr.Conflict, "Aucune note saisie n'attend d'être publiée.")
		}
		return account.AuditTx(ctx, tx, account.Entry{At: now, ActorID: actor.ID, ActorLogin: actor.Login, Action: account.ActionGrading,
			Target: fmt.Sprintf("examen, session d'épreuve %d", sessionID), Address: address, Detail: fmt.Sprintf("%d note(s) publiée(s)", n)})
	})
	if err != nil {
		return 0, err
	}
	for _, l := range learners {
		if err := s.RefreshLearner(ctx, l); err != nil {
			return n, err
		}
	}
	return n, nil
}

// ExamImportLine is one line of an imported file as the preview shows it.
type ExamImportLine struct {
	Line    int
	Who     string // as written in the file
	SlotID  int64  // 0: no candidate matches
	Learner string
	Mark    string
	Comment string
	Problem string
}

// ParseExamCSV reads a results file: one line per candidate, « identifiant;
// note;commentaire » (a header line is allowed; comma or semicolon; the
// candidate by login or by full name). It matches each line to a passage
// of the session; lines that match none, or twice, are reported.
func ParseExamCSV(r io.Reader, se Session) ([]ExamImportLine, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, err
	}
	if len(data) > 1<<20 {
		return nil, apperr.Fields(map[string]string{"fichier": "Le fichier dépasse 1 Mio : un examen tient en quelques centaines de lignes."})
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	sep := ';'
	if first, _, _ := strings.Cut(text, "\n"); !strings.Contains(first, ";") && strings.Contains(first, ",") {
		sep = ','
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma, cr.FieldsPerRecord, cr.TrimLeadingSpace = sep, -1, true
	byLogin, byName := map[string]Slot{}, map[string][]Slot{}
	for _, sl := range se.Slots {
		byLogin[strings.ToLower(sl.Login)] = sl
		byName[french.Fold(sl.Learner)] = append(byName[french.Fold(sl.Learner)], sl)
	}
	var out []ExamImportLine
	seen := map[int64]int{}
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, apperr.Fields(map[string]string{"fichier": fmt.Sprintf("Ligne %d illisible : enregistrez le fichier au format CSV (UTF-8, séparateur point-virgule).", n)})
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		who := strings.TrimSpace(rec[0])
		l := ExamImportLine{Line: n, Who: who}
		if len(rec) > 1 {
			l.Mark = strings.TrimSpace(rec[1])
		}
		if len(rec) > 2 {
			l.Comment = strings.TrimSpace(rec[2])
		}
		if n == 1 && (french.Fold(who) == "identifiant" || french.Fold(who) == "candidat" || french.Fold(who) == "login") {
			continue // the header
		}
		sl, ok := byLogin[strings.ToLower(who)]
		homonyms := 0
		if !ok {
			// A name two candidates share names neither: the line is
			// refused rather than given to the first one.
			if same := byName[french.Fold(who)]; len(same) == 1 {
				sl, ok = same[0], true
			} else {
				homonyms = len(same)
			}
		}
		switch {
		case homonyms > 1:
			l.Problem = fmt.Sprintf("Ligne %d : %d candidats de cet examen s'appellent « %s » ; indiquez l'identifiant de connexion du candidat au lieu de son nom : ligne ignorée.", n, homonyms, who)
		case !ok:
			l.Problem = "Aucun candidat de cet examen ne porte cet identifiant ou ce nom : ligne ignorée."
		case seen[sl.ID] > 0:
			l.Problem = fmt.Sprintf("Candidat déjà présent ligne %d : ligne ignorée.", seen[sl.ID])
		default:
			l.SlotID, l.Learner = sl.ID, sl.Learner
			seen[sl.ID] = n
			if _, err := ParseMark(l.Mark); err != nil && l.Mark != "" {
				l.Problem = "Note illisible : une note de 0 à 20 (12,5). Corrigez-la dans le formulaire avant d'enregistrer."
			}
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, apperr.Fields(map[string]string{"fichier": "Le fichier ne contient aucune ligne de note."})
	}
	return out, nil
}
