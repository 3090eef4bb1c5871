package assessment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment/agreement"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

// markerRole tells how the user may mark in the cohort: "assessor" (any
// grading), "manager" (arbitration only), or "" (none).
func (s *Service) markerRole(ctx context.Context, q db.Querier, user account.User, cohortID int64) (string, error) {
	if user.Role != account.Assessor && user.Role != account.Manager {
		return "", nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members WHERE cohort_id=? AND user_id=? AND member_role=?`,
		cohortID, user.ID, string(user.Role)).Scan(&n)
	if err != nil || n == 0 {
		return "", err
	}
	return string(user.Role), nil
}

func notYourCohort() error {
	return apperr.New(apperr.Forbidden, "Cette pièce n'appartient pas à une promotion qui vous est confiée.")
}

// StartGrading opens (or resumes) the assessor's grading of a piece's
// latest version. The role follows the marking rules: single marking, first
// or second blind marker, third assessor when the two disagree, or a
// rectification of a released result.
//
// Opening a new grading is audited in the same transaction (address is the
// assessor's); going back to one's grading under way writes nothing.
func (s *Service) StartGrading(ctx context.Context, assessor account.User, pieceID int64, address string) (Grading, error) {
	var gid int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := scanPiece(tx.QueryRowContext(ctx, `SELECT `+pieceCols+` FROM pieces p JOIN users u ON u.id=p.learner_id WHERE p.id=?`, pieceID))
		if err != nil {
			return err
		}
		// Assessors grade; a manager of the cohort may only arbitrate.
		role, err := s.markerRole(ctx, tx, assessor, p.CohortID)
		if err != nil {
			return err
		}
		if role == "" || (role == "manager" && p.Status != Moderation) {
			return notYourCohort()
		}
		if p.LatestVersionID == 0 {
			return apperr.New(apperr.Conflict, "Cette pièce n'a pas encore été déposée.")
		}
		if p.SlotID != 0 {
			return apperr.New(apperr.Conflict, "Cette épreuve s'évalue depuis la feuille de passage de sa session, par son jury.")
		}
		gs, err := gradingsOf(ctx, tx, p.LatestVersionID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			if g.AssessorID == assessor.ID && (g.State == Marking || g.State == Ready) {
				gid = g.ID
				return nil
			}
		}
		next, err := nextRole(p, gs, assessor.ID)
		if err != nil {
			return err
		}
		now := stamp(s.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO gradings(version_id, assessor_id, role, state, created_at, updated_at) VALUES (?,?,?,?,?,?)`,
			p.LatestVersionID, assessor.ID, string(next), string(Marking), now, now)
		if err != nil {
			return err
		}
		gid, _ = res.LastInsertId()
		if err := account.AuditTx(ctx, tx, account.Entry{At: s.now(), ActorID: assessor.ID, ActorLogin: assessor.Login, Action: account.ActionGrading,
			SubjectUserID: p.LearnerID, Target: fmt.Sprintf("pièce %d", p.ID), Address: address, Detail: "ouverture : " + next.Label()}); err != nil {
			return err
		}
		return refreshStatus(ctx, tx, p.ID)
	})
	if err != nil {
		return Grading{}, err
	}
	return s.Grading(ctx, assessor, gid)
}

