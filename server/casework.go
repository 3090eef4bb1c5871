package server

import (
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casp-cnam/casp/casework/reception"
	"github.com/casp-cnam/casp/internal/french"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/text"
	"github.com/casp-cnam/casp/views"
)

var (
	territoryCrumb = views.Link{Href: "/territoire", Label: "Territoire"}
	fichesCrumb    = views.Link{Href: "/fiches", Label: "Fiches dispositifs"}
	scenariosCrumb = views.Link{Href: "/cas", Label: "Cas pratiques"}
	casesCrumb     = views.Link{Href: "/dossiers", Label: "Mes dossiers"}
)

func themeOptions() []option {
	var out []option
	for _, t := range casework.Themes {
		out = append(out, option{t, casework.ThemeLabels[t]})
	}
	return out
}

func publicOptions() []option {
	var out []option
	for _, p := range casework.Publics {
		out = append(out, option{p, casework.PublicLabels[p]})
	}
	return out
}

// territory is the directory: search, filters, and the SVG map.
func (s *Server) territory(c *fiber.Ctx) error {
	lib := s.cases.Library()
	f := casework.DirectoryFilter{Query: strings.TrimSpace(c.Query("q")), Theme: c.Query("thematique"), Public: c.Query("public"), Commune: c.Query("commune")}
	found := lib.Search(f)
	p := s.page(c, "Annuaire du territoire", views.Link{Label: "Territoire"})
	p.Data = struct {
		T        *casework.Territory
		Found    []*casework.Structure
		Numbered []*casework.Structure
		Map      string
		Filter   casework.DirectoryFilter
		Themes   []option
		Publics  []option
		Total    int
	}{lib.Territory, found, casework.MapOrder(found), lib.Territory.MapSVG(found), f, themeOptions(), publicOptions(), len(lib.Structures)}
	return s.render(c, "territoire", p)
}

func (s *Server) structurePage(c *fiber.Ctx) error {
	lib := s.cases.Library()
	st, ok := lib.Structure(c.Params("id"))
	if !ok {
		return apperr.New(apperr.NotFound, "Cette structure n'existe pas dans l'annuaire.")
	}
	p := s.page(c, st.Name, territoryCrumb, views.Link{Label: st.Name})
	p.Data = struct {
		S      *casework.Structure
		T      *casework.Territory
		Fiches []*casework.Fiche
	}{st, lib.Territory, lib.FichesFor(st.ID)}
	return s.render(c, "structure", p)
}

func (s *Server) fiches(c *fiber.Ctx) error {
	lib := s.cases.Library()
	q, theme := strings.TrimSpace(c.Query("q")), c.Query("thematique")
	p := s.page(c, "Fiches dispositifs", views.Link{Label: "Fiches dispositifs"})
	p.Data = struct {
		Fiches []*casework.Fiche
		Query  string
		Theme  string
		Themes []option
		Total  int
	}{lib.SearchFiches(q, theme), q, theme, themeOptions(), len(lib.Fiches)}
	return s.render(c, "fiches", p)
}

func (s *Server) fichePage(c *fiber.Ctx) error {
	lib := s.cases.Library()
	f, ok := lib.Fiche(c.Params("id"))
	if !ok {
		return apperr.New(apperr.NotFound, "Cette fiche n'existe pas.")
	}
	r, err := text.Render(f.Body)
	if err != nil {
		return err
	}
	var structures []*casework.Structure
	for _, id := range f.Structures {
		if st, ok := lib.Structure(id); ok {
			structures = append(structures, st)
		}
	}
	p := s.page(c, f.Title, fichesCrumb, views.Link{Label: f.Title})
	p.Data = struct {
		F          *casework.Fiche
		Body       text.Rendered
		Structures []*casework.Structure
	}{f, r, structures}
	return s.render(c, "fiche", p)
}

