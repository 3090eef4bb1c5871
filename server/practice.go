package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/views"
)

// « Ma pratique » (task 6.7): the learner's own debriefs across exercises —
// the pitfalls that come back, the tasks worked and when first — and the
// analysis of practice they write from it, sent to the portfolio.

// maxPractice bounds the analysis typed, in bytes.
const maxPractice = 30000

func (s *Server) practicePage(c *fiber.Ctx) error {
	p, err := s.practicePageData(c)
	if err != nil {
		return err
	}
	return s.render(c, "pratique", p)
}

func (s *Server) practicePageData(c *fiber.Ctx) (*views.Page, error) {
	pr, err := s.cases.Practice(c.UserContext(), *currentUser(c))
	if err != nil {
		return nil, err
	}
	p := s.page(c, "Ma pratique", views.Link{Href: "/dossiers", Label: "Mes dossiers"}, views.Link{Label: "Ma pratique"})
	titles := map[string]string{}
	for _, t := range pr.Tasks {
		if x, ok := s.fw.Task(t.ID); ok {
			titles[t.ID] = x.Title
		}
	}
	p.Data = struct {
		P      casework.Practice
		Titles map[string]string
		All    int
	}{pr, titles, len(s.fw.Tasks())}
	return p, nil
}

// practiceToPiece writes the « analyse de pratique »: the learner's text,
// then what the debriefs say, as a piece of the portfolio. An empty or too
// long text comes back next to its field, kept.
func (s *Server) practiceToPiece(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), *currentUser(c)
	text := strings.TrimSpace(c.FormValue("analyse"))
	msg := ""
	switch {
	case text == "":
		msg = "Écrivez votre analyse : ce que vous retenez, ce qui revient, ce que vous changerez."
	case len(text) > maxPractice:
		msg = fmt.Sprintf("L'analyse tient en %d caractères au plus.", maxPractice)
	}
	pr, err := s.cases.Practice(ctx, u)
	if err != nil {
		return err
	}
	if msg == "" && len(pr.Done) == 0 {
		msg = "Terminez au moins un exercice : l'analyse de pratique s'appuie sur vos débriefings."
	}
	if msg != "" {
		p, err := s.practicePageData(c)
		if err != nil {
			return err
		}
		p.Form = map[string]string{"analyse": c.FormValue("analyse")}
		p.Errors = map[string]string{"analyse": msg}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "pratique", p)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n## Ce que disent mes débriefings\n\n", text)
	for _, e := range pr.Done {
		fmt.Fprintf(&b, "- %s — %s, terminé le %s : %d tâche(s) travaillée(s) sur %d", e.Title, e.Kind, french.Date(e.At), e.Worked, e.Of)
		if len(e.Pitfalls) > 0 {
			fmt.Fprintf(&b, " ; pièges : %s", strings.Join(e.Pitfalls, " ; "))
		}
		b.WriteString("\n")
	}
	if len(pr.Recurring) > 0 {
		b.WriteString("\n## Pièges qui reviennent\n\n")
		for _, r := range pr.Recurring {
			fmt.Fprintf(&b, "- %s (%d fois)\n", r.Text, r.Count)
		}
	}
	piece, err := s.assess.Create(ctx, u, assessment.NewPiece{KindID: "analyse-situation", Title: "Analyse de pratique — " + french.Date(time.Now())})
	if err != nil {
		return err
	}
	if err := s.assess.SaveDraft(ctx, u, piece.ID, piece.Title, b.String()); err != nil {
		return err
	}
	return s.redirectWithNotice(c, pieceURL(piece.ID), "piece-creee")
}
