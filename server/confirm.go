package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/views"
)

// An irreversible action (a deposit, a published grading, a jury decision,
// a member withdrawn) goes through a confirmation page that says what it
// will do to what: the first request shows it, with every field sent again
// in hidden inputs, and the action runs when the page's form comes back
// with confirme=1. The same page serves with or without JavaScript.

// confirmation is what a confirmation page says and sends again.
type confirmation struct {
	Heading  string   // « Déposer la pièce ? »
	Object   string   // what the action acts on
	Effects  []string // what will happen
	Warnings []string // what looks wrong and deserves a second look
	Action   string   // the form's address
	Fields   [][2]string
	Button   string // « Déposer définitivement »
	Back     string // where « Annuler » leads
}

// confirmed tells whether the request comes from a confirmation.
func confirmed(c *fiber.Ctx) bool { return c.FormValue("confirme") == "1" }

// askConfirmation renders the confirmation page; the fields posted (but the
// token and confirme) are sent again unless d.Fields is already set.
func (s *Server) askConfirmation(c *fiber.Ctx, crumbs []views.Link, d confirmation) error {
	if d.Fields == nil {
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if name := string(k); name != "_csrf" && name != "confirme" {
				d.Fields = append(d.Fields, [2]string{name, string(v)})
			}
		})
	}
	p := s.page(c, strings.TrimSuffix(d.Heading, " ?"), crumbs...)
	p.Data = d
	return s.render(c, "confirmer", p)
}

// redirectWithText sends a notice that names what it is about (« « Note de
// synthèse », version 2, déposée »): the text travels in the notice cookie
// signed with the server's secret, so that no one else can make the page
// say anything.
func (s *Server) redirectWithText(c *fiber.Ctx, to, text string) error {
	return s.redirectWithNotice(c, to, s.signNotice(text))
}

const signedNotice = "t."

func (s *Server) signNotice(text string) string {
	m := hmac.New(sha256.New, s.csrfSecret)
	m.Write([]byte("notice:" + text))
	return signedNotice + base64.RawURLEncoding.EncodeToString([]byte(text)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// noticeFor is the text of a notice cookie: a known key's message, or a
// signed text; nothing for anything else.
func (s *Server) noticeFor(v string) string {
	if msg, ok := notices[v]; ok {
		return msg
	}
	body, ok := strings.CutPrefix(v, signedNotice)
	if !ok {
		return ""
	}
	enc, sig, ok := strings.Cut(body, ".")
	text, err1 := base64.RawURLEncoding.DecodeString(enc)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err1 != nil || err2 != nil {
		return ""
	}
	m := hmac.New(sha256.New, s.csrfSecret)
	m.Write([]byte("notice:" + string(text)))
	if !hmac.Equal(mac, m.Sum(nil)[:16]) {
		return ""
	}
	return string(text)
}

// hasField tells whether the form (URL-encoded or multipart) has a field.
func hasField(c *fiber.Ctx, name string) bool {
	if c.Request().PostArgs().Has(name) {
		return true
	}
	if f, err := c.MultipartForm(); err == nil {
		_, ok := f.Value[name]
		return ok
	}
	return false
}
