// Package views holds casp's HTML templates and static assets, embedded in
// the binary, and renders pages. Each page is parsed once at start-up
// together with the layout and partials, so a broken template stops the
// server before it serves anything.
package views

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
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
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"date":     french.Date,
	"datetime": french.DateTime,
	"number":   french.Number,
	"plural":   french.Plural,
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b int) int { return a - b },
	"now":      time.Now,
	"join":     strings.Join,
	"upper":    strings.ToUpper,
	"field":    newField,
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"name": func(format string, args ...any) string { return fmt.Sprintf(format, args...) },
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

// Field is what the field partials receive.
type Field struct {
	P                       *Page
	Name, Label, Hint, Type string
	Auto                    string
}

func newField(p *Page, name, label, hint, typ, auto string) Field {
	return Field{P: p, Name: name, Label: label, Hint: hint, Type: typ, Auto: auto}
}

// New parses every page under templates/pages with the layout and partials.
// extra adds the domain's label functions (the views know no domain types).
func New(extra template.FuncMap) (*Renderer, error) {
	base, err := template.New("layout.html").Funcs(funcs).Funcs(extra).ParseFS(templatesFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("gabarits communs : %w", err)
	}
	names, err := fs.Glob(templatesFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}}
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(templatesFS, name)
		if err != nil {
			return nil, fmt.Errorf("gabarit %s : %w", name, err)
		}
		r.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return r, nil
}

// Fragment renders one template defined in a page's file (a part worth
// keeping once rendered, such as a large table) as safe HTML.
func (r *Renderer) Fragment(page, name string, data any) (template.HTML, error) {
	t, ok := r.pages[page]
	if !ok {
		return "", fmt.Errorf("page %q inconnue", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // html/template escaped it
}

// Has tells whether a page exists; the server checks its routes against it
// at start-up.
func (r *Renderer) Has(name string) bool { _, ok := r.pages[name]; return ok }

// Render writes a page. It renders into a buffer first so that a template
// error never sends half a page.
func (r *Renderer) Render(w io.Writer, name string, p *Page) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("page %q inconnue", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
