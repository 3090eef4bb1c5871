package assessment

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment/attachment"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/durable"
	"github.com/casp-cnam/casp/internal/french"
)

// attachmentsOf lists a piece's attachments: the draft's (versionID 0) or a
// version's.
func (s *Service) attachmentsOf(ctx context.Context, q db.Querier, pieceID, versionID int64) ([]Attachment, error) {
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
//
// The file is on disk, synced, before its row commits, and the quota is
// checked in the transaction that inserts the row, so that uploads at once
// cannot together pass it; a refused file is removed.
func (s *Service) AddAttachment(ctx context.Context, learner account.User, pieceID int64, original string, content []byte) (Attachment, error) {
	p, err := s.ownPiece(ctx, learner, pieceID)
	if err != nil {
		return Attachment{}, err
	}
	if !p.Editable() {
		return Attachment{}, apperr.New(apperr.Conflict, "Cette version est déposée : ses pièces jointes ne peuvent plus changer.")
	}
	kind, err := attachment.Check(content)
	if err != nil {
		return Attachment{}, apperr.Fields(map[string]string{"fichier": err.Error()})
	}
	name, err := attachment.StoredName(kind)
	if err != nil {
		return Attachment{}, err
	}
	if err := s.storeFile(name, content); err != nil {
		return Attachment{}, err
	}
	sum := sha256.Sum256(content)
	a := Attachment{PieceID: p.ID, StoredName: name, OriginalName: attachment.DownloadName(original, kind), MIME: kind.MIME,
		Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var used int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(size),0) FROM (SELECT DISTINCT a.stored_name, a.size FROM attachments a
			JOIN pieces p ON p.id=a.piece_id WHERE p.learner_id=?)`, learner.ID).Scan(&used); err != nil {
			return err
		}
		if used+a.Size > attachment.QuotaBytes {
			return apperr.Fields(map[string]string{"fichier": fmt.Sprintf(
				"Votre espace de pièces jointes est plein (%s utilisés sur %s) : retirez une pièce jointe d'un brouillon avant d'en ajouter une.",
				french.Size(used), french.Size(attachment.QuotaBytes))})
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO attachments(piece_id, stored_name, original_name, mime, size, sha256, created_at)
			VALUES (?,?,?,?,?,?,?)`, a.PieceID, a.StoredName, a.OriginalName, a.MIME, a.Size, a.SHA256, stamp(a.CreatedAt))
		if err != nil {
			return err
		}
		a.ID, _ = res.LastInsertId()
		return nil
	})
	if err != nil {
		os.Remove(filepath.Join(s.filesDir, name))
		return Attachment{}, err
	}
	return a, nil
}

// tempSuffix marks a file being written; it never outlives AddAttachment
// but in a crash.
const tempSuffix = ".tmp"

// storedNameRe matches the names StoredName makes, and their temporary
// form.
var storedNameRe = regexp.MustCompile(`^[0-9a-f]{32}\.(?:pdf|odt|docx)(\.tmp)?$`)

// IsStoredName tells a name StoredName could have made.
func IsStoredName(name string) bool {
	m := storedNameRe.FindStringSubmatch(name)
	return m != nil && m[1] == ""
}

// storeFile writes a new file durably: into a temporary file, synced, renamed
// to its name, and the folder synced, so that after a crash a row never
// names a file missing or cut short.
func (s *Service) storeFile(name string, content []byte) error {
	if err := os.MkdirAll(s.filesDir, 0o700); err != nil {
		return err
	}
	final := filepath.Join(s.filesDir, name)
	tmp := final + tempSuffix
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := durable.SyncDir(s.filesDir); err != nil {
		os.Remove(final)
		return err
	}
	return nil
}

// StoredFile is an attachment's file as the database records it.
type StoredFile struct {
	Name   string
	Size   int64
	SHA256 string
}

// StoredFiles lists the files that attachment rows name, each once (a
// draft's row and the rows copied at deposit share a file). q may be another
// database than the service's: a backup's snapshot, a restored copy. A name
// that StoredName could not have made is an error, so that no caller ever
// joins a path from a tampered database.
func StoredFiles(ctx context.Context, q *sql.DB) ([]StoredFile, error) {
	rows, err := q.QueryContext(ctx, `SELECT stored_name, max(size), max(sha256) FROM attachments GROUP BY stored_name ORDER BY stored_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredFile
	for rows.Next() {
		var f StoredFile
		if err := rows.Scan(&f.Name, &f.Size, &f.SHA256); err != nil {
			return nil, err
		}
		if !IsStoredName(f.Name) {
			return nil, fmt.Errorf("nom de fichier de pièce jointe inattendu dans la base : %q", f.Name)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// orphanGrace spares the file of an upload under way, written but whose row
// is not yet committed.
const orphanGrace = 5 * time.Minute

// CleanOrphanFiles removes from the attachments folder the files that no
// row names (left by a crash between writing a file and committing its row,
// or a removal that failed) and leftover temporary files, if older than a
// few minutes; anything not named like an attachment is left alone. It
// returns how many files it removed.
func (s *Service) CleanOrphanFiles(ctx context.Context) (int, error) {
	entries, err := os.ReadDir(s.filesDir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	// File times are the real clock's, whatever the service's.
	cutoff := time.Now().Add(-orphanGrace)
	var old []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !storedNameRe.MatchString(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			old = append(old, e.Name())
		}
	}
	if len(old) == 0 {
		return 0, nil
	}
	files, err := StoredFiles(ctx, s.db.Read)
	if err != nil {
		return 0, err
	}
	named := make(map[string]bool, len(files))
	for _, f := range files {
		named[f.Name] = true
	}
	removed := 0
	var errs []error
	for _, name := range old {
		if named[name] {
			continue
		}
		if err := os.Remove(filepath.Join(s.filesDir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
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
