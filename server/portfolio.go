package server

import (
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/assessment/actormap/layout"
	"github.com/casp-cnam/casp/assessment/attachment"
	"github.com/casp-cnam/casp/assessment/document"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/text"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

var portfolioCrumb = views.Link{Href: "/portfolio", Label: "Mon portfolio"}

func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "Page introuvable.")
	}
	return id, nil
}

type portfolioData struct {
	Pieces     []assessment.Piece
	Progress   assessment.Progress
	Kinds      []*referentiel.DeliverableKind
	FW         *referentiel.Framework
	Groups     []assessment.Group
	Collective []*referentiel.DeliverableKind
}

// portfolio lists the learner's pieces with a summary of their progress.
func (s *Server) portfolio(c *fiber.Ctx) error {
	u := currentUser(c)
	prog, err := s.assess.Progress(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Mon portfolio", views.Link{Label: "Mon portfolio"})
	groups, err := s.assess.LearnerGroups(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	p.Data = portfolioData{Pieces: prog.Pieces, Progress: prog, Kinds: s.fw.DeliverableKinds, FW: s.fw, Groups: groups, Collective: s.collectiveKinds()}
	return s.render(c, "portfolio", p)
}

// kindChoice is one kind offered when creating a piece, with its
// deadline when one is still to meet.
type kindChoice struct {
	Kind    *referentiel.DeliverableKind
	Due     time.Time
	Overdue bool
}

// kindChoices are the kinds offered: first those the learner has yet to
// deposit for a deadline, nearest first (late ones marked), then the
// others in the framework's order.
type kindChoices struct {
	Due, Others []kindChoice
}

func (s *Server) kindChoices(c *fiber.Ctx) (kindChoices, error) {
	var out kindChoices
	deadlines, err := s.assess.LearnerDeadlines(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return out, err
	}
	today := time.Now().In(french.Paris).Format(time.DateOnly)
	due := map[string]bool{}
	for _, d := range deadlines {
		if k, ok := s.fw.Kind(d.KindID); ok && !d.Done {
			out.Due = append(out.Due, kindChoice{k, d.DueOn, d.DueOn.Format(time.DateOnly) < today})
			due[k.ID] = true
		}
	}
	for _, k := range s.fw.DeliverableKinds {
		if !due[k.ID] {
			out.Others = append(out.Others, kindChoice{Kind: k})
		}
	}
	return out, nil
}

func (s *Server) pieceForm(c *fiber.Ctx) error {
	choices, err := s.kindChoices(c)
	if err != nil {
		return err
	}
	p := s.page(c, "Nouvelle pièce", portfolioCrumb, views.Link{Label: "Nouvelle pièce"})
	p.Data = choices
	p.Form = map[string]string{"kind": c.Query("type")}
	return s.render(c, "piece-nouvelle", p)
}

func (s *Server) pieceCreate(c *fiber.Ctx) error {
	np := assessment.NewPiece{KindID: c.FormValue("kind"), Title: c.FormValue("title")}
	piece, err := s.assess.Create(c.UserContext(), *currentUser(c), np)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		choices, cerr := s.kindChoices(c)
		if cerr != nil {
			return cerr
		}
		p := s.page(c, "Nouvelle pièce", portfolioCrumb, views.Link{Label: "Nouvelle pièce"})
		p.Data = choices
		p.Errors = e.Fields
		p.Form = map[string]string{"kind": np.KindID, "title": np.Title}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "piece-nouvelle", p)
	}
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, pieceURL(piece.ID), "piece-creee")
}

func pieceURL(id int64) string { return "/portfolio/" + strconv.FormatInt(id, 10) }

// pieceData is everything the piece page shows.
type pieceData struct {
	Piece       assessment.Piece
	Authors     []assessment.Author // of a collective part
	Collective  *assessment.Piece   // the collective part an individual part belongs to
	Kind        *referentiel.DeliverableKind
	Links       []linkView
	Extra       []capacityOption
	Versions    []versionView
	Attachments []assessment.Attachment
	Report      *text.Rendered
	Guide       *assessment.Guide
	Map         *actormap.Map
	MapSVG      string
	Preview     bool
	Learner     string // the learner, or the pseudonym under anonymous marking
	Owner       bool
	Quota       string
	MaxFile     string
	Settings    assessment.Settings
	Options     editorOptions
}

