package document

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/referentiel"
)

// JuryMinutes lays out a cohort's procès-verbal de jury: every candidate
// with the proposal and the decision in force (its outcome, the activities
// validated by name, the date), the jury's members one per line, and the
// signature block. lines is the cohort's jury list.
func JuryMinutes(fw *referentiel.Framework, co account.Cohort, lines []assessment.JuryLine, now time.Time) pdf.Doc {
	decided := 0
	var members []string
	var dates []time.Time
	for _, l := range lines {
		if d := l.Decision; d != nil {
			decided++
			for _, m := range d.Members {
				if !slices.Contains(members, m) {
					members = append(members, m)
				}
			}
			if !slices.ContainsFunc(dates, d.JuryDate.Equal) {
				dates = append(dates, d.JuryDate)
			}
		}
	}
	slices.SortFunc(dates, time.Time.Compare)
	var sessions []string
	for _, d := range dates {
		sessions = append(sessions, french.Date(d))
	}
	doc := pdf.Doc{
		Title:    "Procès-verbal du jury",
		Subtitle: fw.Title,
		Running:  "Procès-verbal du jury — " + co.Name,
		Meta: []pdf.Pair{
			{Label: "Promotion", Value: co.Name + ", du " + french.Date(co.StartsOn) + " au " + french.Date(co.EndsOn)},
			{Label: "Jury", Value: cmp.Or(strings.Join(sessions, ", "), "aucune décision enregistrée")},
			{Label: "Candidats", Value: strconv.Itoa(len(lines)) + ", dont " + strconv.Itoa(decided) + " avec une décision"},
			{Label: "Établi le", Value: french.DateTime(now)},
		},
	}
	names := map[string]string{}
	for _, a := range fw.Activities {
		names[a.ID] = a.ID + " — " + cmp.Or(a.SummaryLabel, a.Summary)
	}
	t := pdf.Table{Caption: "Candidats, proposition et décision en vigueur",
		Header: []string{"Candidat", "Proposition", "Décision du jury", "Activités validées"},
		Widths: []float64{2.4, 1.6, 2, 4}, Align: []pdf.Align{pdf.Left, pdf.Left, pdf.Left, pdf.Left}}
	for _, l := range lines {
		decision, acts := "à enregistrer", "—"
		if d := l.Decision; d != nil {
			decision = d.Outcome.Label() + " (jury du " + french.Date(d.JuryDate) + ")"
			var named []string
			for _, a := range d.Activities {
				named = append(named, cmp.Or(names[a], a))
			}
			if len(named) > 0 {
				acts = strings.Join(named, " ; ")
			}
		}
		t.Rows = append(t.Rows, []string{l.Name + " (" + l.Login + ")", l.Proposal.Outcome.Label(), decision, acts})
	}
	doc.Blocks = append(doc.Blocks, t, pdf.Heading{Level: 1, Text: "Membres du jury"})
	if len(members) == 0 {
		doc.Blocks = append(doc.Blocks, pdf.Paragraph{Text: "Aucune décision enregistrée : les membres seront ceux des décisions."})
	} else {
		doc.Blocks = append(doc.Blocks, pdf.List{Items: members})
	}
	doc.Blocks = append(doc.Blocks,
		pdf.Heading{Level: 1, Text: "Signatures"},
		pdf.Paragraph{Text: "Fait à ............................................, le ............................................"},
		pdf.Paragraph{Text: "Le président ou la présidente du jury (nom et signature) :"},
		pdf.Paragraph{Text: " "},
		pdf.Paragraph{Text: "Les membres du jury (noms et signatures) :"},
	)
	return doc
}
