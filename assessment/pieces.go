package assessment

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/text"
	"github.com/casp-cnam/casp/referentiel"
)

const pieceCols = `p.id, p.learner_id, u.display_name, p.cohort_id, p.kind_id, p.title, p.draft, p.draft_saved_at, p.pseudonym,
	p.double_marking, p.status, coalesce(p.latest_version_id,0), p.deposited_at, p.created_at,
	(SELECT count(*) FROM piece_versions v WHERE v.piece_id=p.id),
	coalesce(p.slot_id,0), coalesce((SELECT sl.written_piece_id FROM eval_slots sl WHERE sl.id=p.slot_id),0),
	coalesce(p.group_id,0), coalesce((SELECT g.name FROM learner_groups g WHERE g.id=p.group_id),''), coalesce(p.part_of,0),
	` + anonymousExpr

// anonymousExpr says whether a piece is under anonymous marking: its cohort
// marks anonymously and one of its markings is not published yet (a version
// waiting or in marking, an arbitration, a rectification in progress).
// A live evaluation is never anonymous: the jury sees the candidate.
const anonymousExpr = `(p.slot_id IS NULL AND coalesce((SELECT c.anonymous_marking FROM cohorts c WHERE c.id=p.cohort_id),0)
	AND (p.status IN ('depose','en_evaluation','moderation')
		OR EXISTS (SELECT 1 FROM gradings g JOIN piece_versions pv ON pv.id=g.version_id WHERE pv.piece_id=p.id AND g.state IN ('en_cours','pret'))))`

func scanPiece(row interface{ Scan(...any) error }) (Piece, error) {
	var p Piece
	var saved, created string
	var deposited sql.NullString
	err := row.Scan(&p.ID, &p.LearnerID, &p.LearnerName, &p.CohortID, &p.KindID, &p.Title, &p.Draft, &saved, &p.Pseudonym,
		&p.DoubleMarking, &p.Status, &p.LatestVersionID, &deposited, &created, &p.Versions, &p.SlotID, &p.WrittenPieceID,
		&p.GroupID, &p.GroupName, &p.PartOf, &p.Anonymous)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNoPiece
	}
	p.DraftSavedAt = parseStamp(sql.NullString{String: saved, Valid: true})
	p.CreatedAt = parseStamp(sql.NullString{String: created, Valid: true})
	p.DepositedAt = parseStamp(deposited)
	if p.GroupID != 0 {
		p.LearnerName = "Groupe « " + p.GroupName + " »"
	}
	return p, err
}

// NewPiece is the form to start a piece.
type NewPiece struct {
	KindID string `form:"kind" validate:"required"`
	Title  string `form:"title" validate:"required,max=200"`
}

// Create starts a draft piece for a learner, in their current cohort.
func (s *Service) Create(ctx context.Context, learner account.User, np NewPiece) (Piece, error) {
	if learner.Role != account.Learner {
		return Piece{}, apperr.New(apperr.Forbidden, "Seuls les apprenants constituent un portfolio.")
	}
	np.Title = strings.TrimSpace(np.Title)
	fields := map[string]string{}
	kind, ok := s.framework().Kind(np.KindID)
	if !ok || kind.Live() { // an épreuve is not written by the learner
		fields["kind"] = "Choisissez un type de production dans la liste."
	}
	if np.Title == "" {
		fields["title"] = "Donnez un titre à la pièce."
	} else if len([]rune(np.Title)) > 200 {
		fields["title"] = "Le titre tient en 200 caractères au plus."
	}
	if len(fields) > 0 {
		return Piece{}, apperr.Fields(fields)
	}
	var cohortID int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT m.cohort_id FROM cohort_members m JOIN cohorts c ON c.id=m.cohort_id
		WHERE m.user_id=? AND m.member_role='learner' ORDER BY c.starts_on DESC LIMIT 1`, learner.ID).Scan(&cohortID)
	if errors.Is(err, sql.ErrNoRows) {
		return Piece{}, apperr.New(apperr.Invalid, "Vous n'êtes inscrit dans aucune promotion : demandez à votre responsable de formation de vous inscrire.")
	}
	if err != nil {
		return Piece{}, err
	}
	now := stamp(s.now())
	res, err := s.db.Write.ExecContext(ctx, `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, learner.ID, cohortID, kind.ID, np.Title, starterDraft(kind), now, newPseudonym(), now)
	if err != nil {
		return Piece{}, err
	}
	id, _ := res.LastInsertId()
	if err := s.RefreshLearner(ctx, learner.ID); err != nil {
		return Piece{}, err
	}
	return s.Piece(ctx, learner, id)
}

// starterDraft gives each editor a useful empty document.
func starterDraft(k *referentiel.DeliverableKind) string {
	switch k.Editor {
	case "guide":
		return string(NewGuide().JSON())
	case "cartographie":
		return string(actormap.Map{Actors: []actormap.Actor{}, Relations: []actormap.Relation{}}.JSON())
	}
	return ""
}

