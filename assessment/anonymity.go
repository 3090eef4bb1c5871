package assessment

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// MaskedEvidence stands for a result of a piece hidden from the viewer.
const MaskedEvidence = "Preuve masquée : une version de cette pièce est en évaluation anonyme. Elle sera lisible après la publication du résultat."

// MaskedTitle stands for a piece whose learner is hidden from the viewer.
const MaskedTitle = "Copie en évaluation anonyme"

// HiddenFrom says whether the viewer must not tie this piece to its learner:
// the piece is under anonymous marking (see Piece.Anonymous) and the viewer
// marks (an assessor, or a manager who arbitrates). It holds for every
// version of the piece, on every page, document and export.
func (p Piece) HiddenFrom(viewer account.User) bool {
	return p.Anonymous && viewer.ID != p.LearnerID && marks(viewer)
}

func marks(u account.User) bool { return u.Role == account.Assessor || u.Role == account.Manager }

// LearnerLabel is what the viewer may read of the piece's learner: the name,
// or the copy's pseudonym while the piece is hidden from them.
func (p Piece) LearnerLabel(viewer account.User) (label, value string) {
	if p.HiddenFrom(viewer) {
		return "Copie anonyme", p.Pseudonym
	}
	return "Apprenant", p.LearnerName
}

// For is the progress as the viewer may read it: pieces under anonymous
// marking lose their title and link, their earlier results are masked, so
// that a page naming the learner never names one of their pending pieces.
// The states of the capacities are kept.
func (pr Progress) For(viewer account.User) Progress {
	hidden := map[int64]bool{}
	for _, p := range pr.Pieces {
		if p.HiddenFrom(viewer) {
			hidden[p.ID] = true
		}
	}
	if len(hidden) == 0 {
		return pr
	}
	out := pr
	out.Pieces = maskPieces(pr.Pieces, hidden)
	out.Feedback = nil
	for _, f := range pr.Feedback {
		if !hidden[f.Piece.ID] {
			out.Feedback = append(out.Feedback, f)
		}
	}
	out.Activities = make([]ActivityProgress, len(pr.Activities))
	for i, a := range pr.Activities {
		a.Tasks = append([]TaskProgress(nil), a.Tasks...)
		for j, t := range a.Tasks {
			t.Capacities = append([]CapacityProgress(nil), t.Capacities...)
			for k, c := range t.Capacities {
				c.Pieces = maskPieces(c.Pieces, hidden)
				ev := make([]Evidence, len(c.Evidence))
				for n, e := range c.Evidence {
					if hidden[e.PieceID] {
						e = Evidence{Masked: true}
					}
					ev[n] = e
				}
				c.Evidence = ev
				t.Capacities[k] = c
			}
			a.Tasks[j] = t
		}
		out.Activities[i] = a
	}
	return out
}

func maskPieces(ps []Piece, hidden map[int64]bool) []Piece {
	out := make([]Piece, len(ps))
	for i, p := range ps {
		if hidden[p.ID] {
			p = Piece{Title: MaskedTitle, Status: p.Status, Anonymous: true}
		}
		out[i] = p
	}
	return out
}

// For is the dossier as the viewer may read it (see Progress.For). The
// snapshot and its fingerprint stay those of the whole dossier.
func (d CertificationFile) For(viewer account.User) CertificationFile {
	d.Progress = d.Progress.For(viewer)
	return d
}

// AttachmentName is the file name the viewer may read: the learner's own
// name for the file, or a neutral one while the piece is hidden from them
// (« rapport-ines-bernard.pdf » would name the learner).
func (p Piece) AttachmentName(viewer account.User, a Attachment) string {
	if !p.HiddenFrom(viewer) {
		return a.OriginalName
	}
	ext := ""
	if i := strings.LastIndexByte(a.OriginalName, '.'); i >= 0 && len(a.OriginalName)-i <= 6 {
		ext = strings.ToLower(a.OriginalName[i:])
	}
	return fmt.Sprintf("piece-jointe-%d%s", a.ID, ext)
}

// MaskAttachments renames a version's files for the viewer (AttachmentName).
func (p Piece) MaskAttachments(viewer account.User, as []Attachment) []Attachment {
	if !p.HiddenFrom(viewer) {
		return as
	}
	out := make([]Attachment, len(as))
	for i, a := range as {
		a.OriginalName = p.AttachmentName(viewer, a)
		out[i] = a
	}
	return out
}

// SnapshotFor is a decision's sealed dossier for the viewer. A sealed
// dossier cannot be masked without breaking its fingerprint, so it is
// refused to a marker while it cites a piece hidden from them.
func (s *Service) SnapshotFor(ctx context.Context, viewer account.User, decisionID int64) ([]byte, error) {
	snap, err := s.DecisionSnapshot(ctx, decisionID)
	if err != nil || !marks(viewer) {
		return snap, err
	}
	var sealed struct {
		Learner    int64 `json:"apprenant"`
		Capacities []struct {
			Evidence []struct {
				PieceID int64 `json:"piece"`
			} `json:"preuves"`
		} `json:"capacites"`
	}
	if err := json.Unmarshal(snap, &sealed); err != nil {
		return nil, err
	}
	pieces, err := s.LearnerPieces(ctx, sealed.Learner)
	if err != nil {
		return nil, err
	}
	hidden := map[int64]bool{}
	for _, p := range pieces {
		hidden[p.ID] = p.HiddenFrom(viewer)
	}
	for _, c := range sealed.Capacities {
		for _, e := range c.Evidence {
			if hidden[e.PieceID] {
				return nil, apperr.New(apperr.Conflict, "Ce dossier scellé cite une pièce en cours d'évaluation anonyme : il sera lisible après la publication du résultat.")
			}
		}
	}
	return snap, nil
}
