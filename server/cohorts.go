package server

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

// Cohorts (promotions): list, creation, edition, deadlines, members.

var cohortsCrumb = views.Link{Href: "/promotions", Label: "Promotions"}

func (s *Server) cohortList(c *fiber.Ctx) error {
	u := currentUser(c)
	var cohorts []account.Cohort
	var err error
	if u.Role == account.Admin {
		cohorts, err = s.accounts.Cohorts(c.UserContext())
	} else {
		cohorts, err = s.accounts.CohortsOf(c.UserContext(), u.ID)
	}
	if err != nil {
		return err
	}
	var totals cohortTotals
	for _, co := range cohorts {
		totals.Learners += co.Learners
		totals.Assessors += co.Assessors
	}
	p := s.page(c, "Promotions", views.Link{Label: "Promotions"})
	p.Data = struct {
		Cohorts   []account.Cohort
		Totals    cohortTotals
		CanCreate bool
	}{cohorts, totals, u.Role == account.Admin || u.Role == account.Manager}
	return s.render(c, "promotions", p)
}

func (s *Server) cohortForm(c *fiber.Ctx) error {
	p := s.page(c, "Créer une promotion", cohortsCrumb, views.Link{Label: "Nouvelle promotion"})
	p.Form = map[string]string{"framework": s.fw.ID}
	p.Data = cohortFormData{Frameworks: s.frameworkOptions(account.Cohort{}, 0)}
	return s.render(c, "promotion-nouvelle", p)
}

// cohortFormData is what the cohort form (creation and edit) shows.
type cohortFormData struct {
	Cohort     account.Cohort
	Frameworks []option
	// Pieces counts the cohort's pieces: with one or more, its framework
	// version is locked.
	Pieces int
}

// frameworkOptions lists the versions a cohort may follow: the catalog's,
// or only its own once it has pieces. A cohort keeps a version the catalog
// no longer ships.
func (s *Server) frameworkOptions(co account.Cohort, pieces int) []option {
	var out []option
	current := false
	for _, fw := range s.cfg.Catalog.Frameworks() {
		if pieces > 0 && fw.ID != co.FrameworkID {
			continue
		}
		out = append(out, option{Value: fw.ID, Label: fw.Title + " (" + fw.Version + ")"})
		current = current || fw.ID == co.FrameworkID
	}
	if co.FrameworkID != "" && !current {
		out = append(out, option{Value: co.FrameworkID, Label: co.FrameworkID + " (version qui n'est plus proposée)"})
	}
	return out
}

// readCohortForm reads the cohort form; a framework version neither in the
// catalog nor the cohort's own is emptied, so that the form says to choose
// one from the list.
func (s *Server) readCohortForm(c *fiber.Ctx, co account.Cohort) account.NewCohort {
	nc := account.NewCohort{Name: c.FormValue("name"), Site: c.FormValue("site"), FrameworkID: c.FormValue("framework"),
		StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on")}
	if _, ok := s.cfg.Catalog.Get(nc.FrameworkID); !ok && (co.FrameworkID == "" || nc.FrameworkID != co.FrameworkID) {
		nc.FrameworkID = ""
	}
	return nc
}

func cohortFormValues(nc account.NewCohort, framework string) map[string]string {
	return map[string]string{"name": nc.Name, "site": nc.Site, "framework": framework, "starts_on": nc.StartsOn, "ends_on": nc.EndsOn}
}

func (s *Server) cohortCreate(c *fiber.Ctx) error {
	nc := s.readCohortForm(c, account.Cohort{})
	co, err := s.accounts.OpenCohort(c.UserContext(), *currentUser(c), nc, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		p := s.page(c, "Créer une promotion", cohortsCrumb, views.Link{Label: "Nouvelle promotion"})
		p.Errors = e.Fields
		p.Form = cohortFormValues(nc, c.FormValue("framework"))
		p.Data = cohortFormData{Frameworks: s.frameworkOptions(account.Cohort{}, 0)}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "promotion-nouvelle", p)
	}
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, cohortURL(co.ID), "promotion")
}

func cohortURL(id int64) string { return "/promotions/" + strconv.FormatInt(id, 10) }

