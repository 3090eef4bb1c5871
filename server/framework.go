package server

import (
	"bytes"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

type frameworkStats struct {
	Activities, Tasks, Competences, Capacities, Methods, Criteria, Kinds, Gaps int
}

func statsOf(fw *referentiel.Framework) frameworkStats {
	st := frameworkStats{Activities: len(fw.Activities), Tasks: len(fw.Tasks()), Kinds: len(fw.DeliverableKinds)}
	for _, t := range fw.Tasks() {
		t.EachCompetence(func(*referentiel.Item) { st.Competences++ })
		t.EachCapacity(func(*referentiel.Item) { st.Capacities++ })
		t.EachCriterion(func(*referentiel.Criterion) { st.Criteria++ })
		st.Methods += len(t.Methods)
		if !t.HasCertification() {
			st.Gaps++
		}
	}
	return st
}

var frameworkCrumb = views.Link{Href: "/referentiel", Label: "Référentiel"}

type frameworkIndexData struct {
	FW         *referentiel.Framework
	Stats      frameworkStats
	Query      string
	Activity   string
	Only       string
	Activities []*referentiel.Activity
	Hits       []referentiel.Hit
	Searched   bool
	Shown      int
}

// frameworkIndex lists activities and tasks; « q » searches every item
// (accents and case ignored), « activite » and « evaluation » filter.
func (s *Server) frameworkIndex(c *fiber.Ctx) error {
	d := frameworkIndexData{FW: s.fw, Stats: statsOf(s.fw),
		Query: strings.TrimSpace(c.Query("q")), Activity: c.Query("activite"), Only: c.Query("evaluation")}
	if len([]rune(d.Query)) > 200 {
		d.Query = string([]rune(d.Query)[:200])
	}
	for _, a := range s.fw.Activities {
		if d.Activity != "" && a.ID != d.Activity {
			continue
		}
		fa := *a
		fa.Tasks = nil
		for _, t := range a.Tasks {
			if (d.Only == "avec" && !t.HasCertification()) || (d.Only == "sans" && t.HasCertification()) {
				continue
			}
			fa.Tasks = append(fa.Tasks, t)
		}
		if len(fa.Tasks) > 0 {
			d.Activities = append(d.Activities, &fa)
			d.Shown += len(fa.Tasks)
		}
	}
	if d.Query != "" {
		d.Searched = true
		for _, h := range s.fw.Search(d.Query) {
			if d.Activity == "" || h.Task.Activity().ID == d.Activity {
				d.Hits = append(d.Hits, h)
			}
		}
	}
	p := s.page(c, "Référentiel", views.Link{Label: "Référentiel"})
	if d.Searched {
		p.Title = "Recherche « " + d.Query + " » dans le référentiel"
	}
	p.Data = d
	return s.render(c, "referentiel", p)
}

type taskData struct {
	FW    *referentiel.Framework
	Task  *referentiel.Task
	Kinds []*referentiel.DeliverableKind
	Live  []*referentiel.LiveKind
	Prev  *referentiel.Task
	Next  *referentiel.Task
	// Exercises of the sandbox that work the task.
	Exercises []casework.Exercise
}

func (s *Server) frameworkTask(c *fiber.Ctx) error {
	t, ok := s.fw.Task(c.Params("id"))
	if !ok {
		return apperr.New(apperr.NotFound, "Cette tâche n'existe pas dans le référentiel.")
	}
	d := taskData{FW: s.fw, Task: t, Kinds: s.fw.KindsFor(t.ID), Live: s.fw.LiveKindsFor(t.ID)}
	if s.cases != nil {
		for _, e := range s.cases.Library().Exercises() {
			if slices.Contains(e.Tasks, t.ID) {
				d.Exercises = append(d.Exercises, e)
			}
		}
	}
	tasks := s.fw.Tasks()
	for i, x := range tasks {
		if x == t {
			if i > 0 {
				d.Prev = tasks[i-1]
			}
			if i+1 < len(tasks) {
				d.Next = tasks[i+1]
			}
		}
	}
	p := s.page(c, "Tâche "+t.ID+" — "+t.Title, frameworkCrumb, views.Link{Label: "Tâche " + t.ID})
	p.Data = d
	return s.render(c, "tache", p)
}

type gapData struct {
	NoEvaluation []*referentiel.Task
	NoCriteria   []*referentiel.Task
	NoKind       []*referentiel.Task
	Stats        frameworkStats
}

// frameworkGaps lists what the framework leaves unassessed: a programme
// manager must cover these by other means.
func (s *Server) frameworkGaps(c *fiber.Ctx) error {
	d := gapData{Stats: statsOf(s.fw)}
	for _, t := range s.fw.Tasks() {
		switch {
		case !t.HasCertification():
			d.NoEvaluation = append(d.NoEvaluation, t)
		case len(t.Capacities) > 0 && len(t.Criteria) == 0:
			d.NoCriteria = append(d.NoCriteria, t)
		}
		if t.HasCertification() && len(s.fw.KindsFor(t.ID)) == 0 {
			d.NoKind = append(d.NoKind, t)
		}
	}
	p := s.page(c, "Lacunes du référentiel", frameworkCrumb, views.Link{Label: "Lacunes"})
	p.Data = d
	return s.render(c, "lacunes", p)
}

type kindsData struct {
	FW    *referentiel.Framework
	Kinds []kindRow
}

type kindRow struct {
	Kind  *referentiel.DeliverableKind
	Links []referentiel.Link
	Tasks []string
}

func (s *Server) deliverableKinds(c *fiber.Ctx) error {
	d := kindsData{FW: s.fw}
	for _, k := range s.fw.DeliverableKinds {
		row := kindRow{Kind: k, Links: s.fw.Links(k)}
		seen := map[string]bool{}
		for _, l := range row.Links {
			if !seen[l.Task.ID] {
				seen[l.Task.ID] = true
				row.Tasks = append(row.Tasks, l.Task.ID)
			}
		}
		d.Kinds = append(d.Kinds, row)
	}
	p := s.page(c, "Types de production", frameworkCrumb, views.Link{Label: "Types de production"})
	p.Data = d
	return s.render(c, "productions", p)
}

func (s *Server) deliverableKind(c *fiber.Ctx) error {
	k, ok := s.fw.Kind(c.Params("id"))
	if !ok {
		return apperr.New(apperr.NotFound, "Ce type de production n'existe pas.")
	}
	p := s.page(c, k.Label, frameworkCrumb, views.Link{Href: "/referentiel/productions", Label: "Types de production"}, views.Link{Label: k.Label})
	p.Data = kindRow{Kind: k, Links: s.fw.Links(k)}
	return s.render(c, "production", p)
}

// frameworkExport serves the framework as JSON (native), CSV or a CASE
// CFPackage, the same bytes as `casp export referentiel`.
func (s *Server) frameworkExport(c *fiber.Ctx) error {
	var buf bytes.Buffer
	format := c.Query("format", "json")
	switch format {
	case "json":
		if err := s.fw.WriteJSON(&buf); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	case "csv":
		if err := s.fw.WriteCSV(&buf); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+s.fw.ID+`.csv"`)
	case "case":
		// The package's URIs need the public address; without one
		// configured, the request's own.
		base := s.cfg.BaseURL
		if base == "" {
			base = c.BaseURL()
		}
		if err := s.fw.WriteCASE(&buf, base); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	default:
		return apperr.New(apperr.Invalid, "Format inconnu : choisissez json, csv ou case.")
	}
	return c.Send(buf.Bytes())
}
