package document

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/referentiel"
)

// Version is the document of a deposited version as viewer may read it:
// the framework's wording for the piece's kind, the learner (or the copy's
// pseudonym while anonymous marking hides the learner from viewer), the
// cohort, the version, its date and SHA-256 fingerprint, the capacities and
// criteria it claims, its body (a report's Markdown, a guide's structure, an
// actor map's tables), its attachments, and, once released, its grading.
func Version(fw *referentiel.Framework, viewer account.User, piece assessment.Piece, vr assessment.VersionResult, st assessment.Settings, cohort string, now time.Time) pdf.Doc {
	v := vr.Version
	kind, _ := fw.Kind(piece.KindID)
	kindLabel := piece.KindID
	if kind != nil {
		kindLabel = kind.Label
	}
	who, learner := piece.LearnerLabel(viewer)
	result := "En attente d'évaluation"
	switch {
	case vr.Result != nil:
		result = vr.Result.Decision.Label() + ", publié le " + french.Date(vr.Result.ReleasedAt)
	case vr.Moderation:
		result = "En cours d'arbitrage par un troisième évaluateur"
	}
	d := pdf.Doc{
		Title:    v.Title,
		Subtitle: kindLabel,
		Meta: []pdf.Pair{
			{Label: who, Value: learner},
			{Label: "Promotion", Value: cohort},
			{Label: "Version", Value: strconv.Itoa(v.Number)},
			{Label: "Déposée le", Value: french.DateTime(v.DepositedAt) + " (heure de Paris)"},
			{Label: "Empreinte SHA-256", Value: v.SHA256, Mono: true},
			{Label: "Résultat", Value: result},
		},
		Running:   fmt.Sprintf("%s — version %d — %s", oneLineText(v.Title), v.Number, learner),
		Generated: now,
	}
	b := &d.Blocks
	add := func(bl ...pdf.Block) { *b = append(*b, bl...) }

	add(pdf.Heading{Level: 1, Text: "Type de production : " + kindLabel})
	if kind != nil {
		add(pdf.Paragraph{Text: kind.Description})
		var evidences []string
		for _, ev := range kind.Evidences {
			line := "Tâche " + ev.Task
			if t, ok := fw.Task(ev.Task); ok {
				line += " — " + cmp.Or(t.TitleLabel, t.Title)
			}
			evidences = append(evidences, line+" : « "+ev.Quote+" »")
		}
		if len(evidences) > 0 {
			add(pdf.Note{Text: "Modalités d'évaluation du référentiel qui prévoient cette production :"}, pdf.List{Items: evidences})
		}
	}

	add(pdf.Heading{Level: 1, Text: "Capacités et critères visés"})
	var caps [][]string
	for _, l := range v.Links {
		lv := assessment.Linked(fw, l)
		if lv.Capacity == nil {
			continue
		}
		just := l.Justification
		if l.FromKind && just == "" {
			just = "Prévue par le type de production."
		}
		caps = append(caps, []string{lv.Task.ID, lv.Capacity.Display(), just})
	}
	if len(caps) > 0 {
		add(pdf.Table{Caption: "Capacités évaluées", Header: []string{"Tâche", "Capacité", "Justification de l'apprenant"},
			Rows: caps, Widths: []float64{0.7, 3, 2.3}})
	}
	criteria := assessment.CriteriaResults(fw, v.Criteria, vr.Result)
	var crit [][]string
	for _, cv := range criteria {
		crit = append(crit, []string{cv.Task.ID, cv.Criterion.Display()})
	}
	if len(crit) > 0 {
		add(pdf.Table{Caption: "Critères d'évaluation", Header: []string{"Tâche", "Critère"}, Rows: crit, Widths: []float64{0.7, 5.3}})
	}
	if len(caps) == 0 && len(crit) == 0 {
		add(pdf.Paragraph{Text: "Aucune capacité n'est reliée à cette version."})
	}

	add(pdf.PageBreak{}, pdf.Heading{Level: 1, Text: "Contenu déposé"})
	add(bodyBlocks(kind, v.Body)...)
	if len(v.Attachments) > 0 {
		var rows [][]string
		for _, a := range v.Attachments {
			rows = append(rows, []string{a.OriginalName + " (" + fileSize(a.Size) + ")", a.SHA256})
		}
		add(pdf.Heading{Level: 2, Text: "Pièces jointes"},
			pdf.Table{Header: []string{"Fichier", "Empreinte SHA-256"}, Rows: rows, Widths: []float64{1, 2.4}, Mono: []bool{false, true}})
	}

	add(pdf.Heading{Level: 1, Text: "Évaluation"})
	if r := vr.Result; r != nil {
		add(resultBlocks(r, criteria, st)...)
	} else {
		add(pdf.Paragraph{Text: result + " : aucun résultat n'est publié pour cette version."})
	}
	add(pdf.Note{Text: "L'empreinte SHA-256 identifie le contenu déposé : toute modification la changerait. " +
		"Ce document reproduit la version déposée ; les pièces jointes se téléchargent depuis la page de la version."})
	return d
}

// fileSize is « 820 Kio » or « 1,4 Mio ».
func fileSize(n int64) string {
	if n < 1<<20 {
		return french.Number(int((n+1023)/1024)) + "\u00a0Kio"
	}
	return strings.Replace(french.Size(n), " ", "\u00a0", 1)
}