func (s *Server) cohortEditPage(c *fiber.Ctx, co account.Cohort, form map[string]string, errs map[string]string) error {
	n, err := s.assess.CohortPieceCount(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Modifier la promotion — "+co.Name, cohortsCrumb, views.Link{Href: cohortURL(co.ID), Label: co.Name}, views.Link{Label: "Modifier"})
	p.Form, p.Errors = form, errs
	p.Data = cohortFormData{Cohort: co, Frameworks: s.frameworkOptions(co, n), Pieces: n}
	return s.renderForm(c, "promotion-modifier", p)
}

// cohortEditForm shows a cohort's name, site, dates and framework version
// to change.
func (s *Server) cohortEditForm(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	return s.cohortEditPage(c, co, map[string]string{"name": co.Name, "site": co.Site, "framework": co.FrameworkID,
		"starts_on": co.StartsOn.Format("2006-01-02"), "ends_on": co.EndsOn.Format("2006-01-02")}, nil)
}

// cohortUpdate saves the edit form. The framework version is locked once a
// piece exists in the cohort: pieces are linked to its tasks and criteria.
func (s *Server) cohortUpdate(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	nc := s.readCohortForm(c, co)
	form := cohortFormValues(nc, c.FormValue("framework"))
	_, err = s.accounts.EditCohort(ctx, *currentUser(c), co.ID, nc, s.clientIP(c), assessment.FrameworkLock(ctx))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.cohortEditPage(c, co, form, e.Fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, cohortURL(co.ID), "promotion-modifiee")
}

// deadlineView is one deliverable kind of the deadlines form.
type deadlineView struct {
	Kind    *referentiel.DeliverableKind
	Field   string
	Due     time.Time
	Outside bool // set but outside the cohort's dates
}

func (s *Server) deadlineViews(co account.Cohort, due map[string]time.Time) []deadlineView {
	var out []deadlineView
	for _, k := range s.fw.DeliverableKinds {
		d := deadlineView{Kind: k, Field: "due-" + k.ID, Due: due[k.ID]}
		d.Outside = !d.Due.IsZero() && (d.Due.Before(co.StartsOn) || d.Due.After(co.EndsOn))
		out = append(out, d)
	}
	return out
}

func (s *Server) deadlinesPage(c *fiber.Ctx, co account.Cohort, due map[string]time.Time, form, errs map[string]string) error {
	p := s.page(c, "Échéances — "+co.Name, cohortsCrumb, views.Link{Href: cohortURL(co.ID), Label: co.Name}, views.Link{Label: "Échéances"})
	p.Form, p.Errors = form, errs
	p.Data = struct {
		Cohort    account.Cohort
		Deadlines []deadlineView
	}{co, s.deadlineViews(co, due)}
	return s.renderForm(c, "promotion-echeances", p)
}

// deadlinesForm shows one date field per deliverable kind.
func (s *Server) deadlinesForm(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	due, err := s.assess.Deadlines(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for kind, d := range due {
		form["due-"+kind] = d.Format("2006-01-02")
	}
	return s.deadlinesPage(c, co, due, form, nil)
}

// deadlinesSave replaces the cohort's deadlines: an empty field removes
// the kind's deadline. Any invalid date refuses the whole form, input kept.
func (s *Server) deadlinesSave(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	before, err := s.assess.Deadlines(ctx, co.ID)
	if err != nil {
		return err
	}
	due := map[string]time.Time{}
	form, errs := map[string]string{}, map[string]string{}
	var changes []string
	for _, k := range s.fw.DeliverableKinds {
		field := "due-" + k.ID
		v := strings.TrimSpace(c.FormValue(field))
		form[field] = v
		if v == "" {
			if _, had := before[k.ID]; had {
				changes = append(changes, k.ID+" : supprimée")
			}
			continue
		}
		d, ok := account.ParseDate(v)
		if !ok {
			errs[field] = k.Label + " : saisissez une date valide, par exemple 25/11/2026, ou laissez vide."
			continue
		}
		due[k.ID] = d
		if was, had := before[k.ID]; !had || !was.Equal(d) {
			changes = append(changes, k.ID+" : "+d.Format("2006-01-02"))
		}
	}
	if len(errs) > 0 {
		return s.deadlinesPage(c, co, before, form, errs)
	}
	u := currentUser(c)
	if len(changes) == 0 {
		changes = []string{"aucun changement"}
	}
	if err := s.assess.SaveDeadlines(ctx, co.ID, due, account.Entry{ActorID: u.ID, ActorLogin: u.Login,
		Target: "promotion " + co.Name, Address: s.clientIP(c), Detail: strings.Join(changes, " ; ")}); err != nil {
		return err
	}
	return s.redirectWithNotice(c, cohortURL(co.ID)+"/echeances", "echeances")
}

// cohortFor loads the cohort named in the URL and checks the user may see
// it (admin, or staff member of it) or, with manage, change it (admin, or
// manager of it). Anything else is refused and audited.
func (s *Server) cohortFor(c *fiber.Ctx, manage bool) (account.Cohort, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return account.Cohort{}, apperr.New(apperr.NotFound, "Promotion introuvable.")
	}
	ctx := c.UserContext()
	co, err := s.accounts.Cohort(ctx, id)
	if err != nil {
		return account.Cohort{}, err
	}
	u := currentUser(c)
	if u.Role == account.Admin {
		return co, nil
	}
	roles := []account.Role{account.Manager}
	if !manage {
		roles = append(roles, account.Assessor)
	}
	ok, err := s.accounts.IsMember(ctx, co.ID, u.ID, roles...)
	if err != nil {
		return account.Cohort{}, err
	}
	if !ok {
		return account.Cohort{}, s.forbid(c, "promotion "+c.Params("id")+" hors de ses promotions")
	}
	return co, nil
}

type cohortData struct {
	Cohort                        account.Cohort
	Deadlines                     []deadlineView
	Learners, Assessors, Managers []account.User // learners: this page's
	LearnerTotal, LearnerMatches  int
	LearnerQuery                  string
	LearnerPage, LearnerPages     int
	CanManage                     bool
	AddLearners, AddAssessors     []account.User
	AddManagers                   []account.User
}

// CohortRef tells the member partials which cohort they act on and whether
// the viewer may change it.
func (d cohortData) CohortRef() (int64, bool) { return d.Cohort.ID, d.CanManage }

// learnerLists keeps the learners of the last cohorts viewed, sorted in
// French order with their names folded for the search, while the cohort's
// version (raised by triggers on membership, names and logins) stays the
// same: a cohort of 10,000 is not sorted again at each page.
type learnerLists struct {
	mu sync.Mutex
	m  map[int64]learnerList
}

type learnerList struct {
	version int64
	users   []account.User
	folded  []string
}

// maxLearnerLists bounds the cohorts whose learners are kept (about 1 Mio
// for 10,000 learners).
const maxLearnerLists = 4

func (s *Server) learnerList(ctx context.Context, cohortID int64) (learnerList, error) {
	version, err := s.assess.CohortVersion(ctx, cohortID)
	if err != nil {
		return learnerList{}, err
	}
	ll := &s.learnerLists
	ll.mu.Lock()
	l, ok := ll.m[cohortID]
	ll.mu.Unlock()
	if ok && version >= 0 && l.version == version {
		return l, nil
	}
	users, err := s.accounts.Members(ctx, cohortID, account.Learner)
	if err != nil {
		return learnerList{}, err
	}
	l = learnerList{version: version, users: users, folded: make([]string, len(users))}
	for i, u := range users {
		l.folded[i] = referentiel.Fold(u.DisplayName)
	}
	if version >= 0 {
		ll.mu.Lock()
		if ll.m == nil {
			ll.m = map[int64]learnerList{}
		}
		for k := range ll.m {
			if len(ll.m) < maxLearnerLists {
				break
			}
			delete(ll.m, k)
		}
		ll.m[cohortID] = l
		ll.mu.Unlock()
	}
	return l, nil
}

// cohortPageSize is how many learners a cohort page lists.
const cohortPageSize = 50

// cohortPage shows a cohort's members to its staff. Reading the list of
// learners is reading other people's data: it is audited.
func (s *Server) cohortPage(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, false)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	u := currentUser(c)
	d := cohortData{Cohort: co}
	due, err := s.assess.Deadlines(ctx, co.ID)
	if err != nil {
		return err
	}
	for _, dl := range s.deadlineViews(co, due) {
		if !dl.Due.IsZero() {
			d.Deadlines = append(d.Deadlines, dl)
		}
	}
	sort.SliceStable(d.Deadlines, func(i, j int) bool { return d.Deadlines[i].Due.Before(d.Deadlines[j].Due) })
	for _, m := range []struct {
		role account.Role
		dst  *[]account.User
	}{{account.Assessor, &d.Assessors}, {account.Manager, &d.Managers}} {
		if *m.dst, err = s.accounts.Members(ctx, co.ID, m.role); err != nil {
			return err
		}
	}
	// Large cohorts: the learners are searched and shown 50 at a time, from
	// their list sorted once per version of the cohort.
	list, err := s.learnerList(ctx, co.ID)
	if err != nil {
		return err
	}
	d.Learners, d.LearnerTotal = list.users, len(list.users)
	d.LearnerQuery = strings.TrimSpace(c.Query("apprenant"))
	if d.LearnerQuery != "" {
		q := referentiel.Fold(d.LearnerQuery)
		var found []account.User
		for i, l := range list.users {
			if strings.Contains(list.folded[i], q) || strings.Contains(l.Login, q) {
				found = append(found, l)
			}
		}
		d.Learners = found
	}
	d.LearnerMatches = len(d.Learners)
	d.LearnerPages = max(1, (len(d.Learners)+cohortPageSize-1)/cohortPageSize)
	page, _ := strconv.Atoi(c.Query("page"))
	d.LearnerPage = min(max(page, 1), d.LearnerPages)
	lo := (d.LearnerPage - 1) * cohortPageSize
	d.Learners = d.Learners[lo:min(lo+cohortPageSize, len(d.Learners))]
	if u.Role == account.Admin || u.Role == account.Manager {
		if d.CanManage, err = s.accounts.IsMember(ctx, co.ID, u.ID, account.Manager); err != nil {
			return err
		}
		d.CanManage = d.CanManage || u.Role == account.Admin
	}
	if d.CanManage {
		for _, m := range []struct {
			role account.Role
			dst  *[]account.User
		}{{account.Learner, &d.AddLearners}, {account.Assessor, &d.AddAssessors}, {account.Manager, &d.AddManagers}} {
			if *m.dst, err = s.accounts.NonMembers(ctx, *u, co.ID, m.role); err != nil {
				return err
			}
		}
	}
	s.auditRead(c, 0, "liste des membres de la promotion "+co.Name)
	p := s.page(c, co.Name, cohortsCrumb, views.Link{Label: co.Name})
	p.Data = d
	return s.render(c, "promotion", p)
}

