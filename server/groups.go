package server

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

// Groups of a cohort (collective work): the manager composes them; the
// members start collective productions from their portfolio.

type groupsData struct {
	Cohort    account.Cohort
	Groups    []assessment.Group
	Pieces    map[int64][]assessment.Piece // collective parts by group
	Learners  []account.User
	CanManage bool
	Editing   int64 // the group whose form came back with errors
	Checked   map[int64]bool
}

func (s *Server) groupsPage(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, false)
	if err != nil {
		return err
	}
	return s.renderGroups(c, co, nil, nil, 0, nil)
}

func (s *Server) renderGroups(c *fiber.Ctx, co account.Cohort, form, errs map[string]string, editing int64, checked []int64) error {
	ctx := c.UserContext()
	groups, err := s.assess.CohortGroups(ctx, co.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	pieces, err := s.assess.GroupPieces(ctx, ids)
	if err != nil {
		return err
	}
	d := groupsData{Cohort: co, Groups: groups, Pieces: map[int64][]assessment.Piece{}, CanManage: s.canManage(c, co.ID), Editing: editing, Checked: map[int64]bool{}}
	for _, p := range pieces {
		d.Pieces[p.GroupID] = append(d.Pieces[p.GroupID], p)
	}
	for _, id := range checked {
		d.Checked[id] = true
	}
	if d.CanManage {
		if d.Learners, err = s.accounts.Members(ctx, co.ID, account.Learner); err != nil {
			return err
		}
	}
	p := s.page(c, "Groupes — "+co.Name, cohortsCrumb, views.Link{Href: cohortURL(co.ID), Label: co.Name}, views.Link{Label: "Groupes"})
	p.Form, p.Errors, p.Data = form, errs, d
	return s.renderForm(c, "groupes", p)
}

// groupSave creates a group (no :gid) or changes its name and members.
func (s *Server) groupSave(c *fiber.Ctx) error {
	co, err := s.cohortFor(c, true)
	if err != nil {
		return err
	}
	var gid int64
	if c.Params("gid") != "" {
		if gid, err = pathID(c, "gid"); err != nil {
			return err
		}
	}
	var members []int64
	for _, v := range c.Request().PostArgs().PeekMulti("membres") {
		if id, err := strconv.ParseInt(string(v), 10, 64); err == nil && !slices.Contains(members, id) {
			members = append(members, id)
		}
	}
	name := c.FormValue("nom")
	id, err := s.assess.SaveGroup(c.UserContext(), *currentUser(c), co.ID, gid, name, members, s.clientIP(c))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		prefixed := map[string]string{}
		for k, v := range e.Fields {
			prefixed[k+"-"+strconv.FormatInt(gid, 10)] = v
		}
		return s.renderGroups(c, co, map[string]string{"nom-" + strconv.FormatInt(gid, 10): name}, prefixed, gid, members)
	}
	if err != nil {
		return err
	}
	msg := "Groupe « " + name + " » créé."
	if gid != 0 {
		msg = "Groupe « " + name + " » modifié : les membres retirés gardent leur partie individuelle."
	}
	return s.redirectWithText(c, cohortURL(co.ID)+"/groupes#groupe-"+strconv.FormatInt(id, 10), msg)
}

// collectiveKinds are the kinds the framework has written by a group.
func (s *Server) collectiveKinds() []*referentiel.DeliverableKind {
	var out []*referentiel.DeliverableKind
	for _, k := range s.fw.DeliverableKinds {
		if k.Collective {
			out = append(out, k)
		}
	}
	return out
}

// collectiveCreate starts a group's collective production (and each
// member's individual part) from the learner's portfolio.
func (s *Server) collectiveCreate(c *fiber.Ctx) error {
	gid, _ := strconv.ParseInt(c.FormValue("groupe"), 10, 64)
	piece, err := s.assess.NewCollectivePiece(c.UserContext(), *currentUser(c), gid, c.FormValue("kind"), c.FormValue("title"))
	if e, ok := apperr.As(err); ok && e.Fields != nil {
		msg := ""
		for _, k := range []string{"kind", "title"} {
			if m := e.Fields[k]; m != "" {
				msg += m + " "
			}
		}
		return s.redirectWithText(c, "/portfolio#groupes", "Production collective non créée : "+msg)
	}
	if apperr.CodeOf(err) == apperr.Forbidden {
		return s.forbid(c, "production collective du groupe "+c.FormValue("groupe"))
	}
	if err != nil {
		return err
	}
	return s.redirectWithText(c, pieceURL(piece.ID), "Production collective commencée : chaque membre du groupe la rédige, et a reçu sa partie individuelle dans son portfolio.")
}

// individualPart opens (or starts) the member's individual part.
func (s *Server) individualPart(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	part, err := s.assess.IndividualPart(c.UserContext(), *currentUser(c), id)
	if apperr.CodeOf(err) == apperr.Forbidden {
		return s.forbid(c, "partie individuelle de la pièce "+c.Params("id"))
	}
	if err != nil {
		return err
	}
	return c.Redirect(pieceURL(part.ID), fiber.StatusSeeOther)
}
