package server

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/views"
)

// The rights of access, portability and erasure (RGPD articles 15, 17 and
// 20): an administrator exports or erases a person's data; everyone may
// download their own export from « Mon compte ».

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

// personalData is what the data page and the erasure page show.
type personalData struct {
	Subject  account.User
	Cohorts  []account.Cohort
	Holdings assessment.Holdings
	Cases    int
	Audit    int
	Erasure  account.ErasureState
	// Refusal says why the account cannot be erased ("" when it can).
	Refusal string
}

func (s *Server) personalData(c *fiber.Ctx, subject account.User) (personalData, error) {
	ctx := c.UserContext()
	d := personalData{Subject: subject}
	var err error
	if d.Cohorts, err = s.accounts.CohortsOf(ctx, subject.ID); err != nil {
		return d, err
	}
	if d.Holdings, err = s.assess.LearnerHoldings(ctx, subject.ID); err != nil {
		return d, err
	}
	if d.Cases, err = s.cases.CountCases(ctx, subject.ID); err != nil {
		return d, err
	}
	entries, err := s.accounts.AuditAbout(ctx, subject)
	if err != nil {
		return d, err
	}
	d.Audit = len(entries)
	if d.Erasure, err = s.accounts.ErasureOf(ctx, subject.ID); err != nil {
		return d, err
	}
	if e, ok := apperr.As(account.CanErase(*currentUser(c), subject)); ok {
		d.Refusal = e.Message
	}
	return d, nil
}

// userData is an account's personal data page: what the platform holds,
// the export, and the way to erasure.
func (s *Server) userData(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	d, err := s.personalData(c, subject)
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
	d, err := s.personalData(c, subject)
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

// erase erases a learner's account: portfolio and case files deleted with
// the account's memberships and sessions in one transaction, attachments
// removed from disk after the commit, the account row kept pseudonymised.
func (s *Server) erase(c *fiber.Ctx) error {
	subject, err := s.subjectFor(c)
	if err != nil {
		return err
	}
	typed := c.FormValue("confirmation")
	var portfolio assessment.ErasedPortfolio
	err = s.accounts.Erase(c.UserContext(), account.Erasure{
		Actor: *currentUser(c), Subject: subject.ID, Confirm: typed, Address: s.clientIP(c), SessionOwner: sessionOwner,
		Steps: []account.Step{
			func(ctx context.Context, tx *sql.Tx) (string, error) {
				var err error
				portfolio, err = s.assess.EraseLearner(ctx, tx, subject.ID)
				return portfolio.Summary(), err
			},
			func(ctx context.Context, tx *sql.Tx) (string, error) {
				return s.cases.EraseLearner(ctx, tx, subject.ID)
			},
		},
		KeepName: func() bool { return portfolio.JuryDecisions > 0 },
	})
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderErase(c, subject, fiber.StatusUnprocessableEntity, e.Fields, typed)
	}
	if err != nil {
		return err
	}
	// The rows are gone: a file that cannot be removed is an orphan with no
	// owner left, to be cleaned by hand; the erasure stands.
	if err := s.assess.RemoveFiles(portfolio.Files); err != nil {
		s.log.Error("effacement : pièces jointes restées sur le disque", "compte", subject.ID, "err", err)
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

// ownExport sends their own export to anyone signed in: the right of
// access and portability is theirs, not only the administrator's.
func (s *Server) ownExport(c *fiber.Ctx) error {
	return s.sendExport(c, *currentUser(c))
}

// personalArchive is everything an archive holds, gathered before the first byte is
// sent so that a failure is still an error page.
type personalArchive struct {
	Account   []byte
	Portfolio []byte
	Cases     []byte
	Audit     []byte
	Files     []assessment.ExportFile
	PDFs      []exportPDF
}

type exportPDF struct {
	Path string
	Body []byte
}

func (s *Server) sendExport(c *fiber.Ctx, subject account.User) error {
	ctx := c.UserContext()
	viewer := *currentUser(c)
	ex, err := s.gatherExport(ctx, viewer, subject)
	if err != nil {
		return err
	}
	s.accounts.Audit(ctx, account.Entry{ActorID: viewer.ID, ActorLogin: viewer.Login, Action: account.ActionExport,
		SubjectUserID: subject.ID, Target: fmt.Sprintf("compte n°%d", subject.ID), Address: s.clientIP(c),
		Detail: fmt.Sprintf("%d pièce(s) jointe(s), %d PDF", len(ex.Files), len(ex.PDFs))})
	name := fmt.Sprintf("casp-donnees-%d-%s.zip", subject.ID, time.Now().In(french.Paris).Format("2006-01-02"))
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	log := s.log
	// Attachments are copied from disk while the archive is sent, never
	// held in memory all at once.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := writeExport(w, ex); err != nil {
			log.Error("export des données personnelles interrompu", "compte", subject.ID, "err", err)
		}
	})
	return nil
}

