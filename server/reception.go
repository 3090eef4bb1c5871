package server

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/casework/reception"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

// The exercise « Organiser l'accueil » (casework/reception): its page in
// the catalogue (/cas/:id), a learner's attempt (/exercices/:id) with the
// plan's form, the simulated week and the runs made, and its debrief.

func attemptURL(id int64) string { return "/exercices/" + strconv.FormatInt(id, 10) }

// receptionPresentation is /cas/:id for an « organiser l'accueil » exercise.
func (s *Server) receptionPresentation(c *fiber.Ctx, e *reception.Exercise) error {
	lib := s.cases.Library()
	st, _ := lib.Structure(e.Structure)
	tasks := s.taskRefs(e.Tasks)
	u := currentUser(c)
	p := s.page(c, e.Title, scenariosCrumb, views.Link{Label: e.Title})
	p.Data = struct {
		E         *reception.Exercise
		Structure *casework.Structure
		Tasks     []taskRef
		CanOpen   bool
		Trainer   bool
		Kind      string
	}{e, st, tasks, u != nil && u.Role == account.Learner, u != nil && u.Role != account.Learner, casework.KindLabel(reception.Kind)}
	return s.render(c, "accueil-presentation", p)
}

func (s *Server) receptionStart(c *fiber.Ctx, e *reception.Exercise) error {
	id, err := s.cases.StartReception(c.UserContext(), *currentUser(c), e.ID)
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, attemptURL(id), "exercice-ouvert")
}

// loadAttempt reads the attempt of the path for the viewer; a staff read
// is access-logged (batched, see auditRead).
func (s *Server) loadAttempt(c *fiber.Ctx) (casework.Attempt, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return casework.Attempt{}, err
	}
	a, err := s.cases.Attempt(c.UserContext(), *currentUser(c), id)
	if err != nil {
		return a, err
	}
	if u := currentUser(c); u.ID != a.LearnerID {
		s.auditRead(c, a.LearnerID, fmt.Sprintf("exercice %d", a.ID))
	}
	return a, nil
}

// attemptData is what the attempt's page shows.
type attemptData struct {
	A         casework.Attempt
	Notes     attemptNotes
	E         *reception.Exercise
	Owner     bool
	Runs      []casework.Run
	Last      *reception.Report // the last run's week
	Checks    []reception.Check // its figures against the bounds
	Days      []string
	Halves    []string
	Structure *casework.Structure
}

func (s *Server) attemptPageData(c *fiber.Ctx, a casework.Attempt) (*views.Page, error) {
	notes, err := s.attemptNotes(c, a)
	if err != nil {
		return nil, err
	}
	d := attemptData{A: a, Notes: notes, E: a.Reception, Owner: currentUser(c).ID == a.LearnerID, Days: reception.Days, Halves: reception.Halves}
	d.Structure, _ = s.cases.Library().Structure(a.Reception.Structure)
	if d.Runs, err = s.cases.Runs(c.UserContext(), a); err != nil {
		return nil, err
	}
	if n := len(d.Runs); n > 0 {
		j := a.Reception.Judge(d.Runs[n-1].Plan, n, a.Analysis != "")
		d.Last, d.Checks = &j.Yours, j.Checks
	}
	p := s.page(c, a.Reception.Title, casesCrumb, views.Link{Label: a.Reception.Title})
	p.Data = d
	p.Form = planForm(a.Plan)
	p.Form["analyse"] = a.Analysis
	return p, nil
}

// planForm writes a plan as the form's values.
func planForm(p reception.Plan) map[string]string {
	f := map[string]string{}
	for _, d := range reception.Days {
		for _, h := range reception.Halves {
			hp := p.Days[d][h]
			k := d + "-" + h
			f[k+"-ouverture"], f[k+"-fermeture"] = hp.Open, hp.Close
			f[k+"-accueil"], f[k+"-rdv"] = strconv.Itoa(hp.Desk), strconv.Itoa(hp.Appointments)
		}
	}
	if p.Triage {
		f["tri"] = "1"
	}
	for _, id := range p.Amenities {
		f["amenagement-"+id] = "1"
	}
	return f
}