// nextRole decides which grading the assessor may open on the latest version.
func nextRole(p Piece, gs []Grading, assessorID int64) (GradingRole, error) {
	mine := func(role GradingRole) bool {
		for _, g := range gs {
			if g.AssessorID == assessorID && g.Role == role && g.State != Withdrawn {
				return true
			}
		}
		return false
	}
	taken := func(role GradingRole) string {
		for _, g := range gs {
			if g.Role == role && g.State != Withdrawn {
				return g.AssessorName
			}
		}
		return ""
	}
	switch p.Status {
	case Graded, Rework:
		if taken(Rectification) != "" {
			return "", apperr.New(apperr.Conflict, "Une rectification est déjà en cours sur cette version.")
		}
		return Rectification, nil
	case Moderation:
		if mine(First) || mine(Second) {
			return "", apperr.New(apperr.Conflict, "Vous avez corrigé cette version : l'arbitrage revient à un autre évaluateur.")
		}
		if who := taken(Third); who != "" {
			return "", apperr.New(apperr.Conflict, "L'arbitrage est déjà assuré par %s.", who)
		}
		return Third, nil
	}
	if !p.DoubleMarking {
		if who := taken(Single); who != "" {
			return "", apperr.New(apperr.Conflict, "Cette pièce est déjà en cours de correction par %s.", who)
		}
		return Single, nil
	}
	if mine(First) || mine(Second) {
		return "", apperr.New(apperr.Conflict, "Vous avez déjà corrigé cette version.")
	}
	if taken(First) == "" {
		return First, nil
	}
	if taken(Second) == "" {
		return Second, nil
	}
	return "", apperr.New(apperr.Conflict, "Deux évaluateurs corrigent déjà cette version.")
}

// Grading returns a grading to its assessor, or to a third assessor or
// manager of the cohort (who compare the two blind gradings).
func (s *Service) Grading(ctx context.Context, viewer account.User, id int64) (Grading, error) {
	return gradingFor(ctx, s.db.Read, viewer, id)
}

// gradingFor is Grading read through q (the read pool, or a transaction).
func gradingFor(ctx context.Context, q db.Querier, viewer account.User, id int64) (Grading, error) {
	var versionID int64
	err := q.QueryRowContext(ctx, `SELECT version_id FROM gradings WHERE id=?`, id).Scan(&versionID)
	if errors.Is(err, sql.ErrNoRows) {
		return Grading{}, apperr.New(apperr.NotFound, "Évaluation introuvable.")
	}
	if err != nil {
		return Grading{}, err
	}
	gs, err := gradingsOf(ctx, q, versionID)
	if err != nil {
		return Grading{}, err
	}
	for _, g := range gs {
		if g.ID == id {
			if g.AssessorID != viewer.ID {
				return Grading{}, apperr.New(apperr.Forbidden, "Cette évaluation est celle d'un autre évaluateur.")
			}
			return g, nil
		}
	}
	return Grading{}, apperr.New(apperr.NotFound, "Évaluation introuvable.")
}

// GradingInput is the grading form.
type GradingInput struct {
	Levels   map[string]int // -1: not set
	Comments map[string]string
	Decision Decision
	Feedback string
}

