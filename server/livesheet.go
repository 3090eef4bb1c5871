package server

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/document"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

// convocationFor reads the passage's convocation for the current user.
func (s *Server) convocationFor(c *fiber.Ctx) (assessment.Convocation, error) {
	id, err := pathID(c, "slot")
	if err != nil {
		return assessment.Convocation{}, err
	}
	cv, err := s.assess.ConvocationFor(c.UserContext(), *currentUser(c), id)
	if apperr.CodeOf(err) == apperr.Forbidden {
		return cv, s.forbid(c, "convocation du passage "+c.Params("slot"))
	}
	if err == nil && currentUser(c).ID != cv.Slot.LearnerID {
		s.auditRead(c, cv.Slot.LearnerID, fmt.Sprintf("convocation (passage %d)", cv.Slot.ID))
	}
	return cv, err
}

// convocation shows a convocation, printable; ?format=pdf sends its PDF.
func (s *Server) convocation(c *fiber.Ctx) error {
	cv, err := s.convocationFor(c)
	if err != nil {
		return err
	}
	if c.Query("format") == "pdf" {
		return sendPDF(c, document.Convocation(cv, time.Now()), fmt.Sprintf("convocation-%d.pdf", cv.Slot.ID))
	}
	p := s.page(c, "Convocation — "+cv.Session.Kind.Label, views.Link{Href: "/epreuves", Label: "Mes épreuves"}, views.Link{Label: "Convocation"})
	p.Data = cv
	return s.render(c, "convocation", p)
}

