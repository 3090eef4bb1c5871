package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

// A documentary file on a theme of the fund (tasks 5.1–5.5): the theme's
// page in the catalogue, the learner's attempt — documents kept from the
// fund with a judgment of their reliability, descriptors from the
// thesaurus, records, the information leaflet and its diffusion — and its
// debrief against the theme's key.

func (s *Server) dossierPresentation(c *fiber.Ctx, id string, th *fonds.Theme) error {
	tasks := s.taskRefs(th.Tasks)
	u := currentUser(c)
	p := s.page(c, "Dossier documentaire : "+th.Title, scenariosCrumb, views.Link{Label: th.Title})
	p.Data = struct {
		ID      string
		T       *fonds.Theme
		Tasks   []taskRef
		CanOpen bool
	}{id, th, tasks, u != nil && u.Role == account.Learner}
	return s.render(c, "dossier-presentation", p)
}

func (s *Server) dossierStart(c *fiber.Ctx, id string) error {
	aid, err := s.cases.StartDossier(c.UserContext(), *currentUser(c), id)
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, attemptURL(aid), "exercice-ouvert")
}

type docFileData struct {
	A         casework.Attempt
	Notes     attemptNotes
	T         *fonds.Theme
	Owner     bool
	Documents []*fonds.Document
	Kinds     map[string]string
	Levels    []string
	Labels    map[string]string
	Thesaurus []*fonds.Descriptor
}

func (s *Server) dossierPageData(c *fiber.Ctx, a casework.Attempt) (*views.Page, error) {
	f, err := s.fund()
	if err != nil {
		return nil, err
	}
	p := s.page(c, a.Title(), casesCrumb, views.Link{Label: a.Title()})
	notes, err := s.attemptNotes(c, a)
	if err != nil {
		return nil, err
	}
	p.Data = docFileData{A: a, Notes: notes, T: a.Theme, Owner: currentUser(c).ID == a.LearnerID, Documents: f.Documents, Kinds: fonds.KindLabels,
		Levels: fonds.Reliabilities, Labels: fonds.ReliabilityLabels, Thesaurus: f.Thesaurus.Descriptors()}
	p.Form = map[string]string{"notices": a.Work.Records, "depliant": a.Work.Leaflet, "diffusion": a.Work.Diffusion}
	for _, ch := range a.Work.Documents {
		p.Form["retenir-"+ch.Document] = "1"
		p.Form["fiabilite-"+ch.Document] = ch.Reliability
	}
	var labels []string
	for _, id := range a.Work.Descriptors {
		if d, ok := f.Thesaurus.Descriptor(id); ok {
			labels = append(labels, d.Label)
		}
	}
	p.Form["descripteurs"] = strings.Join(labels, " ; ")
	return p, nil
}

// workFromForm reads the documentary file's form.
func (s *Server) workFromForm(c *fiber.Ctx) (fonds.Work, map[string]string) {
	f := s.cases.Library().Fund
	var w fonds.Work
	errs := map[string]string{}
	for _, d := range f.Documents {
		if c.FormValue("retenir-"+d.ID) == "1" {
			w.Documents = append(w.Documents, fonds.Choice{Document: d.ID, Reliability: c.FormValue("fiabilite-" + d.ID)})
		}
	}
	ids, unknown := f.DescriptorsOf(c.FormValue("descripteurs"))
	if len(unknown) > 0 {
		errs["descripteurs"] = "Pas dans le thésaurus : « " + strings.Join(unknown, " », « ") + " ». Choisissez un descripteur de la liste (un synonyme mène à son descripteur)."
	}
	w.Descriptors = ids
	w.Records, w.Leaflet, w.Diffusion = strings.TrimSpace(c.FormValue("notices")), strings.TrimSpace(c.FormValue("depliant")), strings.TrimSpace(c.FormValue("diffusion"))
	return w, errs
}

func (s *Server) dossierSave(c *fiber.Ctx, a casework.Attempt) (caseDone, error) {
	if a.Theme == nil {
		return caseDone{}, apperr.New(apperr.NotFound, "Cet exercice n'est pas un dossier documentaire.")
	}
	w, errs := s.workFromForm(c)
	if len(errs) > 0 {
		return caseDone{}, apperr.Fields(errs)
	}
	if err := s.cases.SaveWork(c.UserContext(), *currentUser(c), a.ID, w); err != nil {
		return caseDone{}, err
	}
	return caseDone{to: attemptURL(a.ID) + "#partie-documents"}, nil
}

func (s *Server) dossierDebrief(c *fiber.Ctx, a casework.Attempt) error {
	f, err := s.fund()
	if err != nil {
		return err
	}
	notes, err := s.attemptNotes(c, a)
	if err != nil {
		return err
	}
	p := s.page(c, "Débriefing — "+a.Title(), casesCrumb, views.Link{Href: attemptURL(a.ID), Label: a.Title()}, views.Link{Label: "Débriefing"})
	p.Data = struct {
		A      casework.Attempt
		Notes  attemptNotes
		D      fonds.Debrief
		Owner  bool
		Labels map[string]string
	}{a, notes, f.Judge(a.Theme, a.Work), currentUser(c).ID == a.LearnerID, fonds.ReliabilityLabels}
	return s.render(c, "dossier-documentaire-debrief", p)
}
