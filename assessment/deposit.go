package assessment

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/text"
)

// CheckContent validates a draft for deposit according to its editor;
// messages are keyed by form field.
func CheckContent(editor, body string) map[string]string {
	switch editor {
	case "guide":
		g, err := ParseGuide([]byte(body))
		if err != nil {
			return map[string]string{"draft": "Le guide enregistré est illisible : enregistrez-le de nouveau depuis le formulaire."}
		}
		return g.Validate()
	case "cartographie":
		m, err := actormap.Parse([]byte(body))
		if err != nil {
			return map[string]string{"draft": "La cartographie enregistrée est illisible : enregistrez-la de nouveau depuis le formulaire."}
		}
		f := m.Validate()
		if len(m.Actors) < 2 && f["acteurs"] == "" {
			f["acteurs"] = "Une cartographie compte au moins deux acteurs."
		}
		if len(m.Relations) == 0 && f["relations"] == "" {
			f["relations"] = "Reliez les acteurs par au moins une relation."
		}
		return f
	}
	r, err := text.Render(body)
	if err != nil {
		return map[string]string{"draft": "Le texte dépasse 400 000 caractères : découpez-le ou joignez-le en pièce jointe."}
	}
	if r.Words == 0 {
		return map[string]string{"draft": "Le texte est vide : rédigez la pièce avant de la déposer."}
	}
	return map[string]string{}
}

