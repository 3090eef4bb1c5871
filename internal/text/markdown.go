package text

// Learners write their reports in Markdown. This file turns that Markdown
// into HTML that is safe to embed in a page served under a strict CSP, and
// measures it (outline, words, typed pages).
//
// Two walls stand between a learner's text and the page:
//
//  1. goldmark (CommonMark + GFM tables, strikethrough, autolinks, task
//     lists) WITHOUT html.WithUnsafe: raw HTML, inline or in blocks, is
//     never copied to the output. An AST pass then keeps only links whose
//     destination is http(s) with a host, mailto: or an in-page "#fragment";
//     any other link is unwrapped (its text stays, the link goes), and an
//     autolink with another scheme (<javascript:…>) is removed with its text,
//     which is nothing but the hostile URL.
//  2. bluemonday, with a policy modelled on UGCPolicy but narrowed to exactly
//     the elements and attributes this renderer emits: no class, no style, no
//     img, id only on headings and only of the form "titre-…".
//
// Images are never rendered as <img>: a report is text, figures and scans are
// separate attachments (see attachment.go), and an <img> pointing elsewhere
// would let a learner make the evaluator's browser fetch an arbitrary URL
// (tracking, CSP reports). The image's alternative text is rendered as plain
// text instead, so a sentence that embedded a picture stays whole.
//
// The Typographer extension is not used: its quotes are English curly quotes
// (“…”), whereas French texts use « … », which learners type themselves.

