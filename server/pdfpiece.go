package server

// A deposited version of a portfolio piece as a PDF file: GET
// /portfolio/:id/versions/:n/pdf. The document, its checks and its audit
// are assessment/document's.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/assessment/document"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/pdf"
)

// versionPDFDownload serves a version as a PDF attachment.
func (s *Server) versionPDFDownload(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n <= 0 {
		return apperr.New(apperr.NotFound, "Version introuvable.")
	}
	f, err := s.documents().VersionPDF(c.UserContext(), *currentUser(c), id, n, s.clientIP(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+f.Name+`"; filename*=UTF-8''`+extValue(f.Title))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(f.Body)
}

// documents are the PDF documents (assessment/document) read from the
// server's services.
func (s *Server) documents() document.Sources {
	return document.Sources{Assessment: s.assess, Accounts: s.accounts, Framework: s.fw}
}

// extValue encodes a file name for filename* (RFC 8187): every byte but
// letters, digits and !#$&+-.^_`|~ percent-encoded.
func extValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sendPDF lays out a document and sends it as a download named file (a
// safe ASCII name), never kept by a cache: it holds personal data.
func sendPDF(c *fiber.Ctx, doc pdf.Doc, file string) error {
	var buf bytes.Buffer
	if err := pdf.Render(&buf, doc); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
