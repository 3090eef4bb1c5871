package server

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
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
		status := fiber.StatusUnprocessableEntity
		if e.Code == apperr.Throttled {
			status = fiber.StatusTooManyRequests
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(e.RetryAfter, 1)))
		}
		return s.renderStatus(c, status, "mot-de-passe", p)
	}
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, "/compte", "mot-de-passe")
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
	// No password typed: a provisional one is generated, shown once, to be
	// changed at the first sign-in (as the CSV import does).
	if nu.Password == "" {
		temp, err := account.TempPassword()
		if err != nil {
			return err
		}
		nu.Password, nu.Provisional = temp, true
	}
	created, err := s.accounts.CreateBy(c.UserContext(), *currentUser(c), nu, s.clientIP(c))
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
	if nu.Provisional {
		return s.renderAccountAdmin(c, created, fiber.StatusOK, nil, nu.Password)
	}
	return s.redirectWithNotice(c, "/admin/comptes", "compte")
}

// auditPage is how many audit entries a page of the journal shows.
const auditPage = 100

func (s *Server) auditLog(c *fiber.Ctx) error {
	before, _ := strconv.ParseInt(c.Query("avant"), 10, 64)
	f := account.AuditFilter{Action: c.Query("action"), Person: c.Query("personne"), From: c.Query("du"), To: c.Query("au"), Before: before, Limit: auditPage + 1}
	entries, err := s.accounts.AuditLog(c.UserContext(), f)
	if err != nil {
		return err
	}
	// One more than a page tells whether older entries follow.
	next := ""
	if len(entries) > auditPage {
		entries = entries[:auditPage]
		q := url.Values{"action": {f.Action}, "personne": {f.Person}, "du": {f.From}, "au": {f.To}, "avant": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}
		next = "/admin/journal?" + q.Encode()
	}
	p := s.page(c, "Journal d'audit", views.Link{Label: "Journal d'audit"})
	p.Data = struct {
		Entries []account.Entry
		Filter  account.AuditFilter
		Actions []string
		Next    string
		Older   bool // a page after the first
	}{entries, f, account.Actions, next, before > 0}
	return s.render(c, "journal", p)
}

func init() {
	notices["promotion-modifiee"] = "La promotion a été modifiée."
	notices["echeances"] = "Les échéances ont été enregistrées."
	notices["mot-de-passe-provisoire"] = "Votre mot de passe est provisoire : choisissez le vôtre pour continuer."
}

// passwordGate keeps an account with a temporary password (CSV import) on
// the password page until its owner has chosen one.
func (s *Server) passwordGate(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil || !u.MustChangePassword || c.Path() == "/compte/mot-de-passe" || c.Path() == "/deconnexion" {
		return c.Next()
	}
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return s.redirectWithNotice(c, "/compte/mot-de-passe", "mot-de-passe-provisoire")
	}
	return apperr.New(apperr.Conflict, "Choisissez d'abord votre propre mot de passe (Mon compte, puis Mot de passe) : le mot de passe provisoire ne permet rien d'autre.")
}
