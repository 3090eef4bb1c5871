// Package personaldata carries out the rights of access, portability and
// erasure (RGPD articles 15, 17 and 20) over every domain: the inventory of
// what the platform holds on a person, the export archive (ZIP of JSON, PDF
// and attachments), and the erasure of a learner's account with its
// portfolio and case files in one transaction.
package personaldata

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/document"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
)

// Services are the domains the personal data is read from and erased in.
type Services struct {
	Accounts   *account.Service
	Assessment *assessment.Service
	Cases      *casework.Store
	Documents  document.Sources
	Log        *slog.Logger
}

// Inventory is what the platform holds on a person, as the data page and
// the erasure page show it.
type Inventory struct {
	Subject  account.User
	Cohorts  []account.Cohort
	Holdings assessment.Holdings
	Cases    int
	Audit    int
	Erasure  account.ErasureState
	// Refusal says why the account cannot be erased ("" when it can).
	Refusal string
}

// Inventory counts what the platform holds on subject, and says whether
// viewer may erase the account.
func (s Services) Inventory(ctx context.Context, viewer, subject account.User) (Inventory, error) {
	d := Inventory{Subject: subject}
	var err error
	if d.Cohorts, err = s.Accounts.CohortsOf(ctx, subject.ID); err != nil {
		return d, err
	}
	if d.Holdings, err = s.Assessment.LearnerHoldings(ctx, subject.ID); err != nil {
		return d, err
	}
	if d.Cases, err = s.Cases.CountCases(ctx, subject.ID); err != nil {
		return d, err
	}
	entries, err := s.Accounts.AuditAbout(ctx, subject)
	if err != nil {
		return d, err
	}
	d.Audit = len(entries)
	if d.Erasure, err = s.Accounts.ErasureOf(ctx, subject.ID); err != nil {
		return d, err
	}
	if e, ok := apperr.As(account.CanErase(viewer, subject)); ok {
		d.Refusal = e.Message
	}
	return d, nil
}

// Archive is everything an export holds, gathered before the first byte is
// sent so that a failure is still an error page.
type Archive struct {
	Subject   account.User
	Account   []byte
	Portfolio []byte
	Cases     []byte
	Audit     []byte
	JuryNotes []byte // a jury member's own notes on passages
	Files     []assessment.ExportFile
	PDFs      []pdfFile
}

type pdfFile struct {
	Path string
	Body []byte
}

// Export gathers subject's archive for viewer and records the export in
// the audit log. It is an action (a POST): the reads still queued for the
// audit log are committed first, so that the archive's access log is
// complete up to now.
func (s Services) Export(ctx context.Context, viewer, subject account.User, address string) (Archive, error) {
	if err := s.Accounts.FlushAudit(ctx); err != nil {
		return Archive{}, err
	}
	ex, err := s.gather(ctx, viewer, subject)
	if err != nil {
		return ex, err
	}
	ex.Subject = subject
	s.Accounts.Audit(ctx, account.Entry{ActorID: viewer.ID, ActorLogin: viewer.Login, Action: account.ActionExport,
		SubjectUserID: subject.ID, Target: fmt.Sprintf("compte n°%d", subject.ID), Address: address,
		Detail: fmt.Sprintf("%d pièce(s) jointe(s), %d PDF", len(ex.Files), len(ex.PDFs))})
	return ex, nil
}

// FileName is the archive's name: « casp-donnees-17-2026-12-04.zip ».
func (ex Archive) FileName(now time.Time) string {
	return fmt.Sprintf("casp-donnees-%d-%s.zip", ex.Subject.ID, now.In(french.Paris).Format("2006-01-02"))
}