type option struct{ Value, Label string }

// editorOptions are the choices of the structured editors.
type editorOptions struct {
	Domains, Relations, Directions, Settings []option
}

func newEditorOptions() editorOptions {
	var o editorOptions
	for _, d := range actormap.Domains {
		o.Domains = append(o.Domains, option{string(d), d.Label()})
	}
	for _, k := range actormap.RelationKinds {
		o.Relations = append(o.Relations, option{string(k), k.Label()})
	}
	o.Directions = []option{{"aller", "→ de la première vers la seconde"}, {"retour", "← de la seconde vers la première"},
		{"double", "↔ dans les deux sens"}, {"aucune", "— sans sens"}}
	for _, st := range assessment.GuideSettings {
		o.Settings = append(o.Settings, option{st.Value, st.Label})
	}
	return o
}

type linkView = assessment.LinkedCapacity

type capacityOption struct {
	Task     *referentiel.Task
	Capacity *referentiel.Item
}

type versionView struct {
	assessment.Version
	Result *assessment.Result
}

func (s *Server) loadPiece(c *fiber.Ctx) (assessment.Piece, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return assessment.Piece{}, err
	}
	return s.assess.Piece(c.UserContext(), *currentUser(c), id)
}

// piecePage shows a piece: its editor while it is a draft, its versions and
// their results, its links to the framework.
func (s *Server) piecePage(c *fiber.Ctx) error {
	piece, err := s.loadPiece(c)
	if err != nil {
		return err
	}
	p, err := s.piecePageData(c, piece)
	if err != nil {
		return err
	}
	return s.render(c, "piece", p)
}

func (s *Server) piecePageData(c *fiber.Ctx, piece assessment.Piece) (*views.Page, error) {
	ctx := c.UserContext()
	u := currentUser(c)
	kind, _ := s.fw.Kind(piece.KindID)
	d := pieceData{Piece: piece, Kind: kind, Owner: piece.Writer,
		MaxFile: "10 Mio", Quota: "50 Mio", Options: newEditorOptions()}
	if !piece.Writer {
		s.auditRead(c, piece.LearnerID, "pièce "+strconv.FormatInt(piece.ID, 10))
	}
	var err error
	if d.Authors, err = s.assess.Authors(ctx, piece); err != nil {
		return nil, err
	}
	if piece.PartOf != 0 {
		if g, err := s.assess.Piece(ctx, *u, piece.PartOf); err == nil {
			d.Collective = &g
		}
	}
	links, err := s.assess.Links(ctx, piece)
	if err != nil {
		return nil, err
	}
	linked := map[string]bool{}
	for _, l := range links {
		linked[l.CapacityID] = true
		d.Links = append(d.Links, s.linkView(l))
	}
	for _, t := range s.fw.Tasks() {
		t.EachCapacity(func(it *referentiel.Item) {
			if !linked[it.ID] {
				d.Extra = append(d.Extra, capacityOption{Task: t, Capacity: it})
			}
		})
	}
	versions, err := s.assess.VersionsWithResults(ctx, piece)
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		d.Versions = append(d.Versions, versionView{Version: v.Version, Result: v.Result})
	}
	_, d.Learner = piece.LearnerLabel(*u)
	if d.Owner {
		if d.Attachments, err = s.assess.DraftAttachments(ctx, *u, piece.ID); err != nil {
			return nil, err
		}
	}
	if d.Settings, err = s.assess.Settings(ctx, piece.CohortID); err != nil {
		return nil, err
	}
	s.fillEditor(&d, piece.Draft)
	p := s.page(c, piece.Title, portfolioCrumb, views.Link{Label: piece.Title})
	if !d.Owner {
		p.Crumbs = []views.Link{{Href: "/", Label: "Accueil"}, {Label: piece.Title, Current: true}}
	}
	p.Form = map[string]string{"title": piece.Title}
	if g := d.Guide; g != nil {
		p.Form["objectifs"], p.Form["public"], p.Form["posture"], p.Form["confidentialite"] = g.Objectives, g.Audience, g.Posture, g.Confidentiality
		p.Form["duree"] = strconv.Itoa(g.Duration)
	}
	if m := d.Map; m != nil {
		p.Form["titre"], p.Form["thematique"], p.Form["territoire"] = m.Title, m.Theme, m.Territory
	}
	p.Data = &d
	return p, nil
}

