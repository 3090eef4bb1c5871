// Package views holds casp's HTML templates and static assets, embedded in
// the binary, and renders pages. Each page is parsed once at start-up
// together with the layout and partials, so a broken template stops the
// server before it serves anything.
package views

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casp-cnam/casp/internal/french"
)

//go:embed templates
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// Static is the tree served under /static/.
func Static() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	return sub
}

// asset is the address of a static file with its content's fingerprint
// (/static/casp.css?v=3f2a…): a new version of the file is a new address,
// so that browsers keep a file as long as they like and never mix an old
// style sheet or script with new pages.
func asset(name string) string {
	assetOnce.Do(func() {
		assetVersions = map[string]string{}
		fs.WalkDir(Static(), ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(Static(), path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			assetVersions[path] = hex.EncodeToString(sum[:6])
			return nil
		})
	})
	return "/static/" + name + "?v=" + assetVersions[name]
}

var (
	assetOnce     sync.Once
	assetVersions map[string]string
)

// Page is what every template receives.
type Page struct {
	Title     string
	User      *User
	Nav       []Link
	Crumbs    []Link
	CSRF      string
	Notice    string
	Errors    map[string]string
	Form      map[string]string
	Data      any
	Demo      bool
	PrintMode bool

	kept []*Kept // large parts rendered once and kept (see keep)
}

// User is the signed-in person as the layout shows them.
type User struct {
	ID        int64
	Name      string
	Login     string
	Role      string
	RoleLabel string
}

// Link is a navigation entry or a breadcrumb step.
type Link struct {
	Href    string
	Label   string
	Current bool
}

// FieldError returns the message for a form field.
func (p *Page) FieldError(name string) string { return p.Errors[name] }

// Value returns what the user typed in a form field.
func (p *Page) Value(name string) string { return p.Form[name] }

// Renderer renders pages by name.
type Renderer struct {
	set   *template.Template
	pages map[string]bool
}

// Pair is a partial's arguments: the page and one value.
type Pair struct {
	P *Page
	V any
}

var funcs = template.FuncMap{
	"date":     french.Date,
	"datetime": french.DateTime,
	"hour":     french.Time,
	"number":   french.Number,
	"plural":   french.Plural,
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b int) int { return a - b },
	"now":      time.Now,
	"join":     strings.Join,
	"upper":    strings.ToUpper,
	"lower":    strings.ToLower,
	"field":    newField,
	"model":    func() int { return Model },
	"asset":    asset,
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"name": func(format string, args ...any) string { return fmt.Sprintf(format, args...) },
	"list": func(items ...string) []string { return items },
	// pair gives a partial the page and one value (.P and .V).
	"pair": func(p *Page, v any) Pair { return Pair{P: p, V: v} },
	// signed writes a change with its sign: « +2 », « −1 » (a true minus).
	"signed": func(n int) string {
		if n < 0 {
			return "\u2212" + strconv.Itoa(-n)
		}
		return "+" + strconv.Itoa(n)
	},
	// splitParagraphs cuts a text at its blank lines (a brief written in
	// YAML with « | »).
	"splitParagraphs": func(s string) []string {
		var out []string
		for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
	"pct":  func(f float64) string { return strings.Replace(fmt.Sprintf("%.0f %%", f*100), " ", "\u00a0", 1) },
	"dec2": func(f float64) string { return strings.Replace(fmt.Sprintf("%.2f", f), ".", ",", 1) },
	"dec1": func(f float64) string { return strings.Replace(fmt.Sprintf("%.1f", f), ".", ",", 1) },
	"phaseArgs": func(p *Page, i int, name string, questions any) RowArgs {
		if questions == nil {
			questions = []struct{ Text, Intent string }{}
		}
		return RowArgs{P: p, I: i, Name: name, Questions: questions}
	},
	"questionArgs": func(p *Page, i, j int, text, intent string) RowArgs {
		return RowArgs{P: p, I: i, J: j, Text: text, Intent: intent}
	},
	"actorArgs": func(p *Page, i int, id, name, typ, domain string) RowArgs {
		return RowArgs{P: p, I: i, ID: id, Name: name, Type: typ, Domain: domain}
	},
	"relationArgs": func(p *Page, i int, from, to, kind, dir, comment string) RowArgs {
		return RowArgs{P: p, I: i, From: from, To: to, Kind: kind, Direction: dir, Comment: comment}
	},
	"html":    func(s string) template.HTML { return template.HTML(s) }, // only for server-generated, already-safe markup (SVG)
	"keep":    keep,
	"members": newMemberList,
	"adder":   newMemberAdd,
}

// MemberList is what the cohort member partials receive; Users is any list
// of accounts (the views package does not know the account type).
type MemberList struct {
	Users             any
	Role, CSRF, Empty string
	Label, Button     string
	CohortID          int64
	Manage            bool
}

func cohortOf(p *Page) (int64, bool) {
	type cohortPage interface{ CohortRef() (int64, bool) }
	if cp, ok := p.Data.(cohortPage); ok {
		return cp.CohortRef()
	}
	return 0, false
}

func newMemberList(p *Page, users any, role, empty string) MemberList {
	id, manage := cohortOf(p)
	return MemberList{Users: users, Role: role, CSRF: p.CSRF, Empty: empty, CohortID: id, Manage: manage}
}