func (s Services) gather(ctx context.Context, viewer, subject account.User) (Archive, error) {
	var ex Archive
	cohorts, err := s.Accounts.CohortsOf(ctx, subject.ID)
	if err != nil {
		return ex, err
	}
	erasure, err := s.Accounts.ErasureOf(ctx, subject.ID)
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
	} else {
		notes, err := s.Assessment.JuryNotes(ctx, viewer, subject.ID)
		if err != nil {
			return ex, err
		}
		if len(notes) > 0 {
			if ex.JuryNotes, err = json.MarshalIndent(struct {
				Note  string                      `json:"note"`
				Notes []assessment.JuryNoteExport `json:"notes"`
			}{"Vos notes personnelles prises pendant les passages où vous siégiez au jury : elles ne figurent pas dans l'export des candidats.", notes}, "", "  "); err != nil {
				return ex, err
			}
		}
	}
	entries, err := s.Accounts.AuditAbout(ctx, subject)
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
func (s Services) gatherLearner(ctx context.Context, viewer, learner account.User, ex *Archive) error {
	portfolio, err := s.Assessment.ExportLearner(ctx, viewer, learner.ID)
	if err != nil {
		return err
	}
	ex.Files = portfolio.Files
	ex.PDFs = s.exportPDFs(ctx, viewer, &portfolio)
	if ex.Portfolio, err = json.MarshalIndent(portfolio, "", "  "); err != nil {
		return err
	}
	cases, err := s.Cases.ExportLearner(ctx, viewer, learner.ID)
	if err != nil {
		return err
	}
	attempts, err := s.Cases.ExportAttempts(ctx, viewer, learner.ID)
	if err != nil {
		return err
	}
	ex.Cases, err = json.MarshalIndent(struct {
		Note      string                   `json:"note"`
		Cases     []casework.CaseExport    `json:"dossiers"`
		Exercises []casework.AttemptExport `json:"exercices"`
	}{"Les personnes accompagnées des cas pratiques sont fictives ; le travail sur leurs dossiers et les exercices est le vôtre.", cases, attempts}, "", "  ")
	return err
}

// exportPDFs renders one PDF per deposited version (assessment/document),
// and records in the portfolio where each is. A version the renderer fails
// on is logged and left without PDF: its content is in portfolio.json
// anyway, and the export must not be withheld for a layout problem.
func (s Services) exportPDFs(ctx context.Context, viewer account.User, p *assessment.PortfolioExport) []pdfFile {
	var out []pdfFile
	for _, d := range p.Deposits {
		f, err := s.Documents.VersionPDF(ctx, viewer, d.PieceID, d.Number, "")
		if err != nil {
			s.Log.Error("export : PDF d'une version", "piece", d.PieceID, "version", d.Number, "err", err)
			continue
		}
		path := "pdf/" + f.Name
		p.SetPDF(d.PieceID, d.Number, path)
		out = append(out, pdfFile{Path: path, Body: f.Body})
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

notes-de-jury.json (membres de jury)
  Vos notes personnelles prises pendant les passages des épreuves où vous
  siégiez : session, candidat, horaire, notes. Elles ne figurent que dans
  votre export.

Dates au format ISO 8601 (temps universel). Pour demander la rectification
ou l'effacement de vos données, adressez-vous à l'administrateur de la
plateforme de votre organisme de formation.
`

// Write writes the archive as a ZIP file; attachments are copied from disk
// as they are written, never held in memory all at once.
func (ex Archive) Write(w io.Writer) error {
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
		{"dossiers.json", ex.Cases}, {"journal-acces.json", ex.Audit}, {"notes-de-jury.json", ex.JuryNotes}} {
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

// Erasure asks for an account's erasure.
type Erasure struct {
	Actor   account.User
	Subject int64
	// Confirm is what the actor typed to confirm (account.Erase checks it).
	Confirm string
	Address string
	// SessionOwner reads the account of a stored session, so that the
	// subject's sessions end with the erasure.
	SessionOwner func([]byte) int64
}

// Erase erases a learner's account: portfolio and case files deleted with
// the account's memberships and sessions in one transaction (account.Erase,
// which checks the actor's right and the confirmation: an apperr with the
// field's message otherwise), attachments removed from disk after the
// commit, the account row kept pseudonymised (with its name while a jury
// decision refers to it).
func (s Services) Erase(ctx context.Context, e Erasure) error {
	var portfolio assessment.ErasedPortfolio
	err := s.Accounts.Erase(ctx, account.Erasure{
		Actor: e.Actor, Subject: e.Subject, Confirm: e.Confirm, Address: e.Address, SessionOwner: e.SessionOwner,
		Steps: []account.Step{
			func(ctx context.Context, tx *sql.Tx) (string, error) {
				var err error
				portfolio, err = s.Assessment.EraseLearner(ctx, tx, e.Subject)
				return portfolio.Summary(), err
			},
			func(ctx context.Context, tx *sql.Tx) (string, error) {
				return s.Cases.EraseLearner(ctx, tx, e.Subject)
			},
		},
		KeepName: func() bool { return portfolio.JuryDecisions > 0 },
	})
	if err != nil {
		return err
	}
	// The rows are gone: a file that cannot be removed is an orphan with no
	// owner left, to be cleaned by hand; the erasure stands.
	if err := s.Assessment.RemoveFiles(portfolio.Files); err != nil {
		s.Log.Error("effacement : pièces jointes restées sur le disque", "compte", e.Subject, "err", err)
	}
	return nil
}