func (s *Server) linkView(l assessment.CapacityLink) linkView { return assessment.Linked(s.fw, l) }

// fillEditor decodes the draft for its editor.
func (s *Server) fillEditor(d *pieceData, body string) {
	switch d.Kind.Editor {
	case "guide":
		g, err := assessment.ParseGuide([]byte(body))
		if err != nil {
			g = assessment.NewGuide()
		}
		d.Guide = &g
	case "cartographie":
		m, err := actormap.Parse([]byte(body))
		if err != nil {
			m = actormap.Map{}
		}
		d.Map = &m
		d.MapSVG = string(layout.SVG(m))
	default:
		r, err := text.Render(body)
		if err == nil {
			d.Report = &r
		}
	}
}

// confirmDeposit asks before a deposit, the draft just saved: what will be
// frozen, and what looks far from what the kind expects.
func (s *Server) confirmDeposit(c *fiber.Ctx, piece assessment.Piece, kind *referentiel.DeliverableKind) error {
	// What the deposit would refuse is said now, next to the fields.
	if f := assessment.CheckContent(kind.Editor, piece.Draft); len(f) > 0 || !piece.Editable() {
		return s.depositConfirmed(c, piece)
	}
	n := piece.Versions + 1
	d := confirmation{
		Heading: "Déposer la pièce ?",
		Object:  fmt.Sprintf("« %s » (%s), version %d.", piece.Title, kind.Label, n),
		Effects: []string{
			fmt.Sprintf("La version %d est figée telle que vous venez de l'enregistrer, datée et scellée par son empreinte SHA-256 : vous recevez un accusé de dépôt.", n),
			"Vous ne pourrez plus la modifier. Elle part en évaluation ; si elle est à retravailler, vous déposerez une nouvelle version.",
		},
		Action: pieceURL(piece.ID), Fields: [][2]string{{"action", "deposer"}}, Button: "Déposer définitivement",
		Back: pieceURL(piece.ID) + "#editeur",
	}
	if kind.Editor == "rapport" {
		if r, err := text.Render(piece.Draft); err == nil {
			length := fmt.Sprintf("%d mots, soit environ %s page%s", r.Words, strings.Replace(strconv.FormatFloat(r.Pages, 'f', -1, 64), ".", ",", 1), plural(r.Pages >= 2))
			if r.Pages < 1 {
				length = fmt.Sprintf("%d mots, moins d'une page", r.Words)
			}
			switch {
			case kind.MinPages > 0 && r.Pages < float64(kind.MinPages)/2:
				d.Warnings = append(d.Warnings, fmt.Sprintf("Le texte compte %s ; ce type de production en demande %s. Vérifiez que vous déposez la bonne version.",
					length, kindPages(kind)))
			case kind.MaxPages > 0 && r.Pages > float64(kind.MaxPages)*1.5:
				d.Warnings = append(d.Warnings, fmt.Sprintf("Le texte compte %s ; ce type de production en demande %s.", length, kindPages(kind)))
			}
		}
		d.Effects = append(d.Effects, "Ses pièces jointes, s'il y en a, sont déposées avec elle.")
	}
	return s.askConfirmation(c, []views.Link{{Href: "/portfolio", Label: "Mon portfolio"}, {Href: pieceURL(piece.ID), Label: piece.Title}, {Label: "Déposer"}}, d)
}

