package server

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/views"
)

// An examination's marks: entered by form, or imported from a CSV file
// whose lines fill the same form for a check before saving (the preview),
// then published after a confirmation.

type examData struct {
	Exam       assessment.ExamSheet
	Conversion string
	Import     []assessment.ExamImportLine // the lines of a file just read
	Problems   int
}

func examURL(id int64) string { return sessionURL(id) + "/notes" }

func (s *Server) examSheet(c *fiber.Ctx) (assessment.ExamSheet, error) {
	id, err := pathID(c, "sid")
	if err != nil {
		return assessment.ExamSheet{}, err
	}
	ex, err := s.assess.ExamSheet(c.UserContext(), *currentUser(c), id)
	if apperr.CodeOf(err) == apperr.Forbidden {
		return ex, s.forbid(c, "notes de l'examen "+c.Params("sid"))
	}
	return ex, err
}

func (s *Server) renderExam(c *fiber.Ctx, ex assessment.ExamSheet, form map[string]string, errs map[string]string, lines []assessment.ExamImportLine) error {
	if form == nil {
		form = map[string]string{"barre": assessment.FormatMark(ex.PassMark)}
		for id, m := range ex.Marks {
			k := strconv.FormatInt(id, 10)
			form["note-"+k], form["commentaire-"+k] = assessment.FormatMark(m.Mark), m.Comment
		}
	}
	d := examData{Exam: ex, Conversion: assessment.ConversionText(ex.Settings, ex.PassMark), Import: lines}
	for _, l := range lines {
		if l.Problem != "" {
			d.Problems++
		}
	}
	se := ex.Session
	p := s.page(c, "Notes — "+se.Title, views.Link{Href: "/epreuves", Label: "Mes épreuves"}, views.Link{Href: sessionURL(se.ID), Label: se.Title}, views.Link{Label: "Notes"})
	p.Form, p.Errors, p.Data = form, errs, d
	return s.renderForm(c, "epreuve-notes", p)
}

// examPage shows the results form.
func (s *Server) examPage(c *fiber.Ctx) error {
	ex, err := s.examSheet(c)
	if err != nil {
		return err
	}
	return s.renderExam(c, ex, nil, nil, nil)
}

// examSave stores the marks typed; on an error, the page comes back with
// every value typed and the message by each field.
func (s *Server) examSave(c *fiber.Ctx) error {
	ex, err := s.examSheet(c)
	if err != nil {
		return err
	}
	f := formValues(c)
	form := map[string]string{"barre": f["barre"]}
	var entries []assessment.ExamEntry
	for _, sl := range ex.Session.Slots {
		k := strconv.FormatInt(sl.ID, 10)
		if _, sent := f["note-"+k]; !sent {
			continue
		}
		form["note-"+k], form["commentaire-"+k] = f["note-"+k], f["commentaire-"+k]
		entries = append(entries, assessment.ExamEntry{SlotID: sl.ID, Mark: f["note-"+k], Comment: f["commentaire-"+k]})
	}
	err = s.assess.SaveExamMarks(c.UserContext(), *currentUser(c), ex.Session.ID, f["barre"], entries, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderExam(c, ex, form, e.Fields, nil)
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, examURL(ex.Session.ID), "Notes enregistrées. Elles restent invisibles des candidats jusqu'à leur publication.")
}

// examImport reads a CSV file and fills the form with its lines, saving
// nothing: the page shows what matched, what did not, and waits for
// « Enregistrer les notes ».
func (s *Server) examImport(c *fiber.Ctx) error {
	ex, err := s.examSheet(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("fichier")
	if err != nil {
		return s.renderExam(c, ex, nil, map[string]string{"fichier": "Choisissez un fichier CSV de notes."}, nil)
	}
	if fh.Size > 1<<20 {
		return s.renderExam(c, ex, nil, map[string]string{"fichier": "Le fichier dépasse 1 Mio : un examen tient en quelques centaines de lignes."}, nil)
	}
	name := strings.ToLower(fh.Filename)
	if !strings.HasSuffix(name, ".csv") && !strings.HasSuffix(name, ".txt") {
		return s.renderExam(c, ex, nil, map[string]string{"fichier": "Le fichier doit être au format CSV (.csv), exporté de votre tableur."}, nil)
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	lines, err := assessment.ParseExamCSV(file, ex.Session)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderExam(c, ex, nil, e.Fields, nil)
	}
	if err != nil {
		return err
	}
	form := map[string]string{"barre": assessment.FormatMark(ex.PassMark)}
	for id, m := range ex.Marks {
		k := strconv.FormatInt(id, 10)
		form["note-"+k], form["commentaire-"+k] = assessment.FormatMark(m.Mark), m.Comment
	}
	errs := map[string]string{}
	for _, l := range lines {
		if l.SlotID == 0 {
			continue
		}
		k := strconv.FormatInt(l.SlotID, 10)
		form["note-"+k], form["commentaire-"+k] = l.Mark, l.Comment
		if l.Problem != "" {
			errs["note-"+k] = l.Problem
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return s.renderExam(c, ex, form, errs, lines)
}

// examPublish publishes the entered marks, after a confirmation.
func (s *Server) examPublish(c *fiber.Ctx) error {
	ex, err := s.examSheet(c)
	if err != nil {
		return err
	}
	here := examURL(ex.Session.ID)
	if !confirmed(c) {
		var below []string
		for _, sl := range ex.Session.Slots {
			if m := ex.Mark(sl.ID); m != nil && !m.Published && m.Mark < m.PassMark {
				below = append(below, sl.Learner+" ("+assessment.FormatMark(m.Mark)+")")
			}
		}
		sort.Strings(below)
		d := confirmation{Heading: "Publier les notes ?",
			Object: fmt.Sprintf("« %s » : %s.", ex.Session.Title, french.Plural(ex.Unpublished(), "note à publier", "notes à publier")),
			Effects: []string{"Chaque candidat voit aussitôt sa note, la barre et le commentaire ; l'examen compte pour ses capacités selon la conversion indiquée.",
				"Une note publiée ne se modifie plus depuis ce formulaire."},
			Action: here + "/publier", Button: "Publier les notes", Back: here}
		if len(below) > 0 {
			d.Warnings = []string{"Sous la barre : " + strings.Join(below, ", ") + "."}
		}
		return s.askConfirmation(c, []views.Link{{Href: sessionURL(ex.Session.ID), Label: ex.Session.Title}, {Href: here, Label: "Notes"}, {Label: "Publier"}}, d)
	}
	n, err := s.assess.PublishExamMarks(c.UserContext(), *currentUser(c), ex.Session.ID, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
		return s.redirectWithText(c, here, e.Message)
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, here, french.Plural(n, "note publiée.", "notes publiées."))
}
