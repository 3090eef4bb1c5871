package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

// page starts a page with what the layout needs: user, navigation, CSRF
// token, and the notice carried over from the previous request.
func (s *Server) page(c *fiber.Ctx, title string, crumbs ...views.Link) *views.Page {
	p := &views.Page{Title: title, Demo: s.cfg.Demo, Crumbs: crumbs}
	if tok, ok := c.Locals(csrfKey).(string); ok {
		p.CSRF = tok
	}
	if u := currentUser(c); u != nil {
		p.User = &views.User{ID: u.ID, Name: u.DisplayName, Login: u.Login, Role: string(u.Role), RoleLabel: u.Role.Label()}
	}
	p.Nav = navFor(currentUser(c), c.Path())
	if len(crumbs) > 0 {
		p.Crumbs = append([]views.Link{{Href: "/", Label: "Accueil"}}, crumbs...)
		p.Crumbs[len(p.Crumbs)-1].Current = true
	}
	if n := c.Cookies("casp_notice"); n != "" {
		p.Notice = s.noticeFor(n)
		// Expire it on the path it was set on, or the browser keeps it.
		s.setCookie(c, "casp_notice", "", -1)
	}
	return p
}

// notices are the messages shown after a redirect (post/redirect/get); the
// cookie carries only a key, never free text.
var notices = map[string]string{
	"mot-de-passe":           "Votre mot de passe a été modifié.",
	"compte":                 "Le compte a été créé.",
	"compte-efface":          "Le compte a été effacé. Ce qui est conservé, et pourquoi, est rappelé ci-dessous.",
	"promotion":              "La promotion a été créée.",
	"membre-ajoute":          "La personne a été rattachée à la promotion.",
	"membre-retire":          "La personne a été retirée de la promotion.",
	"piece-creee":            "La pièce a été créée. Rédigez-la, enregistrez le brouillon quand vous voulez, puis déposez-la.",
	"brouillon":              "Brouillon enregistré.",
	"lignes":                 "Brouillon enregistré ; de nouvelles lignes vides vous attendent.",
	"depose":                 "Pièce déposée. Voici votre accusé de dépôt : conservez-le.",
	"liens":                  "Les liens avec le référentiel ont été enregistrés.",
	"piece-jointe":           "La pièce jointe a été ajoutée.",
	"piece-jointe-retiree":   "La pièce jointe a été retirée.",
	"evaluation-enregistree": "Évaluation enregistrée.",
	"evaluation-prete":       "Évaluation complète : elle est prête à publier.",
	"evaluation-publiee":     "Évaluation publiée.",
	"regles":                 "Les règles d'évaluation de la promotion ont été enregistrées.",
	"bac-a-sable":            "Le réglage du bac à sable a été enregistré.",
	"dossier-ouvert":         "Le dossier est ouvert. La personne vient d'arriver : commencez l'entretien.",
	"dossier-enregistre":     "Enregistré dans le dossier.",
	"dossier-clos":           "Le dossier est clos. Voici le débriefing.",
	"exercice-ouvert":        "L'exercice est ouvert. Lisez la consigne, puis proposez le planning de la semaine.",
	"semaine-simulee":        "La semaine a tourné avec votre planning : lisez le rapport, ajustez, recommencez.",
	"preparation-validee":    "Préparation validée : la situation commence.",
	"commentaire-publie":     "Commentaire publié : l'apprenant le lit sur son exercice.",
	"scene-jouee":            "Réponse enregistrée : voyez ce qu'elle a produit, puis la suite.",
	"exercice-termine":       "L'exercice est terminé. Voici le débriefing.",
	"jury":                   "La décision du jury est enregistrée. Elle est définitive : une erreur se corrige par une décision rectificative.",
}

// redirectWithNotice sends the user on after a successful action.
func (s *Server) redirectWithNotice(c *fiber.Ctx, to, notice string) error {
	s.setCookie(c, "casp_notice", notice, 60)
	return c.Redirect(to, fiber.StatusSeeOther)
}

