package server

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/tabular"
	"github.com/casp-cnam/casp/referentiel"
)

// Spreadsheet exports of a cohort: the heatmap, the released results and
// the assessors' statistics, as CSV (one table, for French Excel) or XLSX
// (every table, one sheet each). The tables are built by exported functions
// so that `casp export` writes the very same files.

// MIME types of the exports.
const (
	mimeCSV  = "text/csv; charset=utf-8"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// exportFormat reads the :format parameter: csv or xlsx, anything else is
// a page that does not exist.
func exportFormat(c *fiber.Ctx) (string, error) {
	switch f := c.Params("format"); f {
	case "csv", "xlsx":
		return f, nil
	}
	return "", apperr.New(apperr.NotFound, "Format d'export inconnu : CSV ou XLSX.")
}

// sendTables writes the first table as CSV, or every table as XLSX, as an
// attachment named after the export, the cohort and the day. The file is
// built in memory first, so an error never sends half a file.
func (s *Server) sendTables(c *fiber.Ctx, format, what string, co account.Cohort, tables ...*tabular.Table) error {
	var buf bytes.Buffer
	name := ExportFileName(what, co.Name, time.Now(), format)
	if format == "csv" {
		if err := tabular.WriteCSV(&buf, tables[0]); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeCSV)
	} else {
		if err := tabular.WriteXLSX(&buf, tabular.Workbook{Title: strings.ToUpper(what[:1]) + what[1:] + " — " + co.Name}, tables...); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store") // personal data
	return c.Send(buf.Bytes())
}

// ExportFileName is a safe file name: « couverture-promotion-2026-2026-03-10.csv »
// (ASCII letters, digits and dashes: the cohort name loses its accents and
// anything that could break a header or a path).
func ExportFileName(what, cohort string, day time.Time, format string) string {
	slug := fileSlug(what+" "+cohort, 80)
	return slug + "-" + day.In(tabular.Paris).Format("2006-01-02") + "." + format
}

// coverageExport is the whole cohort's heatmap.
func (s *Server) coverageExport(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	co, err := s.cohortFor(c, false)
	if err != nil {
		return err
	}
	h, err := s.assess.Heatmap(c.UserContext(), co.ID, assessment.HeatmapFilter{Sort: c.Query("tri"), All: true})
	if err != nil {
		return err
	}
	s.auditRead(c, 0, "export de la couverture de la promotion "+co.Name+" ("+format+")")
	learners, totals := CoverageTables(h)
	return s.sendTables(c, format, "couverture", co, learners, totals)
}

// resultsExport is every released result of the cohort.
func (s *Server) resultsExport(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	co, err := s.cohortFor(c, false)
	if err != nil {
		return err
	}
	rs, err := s.assess.CohortResults(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	rs = assessment.ResultsFor(*currentUser(c), rs)
	s.auditRead(c, 0, "export des résultats de la promotion "+co.Name+" ("+format+")")
	levels, summary := ResultsTables(s.fw, rs)
	if format == "xlsx" {
		return s.sendTables(c, format, "resultats", co, summary, levels)
	}
	return s.sendTables(c, format, "resultats", co, levels)
}

// assessorsExport is the assessors' statistics (an assessor gets their own
// line, as on the page).
func (s *Server) assessorsExport(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	co, w, err := s.workloadFor(c)
	if err != nil {
		return err
	}
	rows, pairs, totals := AssessorTables(w)
	return s.sendTables(c, format, "evaluateurs", co, rows, totals, pairs)
}

// HeatmapJSON is the JSON twin of the coverage page, for `casp export`.
func HeatmapJSON(co account.Cohort, h assessment.Heatmap) fiber.Map { return heatmapJSON(co, h) }

// heatStates are the capacity states in the order of the exports' columns.
var heatStates = []assessment.CapacityState{assessment.CapAcquired, assessment.CapPending, assessment.CapRework, assessment.CapDraft, assessment.CapMissing}

// CoverageTables turns a heatmap (every learner: HeatmapFilter.All) into two
// tables: one line per learner with their totals, risk and the state of
// each capacity in French; and one line per capacity with its counts by
// state over the cohort.
func CoverageTables(h assessment.Heatmap) (learners, totals *tabular.Table) {
	cols := []tabular.Column{tabular.TextCol("Apprenant"), tabular.IntCol("N° apprenant"), tabular.IntCol("Capacités acquises"),
		tabular.IntCol("Capacités en évaluation"), tabular.IntCol("Renvois d'une même pièce (maximum)"), tabular.TextCol("À risque"), tabular.TextCol("Raisons du risque")}
	for _, col := range h.Columns {
		cols = append(cols, tabular.TextCol(col.Capacity.ID))
	}
	learners = tabular.New("Apprenants", cols...)
	for _, r := range h.Rows {
		risk := "non"
		if r.AtRisk {
			risk = "oui"
		}
		row := []any{r.Name, r.LearnerID, r.Acquired, r.Pending, r.Returned, risk, strings.Join(r.Reasons, ", ")}
		for _, st := range r.Cells {
			row = append(row, st.Label())
		}
		learners.Add(row...)
	}
	tcols := []tabular.Column{tabular.TextCol("Capacité"), tabular.TextCol("Tâche"), tabular.TextCol("Libellé")}
	for _, st := range heatStates {
		tcols = append(tcols, tabular.IntCol(st.Label()))
	}
	totals = tabular.New("Totaux", tcols...)
	for _, col := range h.Columns {
		row := []any{col.Capacity.ID, col.Task.ID, col.Capacity.Display()}
		for _, st := range heatStates {
			row = append(row, col.Totals[string(st)])
		}
		totals.Add(row...)
	}
	return learners, totals
}

// ResultsTables lays out released results in a tidy long format: one line
// per result and criterion, the result's columns repeated (levels); and one
// line per result (summary).
func ResultsTables(fw *referentiel.Framework, rs []assessment.CohortResult) (levels, summary *tabular.Table) {
	head := []tabular.Column{tabular.TextCol("Apprenant"), tabular.IntCol("N° apprenant"), tabular.TextCol("Pièce"), tabular.IntCol("N° pièce"),
		tabular.TextCol("Type de production"), tabular.IntCol("Version"), tabular.DateTimeCol("Déposée le"), tabular.DateTimeCol("Publiée le"),
		tabular.TextCol("Évaluateur(s)"), tabular.TextCol("Origine"), tabular.TextCol("Décision")}
	levels = tabular.New("Niveaux", append(append([]tabular.Column{}, head...), tabular.TextCol("Critère"), tabular.TextCol("Libellé du critère"),
		tabular.IntCol("Rang du niveau (1 = le plus bas)"), tabular.TextCol("Niveau"))...)
	summary = tabular.New("Résultats", append(append([]tabular.Column{}, head...), tabular.IntCol("Critères évalués"))...)
	for _, r := range rs {
		common := []any{r.Learner, r.LearnerID, r.Title, r.PieceID, fw.KindLabel(r.KindID), r.Version, r.DepositedAt, r.ReleasedAt,
			strings.Join(r.Assessors, ", "), r.Origin, r.Decision.Label()}
		graded := 0
		for _, l := range r.Levels {
			var rank any
			if l.Level >= 0 {
				rank = l.Level + 1
				graded++
			}
			levels.Add(append(append([]any{}, common...), l.CriterionID, l.Label, rank, l.LevelLabel)...)
		}
		if len(r.Levels) == 0 {
			levels.Add(append(append([]any{}, common...), nil, nil, nil, nil)...)
		}
		summary.Add(append(append([]any{}, common...), graded)...)
	}
	return levels, summary
}

// days is a duration in days, to the hundredth (nil when there is none).
func days(d time.Duration, n int) any {
	if n == 0 {
		return nil
	}
	return math.Round(d.Hours()/24*100) / 100
}

func percent(share float64, n int) any {
	if n == 0 {
		return nil
	}
	return math.Round(share*1000) / 10
}

// AssessorTables lays out the assessors' statistics: one line per assessor,
// the cohort's totals, and the double-marking agreement pair by pair.
func AssessorTables(w assessment.Workload) (assessors, pairs, totals *tabular.Table) {
	cols := []tabular.Column{tabular.TextCol("Évaluateur"), tabular.TextCol("Place dans la promotion"), tabular.IntCol("Évaluations publiées"),
		tabular.IntCol("Évaluations en cours"), tabular.IntCol("Pièces à prendre dans la file"), tabular.IntCol("Pièces qui l'attendent"),
		tabular.DecCol("Attente la plus ancienne (jours)", 2), tabular.DecCol("Attente médiane (jours)", 2),
		tabular.DecCol("Délai médian dépôt → publication (jours)", 2), tabular.IntCol("Évaluations dans le délai médian"),
		tabular.IntCol("Paires de notes en double correction"), tabular.DecCol("Accord exact (%)", 1), tabular.DecCol("Accord à un niveau près (%)", 1),
		tabular.IntCol("Arbitrages")}
	line := func(t *tabular.Table, l assessment.AssessorLoad, place string) {
		t.Add(l.Name, place, l.Released, l.InProgress, l.Queue, l.Waiting, days(l.OldestWait, l.Waiting), days(l.MedianWait, l.Waiting),
			days(l.MedianTurnaround, l.Turnarounds), l.Turnarounds, l.RatingPairs, percent(l.ExactShare, l.RatingPairs),
			percent(l.AdjacentShare, l.RatingPairs), l.Arbitrations)
	}
	assessors = tabular.New("Évaluateurs", cols...)
	seen := map[string]bool{}
	pairs = tabular.New("Accord par paire", tabular.TextCol("Évaluateurs"), tabular.IntCol("Paires de notes"), tabular.DecCol("Accord exact (%)", 1),
		tabular.DecCol("Accord à un niveau près (%)", 1), tabular.DecCol("κ pondéré", 2), tabular.TextCol("Lecture du κ"))
	for _, l := range w.Assessors {
		line(assessors, l, assessorPlace(l))
		for _, p := range l.Partners {
			if seen[p.Key] {
				continue
			}
			seen[p.Key] = true
			var kappa any
			if p.Agreement.KappaDefined {
				kappa = math.Round(p.Agreement.Kappa*100) / 100
			}
			pairs.Add(p.Label, p.Agreement.Pairs, percent(p.Agreement.PercentExact, p.Agreement.Pairs),
				percent(p.Agreement.PercentAdjacent, p.Agreement.Pairs), kappa, p.Agreement.KappaLabel())
		}
	}
	totals = tabular.New("Promotion", cols...)
	line(totals, w.Total, "toute la promotion")
	return assessors, pairs, totals
}

// assessorPlace says why a person is on the assessors' list.
func assessorPlace(l assessment.AssessorLoad) string {
	switch {
	case l.Member:
		return "évaluateur"
	case l.Manager:
		return "responsable (arbitrages)"
	}
	return "ne fait plus partie de l'équipe"
}

// frenchDuration reads a duration in days, or in hours under a day:
// « 3,5 jours », « 1 jour », « 5 h », « moins d'une heure ».
func frenchDuration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "moins d'une heure"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "\u00a0h"
	}
	v := math.Round(d.Hours()/24*10) / 10
	s := strings.TrimSuffix(strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1), ",0")
	if v < 2 {
		return s + "\u00a0jour"
	}
	return s + "\u00a0jours"
}
