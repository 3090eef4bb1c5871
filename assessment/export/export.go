// Package export lays out a cohort's data as tables and documents for the
// exports: the heatmap (CSV, XLSX, JSON), the released results and the
// assessors' statistics. The web exports and `casp export` write the very
// same files from these functions.
package export

import (
	"math"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/tabular"
	"github.com/casp-cnam/casp/referentiel"
)

// HeatmapDoc is the JSON twin of the coverage page (the fields in the
// order of their names, as the API has always written them).
type HeatmapDoc struct {
	Learners int          `json:"apprenants"`
	Columns  []HeatColumn `json:"colonnes"`
	Rows     []HeatRow    `json:"lignes"`
	Page     int          `json:"page"`
	Pages    int          `json:"pages"`
	Cohort   CohortRef    `json:"promotion"`
	Sort     string       `json:"tri"`
}

// CohortRef names a cohort.
type CohortRef struct {
	ID   int64  `json:"id"`
	Name string `json:"nom"`
}

// HeatColumn is a capacity of the framework and its counts by state.
type HeatColumn struct {
	Capacity string         `json:"capacite"`
	Label    string         `json:"libelle"`
	Task     string         `json:"tache"`
	Totals   map[string]int `json:"totaux"`
}

// HeatRow is a learner: totals, risk and the state of each capacity.
type HeatRow struct {
	AtRisk    bool     `json:"a_risque"`
	Acquired  int      `json:"acquises"`
	LearnerID int64    `json:"apprenant"`
	Cells     []string `json:"cellules"`
	Pending   int      `json:"en_evaluation"`
	Name      string   `json:"nom"`
	Reasons   []string `json:"raisons"`
	Returned  int      `json:"renvois"`
}

// Heatmap gives the JSON document of a cohort's heatmap.
func Heatmap(co account.Cohort, h assessment.Heatmap) HeatmapDoc {
	doc := HeatmapDoc{Learners: h.Learners, Page: h.Page, Pages: h.Pages, Sort: h.Sort, Cohort: CohortRef{co.ID, co.Name},
		Columns: make([]HeatColumn, len(h.Columns)), Rows: make([]HeatRow, len(h.Rows))}
	for i, c := range h.Columns {
		totals := make(map[string]int, len(c.Totals))
		for st, n := range c.Totals {
			totals[st] = n
		}
		doc.Columns[i] = HeatColumn{Capacity: c.Capacity.ID, Task: c.Task.ID, Label: c.Capacity.Display(), Totals: totals}
	}
	for i, r := range h.Rows {
		cells := make([]string, len(r.Cells))
		for j, st := range r.Cells {
			cells[j] = string(st)
		}
		reasons := r.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		doc.Rows[i] = HeatRow{LearnerID: r.LearnerID, Name: r.Name, Acquired: r.Acquired, Pending: r.Pending,
			Returned: r.Returned, AtRisk: r.AtRisk, Reasons: reasons, Cells: cells}
	}
	return doc
}

// heatStates are the capacity states in the order of the exports' columns.
var heatStates = []assessment.CapacityState{assessment.CapAcquired, assessment.CapPending, assessment.CapRework, assessment.CapDraft, assessment.CapMissing}

// CoverageTables turns a heatmap (every learner: HeatmapFilter.All) into two
// tables: one line per learner with their totals, risk and the state of
// each capacity in French; and one line per capacity with its counts by
// state over the cohort.
func CoverageTables(h assessment.Heatmap) (learners, totals *tabular.Table) {
	cols := []tabular.Column{tabular.TextCol("Apprenant"), tabular.TextCol("Identifiant"), tabular.IntCol("N° apprenant"), tabular.IntCol("Capacités acquises"),
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
		row := []any{r.Name, r.Login, r.LearnerID, r.Acquired, r.Pending, r.Returned, risk, strings.Join(r.Reasons, ", ")}
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
//
// each hands its function the results in order (EachCohortResult, or a
// slice's); the tables call it each time they are read.
//
// fill fills both tables in one pass of each (tabular.SpoolFilled): index 0
// is levels, 1 summary.
func ResultsTables(fw *referentiel.Framework, each func(func(assessment.CohortResult) error) error) (levels, summary *tabular.Table,
	fill func(emit func(int, ...any) error) error) {
	head := []tabular.Column{tabular.TextCol("Apprenant"), tabular.TextCol("Identifiant"), tabular.IntCol("N° apprenant"), tabular.TextCol("Pièce"), tabular.IntCol("N° pièce"),
		tabular.TextCol("Type de production"), tabular.IntCol("Version"), tabular.DateTimeCol("Déposée le"), tabular.DateTimeCol("Publiée le"),
		tabular.TextCol("Évaluateur(s)"), tabular.TextCol("Origine"), tabular.TextCol("Décision")}
	levels = tabular.New("Niveaux", append(append([]tabular.Column{}, head...), tabular.TextCol("Critère"), tabular.TextCol("Libellé du critère"),
		tabular.IntCol("Rang du niveau (1 = le plus bas)"), tabular.TextCol("Niveau"))...)
	summary = tabular.New("Résultats", append(append([]tabular.Column{}, head...), tabular.IntCol("Critères évalués"))...)
	// One line per level: 150,000 lines for 1,000 learners × 30 pieces,
	// produced as they are written, never held.
	common := func(r assessment.CohortResult, row []any) []any {
		return append(row, r.Learner, r.Login, r.LearnerID, r.Title, r.PieceID, fw.KindLabel(r.KindID), r.Version, r.DepositedAt, r.ReleasedAt,
			strings.Join(r.Assessors, ", "), r.Origin, r.Decision.Label())
	}
	levelRows := func(r assessment.CohortResult, row []any, yield func(...any) error) error {
		for _, l := range r.Levels {
			var rank any
			if l.Level >= 0 {
				rank = l.Level + 1
			}
			if err := yield(append(common(r, row[:0]), l.CriterionID, l.Label, rank, l.LevelLabel)...); err != nil {
				return err
			}
		}
		if len(r.Levels) == 0 {
			return yield(append(common(r, row[:0]), nil, nil, nil, nil)...)
		}
		return nil
	}
	summaryRow := func(r assessment.CohortResult, row []any, yield func(...any) error) error {
		graded := 0
		for _, l := range r.Levels {
			if l.Level >= 0 {
				graded++
			}
		}
		return yield(append(common(r, row[:0]), graded)...)
	}
	levels.Source = func(yield func(...any) error) error {
		row := make([]any, 0, len(levels.Columns))
		return each(func(r assessment.CohortResult) error { return levelRows(r, row, yield) })
	}
	summary.Source = func(yield func(...any) error) error {
		row := make([]any, 0, len(summary.Columns))
		return each(func(r assessment.CohortResult) error { return summaryRow(r, row, yield) })
	}
	fill = func(emit func(int, ...any) error) error {
		row := make([]any, 0, len(levels.Columns))
		toLevels := func(v ...any) error { return emit(0, v...) }
		toSummary := func(v ...any) error { return emit(1, v...) }
		return each(func(r assessment.CohortResult) error {
			if err := levelRows(r, row, toLevels); err != nil {
				return err
			}
			return summaryRow(r, row, toSummary)
		})
	}
	return levels, summary, fill
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
		line(assessors, l, Place(l))
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

// Place says why a person is on the assessors' list.
func Place(l assessment.AssessorLoad) string {
	switch {
	case l.Member:
		return "évaluateur"
	case l.Manager:
		return "responsable (arbitrages)"
	}
	return "ne fait plus partie de l'équipe"
}