func plural(many bool) string {
	if many {
		return "s"
	}
	return ""
}

// kindPages is a kind's expected length: « 20 à 40 pages ».
func kindPages(k *referentiel.DeliverableKind) string {
	switch {
	case k.MinPages > 0 && k.MaxPages > 0:
		return fmt.Sprintf("%d à %d pages", k.MinPages, k.MaxPages)
	case k.MinPages > 0:
		return fmt.Sprintf("au moins %d pages", k.MinPages)
	}
	return fmt.Sprintf("au plus %d pages", k.MaxPages)
}

// depositConfirmed deposits the saved draft, the deposit confirmed.
func (s *Server) depositConfirmed(c *fiber.Ctx, piece assessment.Piece) error {
	ctx, u := c.UserContext(), currentUser(c)
	v, err := s.assess.Deposit(ctx, *u, piece.ID)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		piece, _ = s.assess.Piece(ctx, *u, piece.ID)
		return s.pieceWithErrors(c, piece, e.Fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, fmt.Sprintf("%s/versions/%d/accuse", pieceURL(piece.ID), v.Number),
		fmt.Sprintf("« %s », version %d, déposée. Voici votre accusé de dépôt : conservez-le.", v.Title, v.Number))
}

// pieceSave stores the draft as typed (so nothing is lost), then previews
// or deposits according to the button pressed.
func (s *Server) pieceSave(c *fiber.Ctx) error {
	piece, err := s.loadPiece(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	kind, _ := s.fw.Kind(piece.KindID)
	// The confirmation page sends no draft (it was saved when the deposit
	// was asked); a form that does is saved first, as always.
	if c.FormValue("action") == "deposer" && confirmed(c) && !hasField(c, "title") {
		return s.depositConfirmed(c, piece)
	}
	title := c.FormValue("title")
	var body string
	switch kind.Editor {
	case "guide":
		body = string(guideFromForm(formValues(c)).JSON())
	case "cartographie":
		body = string(mapFromForm(formValues(c)).JSON())
	default:
		body = c.FormValue("draft")
	}
	ctx := c.UserContext()
	if err := s.assess.SaveDraft(ctx, *u, piece.ID, title, body); err != nil {
		if e, ok := apperr.As(err); ok && e.Fields != nil {
			piece.Draft, piece.Title = body, title
			return s.pieceWithErrors(c, piece, e.Fields)
		}
		return err
	}
	action := c.FormValue("action")
	if aid, ok := strings.CutPrefix(action, "retirer-"); ok {
		id, err := strconv.ParseInt(aid, 10, 64)
		if err != nil {
			return apperr.New(apperr.NotFound, "Pièce jointe introuvable.")
		}
		if err := s.assess.RemoveAttachment(ctx, *u, piece.ID, id); err != nil {
			return err
		}
		return s.redirectWithNotice(c, pieceURL(piece.ID)+"#pieces-jointes", "piece-jointe-retiree")
	}
	switch action {
	case "joindre":
		return s.attach(c, piece)
	case "deposer":
		if confirmed(c) {
			return s.depositConfirmed(c, piece)
		}
		if piece, err = s.assess.Piece(ctx, *u, piece.ID); err != nil {
			return err
		}
		return s.confirmDeposit(c, piece, kind)
	case "previsualiser":
		piece, err = s.assess.Piece(ctx, *u, piece.ID)
		if err != nil {
			return err
		}
		p, err := s.piecePageData(c, piece)
		if err != nil {
			return err
		}
		// A map that validation refuses is not previewed: its messages are
		// shown next to the fields instead, the input kept.
		if d := p.Data.(*pieceData); d.Map != nil {
			if f := d.Map.Validate(); len(f) > 0 {
				d.MapSVG, p.Errors = "", f
				return s.renderStatus(c, fiber.StatusUnprocessableEntity, "piece", p)
			}
		}
		p.Data.(*pieceData).Preview = true
		p.Notice = "Brouillon enregistré. L'aperçu est affiché sous l'éditeur."
		return s.render(c, "piece", p)
	}
	// « Ajouter des lignes » (without JavaScript): the draft saved, the
	// editor comes back with empty rows after the ones filled in.
	if part, ok := strings.CutPrefix(action, "lignes-"); ok && (part == "deroule" || part == "acteurs" || part == "relations") {
		return s.redirectWithNotice(c, pieceURL(piece.ID)+"#"+part, "lignes")
	}
	return s.redirectWithNotice(c, pieceURL(piece.ID)+"#editeur", "brouillon")
}

func (s *Server) pieceWithErrors(c *fiber.Ctx, piece assessment.Piece, fields map[string]string) error {
	p, err := s.piecePageData(c, piece)
	if err != nil {
		return err
	}
	p.Errors = fields
	return s.renderStatus(c, fiber.StatusUnprocessableEntity, "piece", p)
}

// preview answers the editor's live preview (JavaScript enhancement): the
// rendered Markdown, its outline and counts, as JSON. Nothing is stored.
func (s *Server) preview(c *fiber.Ctx) error {
	if _, err := s.loadPiece(c); err != nil {
		return err
	}
	r, err := text.Render(c.FormValue("draft"))
	if err != nil {
		return apperr.New(apperr.Invalid, "Le texte dépasse 400 000 caractères.")
	}
	return c.JSON(fiber.Map{"html": string(r.HTML), "mots": r.Words, "pages": r.Pages, "plan": r.Outline})
}

// formValues copies the urlencoded form (fiber reuses its buffers).
func formValues(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { out[string(k)] = string(v) })
	return out
}

