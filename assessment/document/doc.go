// Package document lays out the documents of the portfolio and of the
// certification as PDF (internal/pdf): a deposited version of a piece, as a
// viewer may read it, and a learner's certification file for the jury. It
// reads the framework's words and the assessment's results; the web
// handlers only send what it returns, and the personal-data export puts the
// same files in its archive.
package document

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/referentiel"
)

// Sources are what the documents are read from.
type Sources struct {
	Assessment *assessment.Service
	Accounts   *account.Service
	Framework  *referentiel.Framework
}

// File is a rendered PDF with its names: Name in ASCII letters, digits and
// dashes, safe in a header or a ZIP (« piece-12-v2-rapport-de-stage.pdf »),
// Title in French (« Rapport de stage — version 2.pdf »).
type File struct {
	Body  []byte
	Name  string
	Title string
}

// VersionPDF renders version n of piece pieceID as viewer may read it. It
// applies the checks of the version page: role, then ownership (a learner)
// or cohort scope (staff) — an apperr Forbidden otherwise; an unknown piece
// or version is an apperr NotFound. A read by anyone but the piece's owner
// is written to the audit log, with address (the client's, "" for the data
// export, which is audited as a whole).
func (src Sources) VersionPDF(ctx context.Context, viewer account.User, pieceID int64, n int, address string) (File, error) {
	piece, err := src.Assessment.Piece(ctx, viewer, pieceID)
	if err != nil {
		return File{}, err
	}
	all, err := src.Assessment.VersionsWithResults(ctx, piece)
	if err != nil {
		return File{}, err
	}
	var vr *assessment.VersionResult
	for i := range all {
		if all[i].Version.Number == n {
			vr = &all[i]
		}
	}
	if vr == nil {
		return File{}, apperr.New(apperr.NotFound, "Version introuvable.")
	}
	settings, err := src.Assessment.Settings(ctx, piece.CohortID)
	if err != nil {
		return File{}, err
	}
	cohort, err := src.Accounts.Cohort(ctx, piece.CohortID)
	if err != nil {
		return File{}, err
	}
	if viewer.ID != piece.LearnerID {
		src.Accounts.AuditLater(account.Entry{ActorID: viewer.ID, ActorLogin: viewer.Login, Action: account.ActionRead,
			SubjectUserID: piece.LearnerID, Target: fmt.Sprintf("pièce %d, version %d (PDF)", piece.ID, n), Address: address})
	}
	vr.Version.Attachments = piece.MaskAttachments(viewer, vr.Version.Attachments)
	var buf bytes.Buffer
	if err := pdf.Render(&buf, Version(src.Framework, viewer, piece, *vr, settings, cohort.Name, time.Now())); err != nil {
		return File{}, err
	}
	v := vr.Version
	name := fmt.Sprintf("piece-%d-v%d", piece.ID, v.Number)
	if slug := Slug(v.Title, 60); slug != "" {
		name += "-" + slug
	}
	title := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '-'
		}
		return r
	}, fmt.Sprintf("%s — version %d.pdf", oneLineText(v.Title), v.Number))
	return File{Body: buf.Bytes(), Name: name + ".pdf", Title: title}, nil
}

// Slug keeps the ASCII letters and digits of s, accents folded, words
// joined by dashes, at most max bytes: a file name's part.
func Slug(s string, max int) string {
	s = strings.NewReplacer("œ", "oe", "Œ", "OE", "æ", "ae", "Æ", "AE", "ß", "ss").Replace(s)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(referentiel.Fold(s)) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.TrimRight(b.String(), "-")
	if len(slug) > max {
		slug = strings.TrimRight(slug[:max], "-")
	}
	return slug
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
