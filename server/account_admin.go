package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

// accountAdminData is an account's page for the administrator.
type accountAdminData struct {
	Subject account.User
	Self    bool
	Temp    string // a provisional password just generated, shown once
}

func accountURL(id int64) string { return "/admin/comptes/" + strconv.FormatInt(id, 10) }

// accountAdmin shows an account to the administrator: its name and e-mail
// to edit, its state, and the password reset.
func (s *Server) accountAdmin(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	s.auditRead(c, subject.ID, "fiche du compte")
	return s.renderAccountAdmin(c, subject, fiber.StatusOK, nil, "")
}

func (s *Server) renderAccountAdmin(c *fiber.Ctx, subject account.User, status int, errs map[string]string, temp string) error {
	p := s.page(c, "Compte de "+subject.DisplayName, adminUsersCrumb, views.Link{Label: subject.DisplayName})
	p.Errors = errs
	p.Form = map[string]string{"display_name": subject.DisplayName, "email": subject.Email}
	if errs != nil { // what was typed, kept
		p.Form = map[string]string{"display_name": c.FormValue("display_name"), "email": c.FormValue("email")}
	}
	p.Data = accountAdminData{Subject: subject, Self: subject.ID == currentUser(c).ID, Temp: temp}
	if temp != "" {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return s.renderStatus(c, status, "compte-fiche", p)
}

// accountAdminSave edits, deactivates, reactivates or resets an account;
// deactivation and reset are confirmed first.
func (s *Server) accountAdminSave(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	ctx, me, here := c.UserContext(), currentUser(c), accountURL(subject.ID)
	crumbs := []views.Link{adminUsersCrumb, {Href: here, Label: subject.DisplayName}, {Label: "Confirmer"}}
	who := subject.DisplayName + " (" + subject.Login + ")"
	switch c.FormValue("action") {
	case "modifier":
		err := s.accounts.UpdateProfile(ctx, *me, subject.ID, account.ProfileEdit{DisplayName: c.FormValue("display_name"), Email: c.FormValue("email")}, s.clientIP(c))
		if e, ok := apperr.As(err); ok && e.Fields != nil {
			return s.renderAccountAdmin(c, subject, fiber.StatusUnprocessableEntity, e.Fields, "")
		}
		if err != nil {
			return err
		}
		return s.redirectWithText(c, here, "Le compte "+subject.Login+" a été modifié.")
	case "desactiver":
		if !confirmed(c) && subject.ID != me.ID {
			return s.askConfirmation(c, crumbs, confirmation{
				Heading: "Désactiver le compte de " + subject.DisplayName + " ?", Object: who + ", " + subject.Role.Label() + ".",
				Effects: []string{"La personne ne pourra plus se connecter ; ses sessions ouvertes se ferment à leur prochaine requête.",
					"Rien n'est effacé : ses données, ses pièces et ses évaluations restent.",
					"Vous pourrez réactiver le compte depuis cette page."},
				Action: here, Button: "Désactiver le compte", Back: here,
			})
		}
		if err := s.accounts.SetDisabled(ctx, *me, subject.ID, true, s.clientIP(c)); err != nil {
			return err
		}
		return s.redirectWithText(c, here, "Le compte de "+who+" est désactivé.")
	case "reactiver":
		if err := s.accounts.SetDisabled(ctx, *me, subject.ID, false, s.clientIP(c)); err != nil {
			return err
		}
		return s.redirectWithText(c, here, "Le compte de "+who+" est réactivé.")
	case "reinitialiser":
		if !confirmed(c) && subject.ID != me.ID {
			return s.askConfirmation(c, crumbs, confirmation{
				Heading: "Réinitialiser le mot de passe de " + subject.DisplayName + " ?", Object: who + ".",
				Effects: []string{"Son mot de passe actuel cesse de fonctionner.",
					"Un mot de passe provisoire est créé et affiché une seule fois : transmettez-le à la personne par un canal sûr.",
					"Elle devra le changer à sa prochaine connexion."},
				Action: here, Button: "Réinitialiser le mot de passe", Back: here,
			})
		}
		temp, err := s.accounts.ResetPassword(ctx, *me, subject.ID, s.clientIP(c))
		if err != nil {
			return err
		}
		subject, err = s.accounts.ByID(ctx, subject.ID)
		if err != nil {
			return err
		}
		return s.renderAccountAdmin(c, subject, fiber.StatusOK, nil, temp)
	}
	return apperr.New(apperr.Invalid, "Action inconnue.")
}