// setCookie sets (maxAge > 0) or expires (maxAge < 0) one of casp's own
// cookies: HTTP only, same site, and Secure whenever the sessions are.
func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge int) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.Secure}
	if maxAge < 0 {
		ck.Expires = time.Unix(0, 0)
	}
	c.Cookie(ck)
}

func navFor(u *account.User, path string) []views.Link {
	links := []views.Link{{Href: "/", Label: "Accueil"}}
	if u != nil {
		switch u.Role {
		case account.Admin:
			links = append(links, views.Link{Href: "/promotions", Label: "Promotions"},
				views.Link{Href: "/admin/comptes", Label: "Comptes"}, views.Link{Href: "/admin/journal", Label: "Journal d'audit"})
		case account.Manager:
			links = append(links, views.Link{Href: "/promotions", Label: "Promotions"}, views.Link{Href: "/evaluation", Label: "Arbitrages"},
				views.Link{Href: "/epreuves", Label: "Épreuves"})
		case account.Assessor:
			links = append(links, views.Link{Href: "/evaluation", Label: "À évaluer"}, views.Link{Href: "/epreuves", Label: "Épreuves"},
				views.Link{Href: "/evaluation/statistiques", Label: "Mes statistiques"}, views.Link{Href: "/promotions", Label: "Mes promotions"})
		case account.Learner:
			links = append(links, views.Link{Href: "/portfolio", Label: "Mon portfolio"}, views.Link{Href: "/progression", Label: "Ma progression"},
				views.Link{Href: "/epreuves", Label: "Mes épreuves"}, views.Link{Href: "/dossiers", Label: "Mes dossiers"})
		}
	}
	links = append(links, views.Link{Href: "/cas", Label: "Cas pratiques"}, views.Link{Href: "/territoire", Label: "Territoire"},
		views.Link{Href: "/fiches", Label: "Fiches"})
	links = append(links, views.Link{Href: "/referentiel", Label: "Référentiel"})
	if u != nil {
		links = append(links, views.Link{Href: "/compte", Label: "Mon compte"})
	} else {
		links = append(links, views.Link{Href: "/connexion", Label: "Se connecter"})
	}
	best := -1
	for i, l := range links {
		if l.Href == path || (l.Href != "/" && strings.HasPrefix(path, l.Href+"/")) {
			if best < 0 || len(l.Href) > len(links[best].Href) {
				best = i
			}
		}
	}
	if best >= 0 {
		links[best].Current = true
	}
	return links
}

func (s *Server) render(c *fiber.Ctx, name string, p *views.Page) error {
	return s.renderStatus(c, fiber.StatusOK, name, p)
}

// renderForm renders a form page: 422 when it shows errors (p.Errors),
// else 200.
func (s *Server) renderForm(c *fiber.Ctx, name string, p *views.Page) error {
	if p.Errors != nil {
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, name, p)
	}
	return s.render(c, name, p)
}

func (s *Server) renderStatus(c *fiber.Ctx, status int, name string, p *views.Page) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if p.User != nil {
		// Pages with personal data must not be kept by shared browsers or proxies.
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	// Straight into the response's pooled buffer (no copy, no buffer grown
	// per request); on an error it is emptied, and the error page replaces
	// the half-written one.
	gzipped, err := s.views.Render(c.Response().BodyWriter(), name, p, c.Request().Header.HasAcceptEncoding("gzip"))
	if err != nil {
		c.Response().ResetBody()
		return err
	}
	if gzipped { // compressed around its kept parts: the middleware leaves it
		c.Set(fiber.HeaderContentEncoding, "gzip")
		c.Vary(fiber.HeaderAcceptEncoding)
	}
	return nil
}

func (s *Server) staticPage(name, title string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return s.render(c, name, s.page(c, title, views.Link{Label: title}))
	}
}

func (s *Server) notFound(c *fiber.Ctx) error {
	return apperr.New(apperr.NotFound, "La page demandée n'existe pas.")
}

