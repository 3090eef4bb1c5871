package server

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/document"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

// dossierData is the certification dossier page: what the jury sees.
type dossierData struct {
	Learner    account.User
	Cohort     account.Cohort
	File       assessment.CertificationFile
	Current    *assessment.JuryDecision
	Cases      []casework.Case
	CanDecide  bool
	Outcomes   []assessment.Outcome
	Levels     []string
	Framework  string
	Criteria   map[string]string // criterion id → wording
	Own        bool
	Activities map[string]bool // checked in the form
	fw         *referentiel.Framework
	full       assessment.CertificationFile // unmasked, for a decision
}

// KindLabel names a deliverable kind.
func (d *dossierData) KindLabel(id string) string { return d.fw.KindLabel(id) }

// LevelLabel names a level of the cohort's scale.
func (d *dossierData) LevelLabel(l int) string { return d.File.Progress.Settings.LevelLabel(l) }

// learnerFor loads the learner named in the URL and checks the viewer may
// read their record: the learner themselves, or staff of their cohort
// (audited). With decide, only the cohort's managers and the administrator.
// It returns the cohorts whose part of the record the viewer reads (nil: all).
func (s *Server) learnerFor(c *fiber.Ctx, decide bool) (account.User, []int64, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return account.User{}, nil, err
	}
	u := currentUser(c)
	ctx := c.UserContext()
	if u.Role == account.Learner {
		if id != u.ID || decide {
			return account.User{}, nil, s.forbid(c, "dossier de certification de l'apprenant "+c.Params("id"))
		}
		return *u, nil, nil
	}
	cohorts, ok, err := s.accounts.SharedCohorts(ctx, *u, id)
	if err != nil {
		return account.User{}, nil, err
	}
	if !ok || (decide && u.Role == account.Assessor) {
		return account.User{}, nil, s.forbid(c, "dossier de certification de l'apprenant "+c.Params("id"))
	}
	learner, err := s.accounts.ByID(ctx, id)
	if err != nil {
		return account.User{}, nil, err
	}
	if learner.Role != account.Learner {
		return account.User{}, nil, apperr.New(apperr.NotFound, "Apprenant introuvable.")
	}
	return learner, cohorts, nil
}

// canDecide says whether the viewer records jury decisions for the cohort.
func (s *Server) canDecide(c *fiber.Ctx, cohortID int64) (bool, error) {
	u := currentUser(c)
	switch u.Role {
	case account.Admin:
		return true, nil
	case account.Manager:
		return s.accounts.IsMember(c.UserContext(), cohortID, u.ID, account.Manager)
	}
	return false, nil
}

// dossierPage builds the dossier page's data.
func (s *Server) dossierPage(c *fiber.Ctx, learner account.User, cohorts []int64) (*views.Page, *dossierData, error) {
	ctx := c.UserContext()
	d, err := s.assess.CertificationFileIn(ctx, learner, cohorts)
	if err != nil {
		return nil, nil, err
	}
	// Pages show the dossier as the viewer may read it (anonymous marking);
	// a decision seals the whole one.
	data := &dossierData{Learner: learner, File: d.For(*currentUser(c)), full: d, Current: d.Current(), Outcomes: assessment.Outcomes,
		Levels: d.Progress.Settings.Levels, Framework: s.fw.Title, Criteria: s.fw.CriterionWordings(), Own: learner.ID == currentUser(c).ID,
		Activities: map[string]bool{}, fw: s.fw}
	if d.CohortID != 0 {
		if data.Cohort, err = s.accounts.Cohort(ctx, d.CohortID); err != nil {
			return nil, nil, err
		}
		if data.CanDecide, err = s.canDecide(c, d.CohortID); err != nil {
			return nil, nil, err
		}
	}
	if data.Cases, err = s.cases.Cases(ctx, learner.ID); err != nil {
		return nil, nil, err
	}
	title := "Dossier de certification de " + learner.DisplayName
	var crumbs []views.Link
	if data.Own {
		title = "Mon dossier de certification"
		crumbs = []views.Link{{Href: "/progression", Label: "Ma progression"}, {Label: "Dossier de certification"}}
	} else {
		crumbs = []views.Link{cohortsCrumb}
		if d.CohortID != 0 {
			crumbs = append(crumbs, views.Link{Href: "/promotions/" + strconv.FormatInt(d.CohortID, 10), Label: data.Cohort.Name},
				views.Link{Href: "/promotions/" + strconv.FormatInt(d.CohortID, 10) + "/jury", Label: "Jury"})
		}
		crumbs = append(crumbs, views.Link{Label: learner.DisplayName})
	}
	p := s.page(c, title, crumbs...)
	p.Data = data
	// The form proposes the platform's proposal; a decision in force is
	// corrected, never edited.
	p.Form = map[string]string{"outcome": string(d.Proposal.Outcome), "jury_date": time.Now().In(french.Paris).Format("2006-01-02")}
	for _, id := range d.Proposal.Validated() {
		data.Activities[id] = true
	}
	if data.Current != nil {
		p.Form["corrects"] = strconv.FormatInt(data.Current.ID, 10)
	}
	return p, data, nil
}

