package server

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

type ctxKey int

const (
	userKey ctxKey = iota
	csrfKey
	auditedKey
)

// Session keys.
const (
	sessUserID  = "uid"
	sessLoginAt = "login_at"
	// sessionCookie carries the session id; csrfCookie a visitor's CSRF
	// binding (see csrf.go).
	sessionCookie = "casp_session"
	csrfCookie    = "casp_csrf"
)

// currentUser is the signed-in user, nil for a visitor.
func currentUser(c *fiber.Ctx) *account.User {
	u, _ := c.Locals(userKey).(*account.User)
	return u
}

// loadUser reads the session and puts the signed-in user in the context,
// ending sessions past their absolute timeout or of disabled accounts.
func (s *Server) loadUser(c *fiber.Ctx) error {
	if c.Cookies(sessionCookie) == "" {
		return c.Next()
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	uid, _ := sess.Get(sessUserID).(int64)
	if uid == 0 {
		return c.Next()
	}
	loginAt, _ := sess.Get(sessLoginAt).(int64)
	if time.Since(time.Unix(loginAt, 0)) > s.cfg.AbsoluteTimeout {
		if err := sess.Destroy(); err != nil {
			return err
		}
		return c.Next()
	}
	u, err := s.accounts.ByID(c.UserContext(), uid)
	if apperr.CodeOf(err) == apperr.NotFound || (err == nil && u.Disabled) {
		if err := sess.Destroy(); err != nil {
			return err
		}
		return c.Next()
	}
	if err != nil {
		return err
	}
	c.Locals(userKey, &u)
	return c.Next()
}

// require lets through signed-in users of the given roles. Visitors are sent
// to the login page; others get a 403 page, and the refusal is audited.
func (s *Server) require(roles ...account.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		if u == nil {
			if c.Method() == fiber.MethodGet {
				return c.Redirect("/connexion?retour="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
			}
			return apperr.New(apperr.Unauthorized, "Votre session a expiré : reconnectez-vous.")
		}
		for _, r := range roles {
			if u.Role == r {
				return c.Next()
			}
		}
		return s.forbid(c, "rôle "+string(u.Role)+" non autorisé")
	}
}

// forbid audits a refusal and returns the 403 error.
func (s *Server) forbid(c *fiber.Ctx, why string) error {
	u := currentUser(c)
	e := account.Entry{Action: account.ActionForbidden, Target: c.Method() + " " + c.Path(), Address: s.clientIP(c), Detail: why}
	if u != nil {
		e.ActorID, e.ActorLogin = u.ID, u.Login
	}
	s.accounts.AuditLater(e)
	c.Locals(auditedKey, true)
	return apperr.New(apperr.Forbidden, "Vous n'avez pas accès à cette page.")
}

// auditRead records that the current user read another person's data.
func (s *Server) auditRead(c *fiber.Ctx, subjectID int64, target string) {
	u := currentUser(c)
	if u == nil || u.ID == subjectID {
		return
	}
	s.accounts.AuditLater(account.Entry{ActorID: u.ID, ActorLogin: u.Login, Action: account.ActionRead,
		SubjectUserID: subjectID, Target: target, Address: s.clientIP(c)})
}

func (s *Server) loginForm(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	p := s.page(c, "Se connecter")
	p.Form = map[string]string{"retour": safeReturn(c.Query("retour"))}
	if c.Query("fin") == "1" {
		p.Notice = "Vous êtes déconnecté."
	}
	return s.render(c, "login", p)
}

func (s *Server) login(c *fiber.Ctx) error {
	login := strings.TrimSpace(c.FormValue("login"))
	ret := safeReturn(c.FormValue("retour"))
	p := s.page(c, "Se connecter")
	p.Form = map[string]string{"login": login, "retour": ret}
	errs := map[string]string{}
	if login == "" {
		errs["login"] = "Saisissez votre identifiant."
	}
	if c.FormValue("password") == "" {
		errs["password"] = "Saisissez votre mot de passe."
	}
	if len(errs) > 0 {
		p.Errors = errs
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "login", p)
	}
	u, err := s.accounts.Authenticate(c.UserContext(), login, c.FormValue("password"), s.clientIP(c))
	if err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		status := fiber.StatusUnauthorized
		if e.Code == apperr.Throttled {
			status = fiber.StatusTooManyRequests
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(e.RetryAfter, 1)))
		}
		p.Errors = map[string]string{"password": e.Message}
		return s.renderStatus(c, status, "login", p)
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	// A new session id at login: a session fixed by an attacker before
	// login is worthless after it.
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set(sessUserID, u.ID)
	sess.Set(sessLoginAt, time.Now().Unix())
	if err := sess.Save(); err != nil {
		return err
	}
	// The CSRF token is now bound to the new session id: a token read
	// before login is worthless after it, and the visitor cookie goes.
	s.setCookie(c, csrfCookie, "", -1)
	if ret == "" {
		ret = "/"
	}
	return c.Redirect(ret, fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if u := currentUser(c); u != nil {
		s.accounts.Audit(c.UserContext(), account.Entry{ActorID: u.ID, ActorLogin: u.Login, Action: account.ActionLogout, Address: s.clientIP(c)})
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	s.setCookie(c, csrfCookie, "", -1)
	return c.Redirect("/connexion?fin=1", fiber.StatusSeeOther)
}

// safeReturn keeps only local paths, so the login form cannot be used to
// redirect to another site: one leading slash, then no second slash or
// backslash, and no control character or space anywhere (browsers drop tabs
// and new lines: « /\t/evil.example » reads as « //evil.example »).
func safeReturn(ret string) string {
	if len(ret) > 2000 || !strings.HasPrefix(ret, "/") {
		return ""
	}
	for _, r := range ret {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || unicode.IsSpace(r) {
			return ""
		}
	}
	u, err := url.Parse(ret)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(ret, "//") {
		return ""
	}
	return ret
}
