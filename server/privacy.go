package server

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/personaldata"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

// The rights of access, portability and erasure (RGPD articles 15, 17 and
// 20): an administrator exports or erases a person's data; everyone may
// download their own export from « Mon compte ». The work is
// internal/app/personaldata's; these handlers check the route's role, read
// the form and send the result.

// subjectFor loads the account named in the URL; a forged id is a 404.
func (s *Server) subjectFor(c *fiber.Ctx) (account.User, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return account.User{}, apperr.New(apperr.NotFound, "Compte introuvable.")
	}
	return s.accounts.ByID(c.UserContext(), id)
}

func subjectCrumbs(u account.User, last string) []views.Link {
	data := views.Link{Href: "/admin/comptes/" + strconv.FormatInt(u.ID, 10) + "/donnees", Label: "Données de " + u.DisplayName}
	if last == "" {
		return []views.Link{adminUsersCrumb, data}
	}
	return []views.Link{adminUsersCrumb, data, {Label: last}}
}

// userData is an account's personal data page: what the platform holds,
// the export, and the way to erasure.
func (s *Server) userData(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	d, err := s.personalData().Inventory(c.UserContext(), *currentUser(c), subject)
	if err != nil {
		return err
	}
	s.auditRead(c, subject.ID, "données personnelles (inventaire)")
	p := s.page(c, "Données personnelles de "+subject.DisplayName, subjectCrumbs(subject, "")...)
	p.Data = d
	return s.render(c, "compte-donnees", p)
}

// eraseForm is the erasure confirmation: what goes, what stays and why.
func (s *Server) eraseForm(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	return s.renderErase(c, subject, fiber.StatusOK, nil, "")
}

func (s *Server) renderErase(c *fiber.Ctx, subject account.User, status int, errs map[string]string, typed string) error {
	d, err := s.personalData().Inventory(c.UserContext(), *currentUser(c), subject)
	if err != nil {
		return err
	}
	s.auditRead(c, subject.ID, "données personnelles (avant effacement)")
	p := s.page(c, "Effacer le compte de "+subject.DisplayName, subjectCrumbs(subject, "Effacement")...)
	p.Data = d
	p.Errors = errs
	p.Form = map[string]string{"confirmation": typed}
	return s.renderStatus(c, status, "compte-effacer", p)
}

// erase erases a learner's account (personaldata.Erase).
func (s *Server) erase(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	typed := c.FormValue("confirmation")
	err = s.personalData().Erase(c.UserContext(), personaldata.Erasure{
		Actor: *currentUser(c), Subject: subject.ID, Confirm: typed, Address: s.clientIP(c), SessionOwner: sessionOwner})
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderErase(c, subject, fiber.StatusUnprocessableEntity, e.Fields, typed)
	}
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, "/admin/comptes/"+strconv.FormatInt(subject.ID, 10)+"/donnees", "compte-efface")
}

// sessionOwner reads the account of a stored session. fiber stores a
// session's values gob-encoded (its own types registered by the session
// and CSRF middleware); a value that does not decode belongs to no one we
// can tell, and stays: loadUser ends it anyway once its account is disabled.
func sessionOwner(v []byte) int64 {
	var data map[string]any
	if err := gob.NewDecoder(bytes.NewReader(v)).Decode(&data); err != nil {
		return 0
	}
	id, _ := data[sessUserID].(int64)
	return id
}

// userExport sends an account's export to an administrator.
func (s *Server) userExport(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	return s.sendExport(c, subject)
}

// userExportPage: the export's old address (a GET) leads to the page that
// holds its button.
func (s *Server) userExportPage(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/comptes/%d/donnees", subject.ID), fiber.StatusSeeOther)
}

// ownExport sends their own export to anyone signed in: the right of
// access and portability is theirs, not only the administrator's.
func (s *Server) ownExport(c *fiber.Ctx) error {
	return s.sendExport(c, *currentUser(c))
}

func (s *Server) sendExport(c *fiber.Ctx, subject account.User) error {
	ex, err := s.personalData().Export(c.UserContext(), *currentUser(c), subject, s.clientIP(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ex.FileName(time.Now())+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	log := s.log
	// Attachments are copied from disk while the archive is sent.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := ex.Write(w); err != nil {
			log.Error("export des données personnelles interrompu", "compte", subject.ID, "err", err)
		}
	})
	return nil
}

// personalData is the inventory, export and erasure of a person's data
// over every domain.
func (s *Server) personalData() personaldata.Services {
	return personaldata.Services{Accounts: s.accounts, Assessment: s.assess, Cases: s.cases, Documents: s.documents(), Log: s.log}
}
