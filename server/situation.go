package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/casework/situation"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

// A « mise en situation » (casework/situation): its page in the catalogue,
// the learner's attempt — the preparation written, the scenes played one
// after the other with their effects shown at once, the production — and
// its debrief against the expert key.

func (s *Server) situationPresentation(c *fiber.Ctx, e *situation.Exercise) error {
	lib := s.cases.Library()
	st, _ := lib.Structure(e.Structure)
	fiches := s.fichesOf(e.Fiches)
	u := currentUser(c)
	p := s.page(c, e.Title, scenariosCrumb, views.Link{Label: e.Title})
	p.Data = struct {
		E         *situation.Exercise
		Structure *casework.Structure
		Fiches    []*casework.Fiche
		Tasks     []taskRef
		CanOpen   bool
		Trainer   bool
		Kind      string
	}{e, st, fiches, s.taskRefs(e.Tasks), u != nil && u.Role == account.Learner, u != nil && u.Role != account.Learner, situation.KindLabel(e.Kind)}
	return s.render(c, "situation-presentation", p)
}

func (s *Server) taskRefs(ids []string) []taskRef {
	var out []taskRef
	for _, id := range ids {
		if t, ok := s.fw.Task(id); ok {
			out = append(out, taskRef{t.ID, t.Title})
		}
	}
	return out
}

func (s *Server) situationStart(c *fiber.Ctx, e *situation.Exercise) error {
	id, err := s.cases.StartSituation(c.UserContext(), *currentUser(c), e.ID)
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, attemptURL(id), "exercice-ouvert")
}

// situationData is what the attempt's page shows.
type situationData struct {
	A         casework.Attempt
	Notes     attemptNotes
	E         *situation.Exercise
	Owner     bool
	Edit      bool
	Stage     situation.Stage
	State     situation.State
	Next      *situation.Scene
	Structure *casework.Structure
	Kind      string
}

func (s *Server) situationPageData(c *fiber.Ctx, a casework.Attempt) (*views.Page, error) {
	e := a.Situation
	notes, err := s.attemptNotes(c, a)
	if err != nil {
		return nil, err
	}
	d := situationData{A: a, Notes: notes, E: e, Owner: currentUser(c).ID == a.LearnerID, Stage: e.StageOf(a.Played), State: e.StateOf(a.Played),
		Next: e.Next(a.Played), Kind: situation.KindLabel(e.Kind)}
	d.Edit = d.Owner && !a.Finished
	d.Structure, _ = s.cases.Library().Structure(e.Structure)
	p := s.page(c, e.Title, casesCrumb, views.Link{Label: e.Title})
	p.Data = d
	p.Form = map[string]string{"production": a.Played.Production}
	for id, v := range a.Played.Preparation {
		p.Form["prep-"+id] = v
	}
	return p, nil
}

// situationPrepare saves the preparation; « Valider » also checks it and
// opens the scenes (then it reads only).
func (s *Server) situationPrepare(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	if a.Situation == nil {
		return caseDone{}, apperr.New(apperr.NotFound, "Cet exercice n'est pas une mise en situation.")
	}
	validate := c.FormValue("action") == "valider"
	err := s.cases.UpdateSituation(c.UserContext(), *currentUser(c), a.ID, func(e *situation.Exercise, w *situation.Work) map[string]string {
		if w.Prepared {
			return map[string]string{"preparation": "La préparation est validée : la situation a commencé."}
		}
		prep := map[string]string{}
		errs := map[string]string{}
		for _, f := range e.Preparation {
			v := strings.TrimSpace(c.FormValue("prep-" + f.ID))
			if len(v) > situation.MaxField {
				errs["prep-"+f.ID] = "Ce champ tient en " + strconv.Itoa(situation.MaxField) + " caractères au plus."
			}
			prep[f.ID] = v
		}
		if validate {
			for id, msg := range e.CheckPreparation(prep) {
				errs["prep-"+id] = msg
			}
		}
		if len(errs) > 0 {
			return errs
		}
		w.Preparation, w.Prepared = prep, validate
		return nil
	})
	if err != nil {
		return caseDone{}, err
	}
	if validate {
		return caseDone{to: attemptURL(a.ID) + "#scene", notice: "preparation-validee"}, nil
	}
	return caseDone{to: attemptURL(a.ID) + "#partie-preparation"}, nil
}

// situationPlay records the response to the scene on screen.
func (s *Server) situationPlay(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	if a.Situation == nil {
		return caseDone{}, apperr.New(apperr.NotFound, "Cet exercice n'est pas une mise en situation.")
	}
	scene := c.FormValue("scene")
	sorted := map[string]string{}
	if sc, ok := a.Situation.Scene(scene); ok {
		for _, it := range sc.Items {
			sorted[it.ID] = c.FormValue("tri-" + it.ID)
		}
	}
	err := s.cases.UpdateSituation(c.UserContext(), *currentUser(c), a.ID, func(e *situation.Exercise, w *situation.Work) map[string]string {
		return e.Play(w, scene, c.FormValue("choix"), sorted)
	})
	if err != nil {
		return caseDone{}, err
	}
	return caseDone{to: attemptURL(a.ID) + "#derniere-scene", notice: "scene-jouee"}, nil
}

