package server

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// replacement stands for bytes that are not UTF-8.
const replacement = "\uFFFD"

// validText replaces the bytes that are not UTF-8 in every value a form
// brings (query, URL-encoded or multipart field, an uploaded file's name)
// with « � » before any handler reads them: nothing that is not text is
// stored, fingerprinted or written in a receipt, and the rest of what the
// person typed is kept.
func validText(c *fiber.Ctx) error {
	fixArgs(c.Request().URI().QueryArgs())
	ct := string(c.Request().Header.ContentType())
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		fixArgs(c.Request().PostArgs())
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		if f, err := c.MultipartForm(); err == nil {
			for k, vs := range f.Value {
				for i, v := range vs {
					vs[i] = strings.ToValidUTF8(v, replacement)
				}
				if !utf8.ValidString(k) {
					delete(f.Value, k)
					f.Value[strings.ToValidUTF8(k, replacement)] = vs
				}
			}
			for _, fhs := range f.File {
				for _, fh := range fhs {
					fh.Filename = strings.ToValidUTF8(fh.Filename, replacement)
				}
			}
		}
	}
	return c.Next()
}

// args is what validText needs of fasthttp's argument lists.
type args interface {
	VisitAll(func(key, value []byte))
	Reset()
	AddBytesKV(key, value []byte)
}

func fixArgs(a args) {
	bad := false
	a.VisitAll(func(k, v []byte) { bad = bad || !utf8.Valid(k) || !utf8.Valid(v) })
	if !bad {
		return
	}
	type kv struct{ k, v []byte }
	var all []kv
	r := []byte(replacement)
	a.VisitAll(func(k, v []byte) { all = append(all, kv{bytes.ToValidUTF8(k, r), bytes.ToValidUTF8(v, r)}) })
	a.Reset()
	for _, x := range all {
		a.AddBytesKV(x.k, x.v)
	}
}
