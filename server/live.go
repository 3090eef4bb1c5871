package server

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

// Live evaluations (épreuves): a manager plans sessions for a cohort and
// sends the convocations; the jury grades each passage on its sheet
// (server/livesheet.go); candidates find their convocations on their home
// page and under « Mes épreuves ».

func sessionURL(id int64) string { return "/epreuves/" + strconv.FormatInt(id, 10) }
func slotURL(id int64) string    { return "/epreuves/passages/" + strconv.FormatInt(id, 10) }

// myLiveEvaluations lists what concerns the user: a learner's convocations,
// the sessions a member sits on, a manager's cohorts' sessions.
func (s *Server) myLiveEvaluations(c *fiber.Ctx) error {
	u, ctx := currentUser(c), c.UserContext()
	p := s.page(c, "Mes épreuves", views.Link{Label: "Mes épreuves"})
	var d struct {
		Convocations []assessment.Convocation
		Jury         []assessment.Session
		Cohorts      []account.Cohort
		Now          time.Time
	}
	d.Now = time.Now()
	var err error
	switch u.Role {
	case account.Learner:
		d.Convocations, err = s.assess.LearnerConvocations(ctx, u.ID)
	default:
		if d.Jury, err = s.assess.JurySessions(ctx, u.ID); err == nil && (u.Role == account.Manager || u.Role == account.Admin) {
			d.Cohorts, err = s.managedCohorts(c)
		}
	}
	if err != nil {
		return err
	}
	p.Data = d
	return s.render(c, "epreuves-mes", p)
}

// managedCohorts are the cohorts the user manages (every one for an admin).
func (s *Server) managedCohorts(c *fiber.Ctx) ([]account.Cohort, error) {
	u, ctx := currentUser(c), c.UserContext()
	if u.Role == account.Admin {
		return s.accounts.Cohorts(ctx)
	}
	return s.accounts.CohortsOf(ctx, u.ID)
}

type sessionListData struct {
	Cohort    account.Cohort
	Sessions  []assessment.Session
	CanManage bool
	Now       time.Time
	FW        *referentiel.Framework
}

// cohortSessions lists a cohort's sessions, to its staff.
func (s *Server) cohortSessions(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, false)
	if err != nil {
		return err
	}
	list, err := s.assess.CohortSessions(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Épreuves — "+co.Name, cohortsCrumb, views.Link{Href: cohortURL(co.ID), Label: co.Name}, views.Link{Label: "Épreuves"})
	p.Data = sessionListData{Cohort: co, Sessions: list, CanManage: s.canManage(c, co.ID), Now: time.Now(), FW: s.fw}
	return s.render(c, "epreuves", p)
}

// canManage tells whether the user manages the cohort.
func (s *Server) canManage(c *fiber.Ctx, cohortID int64) bool {
	u := currentUser(c)
	if u.Role == account.Admin {
		return true
	}
	ok, err := s.accounts.IsMember(c.UserContext(), cohortID, u.ID, account.Manager)
	return err == nil && ok
}

// sessionFormData is the planning form: the kinds, the cohort's staff for
// the jury, its learners for the passing order.
type sessionFormData struct {
	Cohort   account.Cohort
	Session  *assessment.Session
	Kinds    []*referentiel.LiveKind
	Staff    []account.User
	Learners []account.User
	Jury     map[int64]bool
}

func (s *Server) sessionForm(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	form := map[string]string{"minutes": "30", "time": "09:00"}
	if k, ok := s.fw.LiveKind(c.Query("epreuve")); ok {
		form["kind"], form["minutes"] = k.ID, strconv.Itoa(k.Minutes)
	}
	// « Reprogrammer »: the candidates of a missed passage come preselected.
	for i, id := range strings.Split(c.Query("candidats"), ",") {
		if _, err := strconv.ParseInt(id, 10, 64); err == nil {
			form["ordre-"+id] = strconv.Itoa(i + 1)
		}
	}
	return s.renderSessionForm(c, co, nil, form, nil, nil)
}