func (s *Server) gatherExport(ctx context.Context, viewer, subject account.User) (personalArchive, error) {
	var ex personalArchive
	cohorts, err := s.accounts.CohortsOf(ctx, subject.ID)
	if err != nil {
		return ex, err
	}
	erasure, err := s.accounts.ErasureOf(ctx, subject.ID)
	if err != nil {
		return ex, err
	}
	acc := accountJSON{ID: subject.ID, Login: subject.Login, Name: subject.DisplayName, Email: subject.Email, Role: subject.Role.Label(),
		CreatedAt: subject.CreatedAt, Disabled: subject.Disabled, Cohorts: []cohortJSON{}, ExportedAt: time.Now().UTC(), ExportedBy: viewer.Login}
	if erasure.Erased() {
		at := erasure.At
		acc.ErasedAt = &at
	}
	for _, co := range cohorts {
		acc.Cohorts = append(acc.Cohorts, cohortJSON{ID: co.ID, Name: co.Name, Framework: co.FrameworkID,
			StartsOn: co.StartsOn.Format(time.DateOnly), EndsOn: co.EndsOn.Format(time.DateOnly)})
	}
	if ex.Account, err = json.MarshalIndent(acc, "", "  "); err != nil {
		return ex, err
	}
	if subject.Role == account.Learner {
		if err := s.gatherLearner(ctx, viewer, subject, &ex); err != nil {
			return ex, err
		}
	}
	entries, err := s.accounts.AuditAbout(ctx, subject)
	if err != nil {
		return ex, err
	}
	trail := auditJSON{Note: "Entrées du journal d'audit qui vous concernent : consultations et modifications de vos données par d'autres personnes, " +
		"vos connexions et vos actions, les connexions refusées sur votre identifiant. L'adresse réseau n'est donnée que pour vos propres actions.",
		Entries: []auditEntryJSON{}}
	for _, e := range entries {
		je := auditEntryJSON{At: e.At, Actor: e.ActorLogin, Action: e.Action, Target: e.Target, Detail: e.Detail}
		if e.ActorID == subject.ID {
			je.Address = e.Address
		}
		trail.Entries = append(trail.Entries, je)
	}
	ex.Audit, err = json.MarshalIndent(trail, "", "  ")
	return ex, err
}

// gatherLearner adds a learner's portfolio, PDFs and case files.
func (s *Server) gatherLearner(ctx context.Context, viewer, learner account.User, ex *personalArchive) error {
	portfolio, err := s.assess.ExportLearner(ctx, viewer, learner.ID)
	if err != nil {
		return err
	}
	ex.Files = portfolio.Files
	ex.PDFs = s.exportPDFs(ctx, viewer, &portfolio)
	if ex.Portfolio, err = json.MarshalIndent(portfolio, "", "  "); err != nil {
		return err
	}
	cases, err := s.cases.ExportLearner(ctx, viewer, learner.ID)
	if err != nil {
		return err
	}
	ex.Cases, err = json.MarshalIndent(struct {
		Note  string                `json:"note"`
		Cases []casework.CaseExport `json:"dossiers"`
	}{"Les personnes accompagnées des cas pratiques sont fictives ; le travail sur leurs dossiers est le vôtre.", cases}, "", "  ")
	return err
}

// exportPDFs renders one PDF per deposited version (server/pdfpiece.go),
// and records in the portfolio where each is. A version the renderer fails
// on is logged and left without PDF: its content is in portfolio.json
// anyway, and the export must not be withheld for a layout problem.
func (s *Server) exportPDFs(ctx context.Context, viewer account.User, p *assessment.PortfolioExport) []exportPDF {
	var out []exportPDF
	for _, d := range p.Deposits {
		b, name, err := s.versionPDF(ctx, viewer, d.PieceID, d.Number)
		if err != nil {
			s.log.Error("export : PDF d'une version", "piece", d.PieceID, "version", d.Number, "err", err)
			continue
		}
		path := "pdf/" + name
		p.SetPDF(d.PieceID, d.Number, path)
		out = append(out, exportPDF{Path: path, Body: b})
	}
	return out
}