var indexRe = regexp.MustCompile(`\[(\d+)\]`)

// rowKey holds, in each row indexed returns, the row's index in the form.
const rowKey = "\x00ligne"

// indexed collects form keys like prefix[3].field into rows by index.
func indexed(form map[string]string, prefix string) []map[string]string {
	rows := map[int]map[string]string{}
	for k, v := range form {
		if !strings.HasPrefix(k, prefix+"[") {
			continue
		}
		m := indexRe.FindStringSubmatch(k[len(prefix):])
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 500 {
			continue
		}
		rest := strings.TrimPrefix(k[len(prefix)+len(m[0]):], ".")
		if rows[n] == nil {
			rows[n] = map[string]string{rowKey: strconv.Itoa(n)}
		}
		rows[n][rest] = v
	}
	keys := make([]int, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([]map[string]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, rows[k])
	}
	return out
}

// guideFromForm rebuilds a guide from the form, dropping the empty rows
// offered for additions.
func guideFromForm(f map[string]string) assessment.Guide {
	dur, _ := strconv.Atoi(strings.TrimSpace(f["duree"]))
	g := assessment.Guide{Objectives: f["objectifs"], Audience: f["public"], Setting: f["contexte"], Duration: dur,
		Posture: f["posture"], Confidentiality: f["confidentialite"], Phases: []assessment.GuidePhase{}}
	for _, row := range indexed(f, "phases") {
		ph := assessment.GuidePhase{Name: strings.TrimSpace(row["nom"]), Questions: []assessment.GuideQuestion{}}
		qs := indexed(row, "questions")
		for _, q := range qs {
			text, intent := strings.TrimSpace(q["question"]), strings.TrimSpace(q["intention"])
			if text != "" || intent != "" {
				ph.Questions = append(ph.Questions, assessment.GuideQuestion{Text: text, Intent: intent})
			}
		}
		if ph.Name != "" || len(ph.Questions) > 0 {
			g.Phases = append(g.Phases, ph)
		}
	}
	return g
}