// handleError turns any error into a French page (or JSON under /api/):
// coded errors keep their message, anything else is logged and shown as a
// generic message, never as the raw error.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := http.StatusInternalServerError
	msg := "Une erreur inattendue est survenue. Elle a été enregistrée ; réessayez dans un instant."
	title := "Erreur"
	if e, ok := apperr.As(err); ok {
		msg = e.Message
		switch e.Code {
		case apperr.NotFound:
			status, title = http.StatusNotFound, "Page introuvable"
		case apperr.Forbidden:
			status, title = http.StatusForbidden, "Accès refusé"
			// Refusals from the domain (a forged id, a piece of another
			// learner) are audited here, once.
			if done, _ := c.Locals(auditedKey).(bool); !done {
				s.forbid(c, e.Message)
			}
		case apperr.Unauthorized:
			status, title = http.StatusUnauthorized, "Connexion nécessaire"
		case apperr.Invalid:
			status, title = http.StatusUnprocessableEntity, "Demande invalide"
		case apperr.Conflict:
			status, title = http.StatusConflict, "Action impossible"
		case apperr.Throttled:
			status, title = http.StatusTooManyRequests, "Trop de tentatives"
		}
	} else if fe, ok := err.(*fiber.Error); ok {
		status = fe.Code
		switch fe.Code {
		case fiber.StatusNotFound:
			title, msg = "Page introuvable", "La page demandée n'existe pas."
		case fiber.StatusMethodNotAllowed:
			title, msg = "Action impossible", "Cette action n'est pas possible sur cette page."
		case fiber.StatusRequestEntityTooLarge:
			title, msg = "Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée."
		case fiber.StatusBadRequest:
			title, msg = "Demande invalide", "La demande est mal formée."
		default:
			s.log.Error("erreur HTTP", "path", c.Path(), "status", fe.Code, "err", fe.Message)
		}
	} else {
		s.log.Error("erreur interne", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(status).JSON(fiber.Map{"erreur": msg})
	}
	p := s.page(c, title, views.Link{Label: title})
	p.Data = errorPage{Status: status, Message: msg, Typed: typedFields(c, status)}
	c.Response().ResetBody()
	if rerr := s.renderStatus(c, status, "error", p); rerr != nil {
		s.log.Error("rendu de la page d'erreur", "err", rerr)
		return c.Status(status).SendString(msg)
	}
	return nil
}

type errorPage struct {
	Status  int
	Message string
	Typed   []typedField
}

type typedField struct{ Name, Value string }

var typedLabels = map[string]string{"draft": "Texte de la pièce", "title": "Titre", "feedback": "Retour à l'apprenant",
	"objectifs": "Objectifs", "posture": "Posture professionnelle", "confidentialite": "Confidentialité", "public": "Public visé"}

// typedFields returns what the user had typed in a form refused because
// their session expired (or its token did), so that no text is lost: the
// error page shows it to copy back after logging in again.
func typedFields(c *fiber.Ctx, status int) []typedField {
	if c.Method() != fiber.MethodPost || (status != http.StatusUnauthorized && status != http.StatusForbidden) {
		return nil
	}
	var out []typedField
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		name := string(k)
		if name == "_csrf" || name == "action" || strings.Contains(name, "password") || len(strings.TrimSpace(string(v))) < 20 {
			return
		}
		label, ok := typedLabels[name]
		if !ok {
			label = "Autre saisie"
		}
		out = append(out, typedField{Name: label, Value: string(v)})
	})
	return out
}

// movedTo redirects an old address to its new prefix, path and query kept.
// The target always starts with prefix: no redirection elsewhere.
func movedTo(prefix string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		to := prefix + strings.TrimLeft(c.Params("*"), "/")
		if q := string(c.Request().URI().QueryString()); q != "" {
			to += "?" + q
		}
		return c.Redirect(to, fiber.StatusMovedPermanently)
	}
}

// seeOther sends a GET to a fixed page (an action's old address leads to
// the page that holds its button).
func seeOther(to string) fiber.Handler {
	return func(c *fiber.Ctx) error { return c.Redirect(to, fiber.StatusSeeOther) }
}