type accountJSON struct {
	ID         int64        `json:"id"`
	Login      string       `json:"identifiant"`
	Name       string       `json:"nom"`
	Email      string       `json:"courriel"`
	Role       string       `json:"role"`
	CreatedAt  time.Time    `json:"cree_le"`
	Disabled   bool         `json:"desactive"`
	ErasedAt   *time.Time   `json:"efface_le,omitempty"`
	Cohorts    []cohortJSON `json:"promotions"`
	ExportedAt time.Time    `json:"exporte_le"`
	ExportedBy string       `json:"exporte_par"`
}

type cohortJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"nom"`
	Framework string `json:"referentiel"`
	StartsOn  string `json:"debut"`
	EndsOn    string `json:"fin"`
}

type auditJSON struct {
	Note    string           `json:"note"`
	Entries []auditEntryJSON `json:"entrees"`
}

type auditEntryJSON struct {
	At      time.Time `json:"le"`
	Actor   string    `json:"qui"`
	Action  string    `json:"action"`
	Target  string    `json:"objet,omitempty"`
	Detail  string    `json:"detail,omitempty"`
	Address string    `json:"adresse,omitempty"`
}

// readme explains the archive in French.
const readme = `Export de vos données personnelles — casp
==========================================

Cette archive contient toutes les données que la plateforme casp détient sur
vous, dans des formats ouverts (JSON, PDF, et vos fichiers tels que vous les
avez déposés), pour les lire ou les reprendre ailleurs (droits d'accès et à
la portabilité, articles 15 et 20 du RGPD).

compte.json
  Votre compte : identifiant, nom, adresse électronique, rôle, date de
  création, promotions suivies.

portfolio.json (apprenants)
  Chaque pièce de votre portfolio : brouillon en cours, capacités du
  référentiel auxquelles vous l'avez reliée (identifiant stable et texte du
  référentiel), chaque version déposée avec son contenu, son empreinte
  SHA-256 et sa date de dépôt, les critères évalués, puis les évaluations :
  évaluateur, rôle (correction simple, double correction, arbitrage,
  rectification), niveaux par critère, commentaires, décision et retour.
  Une évaluation encore en cours apparaît sans ses niveaux : ils ne sont
  pas encore un résultat. Suivent votre progression capacité par capacité,
  la règle d'acquisition et les décisions du jury de certification.

pieces-jointes/
  Vos pièces jointes, octet pour octet ; leur empreinte SHA-256 figure dans
  portfolio.json (« empreinte_sha256 ») pour le vérifier.

pdf/
  Une version PDF de chaque version déposée, telle que la plateforme la met
  en page.

dossiers.json (apprenants)
  Vos dossiers du bac à sable : journal, entretien, situations repérées,
  urgence, diagnostics, orientations, projet d'accompagnement, contrat,
  rendez-vous, bilan et commentaires des formateurs. Les personnes
  accompagnées sont fictives.

journal-acces.json
  Qui a consulté ou modifié vos données, et quand ; vos connexions.

Dates au format ISO 8601 (temps universel). Pour demander la rectification
ou l'effacement de vos données, adressez-vous à l'administrateur de la
plateforme de votre organisme de formation.
`

// writeExport writes the archive.
func writeExport(w io.Writer, ex personalArchive) error {
	zw := zip.NewWriter(w)
	now := time.Now()
	put := func(name string, body []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	for _, f := range []struct {
		name string
		body []byte
	}{{"LISEZMOI.txt", []byte(readme)}, {"compte.json", ex.Account}, {"portfolio.json", ex.Portfolio},
		{"dossiers.json", ex.Cases}, {"journal-acces.json", ex.Audit}} {
		if f.body == nil {
			continue // a staff account has no portfolio nor case files
		}
		if err := put(f.name, f.body); err != nil {
			return err
		}
	}
	for _, p := range ex.PDFs {
		if err := put(p.Path, p.Body); err != nil {
			return err
		}
	}
	for _, f := range ex.Files {
		if err := copyFile(zw, f, now); err != nil {
			return err
		}
	}
	return zw.Close()
}

// copyFile copies an attachment into the archive; a file missing on disk
// is said so in the archive rather than silently left out.
func copyFile(zw *zip.Writer, f assessment.ExportFile, now time.Time) error {
	src, err := os.Open(f.Disk)
	if err != nil {
		w, cerr := zw.CreateHeader(&zip.FileHeader{Name: f.Path + ".manquant.txt", Method: zip.Deflate, Modified: now})
		if cerr != nil {
			return cerr
		}
		_, werr := fmt.Fprintf(w, "Ce fichier (empreinte SHA-256 %s) est introuvable sur le serveur : signalez-le à l'administrateur.\n", f.SHA256)
		return werr
	}
	defer src.Close()
	// Already compressed formats (PDF, ODT, DOCX) are stored as they are.
	dst, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Store, Modified: now})
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return err
}