// mapFromForm rebuilds an actor map from the form. New actors get fresh
// ids; blanking an actor's name removes it and its relations.
func mapFromForm(f map[string]string) actormap.Map {
	m := actormap.Map{Title: f["titre"], Theme: f["thematique"], Territory: f["territoire"],
		Actors: []actormap.Actor{}, Relations: []actormap.Relation{}}
	used := map[string]bool{}
	rows := indexed(f, "acteurs")
	for _, r := range rows {
		if id := r["id"]; id != "" {
			used[id] = true
		}
	}
	next := 1
	// A relation may name an actor typed in the same submission by its row
	// (« ligne:4 », offered by casp.js before the actor has an id).
	byRow := map[string]string{}
	for _, r := range rows {
		name := strings.TrimSpace(r["nom"])
		if name == "" {
			continue
		}
		id := r["id"]
		if id == "" {
			for used["a"+strconv.Itoa(next)] {
				next++
			}
			id = "a" + strconv.Itoa(next)
			used[id] = true
		}
		byRow["ligne:"+r[rowKey]] = id
		m.Actors = append(m.Actors, actormap.Actor{ID: id, Name: name, Type: strings.TrimSpace(r["type"]), Domain: actormap.Domain(r["domaine"])})
	}
	present := map[string]bool{}
	for _, a := range m.Actors {
		present[a.ID] = true
	}
	for _, r := range indexed(f, "relations") {
		from, to := r["de"], r["vers"]
		if id, ok := byRow[from]; ok {
			from = id
		}
		if id, ok := byRow[to]; ok {
			to = id
		}
		if from == "" && to == "" {
			continue
		}
		if (from != "" && !present[from]) || (to != "" && !present[to]) {
			continue // an actor removed in this same submission
		}
		m.Relations = append(m.Relations, actormap.Relation{From: from, To: to, Kind: actormap.RelationKind(r["nature"]),
			Direction: actormap.Direction(r["sens"]), Comment: strings.TrimSpace(r["commentaire"])})
	}
	return m
}

// pieceLinks saves the learner's extra capacities and justifications.
func (s *Server) pieceLinks(c *fiber.Ctx) error {
	piece, err := s.loadPiece(c)
	if err != nil {
		return err
	}
	f := formValues(c)
	in := assessment.LinksInput{Justifications: map[string]string{}}
	if add := f["ajout"]; add != "" {
		in.Capacities = append(in.Capacities, add)
	}
	for k, v := range f {
		if id, ok := strings.CutPrefix(k, "just-"); ok {
			in.Justifications[id] = v
		}
		if id, ok := strings.CutPrefix(k, "garder-"); ok && v == "1" {
			in.Capacities = append(in.Capacities, id)
		}
	}
	err = s.assess.SetLinks(c.UserContext(), *currentUser(c), piece.ID, in)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.pieceWithErrors(c, piece, e.Fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, pieceURL(piece.ID)+"#liens", "liens")
}

