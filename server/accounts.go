package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/internal/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

var accountCrumb = views.Link{Href: "/compte", Label: "Mon compte"}

type accountData struct {
	User    *account.User
	Cohorts []account.Cohort
}

func (s *Server) accountPage(c *fiber.Ctx) error {
	u := currentUser(c)
	cohorts, err := s.accounts.CohortsOf(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Mon compte", views.Link{Label: "Mon compte"})
	p.Data = accountData{User: u, Cohorts: cohorts}
	return s.render(c, "compte", p)
}

func (s *Server) passwordForm(c *fiber.Ctx) error {
	return s.render(c, "mot-de-passe", s.page(c, "Changer de mot de passe", accountCrumb, views.Link{Label: "Mot de passe"}))
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	pc := account.PasswordChange{Current: c.FormValue("current"), New: c.FormValue("new"), Confirm: c.FormValue("confirm")}
	err := s.accounts.ChangePassword(c.UserContext(), currentUser(c).ID, pc)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		p := s.page(c, "Changer de mot de passe", accountCrumb, views.Link{Label: "Mot de passe"})
		p.Errors = e.Fields
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "mot-de-passe", p)
	}
	if err != nil {
		return err
	}
	return redirectWithNotice(c, "/compte", "mot-de-passe")
}

var adminUsersCrumb = views.Link{Href: "/admin/comptes", Label: "Comptes"}

type usersData struct {
	Users  []account.User
	Counts map[account.Role]int
	Roles  []account.Role
}

func (s *Server) userList(c *fiber.Ctx) error {
	users, err := s.accounts.List(c.UserContext())
	if err != nil {
		return err
	}
	s.auditRead(c, 0, "liste des comptes")
	d := usersData{Users: users, Counts: map[account.Role]int{}, Roles: account.Roles}
	for _, u := range users {
		d.Counts[u.Role]++
	}
	p := s.page(c, "Comptes", views.Link{Label: "Comptes"})
	p.Data = d
	return s.render(c, "comptes", p)
}

func (s *Server) userForm(c *fiber.Ctx) error {
	p := s.page(c, "Créer un compte", adminUsersCrumb, views.Link{Label: "Nouveau compte"})
	p.Data = account.Roles
	p.Form = map[string]string{"role": string(account.Learner)}
	return s.render(c, "compte-nouveau", p)
}

func (s *Server) userCreate(c *fiber.Ctx) error {
	nu := account.NewUser{Login: c.FormValue("login"), DisplayName: c.FormValue("display_name"), Email: c.FormValue("email"),
		Role: account.Role(c.FormValue("role")), Password: c.FormValue("password")}
	u, err := s.accounts.Create(c.UserContext(), nu)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		p := s.page(c, "Créer un compte", adminUsersCrumb, views.Link{Label: "Nouveau compte"})
		p.Data = account.Roles
		p.Errors = e.Fields
		p.Form = map[string]string{"login": nu.Login, "display_name": nu.DisplayName, "email": nu.Email, "role": string(nu.Role)}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "compte-nouveau", p)
	}
	if err != nil {
		return err
	}
	me := currentUser(c)
	s.accounts.Audit(c.UserContext(), account.Entry{ActorID: me.ID, ActorLogin: me.Login, Action: account.ActionUserCreated,
		SubjectUserID: u.ID, Target: "compte " + u.Login, Address: c.IP()})
	return redirectWithNotice(c, "/admin/comptes", "compte")
}

func (s *Server) auditLog(c *fiber.Ctx) error {
	entries, err := s.accounts.AuditLog(c.UserContext(), account.AuditFilter{Action: c.Query("action"), Limit: 200})
	if err != nil {
		return err
	}
	p := s.page(c, "Journal d'audit", views.Link{Label: "Journal d'audit"})
	p.Data = struct {
		Entries []account.Entry
		Action  string
		Actions []string
	}{entries, c.Query("action"), []string{account.ActionLogin, account.ActionLoginFailed, account.ActionLoginThrottled,
		account.ActionLogout, account.ActionForbidden, account.ActionRead, account.ActionPasswordChanged, account.ActionUserCreated, account.ActionMembership}}
	return s.render(c, "journal", p)
}

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
	p.Data = s.cfg.Catalog.Frameworks()
	return s.render(c, "promotion-nouvelle", p)
}

func (s *Server) cohortCreate(c *fiber.Ctx) error {
	nc := account.NewCohort{Name: c.FormValue("name"), FrameworkID: c.FormValue("framework"), StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on")}
	if _, ok := s.cfg.Catalog.Get(nc.FrameworkID); !ok && nc.FrameworkID != "" {
		nc.FrameworkID = ""
	}
	co, err := s.accounts.CreateCohort(c.UserContext(), nc)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		p := s.page(c, "Créer une promotion", cohortsCrumb, views.Link{Label: "Nouvelle promotion"})
		p.Errors = e.Fields
		p.Form = map[string]string{"name": nc.Name, "framework": nc.FrameworkID, "starts_on": nc.StartsOn, "ends_on": nc.EndsOn}
		p.Data = s.cfg.Catalog.Frameworks()
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "promotion-nouvelle", p)
	}
	if err != nil {
		return err
	}
	if u := currentUser(c); u.Role == account.Manager {
		if err := s.accounts.AddMember(c.UserContext(), co.ID, u.ID, account.Manager); err != nil {
			return err
		}
	}
	return redirectWithNotice(c, "/promotions/"+strconv.FormatInt(co.ID, 10), "promotion")
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
	Learners, Assessors, Managers []account.User
	CanManage                     bool
	AddLearners, AddAssessors     []account.User
	AddManagers                   []account.User
}

// CohortRef tells the member partials which cohort they act on and whether
// the viewer may change it.
func (d cohortData) CohortRef() (int64, bool) { return d.Cohort.ID, d.CanManage }

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
	for _, m := range []struct {
		role account.Role
		dst  *[]account.User
	}{{account.Learner, &d.Learners}, {account.Assessor, &d.Assessors}, {account.Manager, &d.Managers}} {
		if *m.dst, err = s.accounts.Members(ctx, co.ID, m.role); err != nil {
			return err
		}
	}
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
			if *m.dst, err = s.accounts.NonMembers(ctx, co.ID, m.role); err != nil {
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
	notice := "membre-ajoute"
	if c.FormValue("action") == "retirer" {
		err, notice = s.accounts.RemoveMember(ctx, co.ID, uid, role), "membre-retire"
	} else {
		err = s.accounts.AddMember(ctx, co.ID, uid, role)
	}
	if err != nil {
		return err
	}
	me := currentUser(c)
	s.accounts.Audit(ctx, account.Entry{ActorID: me.ID, ActorLogin: me.Login, Action: account.ActionMembership,
		SubjectUserID: uid, Target: "promotion " + co.Name, Address: c.IP(), Detail: c.FormValue("action") + " " + string(role)})
	return redirectWithNotice(c, "/promotions/"+strconv.FormatInt(co.ID, 10), notice)
}