// scenarios is the catalogue of every sandbox exercise, filtered by kind
// and by framework task (?type=, ?tache=).
func (s *Server) scenarios(c *fiber.Ctx) error {
	lib := s.cases.Library()
	kind, task := strings.TrimSpace(c.Query("type")), strings.TrimSpace(c.Query("tache"))
	var list []casework.Exercise
	for _, e := range lib.Exercises() {
		if (kind == "" || e.Kind == kind) && (task == "" || slices.Contains(e.Tasks, task)) {
			list = append(list, e)
		}
	}
	tasks := s.taskRefs(lib.TasksCovered())
	p := s.page(c, "Cas pratiques et exercices", views.Link{Label: "Cas pratiques"})
	p.Form = map[string]string{"type": kind, "tache": task}
	p.Data = struct {
		Lib       *casework.Library
		CanOpen   bool
		Exercises []casework.Exercise
		Kinds     any
		Tasks     []taskRef
		All       int
	}{lib, currentUser(c) != nil && currentUser(c).Role == account.Learner, list, casework.ExerciseKinds, tasks, len(lib.Exercises())}
	return s.render(c, "cas", p)
}

func (s *Server) scenarioPage(c *fiber.Ctx) error {
	lib := s.cases.Library()
	if e, ok := lib.Reception(c.Params("id")); ok {
		return s.receptionPresentation(c, e)
	}
	if e, ok := lib.Situation(c.Params("id")); ok {
		return s.situationPresentation(c, e)
	}
	if th, ok := lib.Theme(c.Params("id")); ok {
		return s.dossierPresentation(c, c.Params("id"), th)
	}
	sc, ok := lib.Scenario(c.Params("id"))
	if !ok {
		return apperr.New(apperr.NotFound, "Ce cas n'existe pas.")
	}
	st, _ := lib.Structure(sc.Structure)
	tasks := s.taskRefs(sc.Tasks)
	p := s.page(c, sc.Title, scenariosCrumb, views.Link{Label: sc.Title})
	u := currentUser(c)
	p.Data = struct {
		Sc        *casework.Scenario
		Structure *casework.Structure
		Tasks     []taskRef
		CanOpen   bool
		// Trainer: staff read the whole story (resume_formateur), which
		// says what the person hides; learners and visitors do not.
		Trainer bool
	}{sc, st, tasks, u != nil && u.Role == account.Learner, u != nil && u.Role != account.Learner}
	return s.render(c, "cas-detail", p)
}

type taskRef struct{ ID, Title string }

func (s *Server) caseOpen(c *fiber.Ctx) error {
	if e, ok := s.cases.Library().Reception(c.Params("id")); ok {
		return s.receptionStart(c, e)
	}
	if e, ok := s.cases.Library().Situation(c.Params("id")); ok {
		return s.situationStart(c, e)
	}
	if _, ok := s.cases.Library().Theme(c.Params("id")); ok {
		return s.dossierStart(c, c.Params("id"))
	}
	k, err := s.cases.Open(c.UserContext(), *currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, caseURL(k.ID), "dossier-ouvert")
}

func caseURL(id int64) string { return "/dossiers/" + strconv.FormatInt(id, 10) }

