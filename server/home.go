package server

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
)

func httpFS(f fs.FS) http.FileSystem { return http.FS(f) }

// homeData is what each role's home page shows.
type homeData struct {
	Cohorts      []account.Cohort
	Stats        frameworkStats
	Users        map[string]int
	Recent       []account.Entry
	FirstRun     bool
	Framework    string
	GapTasks     int
	CohortTotals cohortTotals
}

type cohortTotals struct{ Learners, Assessors int }

// home shows each role its own page; visitors see what casp is and the
// login link.
func (s *Server) home(c *fiber.Ctx) error {
	u := currentUser(c)
	ctx := c.UserContext()
	d := homeData{Stats: statsOf(s.fw), Framework: s.fw.Title}
	for _, t := range s.fw.Tasks() {
		if !t.HasCertification() {
			d.GapTasks++
		}
	}
	if u == nil {
		p := s.page(c, "Accueil")
		n, err := s.accounts.Count(ctx)
		if err != nil {
			return err
		}
		d.FirstRun = n == 0
		p.Data = d
		return s.render(c, "home-visitor", p)
	}
	var err error
	switch u.Role {
	case account.Admin, account.Manager:
		d.Cohorts, err = s.accounts.Cohorts(ctx)
		if u.Role == account.Manager {
			d.Cohorts, err = s.accounts.CohortsOf(ctx, u.ID)
		}
	default:
		d.Cohorts, err = s.accounts.CohortsOf(ctx, u.ID)
	}
	if err != nil {
		return err
	}
	for _, co := range d.Cohorts {
		d.CohortTotals.Learners += co.Learners
		d.CohortTotals.Assessors += co.Assessors
	}
	if u.Role == account.Admin {
		users, err := s.accounts.List(ctx)
		if err != nil {
			return err
		}
		d.Users = map[string]int{}
		for _, x := range users {
			d.Users[string(x.Role)]++
		}
		if d.Recent, err = s.accounts.AuditLog(ctx, account.AuditFilter{Limit: 8}); err != nil {
			return err
		}
	}
	p := s.page(c, "Accueil")
	p.Data = d
	return s.render(c, "home-"+string(u.Role), p)
}