// Piece returns a piece the viewer may read.
func (s *Service) Piece(ctx context.Context, viewer account.User, id int64) (Piece, error) {
	p, err := scanPiece(s.db.Read.QueryRowContext(ctx, `SELECT `+pieceCols+` FROM pieces p JOIN users u ON u.id=p.learner_id WHERE p.id=?`, id))
	if err != nil {
		return Piece{}, err
	}
	if p.GroupID != 0 && viewer.Role == account.Learner {
		// A collective part is its group's current members' (its first
		// author's too only while they stay).
		if p.Writer, err = isCurrentMember(ctx, s.db.Read, p.GroupID, viewer.ID); err != nil {
			return Piece{}, err
		}
		if !p.Writer {
			return Piece{}, forbidden()
		}
		return p, nil
	}
	a, err := s.accessTo(ctx, viewer, p.LearnerID, p.CohortID)
	if err != nil {
		return Piece{}, err
	}
	if a == noAccess {
		return Piece{}, forbidden()
	}
	p.Writer = a == ownerAccess
	return p, nil
}

// ownPiece returns a piece only to its owner.
func (s *Service) ownPiece(ctx context.Context, learner account.User, id int64) (Piece, error) {
	p, err := s.Piece(ctx, learner, id)
	if err != nil {
		return p, err
	}
	if !p.Writer || learner.Role != account.Learner {
		return Piece{}, apperr.New(apperr.Forbidden, "Seul l'auteur d'une pièce peut la modifier.")
	}
	return p, nil
}

// LearnerPieces lists a learner's pieces, newest first: their own, and
// the collective parts of the groups they belong to now.
func (s *Service) LearnerPieces(ctx context.Context, learnerID int64) ([]Piece, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Piece, error) { return scanPiece(r) },
		`SELECT `+pieceCols+` FROM pieces p JOIN users u ON u.id=p.learner_id
		WHERE `+learnerPiecesWhere+` ORDER BY p.created_at DESC, p.id DESC`, learnerID)
}

// learnerPiecesWhere selects (on pieces p) the pieces that count for the
// learner ?1.
const learnerPiecesWhere = `((p.learner_id=?1 AND p.group_id IS NULL)
	OR p.group_id IN (SELECT group_id FROM group_members WHERE learner_id=?1 AND left_at IS NULL))`

// Editable tells whether the learner may change the draft.
func (p Piece) Editable() bool { return p.SlotID == 0 && (p.Status == Draft || p.Status == Rework) }

// Live says whether the piece records a live evaluation (an épreuve graded
// by a jury): nobody writes it.
func (p Piece) Live() bool { return p.SlotID != 0 }

// SaveDraft stores the draft as typed, valid or not: nothing typed is lost.
// Validation happens at deposit.
func (s *Service) SaveDraft(ctx context.Context, learner account.User, id int64, title, draft string) error {
	p, err := s.ownPiece(ctx, learner, id)
	if err != nil {
		return err
	}
	if !p.Editable() {
		return apperr.New(apperr.Conflict, "Cette version est déposée : elle ne peut plus être modifiée.")
	}
	if len(draft) > text.MaxBytes {
		return apperr.Fields(map[string]string{"draft": "Le texte dépasse 400 000 caractères : découpez-le ou joignez-le en pièce jointe."})
	}
	title = strings.TrimSpace(title)
	if title == "" {
		title = p.Title
	}
	if len([]rune(title)) > 200 {
		return apperr.Fields(map[string]string{"title": "Le titre tient en 200 caractères au plus."})
	}
	now := stamp(s.now())
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// The checks above read the pool; the write checks again what a
		// request at the same moment may have changed: a deposit, or the
		// writer leaving the group of a collective part.
		res, err := tx.ExecContext(ctx, `UPDATE pieces SET title=?, draft=?, draft_saved_at=? WHERE id=? AND status IN (?,?)
			AND (group_id IS NULL OR EXISTS (SELECT 1 FROM group_members m WHERE m.group_id=pieces.group_id AND m.learner_id=? AND m.left_at IS NULL))`,
			title, draft, now, id, string(Draft), string(Rework), learner.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "La pièce a changé entre-temps (déposée, ou vous avez quitté le groupe) : rechargez la page.")
		}
		if p.GroupID == 0 {
			return nil
		}
		// A collective part counts each member's saves: who wrote what shows.
		_, err = tx.ExecContext(ctx, `INSERT INTO piece_authors(piece_id, user_id, saves, first_at, last_at) VALUES (?,?,1,?,?)
			ON CONFLICT(piece_id, user_id) DO UPDATE SET saves=saves+1, last_at=excluded.last_at`, id, learner.ID, now, now)
		return err
	})
}

