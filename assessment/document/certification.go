package document

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/referentiel"
)

// CertificationFile lays out a learner's certification file, as the viewer
// may read it (x, see assessment.CertificationFile.For), for the jury: the
// proposal, the decisions, then each capacity with its evidence, in the
// framework's words. co is the learner's cohort (its zero value: none).
func CertificationFile(fw *referentiel.Framework, learner account.User, co account.Cohort, x assessment.CertificationFile) pdf.Doc {
	pr := x.Progress
	cohort := "aucune"
	if co.ID != 0 {
		cohort = co.Name + ", du " + french.Date(co.StartsOn) + " au " + french.Date(co.EndsOn)
	}
	criteria := fw.CriterionWordings()
	doc := pdf.Doc{
		Title:    "Dossier de certification",
		Subtitle: fw.Title,
		Running:  "Dossier de certification — " + learner.DisplayName,
		Meta: []pdf.Pair{
			{Label: "Candidat", Value: learner.DisplayName + " (" + learner.Login + ")"},
			{Label: "Promotion", Value: cohort},
			{Label: "Capacités acquises", Value: strconv.Itoa(pr.Acquired) + " sur " + strconv.Itoa(pr.Capacities)},
			{Label: "Empreinte du dossier (SHA-256)", Value: x.SHA256, Mono: true},
		},
	}
	add := func(b ...pdf.Block) { doc.Blocks = append(doc.Blocks, b...) }
	add(pdf.Note{Text: "Règle d'acquisition. " + pr.Rule})
	add(pdf.Heading{Level: 1, Text: "Proposition au jury"}, pdf.Paragraph{Text: x.Proposal.Outcome.Label()})
	acts := pdf.Table{Caption: "Une activité est validée quand toutes ses capacités évaluées sont acquises",
		Header: []string{"Activité", "Capacités acquises", "Validation"}, Widths: []float64{6, 1.6, 1.6}, Align: []pdf.Align{pdf.Left, pdf.Right, pdf.Left}}
	for _, a := range x.Proposal.Activities {
		v := "Non validée"
		if a.Validated {
			v = "Validée"
		}
		acts.Rows = append(acts.Rows, []string{a.Activity.ID + " — " + cmp.Or(a.Activity.SummaryLabel, a.Activity.Summary),
			strconv.Itoa(a.Acquired) + " / " + strconv.Itoa(a.Capacities), v})
	}
	add(acts)
	if len(x.Proposal.Blocks) == 0 {
		add(pdf.Note{Text: "Cette version du référentiel ne définit pas de blocs de compétences : la validation partielle porte sur les activités."})
	}
	add(pdf.Heading{Level: 1, Text: "Décisions du jury"})
	if len(x.Decisions) == 0 {
		add(pdf.Paragraph{Text: "Aucune décision enregistrée."})
	}
	for _, dec := range x.Decisions {
		state := "En vigueur"
		if !dec.Current() {
			state = "Rectifiée par la décision n° " + strconv.FormatInt(dec.CorrectedByID, 10)
		}
		pairs := []pdf.Pair{
			{Label: "Décision", Value: dec.Outcome.Label() + " — " + state},
			{Label: "Jury du", Value: french.Date(dec.JuryDate)},
			{Label: "Membres", Value: strings.Join(dec.Members, " ; ")},
		}
		if len(dec.Activities) > 0 {
			pairs = append(pairs, pdf.Pair{Label: "Activités validées", Value: strings.Join(dec.Activities, ", ")})
		}
		if dec.CorrectsID != 0 {
			pairs = append(pairs, pdf.Pair{Label: "Rectifie", Value: "la décision n° " + strconv.FormatInt(dec.CorrectsID, 10)})
		}
		if dec.Comments != "" {
			pairs = append(pairs, pdf.Pair{Label: "Motivation", Value: dec.Comments})
		}
		pairs = append(pairs, pdf.Pair{Label: "Enregistrée", Value: french.DateTime(dec.RecordedAt) + " par " + dec.RecordedBy},
			pdf.Pair{Label: "Dossier scellé", Value: dec.SnapshotSHA256, Mono: true})
		add(pdf.Heading{Level: 2, Text: "Décision n° " + strconv.FormatInt(dec.ID, 10)}, pdf.Fields{Pairs: pairs})
	}
	add(pdf.PageBreak{}, pdf.Heading{Level: 1, Text: "Capacités et preuves"})
	for _, a := range pr.Activities {
		if len(a.Tasks) == 0 {
			continue
		}
		add(pdf.Heading{Level: 2, Text: "Activité " + a.Activity.ID + " — " + cmp.Or(a.Activity.SummaryLabel, a.Activity.Summary) +
			" (" + strconv.Itoa(a.Acquired) + " / " + strconv.Itoa(a.Capacities) + ")"})
		for _, t := range a.Tasks {
			add(pdf.Heading{Level: 3, Text: "Tâche " + t.Task.ID + " — " + cmp.Or(t.Task.TitleLabel, t.Task.Title)})
			for _, cp := range t.Capacities {
				add(pdf.Paragraph{Text: cp.State.Label() + " — " + cp.Capacity.Display() + " (" + cp.Capacity.ID + ")"})
				if len(cp.Evidence) == 0 {
					if len(cp.Pieces) == 0 {
						add(pdf.Note{Text: "Aucune pièce reliée."})
					} else {
						var names []string
						for _, p := range cp.Pieces {
							names = append(names, p.Title+" ("+p.Status.Label()+")")
						}
						add(pdf.Note{Text: "Pièces reliées, sans évaluation publiée : " + strings.Join(names, ", ") + "."})
					}
					continue
				}
				tb := pdf.Table{Header: []string{"Pièce", "Dépôt", "Évaluation", "Niveaux des critères"}, Widths: []float64{2.2, 1.6, 2, 4}}
				for _, e := range cp.Evidence {
					if e.Masked {
						tb.Rows = append(tb.Rows, []string{assessment.MaskedEvidence, "", "", ""})
						continue
					}
					var levels []string
					who := e.Assessors()
					for _, cr := range cp.Criteria {
						if e.HasLevel(cr) {
							levels = append(levels, criteria[cr]+" : "+pr.Settings.LevelLabel(e.Levels[cr]))
						}
					}
					tb.Rows = append(tb.Rows, []string{
						e.Title + "\n" + fw.KindLabel(e.KindID) + ", version " + strconv.Itoa(e.Version),
						french.Date(e.DepositedAt) + "\n" + e.SHA256[:16] + "…",
						strings.TrimSpace(e.Decision.Label() + ", publiée le " + french.Date(e.Released) + "\n" + strings.Join(who, ", ") + "\n" + e.Note()),
						strings.Join(levels, "\n"),
					})
				}
				add(tb)
			}
		}
	}
	return doc
}
