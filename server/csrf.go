package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/internal/apperr"
)

// CSRF protection that writes nothing: a form's token is derived from what
// the request already carries, never stored.
//
//   - Signed in, the token is an HMAC of the session id under a server
//     secret (account.Service.Secret, kept in the database): it changes
//     when the session id does, at login, and a token read before login is
//     worthless after it.
//   - As a visitor (the login form), it is an HMAC of a random value held
//     in an HttpOnly cookie (casp_csrf), set on the first page: a site that
//     cannot read or set that cookie cannot forge the token.
//
// Each response carries the token masked by a fresh one-time pad (pad,
// then pad XOR token, as Django and Rails do): a compressed page never
// repeats the same secret bytes, so compression leaks nothing of it
// (BREACH). Any masked form of the right token is accepted.

const (
	csrfField   = "_csrf"
	csrfSize    = sha256.Size
	csrfEncoded = 2 * csrfSize // pad and masked token, before base64
)

var csrfEncoding = base64.RawURLEncoding

// csrfBinding is what the request's token is bound to: the session id when
// signed in, else the visitor cookie ("" when there is none yet).
func (s *Server) csrfBinding(c *fiber.Ctx) string {
	if currentUser(c) != nil {
		if id := c.Cookies(sessionCookie); id != "" {
			return "session:" + id
		}
	}
	if v := c.Cookies(csrfCookie); len(v) >= 32 {
		return "visiteur:" + v
	}
	return ""
}

// csrfExpected is the token for a binding.
func (s *Server) csrfExpected(binding string) []byte {
	m := hmac.New(sha256.New, s.csrfSecret)
	m.Write([]byte(binding))
	return m.Sum(nil)
}

// csrfMask returns the token masked by a fresh pad, encoded for a form.
func csrfMask(token []byte) string {
	buf := make([]byte, csrfEncoded)
	if _, err := rand.Read(buf[:csrfSize]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	subtle.XORBytes(buf[csrfSize:], buf[:csrfSize], token)
	return csrfEncoding.EncodeToString(buf)
}

// csrfUnmask returns the token a masked value carries, nil if malformed.
func csrfUnmask(v string) []byte {
	if csrfEncoding.DecodedLen(len(v)) != csrfEncoded {
		return nil
	}
	buf, err := csrfEncoding.DecodeString(v)
	if err != nil || len(buf) != csrfEncoded {
		return nil
	}
	tok := make([]byte, csrfSize)
	subtle.XORBytes(tok, buf[:csrfSize], buf[csrfSize:])
	return tok
}

// csrf gives each page its masked token and refuses a state-changing
// request whose token is missing or wrong. A visitor without the cookie
// gets one (a header, not a write).
func (s *Server) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		binding := s.csrfBinding(c)
		if binding == "" {
			v := make([]byte, 32)
			if _, err := rand.Read(v); err != nil {
				return err
			}
			cookie := csrfEncoding.EncodeToString(v)
			s.setCookie(c, csrfCookie, cookie, 0)
			binding = "visiteur:" + cookie
		}
		c.Locals(csrfKey, csrfMask(s.csrfExpected(binding)))
		return c.Next()
	}
	binding := s.csrfBinding(c)
	got := csrfUnmask(c.FormValue(csrfField))
	if binding == "" || got == nil || !hmac.Equal(got, s.csrfExpected(binding)) {
		return s.csrfRefused(c)
	}
	// A page rendered again after an error (the form kept) gets a token.
	c.Locals(csrfKey, csrfMask(got))
	return c.Next()
}

func (s *Server) csrfRefused(c *fiber.Ctx) error {
	s.log.Info("jeton CSRF refusé", "path", c.Path())
	return &apperr.Error{Code: apperr.Forbidden, Message: "Le formulaire a expiré ou ne provient pas de casp. Rechargez la page et recommencez : rien n'a été enregistré."}
}