// situationProduction saves the production typed.
func (s *Server) situationProduction(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	if err := s.saveProduction(c, a); err != nil {
		return caseDone{}, err
	}
	return caseDone{to: attemptURL(a.ID) + "#partie-production"}, nil
}

func (s *Server) saveProduction(c *fiber.Ctx, a casework.Attempt) error {
	text := strings.TrimSpace(c.FormValue("production"))
	return s.cases.UpdateSituation(c.UserContext(), *currentUser(c), a.ID, func(e *situation.Exercise, w *situation.Work) map[string]string {
		if e.StageOf(*w) != situation.StageWrite {
			return map[string]string{"production": "Jouez la situation jusqu'au bout avant de rédiger."}
		}
		if len(text) > situation.MaxProduction {
			return map[string]string{"production": "Le texte tient en " + strconv.Itoa(situation.MaxProduction) + " caractères au plus."}
		}
		w.Production = text
		return nil
	})
}

// situationFinish ends the attempt after a confirmation; the production
// typed is saved first.
func (s *Server) situationFinish(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	if hasField(c, "production") {
		if err := s.saveProduction(c, a); err != nil {
			return caseDone{}, err
		}
		a.Played.Production = strings.TrimSpace(c.FormValue("production"))
	}
	e := a.Situation
	if !confirmed(c) {
		if e.StageOf(a.Played) != situation.StageWrite || e.CheckProduction(a.Played.Production) != "" {
			return caseDone{}, s.cases.Finish(ctx, u, a.ID) // says what is missing, next to its field
		}
		return caseDone{rendered: true}, s.askConfirmation(c, []views.Link{casesCrumb, {Href: attemptURL(a.ID), Label: e.Title}, {Label: "Terminer"}}, confirmation{
			Heading: "Terminer la mise en situation ?",
			Object:  "« " + e.Title + " » — " + strconv.Itoa(situation.Words(a.Played.Production)) + " mots rédigés",
			Effects: []string{
				"Votre préparation, vos réponses à chaque scène et « " + e.Production.Title + " » sont gardés tels qu'ils sont.",
				"L'exercice passe en lecture seule.",
				"Le débriefing s'ouvre : chaque étape à côté de la clé de l'expert, avec ses raisons, et les tâches du référentiel travaillées.",
			},
			Action: attemptURL(a.ID) + "/terminer",
			Button: "Terminer l'exercice",
			Back:   attemptURL(a.ID) + "#partie-production",
		})
	}
	if err := s.cases.Finish(ctx, u, a.ID); err != nil {
		return caseDone{}, err
	}
	return caseDone{to: attemptURL(a.ID) + "/debrief", notice: "exercice-termine"}, nil
}

func (s *Server) situationDebrief(c *fiber.Ctx, a casework.Attempt) error {
	e := a.Situation
	p := s.page(c, "Débriefing — "+e.Title, casesCrumb, views.Link{Href: attemptURL(a.ID), Label: e.Title}, views.Link{Label: "Débriefing"})
	d := e.Judge(a.Played)
	notes, err := s.attemptNotes(c, a)
	if err != nil {
		return err
	}
	good, played := 0, 0
	for _, st := range d.Steps {
		played++
		if st.Quality == situation.Good {
			good++
		}
	}
	p.Data = struct {
		A      casework.Attempt
		Notes  attemptNotes
		E      *situation.Exercise
		D      situation.Debrief
		Owner  bool
		Good   int
		Played int
		Tasks  map[string]string
		Fiches []*casework.Fiche
	}{a, notes, e, d, currentUser(c).ID == a.LearnerID, good, played, s.taskTitles(d.Tasks), s.fichesOf(e.Fiches)}
	return s.render(c, "situation-debrief", p)
}

// attemptNotes is the comments section of an attempt's pages: the
// trainers' comments, and the form for staff.
type attemptNotes struct {
	ID       int64
	Comments []casework.Comment
	Staff    bool
}

func (s *Server) attemptNotes(c *fiber.Ctx, a casework.Attempt) (attemptNotes, error) {
	list, err := s.cases.AttemptComments(c.UserContext(), a)
	u := currentUser(c)
	return attemptNotes{ID: a.ID, Comments: list, Staff: u.Role == account.Assessor || u.Role == account.Manager || u.Role == account.Admin}, err
}

// attemptComment adds a trainer's comment to an attempt.
func (s *Server) attemptComment(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	if err := s.cases.AddAttemptComment(c.UserContext(), *currentUser(c), a.ID, c.FormValue("commentaire")); err != nil {
		return caseDone{}, err
	}
	return caseDone{to: attemptURL(a.ID) + "#commentaires", notice: "commentaire-publie"}, nil
}

func (s *Server) fichesOf(ids []string) []*casework.Fiche {
	var out []*casework.Fiche
	for _, id := range ids {
		if f, ok := s.cases.Library().Fiche(id); ok {
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) taskTitles(tasks []situation.TaskResult) map[string]string {
	out := map[string]string{}
	for _, t := range tasks {
		if x, ok := s.fw.Task(t.ID); ok {
			out[t.ID] = x.Title
		}
	}
	return out
}