// dossier shows a learner's certification dossier.
func (s *Server) dossier(c *fiber.Ctx) error {
	learner, cohorts, err := s.learnerFor(c, false)
	if err != nil {
		return err
	}
	p, _, err := s.dossierPage(c, learner, cohorts)
	if err != nil {
		return err
	}
	s.auditRead(c, learner.ID, "dossier de certification")
	return s.render(c, "dossier-certification", p)
}

// juryDecide records the jury's decision on a learner's dossier.
func (s *Server) juryDecide(c *fiber.Ctx) error {
	learner, cohorts, err := s.learnerFor(c, true)
	if err != nil {
		return err
	}
	p, data, err := s.dossierPage(c, learner, cohorts)
	if err != nil {
		return err
	}
	if !data.CanDecide {
		return s.forbid(c, "décision de jury pour l'apprenant "+c.Params("id")+" hors de ses promotions")
	}
	in := assessment.DecisionInput{JuryDate: c.FormValue("jury_date"), Members: c.FormValue("members"), Outcome: c.FormValue("outcome"),
		Comments: c.FormValue("comments")}
	for _, v := range c.Request().PostArgs().PeekMulti("activities") {
		in.Activities = append(in.Activities, string(v))
	}
	if v := c.FormValue("corrects"); v != "" {
		if in.Corrects, err = strconv.ParseInt(v, 10, 64); err != nil {
			in.Corrects = -1
		}
	}
	u := currentUser(c)
	if confirmed(c) {
		_, err = s.assess.RecordDecision(c.UserContext(), *u, data.full, in, s.clientIP(c))
	} else {
		var checked assessment.DecisionInput
		var members, acts []string
		if checked, members, acts, err = s.assess.CheckDecision(data.full, in); err == nil {
			return s.confirmDecision(c, learner, data, checked, members, acts)
		}
	}
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		p.Errors = e.Fields
		p.Form = map[string]string{"jury_date": in.JuryDate, "members": in.Members, "outcome": in.Outcome, "comments": in.Comments,
			"corrects": c.FormValue("corrects")}
		data.Activities = map[string]bool{}
		for _, a := range in.Activities {
			data.Activities[a] = true
		}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "dossier-certification", p)
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, "/apprenants/"+strconv.FormatInt(learner.ID, 10)+"/dossier#decisions",
		fmt.Sprintf("Décision du jury enregistrée pour %s (%s) : %s. Elle est définitive : une erreur se corrige par une décision rectificative.",
			learner.DisplayName, learner.Login, strings.ToLower(assessment.Outcome(in.Outcome).Label())))
}

