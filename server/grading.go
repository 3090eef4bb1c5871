package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/text"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

var queueCrumb = views.Link{Href: "/evaluation", Label: "À évaluer"}

type queueData struct {
	Queue    assessment.Queue
	Filter   map[string]string
	Kinds    []*referentiel.DeliverableKind
	Cohorts  []account.Cohort
	Statuses []assessment.Status
	Prev     string
	Next     string
	Manager  bool
}

// queue is the assessor's list of pieces to grade, oldest deposit first.
func (s *Server) queue(c *fiber.Ctx) error {
	u := currentUser(c)
	ctx := c.UserContext()
	f := assessment.QueueFilter{KindID: c.Query("type"), Status: assessment.Status(c.Query("statut"))}
	f.CohortID, _ = strconv.ParseInt(c.Query("promotion"), 10, 64)
	f.Page, _ = strconv.Atoi(c.Query("page"))
	f.From, _ = time.ParseInLocation("2006-01-02", c.Query("du"), french.Paris)
	f.To, _ = time.ParseInLocation("2006-01-02", c.Query("au"), french.Paris)
	f.DueBefore, _ = time.ParseInLocation("2006-01-02", c.Query("echeance"), french.Paris)
	q, err := s.assess.Queue(ctx, *u, f)
	if err != nil {
		return err
	}
	cohorts, err := s.accounts.CohortsOf(ctx, u.ID)
	if err != nil {
		return err
	}
	d := queueData{Queue: q, Kinds: s.fw.DeliverableKinds, Cohorts: cohorts,
		Statuses: []assessment.Status{assessment.Deposited, assessment.InGrading, assessment.Moderation},
		Filter:   map[string]string{"type": f.KindID, "statut": string(f.Status), "promotion": c.Query("promotion"), "du": c.Query("du"), "au": c.Query("au"), "echeance": c.Query("echeance")}}
	pageURL := func(n int) string {
		v := c.Request().URI().QueryArgs()
		args := fmt.Sprintf("?type=%s&statut=%s&promotion=%s&du=%s&au=%s&echeance=%s&page=%d", url.QueryEscape(string(v.Peek("type"))),
			url.QueryEscape(string(v.Peek("statut"))), url.QueryEscape(string(v.Peek("promotion"))), url.QueryEscape(string(v.Peek("du"))),
			url.QueryEscape(string(v.Peek("au"))), url.QueryEscape(string(v.Peek("echeance"))), n)
		return "/evaluation" + args
	}
	if q.Page > 1 {
		d.Prev = pageURL(q.Page - 1)
	}
	if q.Page < q.Pages {
		d.Next = pageURL(q.Page + 1)
	}
	d.Manager = u.Role == account.Manager
	title := "Pièces à évaluer"
	if d.Manager {
		title = "Pièces à arbitrer"
	}
	p := s.page(c, title, views.Link{Label: title})
	p.Data = d
	return s.render(c, "evaluation", p)
}

// gradingStart opens the assessor's grading of a piece and sends them to it.
func (s *Server) gradingStart(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	g, err := s.assess.StartGrading(c.UserContext(), *currentUser(c), id, s.clientIP(c))
	if err != nil {
		return err
	}
	return c.Redirect("/evaluation/"+strconv.FormatInt(g.ID, 10), fiber.StatusSeeOther)
}

// MapLink is the address of the graded version's actor map as SVG.
func (d gradingData) MapLink() string {
	return fmt.Sprintf("%s/versions/%d/carte.svg", pieceURL(d.View.Piece.ID), d.View.Version.Number)
}

type gradingData struct {
	View     assessment.GradingView
	Kind     *referentiel.DeliverableKind
	Rows     []rubricRow
	Report   *text.Rendered
	Guide    *assessment.Guide
	Map      *actormap.Map
	MapSVG   string
	Rule     string
	Levels   []levelOption
	Decision string
	Feedback string
	Summary  *publishedSummary   // the assessor's own released grading
	Authors  []assessment.Author // who wrote a collective part
}

// publishedSummary is what a released grading amounts to, shown to its
// assessor at the top of the screen: the decision, how many criteria at
// each level, those below the pass level, what happens next, and the next
// piece to grade.
type publishedSummary struct {
	Levels []levelCount
	Below  []string
	Next   string
	Piece  *assessment.QueueItem
}

type levelCount struct {
	Label string
	N     int
}

type levelOption struct {
	Index      int
	Label      string
	Descriptor string // what the level means, from the cohort's rules
}

type rubricRow struct {
	Criterion *referentiel.Criterion
	Task      *referentiel.Task
	Level     int
	Comment   string
	Others    []otherScore
	Disagree  bool
	Previous  string
}