// SaveGrading stores the assessor's levels and comments. With ready, the
// grading must be complete (every criterion, a decision, and feedback when
// the piece is not validated) and moves to « prêt à publier ». It reads the
// grading (its assessor's only), the version and the cohort's rules from
// the read pool and checks the input; then one short write transaction
// writes the scores (one statement), the grading — only if it is still
// open, so a grading published meanwhile is refused, not changed — and the
// audit entry (address is the assessor's). The writer is held for three
// statements, not twenty: at 16 assessors saving at once, nobody waits
// long behind the others. On invalid input nothing is written and it
// returns the grading as it now is, with the errors by field.
func (s *Service) SaveGrading(ctx context.Context, assessor account.User, id int64, in GradingInput, ready bool, address string) (GradingView, error) {
	g, err := gradingFor(ctx, s.db.Read, assessor, id)
	if err != nil {
		return GradingView{}, err
	}
	if g.State == Released || g.State == Withdrawn {
		return GradingView{}, errPublished()
	}
	v, p, err := s.versionByID(ctx, s.db.Read, g.VersionID)
	if err != nil {
		return GradingView{}, err
	}
	st, err := s.settingsFrom(ctx, s.db.Read, p.CohortID)
	if err != nil {
		return GradingView{}, err
	}
	if fields := checkGrading(v, st, &in, ready); len(fields) > 0 {
		gv, err := s.GradingView(ctx, assessor, id)
		if err != nil {
			return GradingView{}, err
		}
		return gv, apperr.Fields(fields)
	}
	state, detail := Marking, "enregistrement"
	if ready {
		state, detail = Ready, "prête à publier"
	}
	return GradingView{}, s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := writeScores(ctx, tx, id, v.Criteria, in); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE gradings SET decision=?, feedback=?, state=?, updated_at=? WHERE id=? AND assessor_id=? AND state IN ('en_cours','pret')`,
			string(in.Decision), in.Feedback, string(state), stamp(s.now()), id, assessor.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errPublished()
		}
		return account.AuditTx(ctx, tx, gradingEntry(assessor, p, v, address, detail, s.now()))
	})
}

// errPublished refuses a change to a published grading.
func errPublished() error {
	return apperr.New(apperr.Conflict, "Cette évaluation est publiée : elle ne peut plus être modifiée. Ouvrez une rectification.")
}

// checkGrading checks a grading form against the version's criteria and the
// cohort's scale; it trims the feedback.
func checkGrading(v Version, st Settings, in *GradingInput, ready bool) map[string]string {
	fields := map[string]string{}
	for _, c := range v.Criteria {
		l, ok := in.Levels[c]
		if ok && (l < -1 || l >= len(st.Levels)) {
			fields["niveau-"+c] = "Choisissez un niveau de l'échelle."
		}
		if ready && (!ok || l < 0) {
			fields["niveau-"+c] = "Choisissez un niveau pour ce critère."
		}
		if len([]rune(in.Comments[c])) > 2000 {
			fields["commentaire-"+c] = "Le commentaire tient en 2 000 caractères au plus."
		}
	}
	in.Feedback = strings.TrimSpace(in.Feedback)
	if in.Decision != "" && in.Decision != Validated && in.Decision != ToRework && in.Decision != NotValidated {
		fields["decision"] = "Choisissez une décision."
	}
	if ready && in.Decision == "" {
		fields["decision"] = "Choisissez une décision d'ensemble."
	}
	if ready && in.Decision != Validated && in.Decision != "" && in.Feedback == "" {
		fields["feedback"] = "Expliquez à l'apprenant ce qu'il doit retravailler."
	}
	if len([]rune(in.Feedback)) > 10000 {
		fields["feedback"] = "Le retour tient en 10 000 caractères au plus."
	}
	return fields
}

// gradingEntry is the audit entry of an action on a grading.
func gradingEntry(assessor account.User, p Piece, v Version, address, detail string, at time.Time) account.Entry {
	return account.Entry{At: at, ActorID: assessor.ID, ActorLogin: assessor.Login, Action: account.ActionGrading, SubjectUserID: p.LearnerID,
		Target: fmt.Sprintf("pièce %d, version %d", p.ID, v.Number), Address: address, Detail: detail}
}

// Release publishes a ready grading. For single marking, a third assessor
// or a rectification, the learner sees it at once; a blind double-marking
// grading counts once its pair is released too, and goes to arbitration if
// the two disagree. A rectification withdraws the result it replaces.
//
// The check, the release and its audit entry (address is the assessor's)
// are one write transaction: two releases at once publish once.
func (s *Service) Release(ctx context.Context, assessor account.User, id int64, address string) error {
	var learnerID, pieceID int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		g, err := gradingFor(ctx, tx, assessor, id)
		if err != nil {
			return err
		}
		if g.State != Ready {
			return apperr.New(apperr.Conflict, "Seule une évaluation complète, prête à publier, peut être publiée.")
		}
		v, p, err := s.versionByID(ctx, tx, g.VersionID)
		if err != nil {
			return err
		}
		if err := account.AuditTx(ctx, tx, gradingEntry(assessor, p, v, address, "publication : "+g.Role.Label(), s.now())); err != nil {
			return err
		}
		now := stamp(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE gradings SET state='publie', released_at=?, updated_at=? WHERE id=? AND state='pret'`, now, now, id); err != nil {
			return err
		}
		if g.Role == Rectification {
			if _, err := tx.ExecContext(ctx, `UPDATE gradings SET supersedes_id=(SELECT max(id) FROM gradings WHERE version_id=? AND id<>? AND state='publie')
				WHERE id=?`, g.VersionID, id, id); err != nil {
				return err
			}
		}
		var cohortID int64
		if err := tx.QueryRowContext(ctx, `SELECT v.piece_id, p.learner_id, p.cohort_id FROM piece_versions v JOIN pieces p ON p.id=v.piece_id WHERE v.id=?`,
			g.VersionID).Scan(&pieceID, &learnerID, &cohortID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO cohort_graded_criteria(cohort_id, criterion_id)
			SELECT ?, criterion_id FROM grading_scores WHERE grading_id=? AND level IS NOT NULL`, cohortID, id); err != nil {
			return err
		}
		return refreshStatus(ctx, tx, pieceID)
	})
	if err != nil {
		return err
	}
	return s.refreshPiece(ctx, pieceID, learnerID)
}

// GradingView is what the grading screen shows.
type GradingView struct {
	Grading  Grading
	Version  Version
	Piece    Piece
	Learner  string // the pseudonym under anonymous marking, until release
	Settings Settings
	// Others are the gradings the assessor may compare with: the two blind
	// gradings for a third assessor, the released result for a rectification.
	Others    []Grading
	Result    *Result
	Disagree  []string
	Anonymous bool // the learner is hidden from the assessor (Piece.HiddenFrom)
	Editable  bool
}

// GradingView loads a grading with its version, for its assessor.
func (s *Service) GradingView(ctx context.Context, assessor account.User, id int64) (GradingView, error) {
	g, err := s.Grading(ctx, assessor, id)
	if err != nil {
		return GradingView{}, err
	}
	v, p, err := s.versionByID(ctx, s.db.Read, g.VersionID)
	if err != nil {
		return GradingView{}, err
	}
	if role, err := s.markerRole(ctx, s.db.Read, assessor, p.CohortID); err != nil {
		return GradingView{}, err
	} else if role == "" {
		return GradingView{}, notYourCohort()
	}
	if v.Attachments, err = s.attachmentsOf(ctx, s.db.Read, p.ID, v.ID); err != nil {
		return GradingView{}, err
	}
	gv := GradingView{Grading: g, Version: v, Piece: p, Learner: p.LearnerName, Editable: g.State == Marking || g.State == Ready}
	if gv.Settings, err = s.Settings(ctx, p.CohortID); err != nil {
		return gv, err
	}
	all, err := gradingsOf(ctx, s.db.Read, v.ID)
	if err != nil {
		return gv, err
	}
	if p.HiddenFrom(assessor) {
		gv.Anonymous, gv.Learner = true, p.Pseudonym
		gv.Version.Attachments = p.MaskAttachments(assessor, gv.Version.Attachments)
	}
	switch g.Role {
	case Third:
		for _, x := range all {
			if (x.Role == First || x.Role == Second) && x.State == Released {
				gv.Others = append(gv.Others, x)
			}
		}
		_, gv.Disagree = agreement.Discrepant(levelsOf(gv.Others[0]), levelsOf(gv.Others[len(gv.Others)-1]),
			string(gv.Others[0].Decision), string(gv.Others[len(gv.Others)-1].Decision), gv.Settings.Discrepancy)
	case Rectification:
		prev := resolve(withoutGrading(all, g.ID), modeOf(p.DoubleMarking, p.SlotID != 0), gv.Settings.Discrepancy)
		gv.Result = prev.result
	}
	return gv, nil
}

func withoutGrading(gs []Grading, id int64) []Grading {
	out := make([]Grading, 0, len(gs))
	for _, g := range gs {
		if g.ID != id {
			out = append(out, g)
		}
	}
	return out
}