// bodyBlocks is a version's content in the form of its editor.
func bodyBlocks(kind *referentiel.DeliverableKind, body string) []pdf.Block {
	editor := ""
	if kind != nil {
		editor = kind.Editor
	}
	switch editor {
	case "guide":
		g, err := assessment.ParseGuide([]byte(body))
		if err != nil {
			return []pdf.Block{pdf.Paragraph{Text: "Le guide déposé est illisible."}}
		}
		out := []pdf.Block{pdf.Fields{Pairs: []pdf.Pair{
			{Label: "Objectifs", Value: g.Objectives},
			{Label: "Public visé", Value: g.Audience},
			{Label: "Contexte", Value: g.SettingLabel()},
			{Label: "Durée prévue", Value: french.Plural(g.Duration, "minute", "minutes")},
		}}, pdf.Heading{Level: 2, Text: "Déroulé"}}
		for i, ph := range g.Phases {
			out = append(out, pdf.Heading{Level: 3, Text: fmt.Sprintf("%d. %s", i+1, ph.Name)})
			if len(ph.Questions) == 0 {
				out = append(out, pdf.Paragraph{Text: "Aucune question."})
				continue
			}
			var rows [][]string
			for _, q := range ph.Questions {
				rows = append(rows, []string{q.Text, q.Intent})
			}
			out = append(out, pdf.Table{Header: []string{"Question", "Intention"}, Rows: rows, Widths: []float64{1, 1}})
		}
		return append(out,
			pdf.Heading{Level: 2, Text: "Posture professionnelle"}, pdf.Paragraph{Text: g.Posture},
			pdf.Heading{Level: 2, Text: "Confidentialité"}, pdf.Paragraph{Text: g.Confidentiality})
	case "cartographie":
		m, err := actormap.Parse([]byte(body))
		if err != nil {
			return []pdf.Block{pdf.Paragraph{Text: "La cartographie déposée est illisible."}}
		}
		out := []pdf.Block{pdf.Fields{Pairs: []pdf.Pair{
			{Label: "Titre", Value: m.Title}, {Label: "Thématique", Value: m.Theme}, {Label: "Territoire", Value: m.Territory}}},
			pdf.Note{Text: "Le schéma de la cartographie se télécharge en SVG depuis la page de la version ; les tables ci-dessous en donnent tout le contenu."}}
		var actors [][]string
		for _, a := range m.Actors {
			actors = append(actors, []string{a.Name, a.Type, a.Domain.Label()})
		}
		out = append(out, pdf.Table{Caption: fmt.Sprintf("Acteurs (%d)", len(m.Actors)), Header: []string{"Acteur", "Type", "Domaine"},
			Rows: actors, Widths: []float64{2.2, 1.6, 1}})
		var rels [][]string
		for _, r := range m.Relations {
			rels = append(rels, []string{m.ActorName(r.From), m.ActorName(r.To), r.Kind.Label(), r.Direction.Label(), r.Comment})
		}
		return append(out, pdf.Table{Caption: fmt.Sprintf("Relations (%d)", len(m.Relations)),
			Header: []string{"De", "Vers", "Nature", "Sens", "Commentaire"}, Rows: rels, Widths: []float64{1.3, 1.3, 1, 1.4, 1.8}})
	}
	if strings.TrimSpace(body) == "" {
		return []pdf.Block{pdf.Paragraph{Text: "La version déposée est vide."}}
	}
	return []pdf.Block{pdf.Markdown{Source: body, BaseLevel: 2}}
}

// resultBlocks is a released result: decision, assessors, levels by
// criterion with comments, feedback.
func resultBlocks(r *assessment.Result, criteria []assessment.CriterionResult, st assessment.Settings) []pdf.Block {
	var assessors []string
	for _, g := range r.From {
		assessors = append(assessors, g.AssessorName+" — "+g.Role.Label()+", "+french.Date(g.ReleasedAt))
	}
	pairs := []pdf.Pair{
		{Label: "Décision", Value: r.Decision.Label()},
		{Label: "Publiée le", Value: french.Date(r.ReleasedAt)},
		{Label: "Évaluation par", Value: strings.Join(assessors, "\n")},
	}
	if r.Merged {
		pairs = append(pairs, pdf.Pair{Label: "Double correction", Value: "Concordante : le niveau le plus bas des deux est retenu pour chaque critère."})
	}
	out := []pdf.Block{pdf.Fields{Pairs: pairs}}
	var rows [][]string
	for _, cv := range criteria {
		level := "—"
		if cv.HasLevel {
			level = st.LevelLabel(cv.Level)
			if cv.Level >= st.PassLevel {
				level += " (atteint)"
			}
		}
		rows = append(rows, []string{cv.Task.ID, cv.Criterion.Display(), level, strings.Join(cv.Comments, "\n\n")})
	}
	if len(rows) > 0 {
		out = append(out, pdf.Table{Caption: "Niveau atteint par critère (échelle : " + strings.Join(st.Levels, ", ") + ")",
			Header: []string{"Tâche", "Critère d'évaluation", "Niveau", "Commentaire"}, Rows: rows, Widths: []float64{0.6, 2.6, 1.2, 2.6}})
	}
	if len(r.Feedback) > 0 {
		out = append(out, pdf.Heading{Level: 2, Text: "Retour de l'évaluation"})
		for _, f := range r.Feedback {
			out = append(out, pdf.Quote{Text: f})
		}
	}
	return out
}