// cohortMembers adds (action=ajouter) or removes (action=retirer) a member.
func (s *Server) cohortMembers(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	role := account.Role(c.FormValue("role"))
	uid, err := strconv.ParseInt(c.FormValue("user"), 10, 64)
	if err != nil || uid <= 0 || !role.Valid() {
		return apperr.New(apperr.Invalid, "Choisissez une personne dans la liste.")
	}
	ctx := c.UserContext()
	me := currentUser(c)
	if c.FormValue("action") != "retirer" {
		if err := s.accounts.Enrol(ctx, *me, co, uid, role, s.clientIP(c)); err != nil {
			return err
		}
		who, err := s.accounts.ByID(ctx, uid)
		if err != nil {
			return err
		}
		return s.redirectWithText(c, cohortURL(co.ID), fmt.Sprintf("%s (%s) fait désormais partie de la promotion, comme %s.",
			who.DisplayName, who.Login, strings.ToLower(role.Label())))
	}
	// Only a member can be named here: a forged id learns nothing.
	member, err := s.accounts.IsMember(ctx, co.ID, uid, role)
	if err != nil {
		return err
	}
	if !member {
		return apperr.New(apperr.NotFound, "Cette personne ne fait pas partie de la promotion.")
	}
	who, err := s.accounts.ByID(ctx, uid)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		effects := map[account.Role][]string{
			account.Learner: {"Elle n'apparaîtra plus dans la carte de chaleur, la liste du jury ni les exports de la promotion, et ses pièces ne seront plus proposées aux évaluateurs de la promotion.",
				"Ses pièces, leurs évaluations et les décisions de jury déjà prises restent enregistrées."},
			account.Assessor: {"Elle ne verra plus les pièces de la promotion et ne pourra plus en évaluer.",
				"Les évaluations qu'elle a publiées restent ; celles qu'elle avait ouvertes attendront qu'un autre évaluateur les reprenne."},
			account.Manager: {"Elle ne pourra plus gérer la promotion (membres, échéances, règles d'évaluation, jury)."},
		}[role]
		return s.askConfirmation(c, []views.Link{cohortsCrumb, {Href: cohortURL(co.ID), Label: co.Name}, {Label: "Retirer un membre"}}, confirmation{
			Heading: "Retirer " + who.DisplayName + " de la promotion ?",
			Object:  fmt.Sprintf("%s (%s), %s de la promotion « %s ».", who.DisplayName, who.Login, strings.ToLower(role.Label()), co.Name),
			Effects: append(effects, "Vous pourrez l'y inscrire de nouveau depuis la page de la promotion."),
			Action:  cohortURL(co.ID) + "/membres", Button: "Retirer de la promotion", Back: cohortURL(co.ID),
		})
	}
	if err := s.accounts.Withdraw(ctx, *me, co, uid, role, s.clientIP(c)); err != nil {
		return err
	}
	return s.redirectWithText(c, cohortURL(co.ID), fmt.Sprintf("%s (%s) ne fait plus partie de la promotion.", who.DisplayName, who.Login))
}