// attach takes one file sent with the draft (the draft was saved first, so
// nothing typed is lost); the type is checked from the content, and errors
// are shown next to the file field.
func (s *Server) attach(c *fiber.Ctx, piece assessment.Piece) error {
	ctx := c.UserContext()
	u := currentUser(c)
	piece, err := s.assess.Piece(ctx, *u, piece.ID)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("fichier")
	if err != nil {
		return s.pieceWithErrors(c, piece, map[string]string{"fichier": "Choisissez un fichier PDF, ODT ou DOCX."})
	}
	if fh.Size > attachment.MaxBytes {
		return s.pieceWithErrors(c, piece, map[string]string{"fichier": fmt.Sprintf("Le fichier dépasse 10 Mio (%s) : réduisez-le ou découpez-le.", french.Size(fh.Size))})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	content, err := io.ReadAll(io.LimitReader(f, attachment.MaxBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	_, err = s.assess.AddAttachment(ctx, *u, piece.ID, fh.Filename, content)
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		return s.pieceWithErrors(c, piece, e.Fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithNotice(c, pieceURL(piece.ID)+"#pieces-jointes", "piece-jointe")
}

// attachmentDownload serves a file as a download, never inline.
func (s *Server) attachmentDownload(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(c, "aid")
	if err != nil {
		return err
	}
	u := currentUser(c)
	a, path, err := s.assess.OpenAttachment(c.UserContext(), *u, id, aid)
	if err != nil {
		return err
	}
	piece, err := s.assess.Piece(c.UserContext(), *u, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, a.MIME)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="fichier"; filename*=UTF-8''`+url.PathEscape(piece.AttachmentName(*u, a)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendFile(path)
}

// MapLink is the address of the version's actor map as SVG.
func (d versionData) MapLink() string {
	return fmt.Sprintf("%s/versions/%d/carte.svg", pieceURL(d.Piece.ID), d.Version.Number)
}

type versionData struct {
	Piece      assessment.Piece
	Cohort     string // the cohort's name (the receipt says it)
	Kind       *referentiel.DeliverableKind
	Version    assessment.Version
	Result     *assessment.Result
	Moderation bool
	Latest     bool
	Report     *text.Rendered
	Guide      *assessment.Guide
	Map        *actormap.Map
	MapSVG     string
	Links      []linkView
	Criteria   []criterionView
	Settings   assessment.Settings
	Owner      bool
	CanRectify bool
	Learner    string // the learner's name, or the copy's pseudonym under anonymous marking
}

type criterionView = assessment.CriterionResult

// loadVersion finds a version of a piece the viewer may read, with its result.
func (s *Server) loadVersion(c *fiber.Ctx) (*versionData, error) {
	piece, err := s.loadPiece(c)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n <= 0 {
		return nil, apperr.New(apperr.NotFound, "Version introuvable.")
	}
	ctx := c.UserContext()
	all, err := s.assess.VersionsWithResults(ctx, piece)
	if err != nil {
		return nil, err
	}
	u := currentUser(c)
	kind, _ := s.fw.Kind(piece.KindID)
	for i, vr := range all {
		if vr.Version.Number != n {
			continue
		}
		vr.Version.Attachments = piece.MaskAttachments(*u, vr.Version.Attachments)
		d := &versionData{Piece: piece, Kind: kind, Version: vr.Version, Result: vr.Result, Moderation: vr.Moderation,
			Latest: i == 0, Owner: piece.Writer}
		// A released result is never edited: an assessor of the cohort may
		// open a rectification, itself graded, released and audited.
		d.CanRectify = u.Role == account.Assessor && d.Latest && vr.Result != nil
		if d.Settings, err = s.assess.Settings(ctx, piece.CohortID); err != nil {
			return nil, err
		}
		_, d.Learner = piece.LearnerLabel(*u)
		pd := pieceData{Kind: kind}
		s.fillEditor(&pd, vr.Version.Body)
		d.Report, d.Guide, d.Map, d.MapSVG = pd.Report, pd.Guide, pd.Map, pd.MapSVG
		for _, l := range vr.Version.Links {
			d.Links = append(d.Links, s.linkView(l))
		}
		d.Criteria = s.criteriaViews(vr.Version.Criteria, vr.Result)
		if !d.Owner {
			s.auditRead(c, piece.LearnerID, fmt.Sprintf("pièce %d, version %d", piece.ID, n))
		}
		return d, nil
	}
	return nil, apperr.New(apperr.NotFound, "Version introuvable.")
}

func (s *Server) criteriaViews(ids []string, r *assessment.Result) []criterionView {
	return assessment.CriteriaResults(s.fw, ids, r)
}

func (s *Server) versionPage(c *fiber.Ctx) error {
	d, err := s.loadVersion(c)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s — version %d", d.Piece.Title, d.Version.Number)
	p := s.page(c, title, portfolioCrumb, views.Link{Href: pieceURL(d.Piece.ID), Label: d.Piece.Title}, views.Link{Label: fmt.Sprintf("Version %d", d.Version.Number)})
	p.Data = d
	return s.render(c, "version", p)
}

// receipt is the accusé de dépôt: a printable page, or plain text to keep.
func (s *Server) receipt(c *fiber.Ctx) error {
	d, err := s.loadVersion(c)
	if err != nil {
		return err
	}
	if co, err := s.accounts.Cohort(c.UserContext(), d.Piece.CohortID); err == nil {
		d.Cohort = co.Name
	}
	if c.Query("format") == "txt" {
		var b strings.Builder
		fmt.Fprintf(&b, "ACCUSÉ DE DÉPÔT — casp\r\n\r\nApprenant : %s\r\nPromotion : %s\r\nPièce : %s\r\nType de production : %s\r\nVersion : %d\r\nDéposée le : %s (heure de Paris)\r\nEmpreinte SHA-256 : %s\r\n",
			d.Learner, d.Cohort, d.Version.Title, d.Kind.Label, d.Version.Number, french.DateTime(d.Version.DepositedAt), d.Version.SHA256)
		for _, a := range d.Version.Attachments {
			fmt.Fprintf(&b, "Pièce jointe : %s — SHA-256 %s\r\n", a.OriginalName, a.SHA256)
		}
		b.WriteString("\r\nL'empreinte identifie le contenu déposé : toute modification la changerait.\r\n")
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="accuse-depot-%d-v%d.txt"`, d.Piece.ID, d.Version.Number))
		return c.SendString(b.String())
	}
	if c.Query("format") == "pdf" {
		return sendPDF(c, document.Receipt(document.ReceiptInfo{Learner: d.Learner, Cohort: d.Cohort, Kind: d.Kind.Label, Version: d.Version}, time.Now()),
			fmt.Sprintf("accuse-depot-%d-v%d.pdf", d.Piece.ID, d.Version.Number))
	}
	p := s.page(c, "Accusé de dépôt", portfolioCrumb, views.Link{Href: pieceURL(d.Piece.ID), Label: d.Piece.Title}, views.Link{Label: "Accusé de dépôt"})
	p.Data = d
	return s.render(c, "accuse", p)
}

// mapDownload serves a version's actor map as SVG or JSON.
func (s *Server) mapDownload(c *fiber.Ctx) error {
	d, err := s.loadVersion(c)
	if err != nil {
		return err
	}
	if d.Map == nil {
		return apperr.New(apperr.NotFound, "Cette pièce n'est pas une cartographie.")
	}
	name := fmt.Sprintf("cartographie-%d-v%d", d.Piece.ID, d.Version.Number)
	if c.Params("format") == "json" {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.json"`)
		return c.Send(d.Map.JSON())
	}
	if c.Params("format") != "svg" {
		return apperr.New(apperr.NotFound, "Format inconnu.")
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml; charset=utf-8")
	disposition := "attachment"
	if c.Query("voir") == "1" { // shown full size in the browser, to zoom into
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentDisposition, disposition+`; filename="`+name+`.svg"`)
	return c.Send(layout.SVG(*d.Map))
}

// progression is a learner's progress by activity, task and capacity: their
// own, or a learner's of their cohorts for staff (audited).
func (s *Server) progression(c *fiber.Ctx) error {
	u := currentUser(c)
	learnerID := u.ID
	title := "Ma progression"
	var cohorts []int64 // whose pieces the viewer reads (nil: all)
	if c.Params("id") != "" {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		scope, ok, err := s.accounts.SharedCohorts(c.UserContext(), *u, id)
		if err != nil {
			return err
		}
		cohorts = scope
		if !ok {
			return s.forbid(c, "progression de l'apprenant "+c.Params("id"))
		}
		learner, err := s.accounts.ByID(c.UserContext(), id)
		if err != nil {
			return err
		}
		if learner.Role != account.Learner {
			return apperr.New(apperr.NotFound, "Apprenant introuvable.")
		}
		learnerID = id
		title = "Progression de " + learner.DisplayName
		s.auditRead(c, id, "progression")
	}
	prog, err := s.assess.ProgressIn(c.UserContext(), learnerID, cohorts)
	if err != nil {
		return err
	}
	prog = prog.For(*u)
	cases, err := s.cases.Cases(c.UserContext(), learnerID)
	if err != nil {
		return err
	}
	p := s.page(c, title, views.Link{Label: title})
	p.Data = struct {
		Progress  assessment.Progress
		Own       bool
		LearnerID int64
		Cases     []casework.Case
	}{prog, learnerID == u.ID, learnerID, cases}
	return s.render(c, "progression", p)
}
