package assessment

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/casp-cnam/casp/internal/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// attachmentsOf lists a piece's attachments: the draft's (versionID 0) or a
// version's.
func (s *Service) attachmentsOf(ctx context.Context, q querier, pieceID, versionID int64) ([]Attachment, error) {
	query := `SELECT id, piece_id, coalesce(version_id,0), stored_name, original_name, mime, size, sha256, created_at FROM attachments WHERE piece_id=? AND `
	args := []any{pieceID}
	if versionID == 0 {
		query += `version_id IS NULL`
	} else {
		query += `version_id=?`
		args = append(args, versionID)
	}
	return scanAttachments(q.QueryContext(ctx, query+` ORDER BY id`, args...))
}

// scanAttachments reads rows of attachment columns (id, piece, version,
// stored name, original name, type, size, fingerprint, date).
func scanAttachments(rows *sql.Rows, err error) ([]Attachment, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		var at string
		if err := rows.Scan(&a.ID, &a.PieceID, &a.VersionID, &a.StoredName, &a.OriginalName, &a.MIME, &a.Size, &a.SHA256, &at); err != nil {
			return nil, err
		}
		a.CreatedAt = parseStamp(sql.NullString{String: at, Valid: true})
		out = append(out, a)
	}
	return out, rows.Err()
}

// DraftAttachments lists the files joined to a piece's draft.
func (s *Service) DraftAttachments(ctx context.Context, viewer account.User, pieceID int64) ([]Attachment, error) {
	p, err := s.Piece(ctx, viewer, pieceID)
	if err != nil {
		return nil, err
	}
	return s.attachmentsOf(ctx, s.db.Read, p.ID, 0)
}

// AddAttachment checks a file by its content and the learner's quota,
// stores it under a random name outside the web root, and joins it to the
// draft. The original name is kept only for display and download.
func (s *Service) AddAttachment(ctx context.Context, learner account.User, pieceID int64, original string, content []byte) (Attachment, error) {
	p, err := s.ownPiece(ctx, learner, pieceID)
	if err != nil {
		return Attachment{}, err
	}
	if !p.Editable() {
		return Attachment{}, apperr.New(apperr.Conflict, "Cette version est déposée : ses pièces jointes ne peuvent plus changer.")
	}
	kind, err := CheckAttachment(content)
	if err != nil {
		return Attachment{}, apperr.Fields(map[string]string{"fichier": err.Error()})
	}
	var used int64
	if err := s.db.Read.QueryRowContext(ctx, `SELECT coalesce(sum(size),0) FROM (SELECT DISTINCT a.stored_name, a.size FROM attachments a
		JOIN pieces p ON p.id=a.piece_id WHERE p.learner_id=?)`, learner.ID).Scan(&used); err != nil {
		return Attachment{}, err
	}
	if used+int64(len(content)) > AttachmentQuotaBytes {
		return Attachment{}, apperr.Fields(map[string]string{"fichier": fmt.Sprintf(
			"Votre espace de pièces jointes est plein (%s utilisés sur %s) : retirez une pièce jointe d'un brouillon avant d'en ajouter une.",
			frenchSize(used), frenchSize(AttachmentQuotaBytes))})
	}
	name, err := StoredName(kind)
	if err != nil {
		return Attachment{}, err
	}
	if err := os.MkdirAll(s.filesDir, 0o700); err != nil {
		return Attachment{}, err
	}
	if err := os.WriteFile(filepath.Join(s.filesDir, name), content, 0o600); err != nil {
		return Attachment{}, err
	}
	sum := sha256.Sum256(content)
	a := Attachment{PieceID: p.ID, StoredName: name, OriginalName: DownloadName(original, kind), MIME: kind.MIME,
		Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: s.now()}
	res, err := s.db.Write.ExecContext(ctx, `INSERT INTO attachments(piece_id, stored_name, original_name, mime, size, sha256, created_at)
		VALUES (?,?,?,?,?,?,?)`, a.PieceID, a.StoredName, a.OriginalName, a.MIME, a.Size, a.SHA256, stamp(a.CreatedAt))
	if err != nil {
		os.Remove(filepath.Join(s.filesDir, name))
		return Attachment{}, err
	}
	a.ID, _ = res.LastInsertId()
	return a, nil
}

// RemoveAttachment detaches a file from a draft; the file itself is deleted
// once no deposited version refers to it.
func (s *Service) RemoveAttachment(ctx context.Context, learner account.User, pieceID, attachmentID int64) error {
	p, err := s.ownPiece(ctx, learner, pieceID)
	if err != nil {
		return err
	}
	if !p.Editable() {
		return apperr.New(apperr.Conflict, "Cette version est déposée : ses pièces jointes ne peuvent plus changer.")
	}
	var stored string
	var left int
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT stored_name FROM attachments WHERE id=? AND piece_id=? AND version_id IS NULL`, attachmentID, p.ID).Scan(&stored); err != nil {
			if err == sql.ErrNoRows {
				return apperr.New(apperr.NotFound, "Pièce jointe introuvable.")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id=?`, attachmentID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM attachments WHERE stored_name=?`, stored).Scan(&left)
	})
	if err != nil {
		return err
	}
	if left == 0 {
		return os.Remove(filepath.Join(s.filesDir, stored))
	}
	return nil
}

// OpenAttachment returns an attachment the viewer may read, and its path.
func (s *Service) OpenAttachment(ctx context.Context, viewer account.User, pieceID, attachmentID int64) (Attachment, string, error) {
	p, err := s.Piece(ctx, viewer, pieceID)
	if err != nil {
		return Attachment{}, "", err
	}
	var a Attachment
	err = s.db.Read.QueryRowContext(ctx, `SELECT id, piece_id, coalesce(version_id,0), stored_name, original_name, mime, size, sha256
		FROM attachments WHERE id=? AND piece_id=?`, attachmentID, p.ID).
		Scan(&a.ID, &a.PieceID, &a.VersionID, &a.StoredName, &a.OriginalName, &a.MIME, &a.Size, &a.SHA256)
	if err == sql.ErrNoRows {
		return a, "", apperr.New(apperr.NotFound, "Pièce jointe introuvable.")
	}
	if err != nil {
		return a, "", err
	}
	// A draft's files are the learner's own until deposit.
	if a.VersionID == 0 && viewer.ID != p.LearnerID {
		return Attachment{}, "", forbidden()
	}
	return a, filepath.Join(s.filesDir, a.StoredName), nil
}

// frenchSize writes a byte count the French way: « 12,4 Mio », « 850 Kio ».
func frenchSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f Mio", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d Kio", n>>10)
	}
	return fmt.Sprintf("%d octets", n)
}
