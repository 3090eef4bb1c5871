package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

type markingData struct {
	Cohort    account.Cohort
	Settings  assessment.Settings
	Kinds     []*referentiel.DeliverableKind
	Agreement assessment.AgreementReport
	Rule      string
	CanManage bool
}

// markingPage shows a cohort's marking rules and the double-marking
// agreement statistics.
func (s *Server) markingPage(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	st, err := s.assess.Settings(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	return s.renderMarking(c, co, st, nil)
}

func (s *Server) renderMarking(c *fiber.Ctx, co account.Cohort, st assessment.Settings, errs map[string]string) error {
	rep, err := s.assess.AgreementStats(c.UserContext(), co.ID, pagePairs)
	if err != nil {
		return err
	}
	p := s.page(c, "Règles d'évaluation — "+co.Name, cohortsCrumb, views.Link{Href: "/promotions/" + strconv.FormatInt(co.ID, 10), Label: co.Name},
		views.Link{Label: "Règles d'évaluation"})
	p.Errors = errs
	p.Form = map[string]string{"levels": strings.Join(st.Levels, "\n"), "descriptors": strings.Join(st.Descriptors, "\n"), "pass_level": strconv.Itoa(st.PassLevel),
		"sample_percent": strconv.Itoa(st.SamplePercent), "discrepancy": strconv.Itoa(st.Discrepancy)}
	p.Data = markingData{Cohort: co, Settings: st, Kinds: s.fw.DeliverableKinds, Agreement: rep,
		Rule: assessment.CurrentRule.Text(st.LevelLabel(st.PassLevel))}
	return s.renderForm(c, "regles-evaluation", p)
}

func (s *Server) markingSave(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	st := assessment.Settings{CohortID: co.ID, DoubleKinds: []string{}}
	st.Levels = strings.Split(strings.ReplaceAll(c.FormValue("levels"), "\r", ""), "\n")
	st.Descriptors = strings.Split(strings.ReplaceAll(c.FormValue("descriptors"), "\r", ""), "\n")
	st.PassLevel, _ = strconv.Atoi(c.FormValue("pass_level"))
	st.SamplePercent, err = strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(c.FormValue("sample_percent"), "%")))
	if err != nil {
		st.SamplePercent = -1
	}
	st.Discrepancy, _ = strconv.Atoi(c.FormValue("discrepancy"))
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "double_kinds" {
			st.DoubleKinds = append(st.DoubleKinds, string(v))
		}
	})
	ctx := c.UserContext()
	u := currentUser(c)
	anonymous := c.FormValue("anonymous") == "1"
	if err := s.assess.SaveMarkingRules(ctx, st, anonymous, account.Entry{ActorID: u.ID, ActorLogin: u.Login,
		Target: "promotion " + co.Name, Address: s.clientIP(c)}); err != nil {
		if e, ok := apperr.As(err); ok && e.Fields != nil {
			co.AnonymousMarking = anonymous
			return s.renderMarking(c, co, st, e.Fields)
		}
		return err
	}
	return s.redirectWithNotice(c, "/promotions/"+strconv.FormatInt(co.ID, 10)+"/evaluation", "regles")
}