// Links returns the capacities a piece is linked to: those its kind
// evidences (FromKind) followed by those the learner added, each with the
// learner's justification.
func (s *Service) Links(ctx context.Context, p Piece) ([]CapacityLink, error) {
	just, err := s.justifications(ctx, `piece_id=?`, p.ID)
	if err != nil {
		return nil, err
	}
	return s.linksOf(p, just[p.ID])
}

// justifications reads the learner-claimed links (capacity → justification)
// of the pieces the condition selects, by piece.
func (s *Service) justifications(ctx context.Context, where string, arg any) (map[int64]map[string]string, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT piece_id, capacity_id, justification FROM piece_links WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[string]string{}
	for rows.Next() {
		var pid int64
		var id, j string
		if err := rows.Scan(&pid, &id, &j); err != nil {
			return nil, err
		}
		if out[pid] == nil {
			out[pid] = map[string]string{}
		}
		out[pid][id] = j
	}
	return out, rows.Err()
}

// linksOf is a piece's links: the capacities its kind evidences, then
// those the learner added, in framework order, with their justifications.
func (s *Service) linksOf(p Piece, just map[string]string) ([]CapacityLink, error) {
	fw := s.framework()
	kind, ok := fw.Kind(p.KindID)
	if !ok {
		return nil, apperr.New(apperr.Invalid, "Type de production inconnu : %s", p.KindID)
	}
	var out []CapacityLink
	seen := map[string]bool{}
	for _, l := range fw.Links(kind) {
		for _, c := range l.Capacities {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, CapacityLink{CapacityID: c.ID, Justification: just[c.ID], FromKind: true})
			}
		}
	}
	for _, t := range fw.Tasks() {
		t.EachCapacity(func(c *referentiel.Item) {
			if _, ok := just[c.ID]; ok && !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, CapacityLink{CapacityID: c.ID, Justification: just[c.ID]})
			}
		})
	}
	return out, nil
}

// LinksInput is the learner's links form: extra capacities and justifications.
type LinksInput struct {
	Capacities     []string
	Justifications map[string]string
}

// SetLinks replaces the learner's extra links and justifications.
func (s *Service) SetLinks(ctx context.Context, learner account.User, id int64, in LinksInput) error {
	p, err := s.ownPiece(ctx, learner, id)
	if err != nil {
		return err
	}
	if !p.Editable() {
		return apperr.New(apperr.Conflict, "Cette version est déposée : ses liens ne peuvent plus être modifiés.")
	}
	fw := s.framework()
	valid := map[string]bool{}
	for _, t := range fw.Tasks() {
		t.EachCapacity(func(c *referentiel.Item) { valid[c.ID] = true })
	}
	keep := map[string]string{}
	for _, c := range in.Capacities {
		if !valid[c] {
			return apperr.Fields(map[string]string{"capacities": "Capacité inconnue : " + c})
		}
		keep[c] = ""
	}
	for c, j := range in.Justifications {
		j = strings.TrimSpace(j)
		if !valid[c] || j == "" {
			continue
		}
		if len([]rune(j)) > 1000 {
			return apperr.Fields(map[string]string{"just-" + c: "La justification tient en 1 000 caractères au plus."})
		}
		keep[c] = j
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM piece_links WHERE piece_id=?`, id); err != nil {
			return err
		}
		for c, j := range keep {
			if _, err := tx.ExecContext(ctx, `INSERT INTO piece_links(piece_id, capacity_id, justification) VALUES (?,?,?)`, id, c, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.RefreshLearner(ctx, learner.ID)
}

// CriteriaFor lists, in framework order, the criteria a set of capacity
// links asks the assessor to grade: every criterion that assesses one of the
// linked capacities.
func CriteriaFor(fw *referentiel.Framework, links []CapacityLink) []string {
	linked := map[string]bool{}
	for _, l := range links {
		linked[l.CapacityID] = true
	}
	var out []string
	for _, t := range fw.Tasks() {
		t.EachCriterion(func(c *referentiel.Criterion) {
			for _, cap := range t.CapacitiesOf(c) {
				if linked[cap.ID] {
					out = append(out, c.ID)
					return
				}
			}
		})
	}
	return out
}

// fingerprint is the SHA-256 of a version's canonical content: kind, title,
// body, and the attachments' own fingerprints, in a fixed JSON layout.
func fingerprint(kind, title, body string, attachments []Attachment) string {
	files := make([]string, 0, len(attachments))
	for _, a := range attachments {
		files = append(files, a.OriginalName+":"+a.SHA256)
	}
	canon, _ := json.Marshal(struct {
		Kind  string   `json:"type"`
		Title string   `json:"titre"`
		Body  string   `json:"contenu"`
		Files []string `json:"fichiers"`
	}{kind, title, body, files})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}
