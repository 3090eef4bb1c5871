package document

import (
	"strconv"
	"strings"
	"time"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf"
)

// Convocation is a candidate's convocation to a live evaluation: what,
// when, where, how long, what to bring, the jury; and, when the session
// changed after it was sent, what changed.
func Convocation(c assessment.Convocation, now time.Time) pdf.Doc {
	se, sl := c.Session, c.Slot
	place := se.Place
	if se.Link != "" {
		place = strings.TrimSpace(place + " — à distance : " + se.Link)
	}
	meta := []pdf.Pair{
		{Label: "Candidat", Value: sl.Learner},
		{Label: "Promotion", Value: se.CohortName},
		{Label: "Épreuve", Value: se.Kind.Label + " (" + se.Kind.FormLabel() + ")"},
		{Label: "Date", Value: french.Date(sl.StartsAt)},
		{Label: "Heure de passage", Value: french.Time(sl.StartsAt) + " – " + french.Time(sl.EndsAt) + " (heure de Paris), passage n° " + strconv.Itoa(sl.Position)},
		{Label: "Durée", Value: strconv.Itoa(se.SlotMinutes) + " minutes"},
		{Label: "Lieu", Value: place},
	}
	if se.Bring != "" {
		meta = append(meta, pdf.Pair{Label: "À apporter", Value: se.Bring})
	}
	var jury []string
	for _, m := range se.Jury {
		jury = append(jury, m.Name)
	}
	meta = append(meta, pdf.Pair{Label: "Jury", Value: strings.Join(jury, ", ")})
	if sl.WrittenID != 0 {
		meta = append(meta, pdf.Pair{Label: "Écrit associé", Value: "« " + sl.WrittenName + " », déposé le " + french.Date(sl.WrittenAt)})
	}
	var blocks []pdf.Block
	if len(c.Changes) > 0 {
		blocks = append(blocks, pdf.Heading{Level: 2, Text: "Convocation modifiée le " + french.DateTime(se.ChangedAt)},
			pdf.Paragraph{Text: "Depuis l'envoi de cette convocation, la session a changé :"}, pdf.List{Items: c.Changes})
	}
	blocks = append(blocks, pdf.Heading{Level: 2, Text: "L'épreuve"}, pdf.Paragraph{Text: se.Kind.Description},
		pdf.Note{Text: "Présentez-vous dix minutes avant l'heure de passage. En cas d'empêchement, prévenez le responsable de la formation au plus tôt : une absence excusée conduit à une autre date, ce n'est pas un échec."})
	return pdf.Doc{
		Title: "Convocation", Subtitle: se.Kind.Label + " — " + french.Date(sl.StartsAt), Running: "Convocation — " + sl.Learner + " — " + se.Title,
		Meta: meta, Generated: now, Blocks: blocks,
	}
}