// caseList shows the learner's case files.
func (s *Server) caseList(c *fiber.Ctx) error {
	u := currentUser(c)
	cases, err := s.cases.Cases(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	attempts, err := s.cases.Attempts(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Mes dossiers", views.Link{Label: "Mes dossiers"})
	p.Data = struct {
		Cases    []casework.Case
		Attempts []casework.Attempt
	}{cases, attempts}
	return s.render(c, "dossiers", p)
}

func (s *Server) loadCase(c *fiber.Ctx) (casework.Case, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return casework.Case{}, err
	}
	k, err := s.cases.Case(c.UserContext(), *currentUser(c), id)
	if err != nil {
		return k, err
	}
	if u := currentUser(c); u.ID != k.LearnerID {
		s.auditRead(c, k.LearnerID, fmt.Sprintf("dossier %d", k.ID))
	}
	return k, nil
}

// caseData is everything the case file page shows.
type caseData struct {
	Case         casework.Case
	Structure    *casework.Structure
	Lines        []casework.Line
	Interview    casework.Interview
	Situations   []casework.Situation
	Referrals    []casework.Referral
	Plan         []casework.Goal
	Contract     casework.Contract
	Appointments []casework.Appointment
	Journal      []casework.JournalEntry
	Comments     []casework.Comment
	Owner        bool
	Staff        bool
	Domains      []option
	Urgencies    []option
	Themes       []option
	Moves        []option
	Services     []option
	Partners     []option
	Answers      []option
	Actions      []option
	Contracts    []option
	Search       []*casework.Structure
	Query        string
	// The clock, the typed question's reading, the trainee's urgency
	// ratings, and whether trust and confidentiality are shown.
	Clock      casework.Clock
	Typed      string
	Match      casework.Match
	TypedStyle string
	Ratings    []urgencyRating
	ShowTrust  bool
	Modes      []option
	ApptModes  []option
}

// urgencyRating is one urgency the trainee rated.
type urgencyRating struct {
	Domain, Level, Why string
	Day                int
}

// moveOrder mixes helpful and harmful moves: the interview offers what the
// professional could say, never the name of the move.
var moveOrder = []string{"reformuler", "juger", "rassurer", "promettre", "rappeler-confidentialite", "conseiller-trop-tot", "recadrer",
	"valoriser", "expliquer-le-cadre", "ecoute-silencieuse"}

func (s *Server) casePage(c *fiber.Ctx) error {
	k, err := s.loadCase(c)
	if err != nil {
		return err
	}
	p, err := s.casePageData(c, k)
	if err != nil {
		return err
	}
	return s.render(c, "dossier", p)
}

func (s *Server) casePageData(c *fiber.Ctx, k casework.Case) (*views.Page, error) {
	ctx := c.UserContext()
	lib := s.cases.Library()
	u := currentUser(c)
	d := &caseData{Case: k, Owner: u.ID == k.LearnerID, Staff: u.Role != account.Learner, Query: strings.TrimSpace(c.Query("q"))}
	d.Structure, _ = lib.Structure(k.Scenario.Structure)
	var err error
	if d.Lines, err = s.cases.Transcript(ctx, k); err != nil {
		return nil, err
	}
	if d.Interview, err = s.cases.InterviewState(ctx, k); err != nil {
		return nil, err
	}
	if d.Situations, err = s.cases.Situations(ctx, k); err != nil {
		return nil, err
	}
	if d.Referrals, err = s.cases.Referrals(ctx, k); err != nil {
		return nil, err
	}
	if d.Plan, err = s.cases.Plan(ctx, k); err != nil {
		return nil, err
	}
	if d.Contract, err = s.cases.Contract(ctx, k); err != nil {
		return nil, err
	}
	if d.Appointments, err = s.cases.Appointments(ctx, k); err != nil {
		return nil, err
	}
	if d.Journal, err = s.cases.Journal(ctx, k); err != nil {
		return nil, err
	}
	if d.Comments, err = s.cases.Comments(ctx, k); err != nil {
		return nil, err
	}
	for _, dom := range casework.Domains {
		d.Domains = append(d.Domains, option{dom, casework.DomainLabels[dom]})
	}
	for _, u := range casework.Urgencies {
		d.Urgencies = append(d.Urgencies, option{u.Value, u.Label + " (" + u.Hint + ")"})
	}
	d.Themes = themeOptions()
	for _, m := range moveOrder {
		d.Moves = append(d.Moves, option{m, k.Scenario.MoveOf(m).Text})
	}
	seen := map[string]bool{}
	for _, l := range d.Lines {
		if l.Speaker == "personne" && l.Ref != "" && !l.Guarded && !seen[l.Ref] {
			seen[l.Ref] = true
			d.Answers = append(d.Answers, option{l.Ref, truncate(l.Text, 90)})
		}
	}
	d.Clock = s.cases.ClockOf(k)
	ratings, err := s.cases.Urgencies(ctx, k)
	if err != nil {
		return nil, err
	}
	for dom, r := range ratings {
		label := "Toute la situation"
		if dom != "" {
			label = casework.DomainLabels[dom]
		}
		d.Ratings = append(d.Ratings, urgencyRating{Domain: label, Level: casework.UrgencyLabel(r.Level), Why: r.Why, Day: r.Day})
	}
	sort.Slice(d.Ratings, func(i, j int) bool { return d.Ratings[i].Domain < d.Ratings[j].Domain })
	if d.Typed = strings.TrimSpace(c.Query("tapee")); d.Typed != "" && len(d.Typed) <= 2000 {
		d.Match = casework.NewMatcher(k.Scenario).Match(d.Typed)
		d.TypedStyle = casework.ClassifyStyle(d.Typed)
	}
	d.ShowTrust = d.Staff || s.cases.TrustVisible(ctx, k)
	for _, m := range casework.ReferralModes {
		d.Modes = append(d.Modes, option{m.Value, m.Label})
	}
	for _, m := range casework.AppointmentModes {
		d.ApptModes = append(d.ApptModes, option{m.Value, m.Label})
	}
	results := lib.Structures
	if d.Query != "" {
		results = lib.Search(casework.DirectoryFilter{Query: d.Query})
	}
	d.Search = results
	for _, st := range results {
		for _, sv := range st.Services {
			d.Services = append(d.Services, option{st.ID + "/" + sv.ID, st.Name + " — " + sv.Name})
		}
	}
	for _, st := range lib.Structures {
		d.Partners = append(d.Partners, option{st.ID, st.Name})
	}
	for _, a := range casework.ActionStatuses {
		d.Actions = append(d.Actions, option{a.Value, a.Label})
	}
	for _, t := range casework.ContractTypes {
		d.Contracts = append(d.Contracts, option{t.Value, t.Label})
	}
	p := s.page(c, "Dossier de "+k.Scenario.Person.FirstName+" "+k.Scenario.Person.LastName, casesCrumb, views.Link{Label: k.Scenario.Person.FirstName + " " + k.Scenario.Person.LastName})
	p.Form = map[string]string{"premier_diagnostic": k.FirstDiagnostic, "diagnostic_approfondi": k.FullDiagnostic, "justification": k.UrgencyWhy,
		"bilan": k.Review, "transmission": k.Transmission, "urgence": k.Urgency,
		"type": d.Contract.Type, "engagements_personne": d.Contract.PersonCommitments, "engagements_structure": d.Contract.StructureCommitments,
		"etapes": d.Contract.Steps, "suivi": d.Contract.FollowUp}
	p.Data = d
	return p, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// caseDone is where a case action sends the person: back to the case at
// an anchor with « Enregistré », or elsewhere with its own notice.
type caseDone struct {
	anchor, to, notice string
	rendered           bool // the step wrote the response (a confirmation page)
}

// caseStep is one action on a case file (one route each, see routes.go).
type caseStep func(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error)

// onCase runs a case action: the case is loaded (the domain checks the
// viewer may act on it); a refused form comes back with its messages and
// what was typed.
func (s *Server) onCase(step caseStep) fiber.Handler {
	return func(c *fiber.Ctx) error {
		k, err := s.loadCase(c)
		if err != nil {
			return err
		}
		done, err := step(s, c, k)
		if e, ok := apperr.As(err); ok && e.Fields != nil {
			k, _ = s.cases.Case(c.UserContext(), *currentUser(c), k.ID)
			p, perr := s.casePageData(c, k)
			if perr != nil {
				return perr
			}
			for key, v := range formValues(c) {
				p.Form[key] = v
			}
			p.Errors = e.Fields
			return s.renderStatus(c, fiber.StatusUnprocessableEntity, "dossier", p)
		}
		if err != nil || done.rendered {
			return err
		}
		if done.to != "" {
			return s.redirectWithNotice(c, done.to, done.notice)
		}
		return s.redirectWithNotice(c, caseURL(k.ID)+done.anchor, "dossier-enregistre")
	}
}

func caseAsk(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.Ask(ctx, u, k.ID, c.FormValue("question"), c.FormValue("question_libre"))
	return caseDone{anchor: "#entretien"}, err
}

func caseAskFree(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.AskFree(ctx, u, k.ID, c.FormValue("question_libre"))
	return caseDone{anchor: "#entretien"}, err
}

func caseMove(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.Move(ctx, u, k.ID, c.FormValue("geste"))
	return caseDone{anchor: "#entretien"}, err
}

func caseNoteSituation(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.NoteSituation(ctx, u, k.ID, casework.SituationInput{Domain: c.FormValue("domaine"),
		Label: c.FormValue("situation"), Note: c.FormValue("note"), Source: c.FormValue("source")})
	return caseDone{anchor: "#diagnostic"}, err
}

func caseLiftSituation(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	id, _ := strconv.ParseInt(c.FormValue("situation_id"), 10, 64)
	err := s.cases.LiftSituation(ctx, u, k.ID, id)
	return caseDone{anchor: "#diagnostic"}, err
}

func caseSetUrgency(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.SetUrgency(ctx, u, k.ID, c.FormValue("urgence_domaine"), c.FormValue("urgence"), c.FormValue("justification"))
	return caseDone{anchor: "#diagnostic"}, err
}

func caseSaveDiagnostic(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	which := c.FormValue("quel")
	err := s.cases.SaveDiagnostic(ctx, u, k.ID, which, c.FormValue(which))
	return caseDone{anchor: "#diagnostic"}, err
}

func caseRefer(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.Refer(ctx, u, k.ID, casework.ReferralInput{Target: c.FormValue("service"), Reason: c.FormValue("motif"),
		Criteria: c.FormValue("criteres"), Consent: c.FormValue("consentement") == "1", Contact: c.FormValue("contact"), Mode: c.FormValue("mode")})
	return caseDone{anchor: "#orientation"}, err
}

func caseAddGoal(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.AddGoal(ctx, u, k.ID, c.FormValue("thematique"), c.FormValue("objectif"))
	return caseDone{anchor: "#projet"}, err
}

func caseSetGoalStatus(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	id, _ := strconv.ParseInt(c.FormValue("objectif_id"), 10, 64)
	err := s.cases.SetGoalStatus(ctx, u, k.ID, id, c.FormValue("etat"))
	return caseDone{anchor: "#projet"}, err
}

func caseAddAction(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	gid, _ := strconv.ParseInt(c.FormValue("objectif_id"), 10, 64)
	day, _ := strconv.Atoi(c.FormValue("debut"))
	err := s.cases.AddAction(ctx, u, k.ID, casework.ActionInput{GoalID: gid, Label: c.FormValue("action"),
		Referent: c.FormValue("referent"), Partner: c.FormValue("partenaire"), StartDay: day})
	return caseDone{anchor: "#projet"}, err
}

func caseSetActionStatus(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	id, _ := strconv.ParseInt(c.FormValue("action_id"), 10, 64)
	err := s.cases.SetActionStatus(ctx, u, k.ID, id, c.FormValue("etat"))
	return caseDone{anchor: "#projet"}, err
}

func caseSaveContract(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	start, e1 := strconv.Atoi(c.FormValue("debut"))
	end, e2 := strconv.Atoi(c.FormValue("fin"))
	if e1 != nil {
		start = -1
	}
	if e2 != nil {
		end = -1
	}
	err := s.cases.SaveContract(ctx, u, k.ID, casework.Contract{Type: c.FormValue("type"), StartDay: start, EndDay: end,
		PersonCommitments: c.FormValue("engagements_personne"), StructureCommitments: c.FormValue("engagements_structure"),
		Steps: c.FormValue("etapes"), FollowUp: c.FormValue("suivi")}, c.FormValue("signer") == "1")
	return caseDone{anchor: "#contrat"}, err
}

func caseAddAppointment(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	day, _ := strconv.Atoi(c.FormValue("jour"))
	err := s.cases.AddAppointment(ctx, u, k.ID, day, c.FormValue("objet"), c.FormValue("mode_rdv"))
	return caseDone{anchor: "#agenda"}, err
}

func caseSetAppointmentStatus(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	id, _ := strconv.ParseInt(c.FormValue("rdv_id"), 10, 64)
	err := s.cases.SetAppointmentStatus(ctx, u, k.ID, id, c.FormValue("etat"))
	return caseDone{anchor: "#agenda"}, err
}

func caseAdvance(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	days, _ := strconv.Atoi(c.FormValue("jours"))
	err := s.cases.Advance(ctx, u, k.ID, days)
	return caseDone{anchor: "#agenda"}, err
}

func caseSaveReview(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.SaveReview(ctx, u, k.ID, c.FormValue("bilan"), c.FormValue("transmission"))
	return caseDone{anchor: "#partie-bilan"}, err
}

// caseClose closes the case, which then reads only. Sent from the review's
// form, it saves what was typed there first (nothing lost); it asks for
// confirmation, saying what it will do.
func caseClose(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	review := k.Review
	if hasField(c, "bilan") {
		review = c.FormValue("bilan")
		if err := s.cases.SaveReview(ctx, u, k.ID, review, c.FormValue("transmission")); err != nil {
			return caseDone{anchor: "#partie-bilan"}, err
		}
	}
	if strings.TrimSpace(review) == "" {
		return caseDone{anchor: "#partie-bilan"}, apperr.Fields(map[string]string{"bilan": "Rédigez le bilan avant de clore le dossier."})
	}
	if !confirmed(c) {
		sc := k.Scenario
		d := confirmation{
			Heading: "Clore le dossier ?",
			Object:  "Dossier de " + sc.Person.FirstName + " " + sc.Person.LastName + " — cas « " + sc.Title + " », jour simulé " + strconv.Itoa(k.Day),
			Effects: []string{
				"Le bilan et la note de transmission sont enregistrés tels qu'ils sont.",
				"Le dossier passe en lecture seule : plus de question, d'orientation, de rendez-vous ni de temps simulé.",
				"Le débriefing s'ouvre : votre travail à côté de la lecture d'un professionnel expérimenté. Vous pourrez ensuite envoyer vos productions au portfolio.",
			},
			Action: caseURL(k.ID) + "/clore",
			Button: "Clore le dossier",
			Back:   caseURL(k.ID) + "#partie-bilan",
		}
		if k.Day == 0 {
			d.Warnings = append(d.Warnings, "Le temps simulé n'a pas avancé : ni réponse des partenaires, ni suivi, ni événement.")
		}
		return caseDone{rendered: true}, s.askConfirmation(c, []views.Link{casesCrumb, {Href: caseURL(k.ID), Label: "Dossier de " + sc.Person.FirstName + " " + sc.Person.LastName}, {Label: "Clore"}}, d)
	}
	if err := s.cases.Close(ctx, u, k.ID); err != nil {
		return caseDone{anchor: "#partie-bilan"}, err
	}
	return caseDone{to: caseURL(k.ID) + "/debrief", notice: "dossier-clos"}, nil
}

func caseAddComment(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	ctx, u := c.UserContext(), *currentUser(c)
	err := s.cases.AddComment(ctx, u, k.ID, c.FormValue("commentaire"))
	return caseDone{anchor: "#commentaires"}, err
}

func caseToPiece(s *Server, c *fiber.Ctx, k casework.Case) (caseDone, error) {
	pieceID, err := s.caseToPortfolio(c, k, c.FormValue("production"))
	if err != nil {
		return caseDone{}, err
	}
	return caseDone{to: pieceURL(pieceID), notice: "piece-creee"}, nil
}

func (s *Server) caseDebrief(c *fiber.Ctx) error {
	k, err := s.loadCase(c)
	if err != nil {
		return err
	}
	d, err := s.cases.Debrief(c.UserContext(), *currentUser(c), k.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Débriefing — "+k.Scenario.Title, casesCrumb, views.Link{Href: caseURL(k.ID), Label: k.Scenario.Person.FirstName + " " + k.Scenario.Person.LastName},
		views.Link{Label: "Débriefing"})
	p.Data = d
	return s.render(c, "debrief", p)
}

// caseToPortfolio turns a production of the case into a portfolio piece
// linked to the tasks it practises, to be graded like any piece.
func (s *Server) caseToPortfolio(c *fiber.Ctx, k casework.Case, which string) (int64, error) {
	u := *currentUser(c)
	if u.ID != k.LearnerID {
		return 0, apperr.New(apperr.Forbidden, "Seul l'apprenant qui tient le dossier peut l'envoyer au portfolio.")
	}
	prod, ok := casework.Productions[which]
	if !ok {
		return 0, apperr.New(apperr.Invalid, "Production inconnue.")
	}
	body, err := s.cases.ProductionMarkdown(c.UserContext(), k, which)
	if err != nil {
		return 0, err
	}
	ctx := c.UserContext()
	piece, err := s.assess.Create(ctx, u, assessment.NewPiece{KindID: prod.Kind, Title: prod.Title + " — " + k.Scenario.Person.FirstName + " " + k.Scenario.Person.LastName})
	if err != nil {
		return 0, err
	}
	if err := s.assess.SaveDraft(ctx, u, piece.ID, piece.Title, body); err != nil {
		return 0, err
	}
	in := assessment.LinksInput{Justifications: map[string]string{}}
	for _, tid := range prod.Tasks {
		if t, ok := s.fw.Task(tid); ok {
			for _, cap := range t.Capacities {
				in.Capacities = append(in.Capacities, cap.ID)
				in.Justifications[cap.ID] = "Travail réalisé dans le bac à sable sur le cas « " + k.Scenario.Title + " »."
			}
		}
	}
	return piece.ID, s.assess.SetLinks(ctx, u, piece.ID, in)
}

// renderers holds the templates parsed for each sandbox library: parsing
// them costs ~40 ms, once per process (a test binary starts a hundred
// servers on the same embedded library).
var renderers sync.Map // *casework.Library → *views.Renderer

func renderer(cases *casework.Store) (*views.Renderer, error) {
	var lib *casework.Library
	if cases != nil {
		lib = cases.Library()
	}
	if r, ok := renderers.Load(lib); ok {
		return r.(*views.Renderer), nil
	}
	r, err := views.New(labelFuncs(lib))
	if err != nil {
		return nil, err
	}
	v, _ := renderers.LoadOrStore(lib, r)
	return v.(*views.Renderer), nil
}

// labelFuncs are the template functions naming the sandbox's codes.
func labelFuncs(lib *casework.Library) template.FuncMap {
	return template.FuncMap{
		"themeLabel":   casework.ThemeLabel,
		"publicLabel":  func(p string) string { return or(casework.PublicLabels[p], p) },
		"domainLabel":  func(d string) string { return or(casework.DomainLabels[d], d) },
		"urgencyLabel": casework.UrgencyLabel,
		"styleLabel":   func(s string) string { return casework.StyleLabels[s] },
		"typologyLabel": func(s string) string {
			if l, ok := casework.TypologyLabels[s]; ok {
				return l
			}
			return s
		},
		"mobilisationLabel": func(s string) string {
			if l, ok := casework.MobilisationLabels[s]; ok {
				return l
			}
			return s
		},
		"moveLabel":  func(s string) string { return casework.MoveLabels[s] },
		"kindLabel":  casework.KindLabel,
		"dayLabel":   func(s string) string { return reception.DayLabels[s] },
		"halfLabel":  func(s string) string { return reception.HalfLabels[s] },
		"clockLabel": reception.Clock,
		"slotLabel":  casework.SlotLabel,
		"styleOrder": func() []string { return casework.Styles },
		"serviceType": func(s string) string {
			if l, ok := serviceTypes[s]; ok {
				return l
			}
			return s
		},
		"dateISO":             dateISO,
		"referralStatus":      casework.ReferralStatusLabel,
		"goalStatus":          func(s string) string { return or(casework.GoalStatuses[s], s) },
		"actionStatus":        casework.ActionStatusLabel,
		"appointmentStatus":   func(s string) string { return or(casework.AppointmentStatuses[s], s) },
		"appointmentStatuses": func() map[string]string { return casework.AppointmentStatuses },
		"productions":         func() map[string]casework.Production { return casework.Productions },
		"partnerName": func(id string) string {
			if lib != nil {
				if st, ok := lib.Structure(id); ok {
					return st.Name
				}
			}
			return id
		},
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// contractPrint is the contract laid out for printing and signature.
func (s *Server) contractPrint(c *fiber.Ctx) error {
	k, err := s.loadCase(c)
	if err != nil {
		return err
	}
	ct, err := s.cases.Contract(c.UserContext(), k)
	if err != nil {
		return err
	}
	if !ct.Exists {
		return apperr.New(apperr.NotFound, "Aucun contrat n'a encore été rédigé dans ce dossier.")
	}
	st, _ := s.cases.Library().Structure(k.Scenario.Structure)
	p := s.page(c, "Contrat — "+k.Scenario.Person.FirstName+" "+k.Scenario.Person.LastName, casesCrumb,
		views.Link{Href: caseURL(k.ID), Label: k.Scenario.Person.FirstName + " " + k.Scenario.Person.LastName}, views.Link{Label: "Contrat"})
	p.Data = struct {
		Case      casework.Case
		Contract  casework.Contract
		Structure *casework.Structure
		TypeLabel string
	}{k, ct, st, casework.ContractTypeLabel(ct.Type)}
	return s.render(c, "contrat", p)
}

// sandboxSetting shows or hides the trust gauge to the cohort's learners.
func (s *Server) sandboxSetting(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	if err := s.accounts.SetSandboxTrust(c.UserContext(), *currentUser(c), co.ID, c.FormValue("confiance_visible") == "1", s.clientIP(c)); err != nil {
		return err
	}
	return s.redirectWithNotice(c, "/promotions/"+strconv.FormatInt(co.ID, 10), "bac-a-sable")
}

var serviceTypes = map[string]string{"ACCOMPAGNEMENT": "Accompagnement", "AIDE_FINANCIERE": "Aide financière", "AIDE_MATERIELLE": "Aide matérielle",
	"ATELIER": "Atelier", "FORMATION": "Formation", "INFORMATION": "Information"}

// dateISO writes a content date (2026-02-25) the French way.
func dateISO(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return french.Date(t)
}