// confirmDecision asks before a jury decision is recorded, its input
// checked: what will be recorded for whom, and that it is final.
func (s *Server) confirmDecision(c *fiber.Ctx, learner account.User, data *dossierData, in assessment.DecisionInput, members, acts []string) error {
	outcome := assessment.Outcome(in.Outcome).Label()
	if len(acts) > 0 && assessment.Outcome(in.Outcome) == assessment.OutcomePartial {
		outcome += " (activités " + strings.Join(acts, ", ") + ")"
	}
	day, _ := time.Parse(time.DateOnly, in.JuryDate)
	effects := []string{
		"La décision est enregistrée avec l'état du dossier de certification à cet instant, scellé par son empreinte SHA-256.",
		"Elle est définitive : une erreur se corrige par une décision rectificative, motivée ; les deux restent au dossier.",
		"L'apprenant la voit dans son dossier de certification.",
	}
	if in.Corrects != 0 {
		effects = append([]string{fmt.Sprintf("Elle rectifie la décision n° %d, qui reste au dossier.", in.Corrects)}, effects...)
	}
	here := "/apprenants/" + strconv.FormatInt(learner.ID, 10) + "/dossier"
	return s.askConfirmation(c, []views.Link{{Href: here, Label: "Dossier de certification de " + learner.DisplayName}, {Label: "Décision du jury"}}, confirmation{
		Heading: "Enregistrer la décision du jury ?",
		Object: fmt.Sprintf("%s (%s), promotion « %s » : %s. Jury du %s : %s.", learner.DisplayName, learner.Login, data.Cohort.Name, outcome,
			french.Date(day), strings.Join(members, ", ")),
		Effects: effects, Action: "/apprenants/" + strconv.FormatInt(learner.ID, 10) + "/jury", Button: "Enregistrer la décision", Back: here + "#decisions",
	})
}