import (
	"bytes"
	"errors"
	"html/template"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Heading is one entry of a report's outline (table of contents).
type Heading struct {
	Level int    // 1 to 4
	ID    string // the id attribute of the rendered heading, "titre-…"
	Text  string // the heading's visible text, spaces collapsed
}

// Rendered is a learner's Markdown text turned into safe HTML, with its
// measures.
type Rendered struct {
	// HTML is sanitized and safe to embed as is in a page.
	HTML template.HTML
	// Outline lists the h1–h4 headings in document order, with the ids
	// they carry in HTML, for a table of contents.
	Outline []Heading
	// Words counts the words of the visible text; see CountWords for the rule.
	Words int
	// Pages is Words / WordsPerPage, rounded to one decimal.
	Pages float64
}

// WordsPerPage is the number of words on a typed page: A4, 12 pt, 1.5 line
// spacing, 2.5 cm margins gives about 30 lines of 11 to 12 words, i.e. 330
// to 360 words. Learners are told lengths in such pages ("un rapport de 10 à
// 15 pages"), so the editor shows the length in them, not in screens.
const WordsPerPage = 350

// ErrTooLong is returned by Render for a text longer than
// MaxBytes. Its message is meant for the learner.
//
// The limit is counted in bytes of UTF-8, where an accented letter counts
// for two: a French text is refused at some 390 000 characters rather than
// 400 000. The message rounds that to characters, the unit a learner knows.
var ErrTooLong = errors.New("Le texte dépasse 400 000 caractères.")

// mdHeadingIDPrefix starts every heading id, so that no id written by a
// learner can collide with (or clobber, through window.NAME) an id of the
// page around the report.
const mdHeadingIDPrefix = "titre-"

// mdEmptyHeadingSlug names a heading with no letter or digit to make an id of.
const mdEmptyHeadingSlug = "section"

// mdMaxSlugBytes bounds the part of an id made from the heading's text.
const mdMaxSlugBytes = 80

// mdHeadingIDPattern is what the sanitizer accepts as a heading id; every id
// mdHeadingIDs generates matches it.
var mdHeadingIDPattern = regexp.MustCompile(`^titre-[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Render renders a learner's Markdown text to sanitized HTML and
// measures it. It fails only with ErrTooLong.
//
// The source first goes through Prepare, which keeps goldmark's work
// close to linear on hostile input; see there. A text of a shape no person
// types is rendered from the prepared source all the same (markers past
// the limits shown as text): the preview is the learner's only view of it.
func Render(src string) (Rendered, error) {
	if len(src) > MaxBytes {
		return Rendered{}, ErrTooLong
	}
	source, _ := Prepare(src)
	doc := mdParse(source)

	var out Rendered
	var buf bytes.Buffer
	if err := mdEngine().Renderer().Render(&buf, source, doc); err != nil {
		// The renderer writes to memory and fails only on a bug; an empty
		// rendering is safer than a partial one.
		return Rendered{}, err
	}
	out.HTML = template.HTML(mdPolicy().SanitizeBytes(buf.Bytes()))

	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if h.Level <= 4 {
				id, _ := h.AttributeString("id")
				idb, _ := id.([]byte)
				out.Outline = append(out.Outline, Heading{
					Level: h.Level,
					ID:    string(idb),
					Text:  mdCollapseSpaces(mdInlineText(h, source)),
				})
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})

	out.Words = CountWords(mdPlainText(doc, source))
	out.Pages = math.Round(float64(out.Words)/WordsPerPage*10) / 10
	return out, nil
}

// PlainText returns the visible text of a Markdown text, as a reader of the
// rendered HTML sees it: no markup, no link destinations, no raw HTML, image
// alternative texts included (they are what is shown in place of images).
// Blocks (paragraphs, headings, list items, table rows, code blocks) are
// separated by newlines, table cells by tabs. It is what Words counts and
// what a search index should see. Texts longer than MaxBytes are cut
// at that length (on a rune boundary) first.
func PlainText(src string) string {
	src, _ = Truncate(src)
	source, _ := Prepare(src)
	return mdPlainText(mdParse(source), source)
}

// CountWords counts the words of a plain text with a rule close to that of
// word processors, so that a learner finds about the count LibreOffice or
// Word shows: a word is a run of characters between white space (no-break
// spaces included) that holds at least one letter or digit. So "l'équipe",
// "aujourd'hui" and "peut-être" are one word each, "12 %" is one word (the
// "%" alone is not one), and the lone "?", "!", ":", "—" and "«" of French
// typography are not words.
//
// One exception: a token that is a web address (http://, https://, ftp://,
// www., mailto:) is not counted: an address is not prose, and the length of a
// report should not grow with the links it cites. Link texts do count.
func CountWords(plain string) int {
	n := 0
	for _, tok := range strings.FieldsFunc(plain, unicode.IsSpace) {
		if !strings.ContainsFunc(tok, mdIsWordRune) {
			continue
		}
		if mdIsURLToken(tok) {
			continue
		}
		n++
	}
	return n
}

func mdIsWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

func mdIsURLToken(tok string) bool {
	t := strings.ToLower(strings.TrimLeftFunc(tok, func(r rune) bool {
		return !mdIsWordRune(r)
	}))
	for _, p := range []string{"http://", "https://", "ftp://", "www.", "mailto:"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// mdEngine is the goldmark instance, built once: it holds no per-document
// state (the heading ids live in each parse's context).
var mdEngine = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			// GFM minus its table extension, re-added below with the
			// alignment as an align attribute: the default is a style
			// attribute, which the CSP (no inline styles) would block.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithParserOptions(
			// Heading ids are set by mdTransformer from the parsed
			// heading text, through the context's mdHeadingIDs, rather
			// than by parser.WithAutoHeadingID: that option hands the
			// raw Markdown line to IDs.Generate before inline parsing,
			// so "## Le [cadre](https://exemple.fr)" would get an id
			// made of the URL, and "## <b onclick=x>Bilan</b>" one made
			// of the tag. The attribute syntax ({#id}) stays off: a
			// learner cannot choose an id.
			parser.WithASTTransformers(util.Prioritized(mdTransformer{}, 1000)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(mdImageRenderer{}, 100)),
		),
	)
})

// mdParse parses a Markdown source with a fresh heading-id table.
func mdParse(source []byte) ast.Node {
	pc := parser.NewContext(parser.WithIDs(mdNewHeadingIDs()))
	return mdEngine().Parser().Parse(gtext.NewReader(source), parser.WithContext(pc))
}

// mdHeadingIDs implements parser.IDs: ids made of a heading's text with
// accents folded ("Évaluation de l'accompagnement" →
// "titre-evaluation-de-l-accompagnement"), unique within a document ("-2",
// "-3" for repeats), "titre-section" for a heading with no letter or digit.
type mdHeadingIDs struct {
	used map[string]bool
	next map[string]int // per base id, the next suffix to try
}

func mdNewHeadingIDs() *mdHeadingIDs {
	return &mdHeadingIDs{used: map[string]bool{}, next: map[string]int{}}
}

// Generate implements parser.IDs. value is the heading's visible text.
func (ids *mdHeadingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	slug := mdSlug(string(value))
	if slug == "" {
		slug = mdEmptyHeadingSlug
	}
	base := mdHeadingIDPrefix + slug
	id := base
	if ids.used[id] {
		// A heading "Bilan 2" may already hold "titre-bilan-2": go on
		// counting, from where the last repeat of base stopped so that a
		// text of thousands of equal headings stays linear.
		i := max(ids.next[base], 2)
		for ; ids.used[base+"-"+strconv.Itoa(i)]; i++ {
		}
		id = base + "-" + strconv.Itoa(i)
		ids.next[base] = i + 1
	}
	ids.used[id] = true
	return []byte(id)
}

// Put implements parser.IDs.
func (ids *mdHeadingIDs) Put(value []byte) { ids.used[string(value)] = true }

// mdFold returns a transformer that removes diacritics: NFD, then drop the
// combining marks. A chain holds state: one per use, never shared.
func mdFold() transform.Transformer {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// mdLigatures maps the letters that NFD does not decompose to their
// conventional Latin spelling.
var mdLigatures = strings.NewReplacer(
	"œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss", "ẞ", "ss",
	"ø", "o", "Ø", "o", "ł", "l", "Ł", "l", "đ", "d", "Đ", "d",
	"ð", "d", "Ð", "d", "þ", "th", "Þ", "th", "ı", "i",
)

// mdSlug folds accents, lowercases, turns every run of characters other than
// a–z and 0–9 into one "-", trims the dashes, and cuts to mdMaxSlugBytes at
// a dash when it can. Letters with no Latin base (Greek, CJK…) are dropped.
func mdSlug(s string) string {
	s = mdLigatures.Replace(s)
	if folded, _, err := transform.String(mdFold(), s); err == nil {
		s = folded
	}
	s = strings.ToLower(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > mdMaxSlugBytes {
		out = out[:mdMaxSlugBytes]
		if i := strings.LastIndexByte(out, '-'); i > mdMaxSlugBytes/2 {
			out = out[:i]
		}
		out = strings.TrimRight(out, "-")
	}
	return out
}

// mdTransformer runs after inline parsing: it unwraps or removes links with a
// destination outside the allowlist, then gives every heading its id.
type mdTransformer struct{}

func (mdTransformer) Transform(doc *ast.Document, reader gtext.Reader, pc parser.Context) {
	source := reader.Source()
	var headings []*ast.Heading
	var badLinks, badAutoLinks []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
		case *ast.Link:
			if !PageURL(string(n.Destination)) {
				badLinks = append(badLinks, n)
			}
		case *ast.AutoLink:
			// An e-mail autolink is rendered as mailto:, always allowed.
			if n.AutoLinkType != ast.AutoLinkEmail && !PageURL(string(n.URL(source))) {
				badAutoLinks = append(badAutoLinks, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, l := range badLinks {
		parent := l.Parent()
		for c := l.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, l, c) // detaches c from l
			c = next
		}
		parent.RemoveChild(parent, l)
	}
	for _, l := range badAutoLinks {
		l.Parent().RemoveChild(l.Parent(), l)
	}
	ids := pc.IDs()
	for _, h := range headings {
		text := mdCollapseSpaces(mdInlineText(h, source))
		h.SetAttributeString("id", ids.Generate([]byte(text), ast.KindHeading))
	}
}

// mdImageRenderer renders an image as its alternative text (the children of
// the Image node), never as <img>.
type mdImageRenderer struct{}

func (mdImageRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkContinue, nil
	})
}

// mdPolicy is the second wall: only what mdEngine emits gets through.
var mdPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "blockquote", "pre", "code",
		"em", "strong", "del", "ul", "li",
		"table", "thead", "tbody", "tr")
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("id").Matching(mdHeadingIDPattern).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(?:left|center|right)$`)).OnElements("th", "td")
	p.AllowElements("th", "td")
	// Task lists: a disabled checkbox, nothing else of forms.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")
	// Links: same allowlist as PageURL (relative URLs are let
	// through for "#fragment" links; mdTransformer already removed the
	// others).
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	// rel="nofollow" on every link; on links leaving the site,
	// target="_blank" so the report stays open, with rel="noopener
	// noreferrer": the external page gets neither window.opener nor the
	// address of the learner's report.
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
})

