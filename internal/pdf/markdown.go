package pdf

import (
	"strconv"
	"strings"
	"sync"

	"github.com/casp-cnam/casp/internal/text"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	gtext "github.com/yuin/goldmark/text"
)

// markdownParser reads CommonMark with GitHub's extensions. Only its
// parser is used: nothing is ever rendered as HTML here.
var markdownParser = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM))
})

// markdown sets a learner's Markdown text, cut at text.MaxBytes (the cut
// is said). A text of a shape no person types (see text.Prepare) is set
// as plain text, as typed, paragraph by paragraph: the prepared source
// would be fast to read too, but not as its author wrote it, and a PDF is
// a record.
func (r *renderer) markdown(m Markdown) {
	src, cut := text.Truncate(m.Source)
	if source, ok := text.Prepare(src); ok {
		doc := markdownParser().Parser().Parse(gtext.NewReader(source))
		base := m.BaseLevel
		if base <= 0 {
			base = 2
		}
		w := mdWalker{r: r, src: source, base: min(base, 3)}
		w.blocks(doc)
	} else {
		for _, para := range strings.Split(text.Normalize(src), "\n\n") {
			if strings.TrimSpace(para) != "" {
				r.flow([]span{{text: para}}, bodyOpts())
				r.space(paraGap)
			}
		}
	}
	if cut {
		r.flow([]span{{text: "[Texte coupé : il dépasse 400 000 caractères.]", st: italic}},
			flowOpts{size: smallSize, lead: smallLead, color: mutedColor})
		r.space(paraGap)
	}
}

type mdWalker struct {
	r     *renderer
	src   []byte
	base  int
	depth int // list nesting, for the bullet's shape
}

func (w *mdWalker) blocks(parent ast.Node) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		w.block(n)
	}
}

func (w *mdWalker) block(n ast.Node) {
	r := w.r
	switch n := n.(type) {
	case *ast.Heading:
		r.heading(min(w.base+n.Level-1, 4), w.inlines(n))
	case *ast.Paragraph:
		r.flow(w.inlines(n), bodyOpts())
		r.space(paraGap)
	case *ast.TextBlock: // an item of a tight list
		r.flow(w.inlines(n), bodyOpts())
		r.space(0.8)
	case *ast.List:
		w.list(n)
	case *ast.Blockquote:
		r.quote(func() { w.blocks(n) })
		r.space(paraGap)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		w.code(n)
	case *ast.ThematicBreak:
		r.rule()
	case *ast.HTMLBlock:
		// Raw HTML is dropped, never drawn: a report is text.
	case *extast.Table:
		w.table(n)
	default:
		w.blocks(n)
	}
}

func (w *mdWalker) list(l *ast.List) {
	r := w.r
	step := r.indentBy(indentStep)
	w.depth++
	num := l.Start
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		mk := "•"
		if w.depth%2 == 0 {
			mk = "–"
		}
		if l.IsOrdered() {
			mk = strconv.Itoa(num) + string(l.Marker)
			num++
		}
		r.marker = &marker{text: mk}
		w.blocks(it)
		if r.marker != nil { // an empty item
			r.drawLines(nil, bodyOpts())
		}
	}
	w.depth--
	r.indent -= step
	r.space(paraGap - 0.8)
}

func (w *mdWalker) code(n ast.Node) {
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.WriteString(strings.Repeat(" ", seg.Padding))
		b.Write(seg.Value(w.src))
	}
	code := strings.ReplaceAll(strings.TrimRight(b.String(), "\n"), "\t", "    ")
	r := w.r
	r.space(0.5)
	r.flow([]span{{text: code, st: mono}}, flowOpts{size: codeSize, lead: codeLead, color: inkColor, preserve: true, fill: true, pad: 2})
	r.space(paraGap)
}

func (w *mdWalker) table(t *extast.Table) {
	r := w.r
	var g grid
	g.size, g.lead, g.ruled = tableSize, tableLead, true
	var rows [][][]span
	var header [][]span
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells [][]span
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, w.inlines(c))
		}
		if _, ok := row.(*extast.TableHeader); ok {
			for i := range cells {
				for k := range cells[i] {
					cells[i][k].st |= bold
				}
			}
			header = cells
			continue
		}
		rows = append(rows, cells)
	}
	n := max(len(header), len(t.Alignments))
	for _, row := range rows {
		n = max(n, len(row))
	}
	if n == 0 {
		return
	}
	for i := 0; i < n; i++ {
		g.widths = append(g.widths, r.avail()/float64(n))
		a := Left
		if i < len(t.Alignments) {
			switch t.Alignments[i] {
			case extast.AlignRight:
				a = Right
			case extast.AlignCenter:
				a = Center
			}
		}
		g.align = append(g.align, a)
	}
	g.header, g.rows = header, rows
	r.drawGrid(g)
	r.space(paraGap + 1)
}

// inlines flattens a block's inline content into styled spans.
func (w *mdWalker) inlines(n ast.Node) []span {
	var out []span
	w.inline(n, 0, "", &out)
	return out
}

func (w *mdWalker) inline(parent ast.Node, st style, link string, out *[]span) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			*out = append(*out, span{text: string(n.Segment.Value(w.src)), st: st, link: link})
			if n.HardLineBreak() {
				*out = append(*out, span{text: "\n", st: st})
			} else if n.SoftLineBreak() {
				*out = append(*out, span{text: " ", st: st, link: link})
			}
		case *ast.String:
			*out = append(*out, span{text: string(n.Value), st: st, link: link})
		case *ast.CodeSpan:
			w.inline(n, st|mono, link, out)
		case *ast.Emphasis:
			s := st | italic
			if n.Level >= 2 {
				s = st | bold
			}
			w.inline(n, s, link, out)
		case *ast.Link:
			dest := strings.TrimSpace(string(n.Destination))
			target := ""
			if text.ExternalURL(dest) {
				target = dest
			}
			before := len(*out)
			w.inline(n, st, target, out)
			var shown strings.Builder
			for _, s := range (*out)[before:] {
				shown.WriteString(s.text)
			}
			// The address is printed after the text (paper has no links),
			// only when it is one a reader may follow: as on the page, any
			// other link keeps its text and loses its target.
			addr := strings.TrimPrefix(target, "mailto:")
			if target != "" && strings.TrimSpace(shown.String()) != addr && strings.TrimSpace(shown.String()) != target {
				*out = append(*out, span{text: " (" + addr + ")", st: st &^ (bold | italic)})
			}
		case *ast.AutoLink:
			u := string(n.URL(w.src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
				u = "mailto:" + u
			}
			// As on the page, an autolink to anything but a web or e-mail
			// address is removed with its text, which is nothing but that
			// address.
			if text.ExternalURL(u) {
				*out = append(*out, span{text: string(n.Label(w.src)), st: st, link: u})
			}
		case *ast.Image:
			// Images are not drawn (a report's figures are attachments):
			// their alternative text stands in their place, as on the page.
			w.inline(n, st, link, out)
		case *ast.RawHTML:
			// Raw HTML is dropped, never drawn.
		case *extast.Strikethrough:
			w.inline(n, st|strike, link, out)
		case *extast.TaskCheckBox:
			box := "□"
			if n.IsChecked {
				box = "■"
			}
			// The box replaces the item's bullet.
			if m := w.r.marker; m != nil && (m.text == "•" || m.text == "–") {
				m.text = box
			} else {
				*out = append(*out, span{text: box + " ", st: st})
			}
		default:
			w.inline(n, st, link, out)
		}
	}
}