// decisionSnapshot serves the sealed dossier of a decision, whose SHA-256
// is the fingerprint printed with the decision.
func (s *Server) decisionSnapshot(c *fiber.Ctx) error {
	learner, cohorts, err := s.learnerFor(c, false)
	if err != nil {
		return err
	}
	did, err := pathID(c, "did")
	if err != nil {
		return err
	}
	dec, err := s.assess.JuryDecision(c.UserContext(), did)
	if err != nil {
		return err
	}
	if dec.LearnerID != learner.ID || (cohorts != nil && !slices.Contains(cohorts, dec.CohortID)) {
		return apperr.New(apperr.NotFound, "Décision introuvable.")
	}
	snap, err := s.assess.SnapshotFor(c.UserContext(), *currentUser(c), did)
	if err != nil {
		return err
	}
	s.auditRead(c, learner.ID, "dossier scellé de la décision n° "+strconv.FormatInt(did, 10))
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="dossier-scelle-decision-`+strconv.FormatInt(did, 10)+`.json"`)
	return c.Send(snap)
}

// juryList is a cohort's jury preparation: every learner with the
// proposal and the decision in force.
func (s *Server) juryList(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	lines, err := s.assess.JuryList(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	counts := map[assessment.Outcome]int{}
	decided := 0
	for _, l := range lines {
		counts[l.Proposal.Outcome]++
		if l.Decision != nil {
			decided++
		}
	}
	// Filters: by proposal, and decided or not.
	proposal, decision := c.Query("proposition"), c.Query("decision")
	all := len(lines)
	if proposal != "" || decision != "" {
		var kept []assessment.JuryLine
		for _, l := range lines {
			if (proposal == "" || string(l.Proposal.Outcome) == proposal) &&
				(decision == "" || (decision == "enregistree") == (l.Decision != nil)) {
				kept = append(kept, l)
			}
		}
		lines = kept
	}
	// Paged like the cohort's members: the totals above cover everyone.
	matches := len(lines)
	pages := max(1, (matches+cohortPageSize-1)/cohortPageSize)
	page, _ := strconv.Atoi(c.Query("page"))
	page = min(max(page, 1), pages)
	lo := (page - 1) * cohortPageSize
	lines = lines[lo:min(lo+cohortPageSize, matches)]
	s.auditRead(c, 0, "préparation du jury de la promotion "+co.Name)
	p := s.page(c, "Jury — "+co.Name, cohortsCrumb, views.Link{Href: "/promotions/" + strconv.FormatInt(co.ID, 10), Label: co.Name}, views.Link{Label: "Jury"})
	p.Data = struct {
		Cohort             account.Cohort
		Lines              []assessment.JuryLine
		All                int
		Full               int
		Partial            int
		Refused            int
		Decided            int
		Outcomes           []assessment.Outcome
		Proposal, Decision string
		Matches            int
		Page, Pages        int
	}{co, lines, all, counts[assessment.OutcomeFull], counts[assessment.OutcomePartial], counts[assessment.OutcomeRefused], decided,
		assessment.Outcomes, proposal, decision, matches, page, pages}
	return s.render(c, "jury", p)
}

// dossierPDF is the certification dossier as a PDF, for the jury's file.
func (s *Server) dossierPDF(c *fiber.Ctx) error {
	learner, cohorts, err := s.learnerFor(c, false)
	if err != nil {
		return err
	}
	_, data, err := s.dossierPage(c, learner, cohorts)
	if err != nil {
		return err
	}
	s.auditRead(c, learner.ID, "dossier de certification (PDF)")
	return sendPDF(c, document.CertificationFile(s.fw, learner, data.Cohort, data.File), "dossier-certification-"+document.Slug(learner.DisplayName, 60)+".pdf")
}

// juryMinutes is the cohort's procès-verbal de jury as a PDF.
func (s *Server) juryMinutes(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	lines, err := s.assess.JuryList(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	s.auditRead(c, 0, "procès-verbal du jury de la promotion "+co.Name+" (PDF)")
	return sendPDF(c, document.JuryMinutes(s.fw, co, lines, time.Now()), "proces-verbal-jury-"+document.Slug(co.Name, 60)+".pdf")
}

// juryDossiers is every candidate's certification file, one PDF each, and
// the procès-verbal, in one ZIP archive written as it is sent: the files
// are read in a fixed number of statements for the whole cohort, each PDF
// laid out in turn (never all held at once), each read recorded in the
// candidate's access log.
func (s *Server) juryDossiers(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	members, err := s.accounts.Members(ctx, co.ID, account.Learner)
	if err != nil {
		return err
	}
	members = slices.DeleteFunc(members, func(u account.User) bool { return u.Erased() })
	lines, err := s.assess.JuryList(ctx, co.ID)
	if err != nil {
		return err
	}
	viewer := *currentUser(c)
	for _, m := range members {
		s.auditRead(c, m.ID, "dossier de certification (archive ZIP de la promotion "+co.Name+")")
	}
	name := ExportFileName("dossiers de certification", co.Name, time.Now(), "zip")
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	log, fw, assess := s.log, s.fw, s.assess
	conn := c.Context().Conn()
	bg := context.WithoutCancel(ctx)
	widened := widenMemory()
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		defer widened()
		w := &progressWriter{w: bw, conn: conn}
		zw := zip.NewWriter(w)
		add := func(file string, doc pdf.Doc) error {
			// Stored, not deflated: a PDF's streams are compressed already.
			f, err := zw.CreateHeader(&zip.FileHeader{Name: file, Method: zip.Store, Modified: time.Now()})
			if err != nil {
				return err
			}
			return pdf.Render(f, doc)
		}
		err := add("proces-verbal-jury.pdf", document.JuryMinutes(fw, co, lines, time.Now()))
		if err == nil {
			err = assess.EachCertificationFile(bg, co.ID, members, func(learner account.User, x assessment.CertificationFile) error {
				return add("dossier-certification-"+document.Slug(learner.DisplayName, 60)+"-"+document.Slug(learner.Login, 40)+".pdf",
					document.CertificationFile(fw, learner, co, x.For(viewer)))
			})
		}
		if err == nil {
			err = zw.Close()
		}
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			log.Error("archive des dossiers interrompue", "archive", name, "err", err)
		}
	})
	return nil
}
