package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/export"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

// taskCoverage is one task of the framework coverage table.
type taskCoverage struct {
	Task         *referentiel.Task
	Kinds        []*referentiel.DeliverableKind
	Scenarios    []string
	Capacities   int
	Criteria     int
	Graded       int
	NoEvaluation bool
	Uncovered    []string // capacities no deliverable kind evidences
}

type coverageData struct {
	Cohort     account.Cohort
	Heatmap    assessment.Heatmap
	Table      template.HTML // the heatmap table, rendered once per kept page
	Framework  template.HTML // the framework coverage table, likewise
	Body       *views.Kept   // the whole page's content, likewise (per rule)
	States     []assessment.CapacityState
	Rule       string
	Query      string
	Activities []*referentiel.Activity
}

// heatmapFor loads the cohort named in the URL, for its staff, and the
// heatmap page the query asks for.
func (s *Server) heatmapFor(c *fiber.Ctx) (account.Cohort, assessment.Heatmap, error) {
	co, err := s.cohortFor(c, false)
	if err != nil {
		return co, assessment.Heatmap{}, err
	}
	page, _ := strconv.Atoi(c.Query("page"))
	h, err := s.assess.Heatmap(c.UserContext(), co.ID, assessment.HeatmapFilter{Sort: c.Query("tri"), Activity: c.Query("activite"), Page: page})
	return co, h, err
}

// coverageJSON is the coverage page's twin for programs
// (/api/v1/promotions/:id/couverture).
func (s *Server) coverageJSON(c *fiber.Ctx) error {
	co, h, err := s.heatmapFor(c)
	if err != nil {
		return err
	}
	s.auditRead(c, 0, "couverture de la promotion "+co.Name+" (JSON)")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	// Kept with the page, plain and compressed once: the same for every
	// reader of it (no personal touch, no token).
	if c.Request().Header.HasAcceptEncoding("gzip") {
		gz, err := h.Memo.Do("json.gz", func() (any, error) {
			body, err := json.Marshal(export.Heatmap(co, h))
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			if _, err := zw.Write(body); err != nil {
				return nil, err
			}
			if err := zw.Close(); err != nil {
				return nil, err
			}
			return buf.Bytes(), nil
		})
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentEncoding, "gzip")
		c.Vary(fiber.HeaderAcceptEncoding)
		return c.Send(gz.([]byte))
	}
	body, err := h.Memo.Do("json", func() (any, error) { return json.Marshal(export.Heatmap(co, h)) })
	if err != nil {
		return err
	}
	return c.Send(body.([]byte))
}

// coverage shows a cohort's framework coverage and heatmap, to its staff.
func (s *Server) coverage(c *fiber.Ctx) error {
	co, h, err := s.heatmapFor(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := s.assess.Settings(ctx, co.ID)
	if err != nil {
		return err
	}
	// The two large tables change only with the cohort's version: they are
	// rendered once for as long as the heatmap page is kept.
	table, err := h.Memo.Do("table", func() (any, error) {
		return s.views.Fragment("couverture", "heatmap-table", struct {
			Heatmap assessment.Heatmap
			Cells   []template.HTML
		}{h, heatmapCells(h)})
	})
	if err != nil {
		return err
	}
	framework, err := h.Memo.Do("framework", func() (any, error) {
		graded, err := s.assess.GradedCriteria(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		return s.views.Fragment("couverture", "framework-table", s.taskCoverage(graded))
	})
	if err != nil {
		return err
	}
	rule := assessment.CurrentRule.Text(st.LevelLabel(st.PassLevel))
	// The content is the same for every reader of the page (no token, no
	// name): rendered once, and compressed once, per rule in force.
	body, err := h.Memo.Do("body:"+rule, func() (any, error) {
		d := coverageData{Cohort: co, Heatmap: h, Activities: s.fw.Activities, Table: table.(template.HTML), Framework: framework.(template.HTML),
			States: []assessment.CapacityState{assessment.CapAcquired, assessment.CapPending, assessment.CapRework, assessment.CapDraft, assessment.CapMissing},
			Rule:   rule}
		html, err := s.views.Fragment("couverture", "coverage-body", d)
		return views.NewKept(html), err
	})
	if err != nil {
		return err
	}
	s.auditRead(c, 0, "couverture de la promotion "+co.Name)
	p := s.page(c, "Couverture — "+co.Name, cohortsCrumb, views.Link{Href: "/promotions/" + strconv.FormatInt(co.ID, 10), Label: co.Name}, views.Link{Label: "Couverture"})
	p.Data = coverageData{Cohort: co, Body: body.(*views.Kept)}
	return s.render(c, "couverture", p)
}

// taskCoverage is the framework coverage table: for each task, the kinds
// and scenarios that exercise it, its criteria graded in the cohort and
// its gaps.
func (s *Server) taskCoverage(graded map[string]bool) []taskCoverage {
	var out []taskCoverage
	for _, t := range s.fw.Tasks() {
		tc := taskCoverage{Task: t, Kinds: s.fw.KindsFor(t.ID), NoEvaluation: !t.HasCertification()}
		for _, sc := range s.cases.Library().Scenarios {
			for _, id := range sc.Tasks {
				if id == t.ID {
					tc.Scenarios = append(tc.Scenarios, sc.Title)
				}
			}
		}
		evidenced := map[string]bool{}
		for _, k := range tc.Kinds {
			for _, l := range s.fw.Links(k) {
				for _, cp := range l.Capacities {
					evidenced[cp.ID] = true
				}
			}
		}
		t.EachCapacity(func(it *referentiel.Item) {
			tc.Capacities++
			if !evidenced[it.ID] {
				tc.Uncovered = append(tc.Uncovered, it.ID)
			}
		})
		t.EachCriterion(func(cr *referentiel.Criterion) {
			tc.Criteria++
			if graded[cr.ID] {
				tc.Graded++
			}
		})
		out = append(out, tc)
	}
	return out
}

// heatmapCells renders the cells of each row: the state in words, for
// everyone (screen readers read it); the eye gets the symbol and the
// colour, drawn by the style sheet from the cell's class (the words are
// set at size zero). ≈ 20 bytes a cell instead of 90 with a link in each:
// casp.js makes a cell lead to that capacity's evidence in the learner's
// dossier, and the row's name leads to the learner's progression, where
// the evidence is too.
func heatmapCells(h assessment.Heatmap) []template.HTML {
	out := make([]template.HTML, len(h.Rows))
	var b strings.Builder
	for i, r := range h.Rows {
		b.Reset()
		for _, st := range r.Cells {
			b.WriteString(`<td class=`)
			b.WriteString(stateClass[st])
			b.WriteString(`>`)
			b.WriteString(html.EscapeString(st.Label()))
		}
		out[i] = template.HTML(b.String()) // every fragment escaped above
	}
	return out
}

// stateClass is a heatmap cell's class for each state (casp.css draws
// their symbols and colours).
var stateClass = map[assessment.CapacityState]string{
	assessment.CapAcquired: "a", assessment.CapPending: "e", assessment.CapRework: "r",
	assessment.CapDraft: "p", assessment.CapMissing: "c",
}
