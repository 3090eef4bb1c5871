package server

import (
	"context"
	"io/fs"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/french"
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
	Todo         *learnerTodo // the learner's next things to do
}

// learnerTodo is what a learner's home puts first: what is due, what to
// rework, what was just published, what is under way.
type learnerTodo struct {
	Overdue, Upcoming []dueItem
	Rework            []reworkItem
	Results           []assessment.FeedbackItem // published in the last 30 days
	Drafts            []assessment.Piece        // never deposited
	Cases             []casework.Case           // not closed
	Convocations      []assessment.Convocation  // épreuves to come
	FicheNews         []casework.FicheNews      // fiches used that changed
	Acquired, Total   int
}

type dueItem struct {
	KindID string
	Kind   string
	On     time.Time
	Days   int // days late (Overdue) or left (Upcoming)
}

type reworkItem struct {
	Piece    assessment.Piece
	Feedback []string
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
	if u.Role == account.Learner {
		if d.Todo, err = s.learnerTodo(ctx, u.ID); err != nil {
			return err
		}

	}
	p := s.page(c, "Accueil")
	p.Data = d
	return s.render(c, "home-"+string(u.Role), p)
}

// learnerTodo gathers a learner's next things to do from their progress
// (deadlines, pieces, results) and their case files: a fixed number of
// statements.
func (s *Server) learnerTodo(ctx context.Context, learnerID int64) (*learnerTodo, error) {
	pr, err := s.assess.Progress(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	cases, err := s.cases.Cases(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	now := time.Now().In(french.Paris)
	td := &learnerTodo{Acquired: pr.Acquired, Total: pr.Capacities}
	if td.FicheNews, err = s.cases.FicheNews(ctx, learnerID, cases); err != nil {
		return nil, err
	}
	for _, dl := range pr.Deadlines {
		if dl.Done {
			continue
		}
		days := french.Days(now, dl.DueOn)
		switch {
		case days < 0:
			td.Overdue = append(td.Overdue, dueItem{dl.KindID, dl.Kind, dl.DueOn, -days})
		case days <= 60:
			td.Upcoming = append(td.Upcoming, dueItem{dl.KindID, dl.Kind, dl.DueOn, days})
		}
	}
	latest := map[int64]assessment.FeedbackItem{}
	for _, f := range pr.Feedback {
		if f.At.After(latest[f.Piece.ID].At) {
			latest[f.Piece.ID] = f
		}
		if now.Sub(f.At) <= 30*24*time.Hour {
			td.Results = append(td.Results, f)
		}
	}
	for _, p := range pr.Pieces {
		switch {
		case p.Status == assessment.Rework && !p.Live():
			td.Rework = append(td.Rework, reworkItem{p, latest[p.ID].Feedback})
		case p.Status == assessment.Draft && p.Versions == 0:
			td.Drafts = append(td.Drafts, p)
		}
	}
	slices.SortFunc(td.Results, func(a, b assessment.FeedbackItem) int { return b.At.Compare(a.At) })
	convs, err := s.assess.LearnerConvocations(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	for _, cv := range convs {
		if cv.Slot.EndsAt.After(now) {
			td.Convocations = append(td.Convocations, cv)
		}
	}
	for _, k := range cases {
		if k.State != casework.StateClosed {
			td.Cases = append(td.Cases, k)
		}
	}
	return td, nil
}