// mdInlineText is the visible text of a node's inline content.
func mdInlineText(n ast.Node, source []byte) string {
	var b strings.Builder
	mdWriteText(&b, n, source)
	return b.String()
}

// mdPlainText is the visible text of a document, blocks on separate lines.
func mdPlainText(doc ast.Node, source []byte) string {
	var b strings.Builder
	mdWriteText(&b, doc, source)
	// Tidy: no trailing blanks on a line, no empty lines.
	lines := strings.Split(b.String(), "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.TrimRightFunc(l, unicode.IsSpace); strings.TrimSpace(l) != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// mdWriteText writes the visible text under n. It mirrors what the renderer
// shows: raw HTML and task checkboxes are skipped, links give their text,
// autolinks their label, images their alternative text.
func mdWriteText(b *strings.Builder, n ast.Node, source []byte) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(source)
		if !n.IsRaw() {
			v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
		}
		b.Write(v)
		if n.SoftLineBreak() || n.HardLineBreak() {
			b.WriteByte('\n')
		}
		return
	case *ast.String:
		b.Write(n.Value)
		return
	case *ast.AutoLink:
		b.Write(n.Label(source))
		return
	case *ast.RawHTML, *ast.HTMLBlock, *extast.TaskCheckBox:
		return
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(source))
		}
		b.WriteByte('\n')
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		mdWriteText(b, c, source)
	}
	switch n.(type) {
	case *extast.TableCell:
		b.WriteByte('\t')
	default:
		if n.Type() == ast.TypeBlock {
			b.WriteByte('\n')
		}
	}
}

// mdCollapseSpaces trims and turns every run of white space into one space.
func mdCollapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}
