package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/export"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/views"
)

// assessorRow is one line of the assessors' table, durations in words.
type assessorRow struct {
	assessment.AssessorLoad
	Place                      string
	Oldest, Median, Turnaround string
}

type assessorsData struct {
	Cohort account.Cohort
	Rows   []assessorRow
	Total  assessorRow
	Pairs  []assessment.AgreementRow
	// PairTotal counts every pair, when Pairs lists those sharing the most
	// ratings.
	PairTotal           int
	People, Page, Pages int
	OwnOnly             bool // an assessor sees their own line and the totals
	Now                 string
}

// workloadFor loads the cohort's marking statistics for its staff: the
// admin and the cohort's managers see every assessor (a read of their
// colleagues' data, audited), an assessor of the cohort their own line and
// the cohort's totals.
//
// maxPairs bounds the pairs of assessors listed (0: every pair, for the
// exports).
func (s *Server) workloadFor(c *fiber.Ctx, maxPairs, pageSize int) (account.Cohort, assessment.Workload, error) {
	co, err := s.cohortFor(c, false)
	if err != nil {
		return co, assessment.Workload{}, err
	}
	ctx := c.UserContext()
	u := currentUser(c)
	full := u.Role == account.Admin
	if u.Role == account.Manager {
		if full, err = s.accounts.IsMember(ctx, co.ID, u.ID, account.Manager); err != nil {
			return co, assessment.Workload{}, err
		}
	}
	page, _ := strconv.Atoi(c.Query("page"))
	q := assessment.WorkloadQuery{MaxPairs: maxPairs, Page: page, PageSize: pageSize}
	if !full {
		q.Only = u.ID
	}
	w, err := s.assess.Workload(ctx, co.ID, q)
	if err != nil || !full {
		return co, w, err
	}
	s.auditRead(c, 0, "statistiques des évaluateurs de la promotion "+co.Name)
	return co, w, nil
}

// pagePairs is how many pairs of assessors a page lists: those sharing
// the most ratings (the exports list them all).
const pagePairs = 50

// pagePeople is how many assessors the assessors' page shows at once.
const pagePeople = 50

// assessorsPage shows each assessor's workload, delays and agreement.
func (s *Server) assessorsPage(c *fiber.Ctx) error {
	co, w, err := s.workloadFor(c, pagePairs, pagePeople)
	if err != nil {
		return err
	}
	d := assessorsData{Cohort: co, Total: newAssessorRow(w.Total), OwnOnly: currentUser(c).Role == account.Assessor, Now: french.DateTime(w.Now),
		PairTotal: w.Agreement.PairTotal, People: w.People, Page: w.Page, Pages: w.Pages}
	d.Total.Place = ""
	for _, l := range w.Assessors {
		d.Rows = append(d.Rows, newAssessorRow(l))
	}
	d.Pairs = w.Agreement.ByPair
	p := s.page(c, "Évaluateurs — "+co.Name, cohortsCrumb, views.Link{Href: "/promotions/" + strconv.FormatInt(co.ID, 10), Label: co.Name},
		views.Link{Label: "Évaluateurs"})
	p.Data = d
	return s.render(c, "evaluateurs", p)
}

func newAssessorRow(l assessment.AssessorLoad) assessorRow {
	r := assessorRow{AssessorLoad: l, Place: export.Place(l), Oldest: "—", Median: "—", Turnaround: "—"}
	if l.Waiting > 0 {
		r.Oldest, r.Median = french.Duration(l.OldestWait), french.Duration(l.MedianWait)
	}
	if l.Turnarounds > 0 {
		r.Turnaround = french.Duration(l.MedianTurnaround)
	}
	return r
}

// assessorStats leads an assessor to their workload and agreement figures,
// on the assessors page of each of their cohorts.
func (s *Server) assessorStats(c *fiber.Ctx) error {
	cohorts, err := s.accounts.CohortsOf(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Mes statistiques", views.Link{Href: "/evaluation", Label: "À évaluer"}, views.Link{Label: "Mes statistiques"})
	p.Data = cohorts
	return s.render(c, "statistiques", p)
}