// planFromForm reads the form: a number that is not one is refused next
// to its field.
func planFromForm(c *fiber.Ctx, e *reception.Exercise) (reception.Plan, map[string]string) {
	p := reception.Plan{Days: map[string]map[string]reception.Half{}, Triage: c.FormValue("tri") == "1"}
	errs := map[string]string{}
	count := func(name string) int {
		v := strings.TrimSpace(c.FormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 99 {
			errs[name] = "Un nombre d'agents, de 0 à " + strconv.Itoa(e.Staff.Agents) + "."
			return 0
		}
		return n
	}
	for _, d := range reception.Days {
		p.Days[d] = map[string]reception.Half{}
		for _, h := range reception.Halves {
			k := d + "-" + h
			p.Days[d][h] = reception.Half{
				Open: strings.TrimSpace(c.FormValue(k + "-ouverture")), Close: strings.TrimSpace(c.FormValue(k + "-fermeture")),
				Desk: count(k + "-accueil"), Appointments: count(k + "-rdv"),
			}
		}
	}
	for _, am := range e.Amenities {
		if c.FormValue("amenagement-"+am.ID) == "1" {
			p.Amenities = append(p.Amenities, am.ID)
		}
	}
	return p, errs
}

func (s *Server) attemptPage(c *fiber.Ctx) error {
	a, err := s.loadAttempt(c)
	if err != nil {
		return err
	}
	p, tpl, err := s.attemptPageFor(c, a)
	if err != nil {
		return err
	}
	return s.render(c, tpl, p)
}

// attemptPageFor builds the page of an attempt, whatever its kind, and
// names its template.
func (s *Server) attemptPageFor(c *fiber.Ctx, a casework.Attempt) (*views.Page, string, error) {
	if a.Situation != nil {
		p, err := s.situationPageData(c, a)
		return p, "situation", err
	}
	if a.Theme != nil {
		p, err := s.dossierPageData(c, a)
		return p, "dossier-documentaire", err
	}
	p, err := s.attemptPageData(c, a)
	return p, "accueil-exercice", err
}

// onAttempt runs an action on an attempt: a refused form comes back with
// its messages and what was typed.
func (s *Server) onAttempt(step func(c *fiber.Ctx, a casework.Attempt) (caseDone, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := s.loadAttempt(c)
		if err != nil {
			return err
		}
		done, err := step(c, a)
		if e, ok := apperr.As(err); ok && e.Fields != nil {
			a, _ = s.cases.Attempt(c.UserContext(), *currentUser(c), a.ID)
			p, tpl, perr := s.attemptPageFor(c, a)
			if perr != nil {
				return perr
			}
			// What was sent replaces what was saved; an unticked box sends
			// nothing, and so unticks.
			if hasField(c, "lundi-matin-accueil") || hasField(c, "depliant") {
				for key := range p.Form {
					if strings.HasPrefix(key, "amenagement-") || key == "tri" || strings.HasPrefix(key, "retenir-") {
						delete(p.Form, key)
					}
				}
			}
			for key, v := range formValues(c) {
				p.Form[key] = v
			}
			p.Errors = e.Fields
			return s.renderStatus(c, fiber.StatusUnprocessableEntity, tpl, p)
		}
		if err != nil || done.rendered {
			return err
		}
		if done.notice == "" {
			done.notice = "dossier-enregistre"
		}
		return s.redirectWithNotice(c, done.to, done.notice)
	}
}

func (s *Server) attemptPlan(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	p, errs := planFromForm(c, a.Reception)
	if len(errs) > 0 {
		return caseDone{}, apperr.Fields(errs)
	}
	run := c.FormValue("action") == "simuler"
	if err := s.cases.SavePlan(c.UserContext(), *currentUser(c), a.ID, p, run); err != nil {
		return caseDone{}, err
	}
	if run {
		return caseDone{to: attemptURL(a.ID) + "#semaine", notice: "semaine-simulee"}, nil
	}
	return caseDone{to: attemptURL(a.ID) + "#planning"}, nil
}

func (s *Server) attemptAnalysis(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	if err := s.cases.SaveAnalysis(c.UserContext(), *currentUser(c), a.ID, c.FormValue("analyse")); err != nil {
		return caseDone{}, err
	}
	return caseDone{to: attemptURL(a.ID) + "#partie-analyse"}, nil
}

// attemptFinish ends the attempt after a confirmation that says what it
// does; the analysis typed is saved first (nothing lost).
func (s *Server) attemptFinish(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	if a.Situation != nil {
		return s.situationFinish(c, a)
	}
	ctx, u := c.UserContext(), *currentUser(c)
	if hasField(c, "analyse") {
		if err := s.cases.SaveAnalysis(ctx, u, a.ID, c.FormValue("analyse")); err != nil {
			return caseDone{}, err
		}
	}
	if a.Theme != nil {
		if hasField(c, "depliant") {
			w, errs := s.workFromForm(c)
			if len(errs) > 0 {
				return caseDone{}, apperr.Fields(errs)
			}
			if err := s.cases.SaveWork(ctx, u, a.ID, w); err != nil {
				return caseDone{}, err
			}
			a.Work = w
		}
		if !confirmed(c) {
			if len(a.Work.Documents) == 0 || strings.TrimSpace(a.Work.Leaflet) == "" {
				return caseDone{}, s.cases.Finish(ctx, u, a.ID)
			}
			return caseDone{rendered: true}, s.askConfirmation(c, []views.Link{casesCrumb, {Href: attemptURL(a.ID), Label: a.Title()}, {Label: "Terminer"}}, confirmation{
				Heading: "Terminer le dossier documentaire ?",
				Object:  "« " + a.Theme.Title + " » — " + strconv.Itoa(len(a.Work.Documents)) + " document(s) retenu(s)",
				Effects: []string{
					"Vos documents, vos jugements de fiabilité, votre indexation, vos notices, votre document d'information et son plan de diffusion sont gardés tels qu'ils sont.",
					"L'exercice passe en lecture seule.",
					"Le débriefing s'ouvre : votre dossier à côté de celui d'un documentaliste expérimenté.",
				},
				Action: attemptURL(a.ID) + "/terminer",
				Button: "Terminer le dossier",
				Back:   attemptURL(a.ID) + "#partie-depliant",
			})
		}
		if err := s.cases.Finish(ctx, u, a.ID); err != nil {
			return caseDone{}, err
		}
		return caseDone{to: attemptURL(a.ID) + "/debrief", notice: "exercice-termine"}, nil
	}
	if !confirmed(c) {
		if a.Runs == 0 || (strings.TrimSpace(c.FormValue("analyse")) == "" && strings.TrimSpace(a.Analysis) == "") {
			return caseDone{}, s.cases.Finish(ctx, u, a.ID) // says what is missing, next to its field
		}
		return caseDone{rendered: true}, s.askConfirmation(c, []views.Link{casesCrumb, {Href: attemptURL(a.ID), Label: a.Reception.Title}, {Label: "Terminer"}}, confirmation{
			Heading: "Terminer l'exercice ?",
			Object:  "« " + a.Reception.Title + " » — " + strconv.Itoa(a.Runs) + " semaine(s) simulée(s)",
			Effects: []string{
				"Votre planning, vos semaines simulées et votre analyse sont gardés tels qu'ils sont.",
				"L'exercice passe en lecture seule : plus de modification ni de nouvelle semaine.",
				"Le débriefing s'ouvre : votre semaine à côté de celle du plan d'un professionnel expérimenté, sur les mêmes arrivées.",
			},
			Action: attemptURL(a.ID) + "/terminer",
			Button: "Terminer l'exercice",
			Back:   attemptURL(a.ID) + "#partie-analyse",
		})
	}
	if err := s.cases.Finish(ctx, u, a.ID); err != nil {
		return caseDone{}, err
	}
	return caseDone{to: attemptURL(a.ID) + "/debrief", notice: "exercice-termine"}, nil
}

func (s *Server) attemptDebrief(c *fiber.Ctx) error {
	a, err := s.loadAttempt(c)
	if err != nil {
		return err
	}
	if !a.Finished {
		return apperr.New(apperr.Conflict, "Le débriefing s'ouvre quand l'exercice est terminé.")
	}
	if a.Theme != nil {
		return s.dossierDebrief(c, a)
	}
	if a.Situation != nil {
		return s.situationDebrief(c, a)
	}
	p := s.page(c, "Débriefing — "+a.Reception.Title, casesCrumb, views.Link{Href: attemptURL(a.ID), Label: a.Reception.Title}, views.Link{Label: "Débriefing"})
	d := a.Reception.Judge(a.Plan, a.Runs, a.Analysis != "")
	notes, err := s.attemptNotes(c, a)
	if err != nil {
		return err
	}
	p.Data = struct {
		A      casework.Attempt
		Notes  attemptNotes
		E      *reception.Exercise
		D      reception.Debrief
		Owner  bool
		Days   []string
		Halves []string
	}{a, notes, a.Reception, d, currentUser(c).ID == a.LearnerID, reception.Days, reception.Halves}
	return s.render(c, "accueil-debrief", p)
}

// attemptToPiece sends the « note d'organisation de l'accueil » to the
// learner's portfolio, linked to the capacities of the tasks it works.
func (s *Server) attemptToPiece(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	u := *currentUser(c)
	if u.ID != a.LearnerID {
		return caseDone{}, apperr.New(apperr.Forbidden, "Seul l'apprenant qui a fait l'exercice peut l'envoyer au portfolio.")
	}
	if !a.Finished {
		return caseDone{}, apperr.New(apperr.Conflict, "Terminez l'exercice avant de l'envoyer au portfolio.")
	}
	ctx := c.UserContext()
	kind, title, body, tasks := "note-ecrite", "Note d'organisation de l'accueil — "+a.Title(), "", []string{"6.1", "6.4", "6.7"}
	why := "Exercice du bac à sable « " + a.Title() + " » : planning, semaine simulée et analyse."
	if e := a.Situation; e != nil {
		kind, title, body, tasks = e.Production.Kind, e.Production.Title+" — "+e.Title, s.cases.SituationMarkdown(a), e.Tasks
		why = "Mise en situation du bac à sable « " + e.Title + " » : préparation, déroulé et « " + e.Production.Title + " »."
	} else if a.Theme != nil {
		kind, title, body, tasks = "dossier-thematique", "Dossier documentaire — "+a.Theme.Title, s.cases.DossierMarkdown(a), a.Theme.Tasks
		why = "Exercice du bac à sable « " + a.Title() + " » : collecte, fiabilité, indexation, document d'information et diffusion."
	} else {
		body = s.cases.AttemptMarkdown(a)
	}
	piece, err := s.assess.Create(ctx, u, assessment.NewPiece{KindID: kind, Title: title})
	if err != nil {
		return caseDone{}, err
	}
	if err := s.assess.SaveDraft(ctx, u, piece.ID, piece.Title, body); err != nil {
		return caseDone{}, err
	}
	in := assessment.LinksInput{Justifications: map[string]string{}}
	for _, tid := range tasks {
		if t, ok := s.fw.Task(tid); ok {
			for _, cap := range t.Capacities {
				in.Capacities = append(in.Capacities, cap.ID)
				in.Justifications[cap.ID] = why
			}
		}
	}
	if err := s.assess.SetLinks(ctx, u, piece.ID, in); err != nil {
		return caseDone{}, err
	}
	return caseDone{to: pieceURL(piece.ID), notice: "piece-creee"}, nil
}