func newMemberAdd(p *Page, users any, role, label, button string) MemberList {
	id, _ := cohortOf(p)
	return MemberList{Users: users, Role: role, CSRF: p.CSRF, Label: label, Button: button, CohortID: id}
}

// RowArgs is what the repeated rows of the structured editors receive.
type RowArgs struct {
	P                                    *Page
	I, J                                 int
	ID, Name, Type, Domain, Text, Intent string
	From, To, Kind, Direction, Comment   string
	Questions                            any
}

// Model is the index of a row in a <template> that casp.js copies to add
// a row in place: its names and labels carry placeholders (__i__ for the
// index, __in__ for its number) that the script replaces.
const Model = -1

// Ix is the row's index in its field names (acteurs[3].nom), or the
// placeholder of a model row; Nx is its number for people (index + 1).
func (r RowArgs) Ix() string { return index(r.I, "__i__") }
func (r RowArgs) Nx() string { return number(r.I, "__in__") }

// Jx and Jn are the same for a question within its phase.
func (r RowArgs) Jx() string { return index(r.J, "__j__") }
func (r RowArgs) Jn() string { return number(r.J, "__jn__") }

func index(i int, model string) string {
	if i == Model {
		return model
	}
	return strconv.Itoa(i)
}

func number(i int, model string) string {
	if i == Model {
		return model
	}
	return strconv.Itoa(i + 1)
}

// Field is what the field partials receive.
type Field struct {
	P                       *Page
	Name, Label, Hint, Type string
	Auto                    string
}

func newField(p *Page, name, label, hint, typ, auto string) Field {
	return Field{P: p, Name: name, Label: label, Hint: hint, Type: typ, Auto: auto}
}

// New parses every page under templates/pages with the layout and partials,
// into one set: each page's "content" becomes "content:NAME", and "page:NAME"
// is the layout calling it. The partials are parsed (and escaped) once for
// all pages, not cloned per page — a tenth of the memory the clones took.
// extra adds the domain's label functions (the views know no domain types).
func New(extra template.FuncMap) (*Renderer, error) {
	layout, err := fs.ReadFile(templatesFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	const call, define = `{{template "content" .}}`, `{{define "content"}}`
	if strings.Count(string(layout), call) != 1 {
		return nil, fmt.Errorf("gabarit layout.html : %s attendu une fois", call)
	}
	set, err := template.New("casp").Funcs(funcs).Funcs(extra).ParseFS(templatesFS, "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("gabarits communs : %w", err)
	}
	names, err := fs.Glob(templatesFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{set: set, pages: map[string]bool{}}
	for _, name := range names {
		page := strings.TrimSuffix(path.Base(name), ".html")
		body, err := fs.ReadFile(templatesFS, name)
		if err != nil {
			return nil, err
		}
		if strings.Count(string(body), define) != 1 {
			return nil, fmt.Errorf("gabarit %s : %s attendu une fois", name, define)
		}
		text := strings.Replace(string(body), define, `{{define "content:`+page+`"}}`, 1) +
			`{{define "page:` + page + `"}}` + strings.Replace(string(layout), call, `{{template "content:`+page+`" .}}`, 1) + `{{end}}`
		if _, err := set.New(name).Parse(text); err != nil {
			return nil, fmt.Errorf("gabarit %s : %w", name, err)
		}
		r.pages[page] = true
	}
	return r, nil
}

// Fragment renders one template defined in a page's file (a part worth
// keeping once rendered, such as a large table) as safe HTML.
func (r *Renderer) Fragment(page, name string, data any) (template.HTML, error) {
	if !r.pages[page] {
		return "", fmt.Errorf("page %q inconnue", page)
	}
	var buf bytes.Buffer
	if err := r.set.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // html/template escaped it
}

// Has tells whether a page exists; the server checks its routes against it
// at start-up.
func (r *Renderer) Has(name string) bool { return r.pages[name] }

// Render writes a page to w. On an error, w holds part of it: the caller
// discards it (the server empties the response). With gzip, a page that
// has kept parts is written gzip-compressed (RenderGzip's way) and Render
// says so; any other page is written plain.
func (r *Renderer) Render(w io.Writer, name string, p *Page, gzip bool) (gzipped bool, err error) {
	if !r.pages[name] {
		return false, fmt.Errorf("page %q inconnue", name)
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 256<<10 {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	p.kept = p.kept[:0]
	if err := r.set.ExecuteTemplate(buf, "page:"+name, p); err != nil {
		return false, err
	}
	pieces, ok := split(buf.Bytes(), p.kept)
	if !ok {
		return false, errors.New("gabarit : repère de partie gardée introuvable")
	}
	if gzip && len(p.kept) > 0 {
		return true, writeGzip(w, pieces, p.kept)
	}
	// The kept parts go in where their markers were, written as they are.
	for i, piece := range pieces {
		if _, err := w.Write(piece); err != nil {
			return false, err
		}
		if i < len(p.kept) {
			if _, err := w.Write(p.kept[i].bytes()); err != nil {
				return false, err
			}
		}
	}
	return false, nil
}

var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
