package document

import (
	"time"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf"
)

// ReceiptInfo is what an accusé de dépôt states.
type ReceiptInfo struct {
	Learner string // the learner, or the copy's pseudonym under anonymous marking
	Cohort  string
	Kind    string
	Version assessment.Version
}

// Receipt lays out the accusé de dépôt of a version: who deposited what,
// when (Paris time), and the SHA-256 fingerprints of the text and of each
// attachment.
func Receipt(r ReceiptInfo, now time.Time) pdf.Doc {
	v := r.Version
	meta := []pdf.Pair{{Label: "Apprenant", Value: r.Learner}}
	if r.Cohort != "" {
		meta = append(meta, pdf.Pair{Label: "Promotion", Value: r.Cohort})
	}
	meta = append(meta,
		pdf.Pair{Label: "Pièce", Value: v.Title},
		pdf.Pair{Label: "Type de production", Value: r.Kind},
		pdf.Pair{Label: "Version", Value: french.Number(v.Number)},
		pdf.Pair{Label: "Déposée le", Value: french.DateTime(v.DepositedAt) + " (heure de Paris)"},
		pdf.Pair{Label: "Empreinte SHA-256", Value: v.SHA256, Mono: true},
	)
	for _, a := range v.Attachments {
		meta = append(meta, pdf.Pair{Label: "Pièce jointe", Value: a.OriginalName}, pdf.Pair{Label: "Son empreinte SHA-256", Value: a.SHA256, Mono: true})
	}
	return pdf.Doc{
		Title: "Accusé de dépôt", Subtitle: "casp — " + v.Title, Running: "Accusé de dépôt — " + v.Title + ", version " + french.Number(v.Number),
		Meta: meta, Generated: now,
		Blocks: []pdf.Block{
			pdf.Paragraph{Text: "L'empreinte identifie exactement le contenu déposé : toute modification, même d'une virgule, la changerait. Conservez cet accusé."},
			pdf.Note{Text: "Pour vérifier une pièce jointe, calculez l'empreinte SHA-256 du fichier (par exemple avec « sha256sum » ou « Get-FileHash ») et comparez-la à celle ci-dessus."},
		},
	}
}