func (s *Server) renderSessionForm(c *fiber.Ctx, co account.Cohort, se *assessment.Session, form map[string]string, jury []int64, errs map[string]string) error {
	ctx := c.UserContext()
	d := sessionFormData{Cohort: co, Session: se, Kinds: s.fw.LiveKinds, Jury: map[int64]bool{}}
	var err error
	if d.Learners, err = s.accounts.Members(ctx, co.ID, account.Learner); err != nil {
		return err
	}
	assessors, err := s.accounts.Members(ctx, co.ID, account.Assessor)
	if err != nil {
		return err
	}
	managers, err := s.accounts.Members(ctx, co.ID, account.Manager)
	if err != nil {
		return err
	}
	d.Staff = append(assessors, managers...)
	if se != nil { // external members already on the jury stay choosable
		for _, m := range se.Jury {
			if m.External {
				d.Staff = append(d.Staff, account.User{ID: m.UserID, DisplayName: m.Name + " (extérieur)", Login: m.Login})
			}
		}
	}
	for _, id := range jury {
		d.Jury[id] = true
	}
	title, crumb := "Planifier une session d'épreuve", views.Link{Label: "Nouvelle session"}
	if se != nil {
		title, crumb = "Modifier la session « "+se.Title+" »", views.Link{Label: "Modifier"}
	}
	crumbs := []views.Link{cohortsCrumb, {Href: cohortURL(co.ID), Label: co.Name}, {Href: cohortURL(co.ID) + "/epreuves", Label: "Épreuves"}}
	if se != nil {
		crumbs = append(crumbs, views.Link{Href: sessionURL(se.ID), Label: se.Title})
	}
	p := s.page(c, title, append(crumbs, crumb)...)
	p.Form, p.Errors, p.Data = form, errs, d
	return s.renderForm(c, "epreuve-session-form", p)
}

// readSessionForm reads the planning form; the passing order comes from the
// numbers typed beside the learners (blank: not convened).
func (s *Server) readSessionForm(c *fiber.Ctx, learners []account.User) (assessment.SessionInput, map[string]string, map[string]string) {
	f := formValues(c)
	form := map[string]string{}
	for _, k := range []string{"kind", "title", "date", "time", "minutes", "place", "link", "bring", "written_due"} {
		form[k] = f[k]
	}
	in := assessment.SessionInput{Kind: f["kind"], Title: f["title"], Date: f["date"], Time: f["time"], Place: f["place"], Link: f["link"],
		Bring: f["bring"], WrittenDue: f["written_due"]}
	errs := map[string]string{}
	if m, err := strconv.Atoi(strings.TrimSpace(f["minutes"])); err == nil {
		in.Minutes = m
	} else {
		errs["minutes"] = "Indiquez la durée d'un passage en minutes."
		in.Minutes = 30
	}
	for _, v := range c.Request().PostArgs().PeekMulti("jury") {
		if id, err := strconv.ParseInt(string(v), 10, 64); err == nil && !slices.Contains(in.Jury, id) {
			in.Jury = append(in.Jury, id)
		}
	}
	type ranked struct {
		id   int64
		rank int
		name string
	}
	var order []ranked
	for _, l := range learners {
		key := "ordre-" + strconv.FormatInt(l.ID, 10)
		v := strings.TrimSpace(f[key])
		form[key] = v
		if v == "" {
			continue
		}
		r, err := strconv.Atoi(v)
		if err != nil || r < 1 || r > 999 {
			errs["learners"] = "L'ordre de passage est un nombre entier à partir de 1 (laissez vide pour ne pas convoquer)."
			continue
		}
		order = append(order, ranked{l.ID, r, l.DisplayName})
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].rank != order[j].rank {
			return order[i].rank < order[j].rank
		}
		return french.Compare(order[i].name, order[j].name) < 0
	})
	// Consecutive passage numbers, in order; the same number typed for
	// several learners keeps them together (a group passes at once).
	pos, last := 0, -1
	for _, o := range order {
		if o.rank != last {
			pos++
			last = o.rank
		}
		in.Learners = append(in.Learners, o.id)
		in.Positions = append(in.Positions, pos)
	}
	return in, form, errs
}

