package server

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/views"
)

// The documentary fund (tasks 5.1–5.5): its documents searched as a
// trainee meets them in a resource centre — as published, without the
// expert's reading (reliability, outdated, descriptors), which staff see —
// and its watch feeds, served as RSS or Atom for a simulated day and read
// back through the feed parser on the watch page.

var fundCrumb = views.Link{Href: "/fonds", Label: "Fonds documentaire"}

// fundKinds are the kinds of document, in order, for the filter.
func fundKinds() []struct{ Value, Label string } {
	var out []struct{ Value, Label string }
	for _, k := range fonds.Kinds {
		out = append(out, struct{ Value, Label string }{k, fonds.KindLabels[k]})
	}
	return out
}

func fundKindLabel(k string) string {
	if l, ok := fonds.KindLabels[k]; ok {
		return l
	}
	return k
}

func (s *Server) fund() (*fonds.Fonds, error) {
	if f := s.cases.Library().Fund; f != nil {
		return f, nil
	}
	return nil, apperr.New(apperr.NotFound, "Le fonds documentaire n'est pas installé.")
}

func isStaff(c *fiber.Ctx) bool { u := currentUser(c); return u != nil && u.Role != account.Learner }

// fundSearch is /fonds: full text (accents and elisions folded), by kind.
func (s *Server) fundSearch(c *fiber.Ctx) error {
	f, err := s.fund()
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	kind := strings.TrimSpace(c.Query("type"))
	errs := map[string]string{}
	if len(q) > 200 {
		errs["q"] = "La recherche tient en 200 caractères au plus."
		q = q[:200]
	}
	query := fonds.Query{Text: q}
	if kind != "" {
		if fundKindLabel(kind) == kind {
			errs["type"] = "Type de document inconnu."
		} else {
			query.Kinds = []string{kind}
		}
	}
	hits := f.Search(query)
	p := s.page(c, "Fonds documentaire", views.Link{Label: "Fonds documentaire"})
	p.Form = map[string]string{"q": q, "type": kind}
	p.Errors = errs
	p.Data = struct {
		Hits  []fonds.Hit
		All   int
		Kinds any
		Query string
	}{hits, len(f.Documents), fundKinds(), q}
	return s.render(c, "fonds", p)
}

// fundDocument is one document, as published; staff also read the
// expert's notes.
func (s *Server) fundDocument(c *fiber.Ctx) error {
	f, err := s.fund()
	if err != nil {
		return err
	}
	d, ok := f.Document(c.Params("id"))
	if !ok {
		return apperr.New(apperr.NotFound, "Ce document n'est pas dans le fonds.")
	}
	var descriptors []string
	for _, id := range d.Descriptors {
		if x, ok := f.Thesaurus.Descriptor(id); ok {
			descriptors = append(descriptors, x.Label)
		}
	}
	p := s.page(c, d.Title, fundCrumb, views.Link{Label: d.Title})
	p.Data = struct {
		D           *fonds.Document
		Kind        string
		Staff       bool
		Descriptors []string
	}{d, fundKindLabel(d.Kind), isStaff(c), descriptors}
	return s.render(c, "fonds-document", p)
}

// maxWatchDay is the last simulated day of the watch.
const maxWatchDay = 60

func watchDay(c *fiber.Ctx) (int, string) {
	v := strings.TrimSpace(c.Query("jour"))
	if v == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxWatchDay {
		return 0, "Un jour simulé de 0 à " + strconv.Itoa(maxWatchDay) + "."
	}
	return n, ""
}

// watchFeed serves a feed as it stands on a simulated day (?jour=).
func (s *Server) watchFeed(c *fiber.Ctx) error {
	f, err := s.fund()
	if err != nil {
		return err
	}
	id, ext, _ := strings.Cut(c.Params("file"), ".")
	fd, ok := f.Feed(id)
	if !ok || ext != "xml" {
		return apperr.New(apperr.NotFound, "Ce flux n'existe pas.")
	}
	day, msg := watchDay(c)
	if msg != "" {
		return apperr.New(apperr.Invalid, "%s", msg)
	}
	var body []byte
	if fd.Format == "atom" {
		body, err = fonds.Atom(fd, day)
		c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	} else {
		body, err = fonds.RSS(fd, day)
		c.Set(fiber.HeaderContentType, "application/rss+xml; charset=utf-8")
	}
	if err != nil {
		return err
	}
	return c.Send(body)
}

// watchFeedView is a feed as the watch page shows it: its items read back
// from its XML by the parser, as any feed reader would.
type watchFeedView struct {
	Feed  *fonds.Feed
	Items []fonds.Item
	Error string
}

// watchPage is /veille: every feed read for a simulated day.
func (s *Server) watchPage(c *fiber.Ctx) error {
	f, err := s.fund()
	if err != nil {
		return err
	}
	day, msg := watchDay(c)
	var feeds []watchFeedView
	for _, fd := range f.Feeds {
		v := watchFeedView{Feed: fd}
		var raw []byte
		if fd.Format == "atom" {
			raw, err = fonds.Atom(fd, day)
		} else {
			raw, err = fonds.RSS(fd, day)
		}
		if err == nil {
			v.Items, err = fonds.ParseFeed(bytes.NewReader(raw))
		}
		if err != nil {
			v.Error = "Flux illisible : " + err.Error()
		}
		feeds = append(feeds, v)
	}
	p := s.page(c, "Veille", fundCrumb, views.Link{Label: "Veille"})
	p.Form = map[string]string{"jour": strconv.Itoa(day)}
	if msg != "" {
		p.Form["jour"] = c.Query("jour")
		p.Errors = map[string]string{"jour": msg}
	}
	p.Data = struct {
		Feeds []watchFeedView
		Day   int
		Max   int
	}{feeds, day, maxWatchDay}
	return s.render(c, "veille", p)
}