type otherScore struct {
	Assessor string
	Level    string
	Comment  string
}

func (s *Server) gradingPage(c *fiber.Ctx) error {
	id, err := pathID(c, "gid")
	if err != nil {
		return err
	}
	gv, err := s.assess.GradingView(c.UserContext(), *currentUser(c), id)
	if err != nil {
		return err
	}
	return s.renderGrading(c, gv, nil, nil)
}

// renderGrading shows the grading screen; in (when not nil) is what the
// assessor just typed, kept on a validation error.
func (s *Server) renderGrading(c *fiber.Ctx, gv assessment.GradingView, in *assessment.GradingInput, errs map[string]string) error {
	kind, _ := s.fw.Kind(gv.Piece.KindID)
	d := gradingData{View: gv, Kind: kind, Decision: string(gv.Grading.Decision), Feedback: gv.Grading.Feedback,
		Rule: assessment.CurrentRule.Text(gv.Settings.LevelLabel(gv.Settings.PassLevel))}
	for i, l := range gv.Settings.Levels {
		d.Levels = append(d.Levels, levelOption{Index: i, Label: l, Descriptor: gv.Settings.Descriptor(i)})
	}
	pd := pieceData{Kind: kind}
	s.fillEditor(&pd, gv.Version.Body)
	authors, err := s.assess.Authors(c.UserContext(), gv.Piece)
	if err != nil {
		return err
	}
	d.Authors = authors
	d.Report, d.Guide, d.Map, d.MapSVG = pd.Report, pd.Guide, pd.Map, pd.MapSVG
	disagree := map[string]bool{}
	for _, c := range gv.Disagree {
		disagree[c] = true
	}
	for _, cid := range gv.Version.Criteria {
		t, ok := s.fw.Task(referentiel.TaskOf(cid))
		if !ok || t.Criterion(cid) == nil {
			continue
		}
		row := rubricRow{Criterion: t.Criterion(cid), Task: t, Level: -1, Disagree: disagree[cid]}
		if sc, ok := gv.Grading.Scores[cid]; ok {
			row.Level, row.Comment = sc.Level, sc.Comment
		}
		if in != nil {
			if l, ok := in.Levels[cid]; ok {
				row.Level = l
			}
			row.Comment = in.Comments[cid]
		}
		for _, o := range gv.Others {
			sc := o.Scores[cid]
			row.Others = append(row.Others, otherScore{Assessor: o.AssessorName + " (" + o.Role.Label() + ")", Level: gv.Settings.LevelLabel(sc.Level), Comment: sc.Comment})
		}
		if gv.Result != nil {
			if l, ok := gv.Result.Levels[cid]; ok {
				row.Previous = gv.Settings.LevelLabel(l)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	if in != nil {
		d.Decision, d.Feedback = string(in.Decision), in.Feedback
	}
	if u := currentUser(c); gv.Grading.State == assessment.Released && gv.Grading.AssessorID == u.ID {
		sum, err := s.publishedSummary(c, gv, d.Rows)
		if err != nil {
			return err
		}
		d.Summary = sum
	}
	p := s.page(c, "Évaluer « "+gv.Version.Title+" »", queueCrumb, views.Link{Label: "Évaluer"})
	p.Errors = errs
	p.Data = d
	return s.renderForm(c, "evaluer", p)
}

// gradingSave stores the rubric; « pret » also checks it is complete,
// « publier » releases it. The form is read, then one domain call checks,
// writes and audits; on invalid input the page is shown again from the
// grading as it now is, with what the assessor typed.
func (s *Server) gradingSave(c *fiber.Ctx) error {
	id, err := pathID(c, "gid")
	if err != nil {
		return err
	}
	u, ctx := currentUser(c), c.UserContext()
	action := c.FormValue("action")
	if action == "publier" {
		gv, err := s.assess.GradingView(ctx, *u, id)
		if err != nil {
			return err
		}
		g, here := gv.Grading, "/evaluation/"+strconv.FormatInt(id, 10)
		object := fmt.Sprintf("« %s », version %d, de %s : %s, décision « %s ».", gv.Piece.Title, gv.Version.Number, gv.Learner,
			strings.ToLower(g.Role.Label()), g.Decision.Label())
		if !confirmed(c) && g.State == assessment.Ready {
			effects := []string{"L'apprenant verra aussitôt les niveaux, les commentaires, la décision et votre retour ; la pièce compte pour ses capacités acquises."}
			switch g.Role {
			case assessment.First, assessment.Second:
				effects = []string{"Votre correction est comparée à l'autre correction à l'aveugle : l'apprenant ne voit un résultat qu'une fois les deux publiées et, si elles s'écartent, après l'arbitrage."}
			case assessment.Rectification:
				effects = append(effects, "Elle remplace le résultat publié avant elle ; les deux restent tracés.")
			}
			effects = append(effects, "Vous ne pourrez plus la modifier : une erreur se corrige par une rectification, tracée.")
			return s.askConfirmation(c, []views.Link{{Href: "/evaluation", Label: "À évaluer"}, {Href: here, Label: gv.Piece.Title}, {Label: "Publier"}}, confirmation{
				Heading: "Publier l'évaluation ?", Object: object, Effects: effects,
				Action: here, Fields: [][2]string{{"action", "publier"}}, Button: "Publier l'évaluation", Back: here,
			})
		}
		if err := s.assess.Release(ctx, *u, id, s.clientIP(c)); err != nil {
			return err
		}
		return s.redirectWithText(c, here+"#resume", "Évaluation publiée : "+object)
	}
	in := gradingInput(formValues(c))
	ready := action == "pret"
	gv, err := s.assess.SaveGrading(ctx, *u, id, in, ready, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.renderGrading(c, gv, &in, e.Fields)
	}
	if err != nil {
		return err
	}
	notice := "evaluation-enregistree"
	if ready {
		notice = "evaluation-prete"
	}
	return s.redirectWithNotice(c, "/evaluation/"+strconv.FormatInt(id, 10), notice)
}

// gradingInput reads the grading form: « niveau-<critère> » (an index of
// the scale; anything else is out of it) and « commentaire-<critère> » for
// each criterion sent, the decision and the feedback.
func gradingInput(f map[string]string) assessment.GradingInput {
	in := assessment.GradingInput{Levels: map[string]int{}, Comments: map[string]string{}, Decision: assessment.Decision(f["decision"]), Feedback: f["feedback"]}
	for k, v := range f {
		if cid, ok := strings.CutPrefix(k, "niveau-"); ok && v != "" {
			l, err := strconv.Atoi(v)
			if err != nil {
				l = -2 // reported as out of the scale
			}
			in.Levels[cid] = l
		} else if cid, ok := strings.CutPrefix(k, "commentaire-"); ok {
			in.Comments[cid] = v
		}
	}
	return in
}

// releasedPage lists the assessor's own published gradings, to find one
// again (to reread it, or to rectify it).
func (s *Server) releasedList(c *fiber.Ctx) error {
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	list, more, err := s.assess.ReleasedBy(c.UserContext(), *currentUser(c), page)
	if err != nil {
		return err
	}
	p := s.page(c, "Mes évaluations publiées", views.Link{Href: "/evaluation", Label: "À évaluer"}, views.Link{Label: "Mes évaluations publiées"})
	p.Data = struct {
		List       []assessment.ReleasedGrading
		Page       int
		More, Prev bool
	}{list, page, more, page > 1}
	return s.render(c, "evaluations-publiees", p)
}

func (s *Server) publishedSummary(c *fiber.Ctx, gv assessment.GradingView, rows []rubricRow) (*publishedSummary, error) {
	st := gv.Settings
	sum := &publishedSummary{}
	counts := make([]int, len(st.Levels))
	for _, r := range rows {
		if r.Level >= 0 && r.Level < len(counts) {
			counts[r.Level]++
		}
		if r.Level < st.PassLevel {
			sum.Below = append(sum.Below, r.Criterion.ID+" — "+r.Criterion.Display()+" : "+st.LevelLabel(r.Level))
		}
	}
	for i := len(counts) - 1; i >= 0; i-- {
		sum.Levels = append(sum.Levels, levelCount{Label: st.Levels[i], N: counts[i]})
	}
	switch gv.Piece.Status {
	case assessment.Moderation:
		sum.Next = "Les deux corrections s'écartent : la pièce attend l'arbitrage d'un troisième évaluateur. L'apprenant ne voit encore rien."
	case assessment.Graded:
		sum.Next = "Le résultat est publié : l'apprenant voit les niveaux, les commentaires et le retour ; la pièce compte pour ses capacités acquises."
	case assessment.Rework:
		sum.Next = "Le résultat est publié : l'apprenant voit les niveaux, les commentaires et le retour, et déposera une nouvelle version, qui reviendra dans la file."
	default:
		sum.Next = "L'autre correction n'est pas encore publiée : l'apprenant verra le résultat quand elle le sera (et, si elles s'écartent, après l'arbitrage)."
	}
	q, err := s.assess.Queue(c.UserContext(), *currentUser(c), assessment.QueueFilter{Page: 1})
	if err != nil {
		return nil, err
	}
	for i := range q.Items {
		if it := q.Items[i]; it.Actionable() && it.PieceID != gv.Piece.ID {
			sum.Piece = &q.Items[i]
			break
		}
	}
	return sum, nil
}