func (s *Server) sessionCreate(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	learners, err := s.accounts.Members(c.UserContext(), co.ID, account.Learner)
	if err != nil {
		return err
	}
	in, form, errs := s.readSessionForm(c, learners)
	if len(errs) > 0 {
		errs = s.withFormChecks(in, errs)
		return s.renderSessionForm(c, co, nil, form, in.Jury, errs)
	}
	id, err := s.assess.PlanSession(c.UserContext(), *currentUser(c), co.ID, in, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderSessionForm(c, co, nil, form, in.Jury, e.Fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, sessionURL(id), "Session planifiée. Vérifiez l'ordre de passage, puis envoyez les convocations.")
}

// sessionFor reads the session of the path for the current user.
func (s *Server) sessionFor(c *fiber.Ctx) (assessment.Session, assessment.SessionAccess, error) {
	id, err := pathID(c, "sid")
	if err != nil {
		return assessment.Session{}, 0, err
	}
	se, acc, err := s.assess.SessionFor(c.UserContext(), *currentUser(c), id)
	if apperr.CodeOf(err) == apperr.Forbidden {
		return se, acc, s.forbid(c, "session d'épreuve "+c.Params("sid"))
	}
	return se, acc, err
}

func (s *Server) sessionEditForm(c *fiber.Ctx) error {
	se, acc, err := s.sessionFor(c)
	if err != nil {
		return err
	}
	if acc != assessment.SessionManage {
		return s.forbid(c, "modification de la session d'épreuve "+c.Params("sid"))
	}
	co, err := s.accounts.Cohort(c.UserContext(), se.CohortID)
	if err != nil {
		return err
	}
	start := se.StartsAt.In(french.Paris)
	form := map[string]string{"kind": se.KindID, "title": se.Title, "date": start.Format("2006-01-02"), "time": start.Format("15:04"),
		"minutes": strconv.Itoa(se.SlotMinutes), "place": se.Place, "link": se.Link, "bring": se.Bring}
	if !se.WrittenDue.IsZero() {
		form["written_due"] = se.WrittenDue.Format("2006-01-02")
	}
	for _, sl := range se.Slots {
		form["ordre-"+strconv.FormatInt(sl.LearnerID, 10)] = strconv.Itoa(sl.Position)
	}
	var jury []int64
	for _, m := range se.Jury {
		jury = append(jury, m.UserID)
	}
	return s.renderSessionForm(c, co, &se, form, jury, nil)
}

func (s *Server) sessionUpdate(c *fiber.Ctx) error {
	se, acc, err := s.sessionFor(c)
	if err != nil {
		return err
	}
	if acc != assessment.SessionManage {
		return s.forbid(c, "modification de la session d'épreuve "+c.Params("sid"))
	}
	ctx := c.UserContext()
	co, err := s.accounts.Cohort(ctx, se.CohortID)
	if err != nil {
		return err
	}
	learners, err := s.accounts.Members(ctx, co.ID, account.Learner)
	if err != nil {
		return err
	}
	in, form, errs := s.readSessionForm(c, learners)
	if len(errs) > 0 {
		errs = s.withFormChecks(in, errs)
		return s.renderSessionForm(c, co, &se, form, in.Jury, errs)
	}
	err = s.assess.UpdateSession(ctx, *currentUser(c), se.ID, in, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderSessionForm(c, co, &se, form, in.Jury, e.Fields)
	}
	if err != nil {
		return err
	}
	msg := "Session modifiée."
	if se.Sent() {
		msg = "Session modifiée : chaque convocation déjà envoyée indique désormais ce qui a changé."
	}
	return s.redirectWithText(c, sessionURL(se.ID), msg)
}

// withFormChecks adds the form's other errors to those read, so that the
// page shows every field at fault at once.
func (s *Server) withFormChecks(in assessment.SessionInput, errs map[string]string) map[string]string {
	for k, v := range s.assess.CheckSessionInput(in) {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	return errs
}

type sessionPageData struct {
	S         assessment.Session
	CanManage bool
	IsJury    bool
	Missed    []assessment.Slot
	Missing   []int64 // candidates to reschedule, for the planning link
	Unsent    int     // convocations not sent yet
	Now       time.Time
	// Attendances are the choices of the presence form.
	Attendances []assessment.Attendance
	// External: the account of an external jury member just created.
	External *externalCreated
}

// sessionPage shows a session: details, jury, passing order with each
// passage's attendance and state, and what the viewer may do.
func (s *Server) sessionPage(c *fiber.Ctx) error {
	se, acc, err := s.sessionFor(c)
	if err != nil {
		return err
	}
	return s.renderSessionPage(c, se, acc, nil, nil, nil)
}

func (s *Server) renderSessionPage(c *fiber.Ctx, se assessment.Session, acc assessment.SessionAccess, errs, form map[string]string, ext *externalCreated) error {
	d := sessionPageData{External: ext, S: se, CanManage: acc == assessment.SessionManage, IsJury: se.IsJury(currentUser(c).ID), Now: time.Now(),
		Attendances: assessment.Attendances}
	for _, sl := range se.Slots {
		if sl.Sent == nil {
			d.Unsent++
		}
		if sl.Attendance.Missed() {
			d.Missed = append(d.Missed, sl)
			d.Missing = append(d.Missing, sl.LearnerID)
		}
	}
	crumbs := []views.Link{{Href: "/epreuves", Label: "Mes épreuves"}, {Label: se.Title}}
	if acc != assessment.SessionJury || d.CanManage {
		crumbs = []views.Link{cohortsCrumb, {Href: cohortURL(se.CohortID), Label: se.CohortName}, {Href: cohortURL(se.CohortID) + "/epreuves", Label: "Épreuves"}, {Label: se.Title}}
	}
	p := s.page(c, se.Title+" — "+french.Date(se.StartsAt), crumbs...)
	p.Data, p.Errors, p.Form = d, errs, form
	return s.renderForm(c, "epreuve-session", p)
}

// sessionSend sends the convocations, after a confirmation that says to whom.
func (s *Server) sessionSend(c *fiber.Ctx) error {
	se, acc, err := s.sessionFor(c)
	if err != nil {
		return err
	}
	if acc != assessment.SessionManage {
		return s.forbid(c, "convocations de la session d'épreuve "+c.Params("sid"))
	}
	here := sessionURL(se.ID)
	fresh := 0
	for _, sl := range se.Slots {
		if sl.Sent == nil {
			fresh++
		}
	}
	if !confirmed(c) {
		return s.askConfirmation(c, []views.Link{{Href: cohortURL(se.CohortID) + "/epreuves", Label: "Épreuves"}, {Href: here, Label: se.Title}, {Label: "Envoyer les convocations"}}, confirmation{
			Heading: "Envoyer les convocations ?",
			Object:  fmt.Sprintf("« %s », le %s : %s.", se.Title, french.DateTime(se.StartsAt), french.Plural(fresh, "convocation à envoyer", "convocations à envoyer")),
			Effects: []string{"Chaque candidat voit sa convocation sur sa page d'accueil et sous « Mes épreuves » : date, heure de passage, lieu, durée, ce qu'il faut apporter ; il peut l'imprimer, la télécharger en PDF et l'ajouter à son agenda.",
				"Toute modification ultérieure de la session sera signalée sur chaque convocation, avec ce qui a changé."},
			Action: here + "/convocations", Button: "Envoyer les convocations", Back: here,
		})
	}
	err = s.assess.SendConvocations(c.UserContext(), *currentUser(c), se.ID, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		msgs := make([]string, 0, len(e.Fields))
		for _, m := range e.Fields {
			msgs = append(msgs, m)
		}
		sort.Strings(msgs)
		return s.redirectWithText(c, here, "Convocations non envoyées : "+strings.Join(msgs, " "))
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, here, french.Plural(fresh, "convocation envoyée.", "convocations envoyées."))
}

// slotAttendance records a candidate's presence (jury or manager).
func (s *Server) slotAttendance(c *fiber.Ctx) error {
	id, err := pathID(c, "slot")
	if err != nil {
		return err
	}
	err = s.assess.SetAttendance(c.UserContext(), *currentUser(c), id, assessment.Attendance(c.FormValue("presence")), s.clientIP(c))
	back := c.FormValue("retour")
	if back != "session" {
		back = "passage"
	}
	to := slotURL(id)
	if sid, perr := strconv.ParseInt(c.FormValue("session"), 10, 64); back == "session" && perr == nil {
		to = sessionURL(sid)
	}
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.redirectWithText(c, to, "Présence non enregistrée : "+e.Fields["attendance"])
	}
	if apperr.CodeOf(err) == apperr.Forbidden {
		return s.forbid(c, "présence au passage "+c.Params("slot"))
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, to, "Présence enregistrée : "+assessment.Attendance(c.FormValue("presence")).Label()+".")
}

var loginPart = regexp.MustCompile(`[^a-z0-9._-]+`)

// externalJury creates the account of an external professional and puts
// it on the session's jury; its provisional password is shown once.
func (s *Server) externalJury(c *fiber.Ctx) error {
	se, acc, err := s.sessionFor(c)
	if err != nil {
		return err
	}
	if acc != assessment.SessionManage {
		return s.forbid(c, "jury extérieur de la session d'épreuve "+c.Params("sid"))
	}
	ctx, me := c.UserContext(), currentUser(c)
	name, email := strings.TrimSpace(c.FormValue("nom")), strings.TrimSpace(c.FormValue("email"))
	errs := map[string]string{}
	if name == "" {
		errs["nom"] = "Indiquez le nom du professionnel."
	}
	local, _, found := strings.Cut(strings.ToLower(email), "@")
	if !found || local == "" {
		errs["email"] = "Indiquez son adresse électronique (prenom.nom@exemple.fr)."
	}
	if se.Graded() {
		errs["nom"] = "L'évaluation de cette session a commencé : son jury ne change plus."
	}
	if len(errs) > 0 {
		return s.renderSessionPage(c, se, acc, errs, map[string]string{"nom": name, "email": email}, nil)
	}
	temp, err := account.TempPassword()
	if err != nil {
		return err
	}
	base := "jury." + strings.Trim(loginPart.ReplaceAllString(french.Fold(local), "-"), "-._")
	if len(base) > 34 {
		base = base[:34]
	}
	var u account.User
	for i := 0; i < 20; i++ {
		login := base
		if i > 0 {
			login += strconv.Itoa(i + 1)
		}
		u, err = s.accounts.CreateBy(ctx, *me, account.NewUser{Login: login, DisplayName: name, Email: email, Role: account.Assessor,
			Password: temp, Provisional: true, External: true}, s.clientIP(c))
		if e, ok := apperr.As(err); ok && e.Fields != nil && e.Fields["login"] != "" {
			continue // taken: the next number
		}
		break
	}
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderSessionPage(c, se, acc, map[string]string{"email": firstMessage(e.Fields)}, map[string]string{"nom": name, "email": email}, nil)
	}
	if err != nil {
		return err
	}
	if err := s.assess.AddExternalJury(ctx, *me, se.ID, u.ID, s.clientIP(c)); err != nil {
		return err
	}
	se, acc, err = s.assess.SessionFor(ctx, *me, se.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderSessionPage(c, se, acc, nil, nil, &externalCreated{Name: u.DisplayName, Login: u.Login, Password: temp})
}

type externalCreated struct{ Name, Login, Password string }

func firstMessage(m map[string]string) string {
	for _, k := range []string{"login", "email", "display_name"} {
		if v := m[k]; v != "" {
			return v
		}
	}
	for _, v := range m {
		return v
	}
	return ""
}