// convocationICS sends the passage as a calendar event (RFC 5545); its
// sequence grows when the session changes after sending, so that calendars
// replace the event they hold.
func (s *Server) convocationICS(c *fiber.Ctx) error {
	cv, err := s.convocationFor(c)
	if err != nil {
		return err
	}
	se, sl := cv.Session, cv.Slot
	cal := ics.NewCalendarFor("casp")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent(fmt.Sprintf("casp-passage-%d@casp", sl.ID))
	ev.SetDtStampTime(time.Now().UTC())
	ev.SetStartAt(sl.StartsAt.UTC())
	ev.SetEndAt(sl.EndsAt.UTC())
	ev.SetSummary(icsText(se.Kind.Label + " — " + se.Title))
	loc := se.Place
	if se.Link != "" {
		loc = strings.TrimSpace(loc + " " + se.Link)
		ev.SetURL(icsText(se.Link))
	}
	ev.SetLocation(icsText(loc))
	desc := fmt.Sprintf("Convocation : %s, passage n° %d, %d minutes.", se.Kind.Label, sl.Position, se.SlotMinutes)
	if se.Bring != "" {
		desc += " À apporter : " + se.Bring + "."
	}
	if len(cv.Changes) > 0 {
		desc += " Modifiée le " + french.DateTime(se.ChangedAt) + " : " + strings.Join(cv.Changes, " ; ") + "."
		ev.SetSequence(1)
		ev.SetModifiedAt(se.ChangedAt.UTC())
	}
	ev.SetDescription(icsText(desc))
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="convocation-%d.ics"`, sl.ID))
	// RFC 5545 ends lines with CRLF.
	return c.SendString(cal.Serialize(ics.WithNewLineWindows))
}

// icsText makes typed text safe in a calendar property: golang-ical escapes
// line feeds but not a bare carriage return nor other control characters,
// which would end the property early and let the text add properties of
// its own (a place « Salle 12\rATTENDEE:… »). Line breaks become spaces.
func icsText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			return -1
		}
		return r
	}, s)
}

// sheetRow is one criterion on the jury's sheet.
type sheetRow struct {
	Criterion *referentiel.Criterion
	Task      *referentiel.Task
	Level     int
	Comment   string
	Grids     []otherScore // both grids, once the agreement is open
	Agreed    int          // the agreed result's level (proposed: the lower)
	AgreedCom string
	Disagree  bool
}

type sheetData struct {
	Sheet    assessment.LiveSheet
	Rows     []sheetRow
	Levels   []levelOption
	Decision string
	Feedback string
	Notes    string
	Agreed   struct{ Decision, Feedback string }
	Rule     string
	// The choices of the forms.
	Decisions   []assessment.Decision
	Attendances []assessment.Attendance
}

// liveSheet shows a passage's sheet to a jury member (a manager reads it).
func (s *Server) liveSheet(c *fiber.Ctx) error {
	id, err := pathID(c, "slot")
	if err != nil {
		return err
	}
	sh, err := s.assess.LiveSheet(c.UserContext(), *currentUser(c), id)
	if apperr.CodeOf(err) == apperr.Forbidden {
		return s.forbid(c, "feuille du passage "+c.Params("slot"))
	}
	if err != nil {
		return err
	}
	return s.renderSheet(c, sh, nil, nil, nil)
}

func (s *Server) renderSheet(c *fiber.Ctx, sh assessment.LiveSheet, in *assessment.LiveInput, agreed *assessment.GradingInput, errs map[string]string) error {
	st := sh.Settings
	d := sheetData{Sheet: sh, Notes: sh.Notes, Rule: assessment.CurrentRule.Text(st.LevelLabel(st.PassLevel)),
		Decisions: assessment.Decisions, Attendances: assessment.Attendances}
	for i, l := range st.Levels {
		d.Levels = append(d.Levels, levelOption{Index: i, Label: l, Descriptor: st.Descriptor(i)})
	}
	if sh.Mine != nil {
		d.Decision, d.Feedback = string(sh.Mine.Decision), sh.Mine.Feedback
	}
	if sh.Agreed != nil {
		d.Agreed.Decision, d.Agreed.Feedback = string(sh.Agreed.Decision), sh.Agreed.Feedback
	} else if sh.Agreement && sh.Grids[0].Decision == sh.Grids[1].Decision {
		d.Agreed.Decision = string(sh.Grids[0].Decision)
	}
	disagree := map[string]bool{}
	for _, cid := range sh.Disagree {
		disagree[cid] = true
	}
	for _, cid := range sh.Criteria {
		t, ok := s.fw.Task(referentiel.TaskOf(cid))
		if !ok || t.Criterion(cid) == nil {
			continue
		}
		row := sheetRow{Criterion: t.Criterion(cid), Task: t, Level: -1, Agreed: -1, Disagree: disagree[cid]}
		if sh.Mine != nil {
			if sc, ok := sh.Mine.Scores[cid]; ok {
				row.Level, row.Comment = sc.Level, sc.Comment
			}
		}
		if in != nil {
			row.Level = -1
			if l, ok := in.Grading.Levels[cid]; ok {
				row.Level = l
			}
			row.Comment = in.Grading.Comments[cid]
		}
		for _, g := range sh.Grids {
			sc := g.Scores[cid]
			row.Grids = append(row.Grids, otherScore{Assessor: g.AssessorName, Level: st.LevelLabel(sc.Level), Comment: sc.Comment})
		}
		if l, ok := sh.Proposed[cid]; ok {
			row.Agreed = l
		}
		if sh.Agreed != nil {
			if sc, ok := sh.Agreed.Scores[cid]; ok {
				row.Agreed, row.AgreedCom = sc.Level, sc.Comment
			}
		}
		if agreed != nil {
			row.Agreed = -1
			if l, ok := agreed.Levels[cid]; ok {
				row.Agreed = l
			}
			row.AgreedCom = agreed.Comments[cid]
		}
		d.Rows = append(d.Rows, row)
	}
	if in != nil {
		d.Decision, d.Feedback, d.Notes = string(in.Grading.Decision), in.Grading.Feedback, in.Notes
	}
	if agreed != nil {
		d.Agreed.Decision, d.Agreed.Feedback = string(agreed.Decision), agreed.Feedback
	}
	se := sh.Session
	p := s.page(c, "Passage de "+sh.Slot.Learner+" — "+se.Kind.Label, views.Link{Href: "/epreuves", Label: "Mes épreuves"},
		views.Link{Href: sessionURL(se.ID), Label: se.Title}, views.Link{Label: sh.Slot.Learner})
	p.Errors, p.Data = errs, d
	return s.renderForm(c, "epreuve-passage", p)
}

// autosave tells a request sent by the sheet's script as the member types:
// it gets JSON back, not a page.
func autosave(c *fiber.Ctx) bool { return c.Get("X-Enregistrement") == "auto" }

// liveSheetSave stores the member's notes and grid (« enregistrer », or
// « pret »: complete). The script sends the same form as the member types.
func (s *Server) liveSheetSave(c *fiber.Ctx) error {
	id, err := pathID(c, "slot")
	if err != nil {
		return err
	}
	f := formValues(c)
	in := assessment.LiveInput{Grading: gradingInput(f), Notes: f["notes"]}
	ready := f["action"] == "pret"
	sh, err := s.assess.SaveLiveSheet(c.UserContext(), *currentUser(c), id, in, ready, s.clientIP(c))
	if autosave(c) {
		if e, ok := apperr.As(err); ok {
			// The script keeps its copy on 422 (to correct), drops it
			// on 403, 404 and 409 (it will never be accepted).
			status := fiber.StatusConflict
			switch {
			case e.Fields != nil:
				status = fiber.StatusUnprocessableEntity
			case e.Code == apperr.Forbidden:
				status = fiber.StatusForbidden
			case e.Code == apperr.NotFound:
				status = fiber.StatusNotFound
			}
			return c.Status(status).JSON(fiber.Map{"enregistre": false, "message": e.Message, "champs": e.Fields})
		}
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"enregistre": true, "a": french.Time(time.Now())})
	}
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderSheet(c, sh, &in, nil, e.Fields)
	}
	if apperr.CodeOf(err) == apperr.Forbidden {
		return s.forbid(c, "feuille du passage "+c.Params("slot"))
	}
	if err != nil {
		return err
	}
	msg := "Notes et grille enregistrées."
	if ready {
		msg = "Votre grille est complète. Le jury arrête le résultat une fois les deux grilles complètes."
	}
	return s.redirectWithText(c, slotURL(id), msg)
}

// liveResult records the result the jury agrees, and publishes it after a
// confirmation that says what the candidate will see.
func (s *Server) liveResult(c *fiber.Ctx) error {
	id, err := pathID(c, "slot")
	if err != nil {
		return err
	}
	u, ctx, here := currentUser(c), c.UserContext(), slotURL(id)
	f := formValues(c)
	in := gradingInput(f)
	publish := f["action"] == "publier"
	if publish && !confirmed(c) {
		sh, err := s.assess.LiveSheet(ctx, *u, id)
		if err != nil {
			return err
		}
		return s.askConfirmation(c, []views.Link{{Href: sessionURL(sh.Session.ID), Label: sh.Session.Title}, {Href: here, Label: sh.Slot.Learner}, {Label: "Publier le résultat"}}, confirmation{
			Heading: "Publier le résultat du jury ?",
			Object:  fmt.Sprintf("%s, %s du %s : décision « %s ».", sh.Slot.Learner, strings.ToLower(sh.Session.Kind.Label), french.Date(sh.Slot.StartsAt), in.Decision.Label()),
			Effects: []string{"Le candidat verra aussitôt les niveaux, les commentaires, la décision et le retour du jury ; l'épreuve compte pour ses capacités acquises, selon la règle d'acquisition.",
				"Les grilles de chaque membre sont publiées avec le résultat : elles entrent dans l'accord entre évaluateurs (κ par critère).",
				"Ni les grilles ni le résultat ne se modifient ensuite."},
			Action: here + "/resultat", Button: "Publier le résultat", Back: here + "#accord",
		})
	}
	sh, err := s.assess.AgreeLiveResult(ctx, *u, id, in, publish, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		prefixed := map[string]string{}
		for k, v := range e.Fields {
			prefixed["accord-"+k] = v
		}
		return s.renderSheet(c, sh, nil, &in, prefixed)
	}
	if apperr.CodeOf(err) == apperr.Forbidden {
		return s.forbid(c, "résultat du passage "+c.Params("slot"))
	}
	if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
		return s.redirectWithText(c, here+"#accord", e.Message)
	}
	if err != nil {
		return err
	}
	if publish {
		return s.redirectWithText(c, here, "Résultat du jury publié : le candidat le voit, et il compte pour ses capacités.")
	}
	return s.redirectWithText(c, here+"#accord", "Résultat du jury enregistré, pas encore publié.")
}

type writtenData struct {
	pieceData
	Slot    int64
	Piece   assessment.Piece
	Version assessment.Version
	// Who names the candidate, or the copy's pseudonym while the piece is
	// under anonymous marking for the viewer (Hidden: no dates either).
	Who    string
	Hidden bool
}

// liveWritten shows the candidate's written piece to the jury, one tap from
// the sheet (external members reach no other piece).
func (s *Server) liveWritten(c *fiber.Ctx) error {
	id, err := pathID(c, "slot")
	if err != nil {
		return err
	}
	piece, v, err := s.assess.WrittenFor(c.UserContext(), *currentUser(c), id)
	if apperr.CodeOf(err) == apperr.Forbidden {
		return s.forbid(c, "écrit du passage "+c.Params("slot"))
	}
	if err != nil {
		return err
	}
	s.auditRead(c, piece.LearnerID, fmt.Sprintf("écrit du passage %d (pièce %d, version %d)", id, piece.ID, v.Number))
	kind, _ := s.fw.Kind(piece.KindID)
	me := *currentUser(c)
	_, who := piece.LearnerLabel(me)
	d := writtenData{pieceData: pieceData{Kind: kind}, Slot: id, Piece: piece, Version: v, Who: who, Hidden: piece.HiddenFrom(me)}
	s.fillEditor(&d.pieceData, v.Body)
	p := s.page(c, v.Title, views.Link{Href: "/epreuves", Label: "Mes épreuves"}, views.Link{Href: slotURL(id), Label: "Passage de " + who},
		views.Link{Label: "Écrit"})
	p.Data = d
	return s.render(c, "epreuve-ecrit", p)
}
