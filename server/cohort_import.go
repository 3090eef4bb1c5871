package server

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/views"
)

// The CSV import of learners: the manager uploads a file (importUpload),
// reads the preview of every line (importPreview), then confirms it
// (importConfirm). The preview is kept server-side under a random token
// bound to the manager and the cohort, so the confirmation imports exactly
// what was shown and can happen once.

func importCrumbs(co account.Cohort, last string) []views.Link {
	return []views.Link{cohortsCrumb, {Href: cohortURL(co.ID), Label: co.Name}, {Label: last}}
}

type importFormData struct {
	Cohort   account.Cohort
	MaxBytes string
	MaxRows  string
}

func (s *Server) importFormPage(c *fiber.Ctx, co account.Cohort, errs map[string]string) error {
	p := s.page(c, "Importer des apprenants — "+co.Name, importCrumbs(co, "Importer des apprenants")...)
	p.Errors = errs
	p.Data = importFormData{Cohort: co, MaxBytes: "1 Mio", MaxRows: french.Number(account.MaxImportRows)}
	return s.renderForm(c, "promotion-import", p)
}

// importForm explains the file format and asks for the file.
func (s *Server) importForm(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	return s.importFormPage(c, co, nil)
}

// importTemplate serves the model file to fill in.
func (s *Server) importTemplate(c *fiber.Ctx) error {
	if _, err := s.cohortFor(c, true); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="modele-import-apprenants.csv"`)
	return c.SendString(account.ImportTemplate)
}

// importUpload reads the file, checks it line by line and shows the
// preview; nothing but the preview is written.
func (s *Server) importUpload(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("fichier")
	if err != nil {
		return s.importFormPage(c, co, map[string]string{"fichier": "Choisissez le fichier CSV des apprenants."})
	}
	if fh.Size > account.MaxImportBytes {
		return s.importFormPage(c, co, map[string]string{"fichier": fmt.Sprintf("Le fichier pèse %s : 1 Mio au plus par import. Découpez-le en plusieurs fichiers.", french.Size(fh.Size))})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	content, err := io.ReadAll(io.LimitReader(f, account.MaxImportBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	u := currentUser(c)
	p, err := s.accounts.PreviewImport(c.UserContext(), *u, co, fh.Filename, content, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.importFormPage(c, co, e.Fields)
	}
	if err != nil {
		return err
	}
	return c.Redirect(cohortURL(co.ID)+"/import/"+p.Token, fiber.StatusSeeOther)
}

// importPreview shows every line with what confirming will do.
func (s *Server) importPreview(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	p, err := s.accounts.Preview(c.UserContext(), *currentUser(c), co.ID, c.Params("token"))
	if err != nil {
		return err
	}
	page := s.page(c, "Aperçu de l'import — "+co.Name, importCrumbs(co, "Aperçu de l'import")...)
	page.Data = struct {
		Cohort  account.Cohort
		Preview account.ImportPreview
		New     account.ImportStatus
		Enrol   account.ImportStatus
		Already account.ImportStatus
		Error   account.ImportStatus
	}{co, p, account.ImportNew, account.ImportEnrol, account.ImportAlready, account.ImportError}
	return s.render(c, "promotion-import-apercu", page)
}

// importConfirm imports the previewed lines and shows the temporary
// passwords once, in this response: they are stored nowhere, so the page
// is not a redirect and the download is a data: link built here.
func (s *Server) importConfirm(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	res, err := s.accounts.ConfirmImport(c.UserContext(), *currentUser(c), co, c.Params("token"), s.clientIP(c))
	if err != nil {
		return err
	}
	co, err = s.accounts.Cohort(c.UserContext(), co.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Import terminé — "+co.Name, importCrumbs(co, "Import terminé")...)
	p.Data = struct {
		Cohort   account.Cohort
		Result   account.ImportResult
		Download template.URL
	}{co, res, credentialsLink(res.Created)}
	return s.render(c, "promotion-import-resultat", p)
}

// credentialsLink is the new accounts' CSV (UTF-8 with a byte-order mark and
// semicolons, for Excel in French) as a data: URL.
func credentialsLink(creds []account.Credential) template.URL {
	if len(creds) == 0 {
		return ""
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	w.Write([]string{"identifiant", "nom", "courriel", "mot de passe provisoire"})
	for _, cr := range creds {
		w.Write([]string{cr.Login, spreadsheetSafe(cr.Name), spreadsheetSafe(cr.Email), cr.Password})
	}
	w.Flush()
	// Built here from base64 only: safe as a URL.
	return template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// spreadsheetSafe keeps a cell from being read as a formula by a
// spreadsheet (a name typed « =HYPERLINK(…) »).
func spreadsheetSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