// Deposit freezes the draft as a new version: content, capacities and
// criteria, attachments, SHA-256 fingerprint and time. The piece enters
// the assessors' queue.
func (s *Service) Deposit(ctx context.Context, learner account.User, id int64) (Version, error) {
	p, err := s.ownPiece(ctx, learner, id)
	if err != nil {
		return Version{}, err
	}
	if !p.Editable() {
		return Version{}, apperr.New(apperr.Conflict, "Cette pièce est déjà déposée : attendez son évaluation.")
	}
	kind, _ := s.framework().Kind(p.KindID)
	if f := CheckContent(kind.Editor, p.Draft); len(f) > 0 {
		return Version{}, apperr.Fields(f)
	}
	links, err := s.Links(ctx, p)
	if err != nil {
		return Version{}, err
	}
	criteria := CriteriaFor(s.framework(), links)
	if len(criteria) == 0 {
		return Version{}, apperr.Fields(map[string]string{"capacities": "Reliez la pièce à au moins une capacité évaluée du référentiel."})
	}
	drafts, err := s.attachmentsOf(ctx, s.db.Read, p.ID, 0)
	if err != nil {
		return Version{}, err
	}
	settings, err := s.Settings(ctx, p.CohortID)
	if err != nil {
		return Version{}, err
	}
	now := s.now()
	v := Version{PieceID: p.ID, Number: p.Versions + 1, Title: p.Title, Body: p.Draft, Links: links, Criteria: criteria,
		SHA256: fingerprint(p.KindID, p.Title, p.Draft, drafts), DepositedAt: now}
	lj, _ := json.Marshal(links)
	cj, _ := json.Marshal(criteria)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO piece_versions(piece_id, number, title, body, links, criteria, sha256, deposited_at)
			VALUES (?,?,?,?,?,?,?,?)`, p.ID, v.Number, v.Title, v.Body, string(lj), string(cj), v.SHA256, stamp(now))
		if err != nil {
			return err
		}
		v.ID, _ = res.LastInsertId()
		for _, a := range drafts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attachments(piece_id, version_id, stored_name, original_name, mime, size, sha256, created_at)
				VALUES (?,?,?,?,?,?,?,?)`, p.ID, v.ID, a.StoredName, a.OriginalName, a.MIME, a.Size, a.SHA256, stamp(a.CreatedAt)); err != nil {
				return err
			}
		}
		double := p.DoubleMarking
		if v.Number == 1 {
			double = settings.Doubles(p.KindID) || drawSample(settings.SamplePercent)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pieces SET latest_version_id=?, deposited_at=?, double_marking=? WHERE id=?`,
			v.ID, stamp(now), double, p.ID); err != nil {
			return err
		}
		return refreshStatus(ctx, tx, p.ID)
	})
	if err != nil {
		return Version{}, err
	}
	v.Attachments = drafts
	return v, s.refreshPiece(ctx, p.ID, p.LearnerID)
}

const versionCols = `id, piece_id, number, title, body, links, criteria, sha256, deposited_at`

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var links, criteria, at string
	if err := row.Scan(&v.ID, &v.PieceID, &v.Number, &v.Title, &v.Body, &links, &criteria, &v.SHA256, &at); err != nil {
		if err == sql.ErrNoRows {
			return v, apperr.New(apperr.NotFound, "Version introuvable.")
		}
		return v, err
	}
	if err := json.Unmarshal([]byte(links), &v.Links); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(criteria), &v.Criteria); err != nil {
		return v, err
	}
	v.DepositedAt = parseStamp(sql.NullString{String: at, Valid: true})
	return v, nil
}

// Versions lists a piece's deposited versions, latest first (the caller has
// already checked access to the piece).
func (s *Service) Versions(ctx context.Context, pieceID int64) ([]Version, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Version, error) { return scanVersion(r) },
		`SELECT `+versionCols+` FROM piece_versions WHERE piece_id=? ORDER BY number DESC`, pieceID)
}

// Version returns one version of a piece the viewer may read, with its
// attachments.
func (s *Service) Version(ctx context.Context, viewer account.User, pieceID int64, number int) (Version, Piece, error) {
	p, err := s.Piece(ctx, viewer, pieceID)
	if err != nil {
		return Version{}, Piece{}, err
	}
	v, err := scanVersion(s.db.Read.QueryRowContext(ctx, `SELECT `+versionCols+` FROM piece_versions WHERE piece_id=? AND number=?`, pieceID, number))
	if err != nil {
		return Version{}, Piece{}, err
	}
	v.Attachments, err = s.attachmentsOf(ctx, s.db.Read, p.ID, v.ID)
	return v, p, err
}

// versionByID loads a version and its piece, without access checks.
func (s *Service) versionByID(ctx context.Context, q db.Querier, versionID int64) (Version, Piece, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, `SELECT `+versionCols+` FROM piece_versions WHERE id=?`, versionID))
	if err != nil {
		return v, Piece{}, err
	}
	p, err := scanPiece(q.QueryRowContext(ctx, `SELECT `+pieceCols+` FROM pieces p JOIN users u ON u.id=p.learner_id WHERE p.id=?`, v.PieceID))
	return v, p, err
}

// VersionResult is a version with its released result, if any.
type VersionResult struct {
	Version Version
	Result  *Result
	// Moderation is true while two blind gradings disagree and a third
	// assessor has not yet settled.
	Moderation bool
}

// VersionsWithResults lists a piece's versions, latest first, each with its
// released result and attachments (the caller has checked access).
func (s *Service) VersionsWithResults(ctx context.Context, p Piece) ([]VersionResult, error) {
	versions, err := s.Versions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(versions))
	for i, v := range versions {
		ids[i] = v.ID
	}
	gs, err := gradingsForVersions(ctx, s.db.Read, ids)
	if err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx, p.CohortID)
	if err != nil {
		return nil, err
	}
	files, err := s.versionAttachments(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	out := make([]VersionResult, len(versions))
	for i, v := range versions {
		v.Attachments = files[v.ID]
		o := resolve(gs[v.ID], modeOf(p.DoubleMarking, p.SlotID != 0), st.Discrepancy)
		out[i] = VersionResult{Version: v, Result: o.result, Moderation: o.moderation}
	}
	return out, nil
}

func (s *Service) versionAttachments(ctx context.Context, pieceID int64) (map[int64][]Attachment, error) {
	all, err := scanAttachments(s.db.Read.QueryContext(ctx, `SELECT id, piece_id, version_id, stored_name, original_name, mime, size, sha256, created_at
		FROM attachments WHERE piece_id=? AND version_id IS NOT NULL ORDER BY id`, pieceID))
	out := map[int64][]Attachment{}
	for _, a := range all {
		out[a.VersionID] = append(out[a.VersionID], a)
	}
	return out, err
}
