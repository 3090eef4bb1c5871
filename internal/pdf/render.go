package pdf

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casp-cnam/casp/internal/french"
	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres: A4 portrait, margins close to those of a
// typed report, the footer inside the bottom margin.
const (
	pageW    = 210.0
	pageH    = 297.0
	marginL  = 22.0
	marginR  = 22.0
	marginT  = 20.0
	marginB  = 24.0
	contentW = pageW - marginL - marginR
	bottomY  = pageH - marginB
	footerY  = pageH - 16.0
)

// Type sizes in points and leading in millimetres (about 1.4 for reading).
const (
	bodySize   = 10.5
	bodyLead   = 5.3
	smallSize  = 8.8
	smallLead  = 4.3
	tableSize  = 9.2
	tableLead  = 4.5
	codeSize   = 8.6
	codeLead   = 4.3
	indentStep = 6.5
	paraGap    = 2.4
)

// pageCountAlias stands for the number of pages until the document is
// complete. It is made of control characters, which clean removes from
// every text drawn, so no text of the document can be mistaken for it.
const pageCountAlias = "\x01nb\x01"

type rgb struct{ r, g, b int }

// The colours of casp's style sheet (contrast AA on white).
var (
	inkColor   = rgb{0x1b, 0x1b, 0x1f}
	mutedColor = rgb{0x4a, 0x4f, 0x57}
	brandColor = rgb{0x1d, 0x3a, 0x6e}
	linkColor  = rgb{0x0b, 0x4f, 0xb3}
	lineColor  = rgb{0xc9, 0xce, 0xd6}
	softColor  = rgb{0xf3, 0xf5, 0xf9}
	headColor  = rgb{0xe4, 0xe9, 0xf2}
)

type headingStyle struct {
	size, lead, before, after float64
	color                     rgb
	rule                      bool
}

// headingStyles by level; 4 serves Markdown headings deeper than level 3.
var headingStyles = [...]headingStyle{
	1: {15, 7.0, 7, 3, brandColor, true},
	2: {12.5, 6.0, 5.5, 2.2, brandColor, false},
	3: {11, 5.4, 4, 1.6, inkColor, false},
	4: {10.5, 5.3, 3, 1.2, mutedColor, false},
}

// Render writes d as a PDF document to w.
func Render(w io.Writer, d Doc) error {
	gen := d.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	f.AliasNbPages(pageCountAlias)
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, marginB)
	f.SetCellMargin(0)
	f.SetTitle(oneLine(d.Title), true)
	f.SetSubject(oneLine(d.Subtitle), true)
	f.SetAuthor("casp", true)
	f.SetCreator("casp", true)
	f.SetProducer("casp (go-pdf/fpdf)", true)
	f.SetLang("fr")
	f.SetCreationDate(gen)
	f.SetModificationDate(gen)
	f.SetCatalogSort(true)

	r := &renderer{f: f, outline: -1, generated: french.Date(gen), running: oneLine(d.Running)}
	// Faces are embedded as the document first uses them (the footer's
	// regular face at once): each one embedded costs its parsing and its
	// compressed subset, about a tenth of a short document's time.
	r.face(0)
	f.SetFooterFunc(r.footer)
	r.newPage()
	r.titleBlock(d, gen)
	for _, b := range d.Blocks {
		r.block(b)
	}
	return f.Output(w)
}

// renderer lays blocks out on pages. It keeps its own vertical position:
// fpdf's automatic page breaks are off, so that headings are kept with
// what follows, table headers repeated, and margin rules continued.
type renderer struct {
	f         *fpdf.Fpdf
	y         float64
	pageTop   float64 // where content starts on this page (under a repeated header)
	indent    float64 // left indent of lists and quotations
	bars      []float64
	marker    *marker
	outline   int
	onPage    func()         // draws a table's header again after a page break
	faces     [mono + 1]bool // the faces added to the document
	fontKey   string
	fontSize  float64
	generated string
	running   string
}

// marker is a list item's bullet or number, drawn in the margin of the
// item's first line.
type marker struct {
	text string
	st   style
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

func (r *renderer) newPage() {
	r.f.AddPage()
	r.y = marginT
	r.pageTop = marginT
	if r.onPage != nil {
		r.onPage()
		r.pageTop = r.y
	}
}

func (r *renderer) atTop() bool { return r.y <= r.pageTop+epsilon }

// ensure starts a new page unless h millimetres fit on this one.
func (r *renderer) ensure(h float64) {
	if r.y+h > bottomY+epsilon && !r.atTop() {
		r.newPage()
	}
}

// space adds vertical space, never at the top of a page.
func (r *renderer) space(h float64) {
	if r.atTop() {
		return
	}
	if r.y+h > bottomY {
		r.y = bottomY
		return
	}
	r.drawBars(r.y, h)
	r.y += h
}

func (r *renderer) x0() float64    { return marginL + r.indent }
func (r *renderer) avail() float64 { return contentW - r.indent }

// face adds a face to the document the first time it is used.
func (r *renderer) face(st style) {
	if !r.faces[st] {
		fc := faces[st]
		r.f.AddUTF8FontFromBytes(fc.family, fc.style, fc.ttf)
		r.faces[st] = true
	}
}

func (r *renderer) setFont(st style, size float64, underline bool) {
	r.face(faceOf(st))
	fc := faces[faceOf(st)]
	s := fc.style
	if st&strike != 0 {
		s += "S"
	}
	if underline {
		s += "U"
	}
	if key := fc.family + s; key != r.fontKey || size != r.fontSize {
		r.f.SetFont(fc.family, s, size)
		r.fontKey, r.fontSize = key, size
	}
}

func (r *renderer) setText(c rgb) { r.f.SetTextColor(c.r, c.g, c.b) }
func (r *renderer) setDraw(c rgb) { r.f.SetDrawColor(c.r, c.g, c.b) }
func (r *renderer) setFill(c rgb) { r.f.SetFillColor(c.r, c.g, c.b) }

// footer draws « Page N sur M », the running text and the date of
// generation. fpdf restores fonts and colours after it.
func (r *renderer) footer() {
	f := r.f
	f.SetDrawColor(lineColor.r, lineColor.g, lineColor.b)
	f.SetLineWidth(0.2)
	f.Line(marginL, footerY, pageW-marginR, footerY)
	f.SetFont("go", "", smallSize)
	f.SetTextColor(mutedColor.r, mutedColor.g, mutedColor.b)
	labelW := textWidth("Page 999 sur 999", 0, smallSize)
	f.SetXY(marginL, footerY+1.5)
	f.CellFormat(labelW, smallLead, "Page "+strconv.Itoa(f.PageNo())+" sur "+pageCountAlias, "", 0, "L", false, 0, "")
	date := "généré le " + r.generated
	room := contentW - labelW - 6
	text := date
	if r.running != "" {
		text = ellipsize(r.running, 0, smallSize, room-textWidth(" · "+date, 0, smallSize)) + " · " + date
	}
	tw := textWidth(text, 0, smallSize)
	f.SetXY(pageW-marginR-tw, footerY+1.5)
	f.CellFormat(tw, smallLead, text, "", 0, "L", false, 0, "")
	r.fontKey = "" // the footer changed the font under the cache
}

// ellipsize cuts s with « … » to fit in avail millimetres.
func ellipsize(s string, st style, size, avail float64) string {
	if textWidth(s, st, size) <= avail {
		return s
	}
	n := fitPrefix(s, st, size, avail-textWidth("…", st, size))
	return strings.TrimRight(s[:n], " ") + "…"
}

func (r *renderer) titleBlock(d Doc, gen time.Time) {
	if t := oneLine(d.Title); t != "" {
		r.bookmark(t, 0)
		r.flow([]span{{text: t, st: bold}}, flowOpts{size: 20, lead: 8.6, color: brandColor})
	}
	if s := clean(d.Subtitle); strings.TrimSpace(s) != "" {
		r.y += 1
		r.flow([]span{{text: s}}, flowOpts{size: 12.5, lead: 6, color: mutedColor})
	}
	r.y += 3
	if len(d.Meta) > 0 {
		r.fields(d.Meta)
	}
	r.y += 1
	r.flow([]span{{text: "Document généré le " + french.DateTime(gen) + " (heure de Paris)."}},
		flowOpts{size: smallSize, lead: smallLead, color: mutedColor})
	r.y += 2
	r.setDraw(brandColor)
	r.f.SetLineWidth(0.5)
	r.f.Line(marginL, r.y, pageW-marginR, r.y)
	r.y += 6
}

func (r *renderer) block(b Block) {
	switch b := b.(type) {
	case Heading:
		lvl := min(max(b.Level, 1), 3)
		r.heading(lvl, []span{{text: b.Text}})
	case Paragraph:
		r.flow([]span{{text: b.Text}}, bodyOpts())
		r.space(paraGap)
	case Note:
		r.flow([]span{{text: b.Text}}, flowOpts{size: smallSize, lead: smallLead, color: mutedColor})
		r.space(paraGap)
	case Quote:
		r.quote(func() {
			r.flow([]span{{text: b.Text}}, bodyOpts())
			if strings.TrimSpace(b.Source) != "" {
				r.flow([]span{{text: "— " + b.Source}}, flowOpts{size: smallSize, lead: smallLead, color: mutedColor})
			}
		})
		r.space(paraGap)
	case List:
		step := r.indentBy(indentStep)
		for i, it := range b.Items {
			r.marker = &marker{text: "•"}
			if b.Ordered {
				r.marker = &marker{text: strconv.Itoa(i+1) + "."}
			}
			r.flow([]span{{text: it}}, bodyOpts())
			r.space(1)
		}
		r.indent -= step
		r.space(paraGap - 1)
	case Table:
		r.table(b)
	case Fields:
		r.fields(b.Pairs)
		r.space(paraGap)
	case Markdown:
		r.markdown(b)
	case PageBreak:
		if !r.atTop() {
			r.newPage()
		}
	}
}

func bodyOpts() flowOpts { return flowOpts{size: bodySize, lead: bodyLead, color: inkColor} }

// bookmark adds an outline entry; PDF outlines may go down one level at a
// time only.
func (r *renderer) bookmark(text string, level int) {
	lvl := min(level, r.outline+1)
	r.setFont(0, bodySize, false) // fpdf encodes the title as UTF-16 only under a UTF-8 font
	r.f.Bookmark(text, lvl, r.y)
	r.outline = lvl
}

func (r *renderer) heading(level int, spans []span) {
	hs := headingStyles[level]
	var plain strings.Builder
	for i := range spans {
		spans[i].st |= bold
		plain.WriteString(spans[i].text)
	}
	lines := layout(spans, hs.size, r.avail(), false)
	// Kept with the two first lines of what follows.
	need := float64(len(lines))*hs.lead + hs.after + 2*bodyLead
	if !r.atTop() {
		need += hs.before
	}
	if r.y+need > bottomY {
		if !r.atTop() {
			r.newPage()
		}
	} else {
		r.space(hs.before)
	}
	if t := oneLine(plain.String()); t != "" {
		r.bookmark(t, level)
	}
	r.drawLines(lines, flowOpts{size: hs.size, lead: hs.lead, color: hs.color})
	if hs.rule {
		r.setDraw(lineColor)
		r.f.SetLineWidth(0.3)
		r.f.Line(r.x0(), r.y+0.6, r.x0()+r.avail(), r.y+0.6)
		r.y += 0.6
	}
	r.space(hs.after)
}

// quote sets what body draws off with a rule in the left margin.
func (r *renderer) quote(body func()) {
	step := r.indentBy(5)
	if step > 0 {
		r.bars = append(r.bars, r.x0()-step+0.8)
	}
	body()
	r.indent -= step
	if step > 0 {
		r.bars = r.bars[:len(r.bars)-1]
	}
}

// indentBy indents by up to d millimetres, never past half the text
// width, and returns the indent added.
func (r *renderer) indentBy(d float64) float64 {
	add := max(min(d, contentW/2-r.indent), 0)
	r.indent += add
	return add
}

func (r *renderer) drawBars(y, h float64) {
	if len(r.bars) == 0 {
		return
	}
	r.setDraw(lineColor)
	r.f.SetLineWidth(0.9)
	for _, x := range r.bars {
		r.f.Line(x, y, x, y+h)
	}
}

func (r *renderer) rule() {
	r.ensure(5)
	r.setDraw(lineColor)
	r.f.SetLineWidth(0.3)
	r.f.Line(r.x0(), r.y+2.5, r.x0()+r.avail(), r.y+2.5)
	r.y += 5
}

// flowOpts says how a run of text is set.
type flowOpts struct {
	size, lead float64
	color      rgb
	align      Align
	preserve   bool    // code: spaces kept, lines cut only where too long
	fill       bool    // code: shaded background
	pad        float64 // inner horizontal padding (with fill)
}

// flow sets spans as wrapped lines at the current indent, breaking pages
// between lines.
func (r *renderer) flow(spans []span, o flowOpts) {
	r.drawLines(layout(spans, o.size, r.avail()-2*o.pad, o.preserve), o)
}

func (r *renderer) drawLines(lines []line, o flowOpts) {
	if len(lines) == 0 && r.marker != nil {
		lines = []line{{}}
	}
	for _, ln := range lines {
		r.ensure(o.lead)
		if o.fill {
			r.setFill(softColor)
			r.f.Rect(r.x0(), r.y, r.avail(), o.lead, "F")
		}
		r.drawBars(r.y, o.lead)
		r.drawMarker(r.y, o)
		r.drawLine(ln, r.x0()+o.pad, r.y, r.avail()-2*o.pad, o)
		r.y += o.lead
	}
}

func (r *renderer) drawMarker(y float64, o flowOpts) {
	m := r.marker
	if m == nil {
		return
	}
	r.marker = nil
	w := textWidth(m.text, m.st, o.size)
	r.drawLine(line{segs: []seg{{text: m.text, st: m.st, w: w}}, w: w}, r.x0()-1.8-w, y, w, flowOpts{size: o.size, lead: o.lead, color: o.color})
}

func (r *renderer) drawLine(ln line, x, y, width float64, o flowOpts) {
	switch o.align {
	case Right:
		x += width - ln.w
	case Center:
		x += (width - ln.w) / 2
	}
	for _, s := range ln.segs {
		c := o.color
		if s.link != "" {
			c = linkColor
		}
		r.setFont(s.st, o.size, s.link != "")
		r.setText(c)
		r.f.SetXY(x, y)
		r.f.CellFormat(s.w, o.lead, s.text, "", 0, "L", false, 0, s.link)
		x += s.w
	}
}

// fields sets label–value pairs as a two-column table without rules.
func (r *renderer) fields(pairs []Pair) {
	t := grid{size: tableSize, lead: tableLead, widths: []float64{0.28 * r.avail(), 0.72 * r.avail()},
		align: []Align{Left, Left}, colColor: []rgb{mutedColor, inkColor}}
	for _, p := range pairs {
		vst := style(0)
		if p.Mono {
			vst = mono
		}
		t.rows = append(t.rows, [][]span{{{text: p.Label, st: bold}}, {{text: p.Value, st: vst}}})
	}
	r.drawGrid(t)
}

func (r *renderer) table(tb Table) {
	n := len(tb.Header)
	for _, row := range tb.Rows {
		n = max(n, len(row))
	}
	if n == 0 {
		return
	}
	g := grid{size: tableSize, lead: tableLead, ruled: true, caption: tb.Caption}
	total := 0.0
	weights := make([]float64, n)
	for i := range weights {
		weights[i] = 1
		if len(tb.Widths) == n && tb.Widths[i] > 0 {
			weights[i] = tb.Widths[i]
		}
		total += weights[i]
	}
	for i := range weights {
		g.widths = append(g.widths, weights[i]/total*r.avail())
		a := Left
		if i < len(tb.Align) {
			a = tb.Align[i]
		}
		g.align = append(g.align, a)
	}
	if len(tb.Header) > 0 {
		g.header = make([][]span, n)
		for i, h := range tb.Header {
			g.header[i] = []span{{text: h, st: bold}}
		}
	}
	for _, row := range tb.Rows {
		cells := make([][]span, n)
		for i, c := range row {
			st := style(0)
			if i < len(tb.Mono) && tb.Mono[i] {
				st = mono
			}
			cells[i] = []span{{text: c, st: st}}
		}
		g.rows = append(g.rows, cells)
	}
	r.drawGrid(g)
	r.space(paraGap + 1)
}

// grid is a table ready to draw: cells are spans, widths absolute.
type grid struct {
	caption  string
	header   [][]span
	rows     [][][]span
	widths   []float64
	align    []Align
	colColor []rgb
	ruled    bool // cell borders (tables) rather than separators (fields)
	size     float64
	lead     float64
}

const (
	cellPadX = 1.8
	cellPadY = 1.3
)

// cell is a laid-out table cell.
type cell struct {
	lines []line
	size  float64
}

// layoutRow lays out a row's cells; a cell all in monospace (a fingerprint)
// is set a little smaller, so that a SHA-256 holds on one line.
func (g grid) layoutRow(spans [][]span) []cell {
	out := make([]cell, len(g.widths))
	for i, w := range g.widths {
		out[i].size = g.size
		if i >= len(spans) {
			continue
		}
		monoOnly := len(spans[i]) > 0
		for _, s := range spans[i] {
			monoOnly = monoOnly && s.st&mono != 0
		}
		if monoOnly {
			out[i].size = g.size * 0.9
		}
		out[i].lines = layout(spans[i], out[i].size, w-2*cellPadX, false)
	}
	return out
}

func rowLines(cells []cell) int {
	n := 1
	for _, c := range cells {
		n = max(n, len(c.lines))
	}
	return n
}

// drawGrid draws a table row by row: the header again at the top of each
// page, a row moved whole to the next page when it fits there, cut
// between lines when it is taller than a page.
func (r *renderer) drawGrid(g grid) {
	var header []cell
	headerH := 0.0
	if g.header != nil {
		header = g.layoutRow(g.header)
		headerH = float64(rowLines(header))*g.lead + 2*cellPadY
	}
	drawHeader := func() {
		if header != nil {
			r.drawRow(g, header, 0, rowLines(header), true)
		}
	}
	firstRow := 0.0
	if len(g.rows) > 0 {
		firstRow = float64(min(rowLines(g.layoutRow(g.rows[0])), 3))*g.lead + 2*cellPadY
	}
	var caption []line
	if strings.TrimSpace(g.caption) != "" {
		caption = layout([]span{{text: g.caption, st: bold}}, g.size, r.avail(), false)
	}
	r.ensure(float64(len(caption))*g.lead + 1 + headerH + firstRow)
	if caption != nil {
		r.drawLines(caption, flowOpts{size: g.size, lead: g.lead, color: inkColor})
		r.y += 1
	}
	drawHeader()
	saved := r.onPage
	r.onPage = drawHeader
	defer func() { r.onPage = saved }()
	for _, cells := range g.rows {
		lines := g.layoutRow(cells)
		total := rowLines(lines)
		for start := 0; start < total; {
			left := total - start
			fit := int(math.Floor((bottomY - r.y - 2*cellPadY + epsilon) / g.lead))
			if fit >= left {
				r.drawRow(g, lines, start, left, false)
				break
			}
			freshFit := int(math.Floor((bottomY - marginT - headerH - 2*cellPadY + epsilon) / g.lead))
			if !r.atTop() && ((start == 0 && left <= freshFit) || fit < 2) {
				r.newPage()
				continue
			}
			n := max(fit, 1)
			r.drawRow(g, lines, start, n, false)
			start += n
			r.newPage()
		}
	}
}

// drawRow draws lines [start, start+n) of each cell of a row.
func (r *renderer) drawRow(g grid, cells []cell, start, n int, head bool) {
	h := float64(n)*g.lead + 2*cellPadY
	x := r.x0()
	width := 0.0
	for _, w := range g.widths {
		width += w
	}
	if head {
		r.setFill(headColor)
		r.f.Rect(x, r.y, width, h, "F")
	}
	r.drawBars(r.y, h)
	r.drawMarker(r.y+cellPadY, flowOpts{size: g.size, lead: g.lead, color: inkColor})
	for i, w := range g.widths {
		if g.ruled {
			r.setDraw(lineColor)
			r.f.SetLineWidth(0.25)
			r.f.Rect(x, r.y, w, h, "D")
		}
		c := inkColor
		if i < len(g.colColor) {
			c = g.colColor[i]
		}
		a := Left
		if i < len(g.align) {
			a = g.align[i]
		}
		if i < len(cells) {
			for k := start; k < start+n && k < len(cells[i].lines); k++ {
				r.drawLine(cells[i].lines[k], x+cellPadX, r.y+cellPadY+float64(k-start)*g.lead, w-2*cellPadX,
					flowOpts{size: cells[i].size, lead: g.lead, color: c, align: a})
			}
		}
		x += w
	}
	if !g.ruled {
		r.setDraw(lineColor)
		r.f.SetLineWidth(0.2)
		r.f.Line(r.x0(), r.y+h, r.x0()+width, r.y+h)
	}
	r.y += h
}

// span is a run of text in one style; link, when set, is a clickable
// address (http, https or mailto only).
type span struct {
	text string
	st   style
	link string
}

type seg struct {
	text string
	st   style
	link string
	w    float64
}

type line struct {
	segs []seg
	w    float64
}

func (l *line) add(text string, st style, link string, size float64) {
	w := textWidth(text, st, size)
	if n := len(l.segs); n > 0 && l.segs[n-1].st == st && l.segs[n-1].link == link {
		l.segs[n-1].text += text
		l.segs[n-1].w += w
	} else {
		l.segs = append(l.segs, seg{text: text, st: st, link: link, w: w})
	}
	l.w += w
}

// nextWord cuts the first word off text (which starts with no blank), with
// the words French typography keeps it with: no line starts with « » », « : »,
// « ; », « ! » or « ? » typed after a space, and none ends with « « ». The
// text is not changed: the spaces stay ordinary spaces.
func nextWord(text string) (word, rest string) {
	j := strings.IndexAny(text, " \n")
	if j < 0 {
		return text, ""
	}
	word, rest = text[:j], text[j:]
	for strings.HasPrefix(rest, " ") {
		after := strings.TrimLeft(rest, " ")
		k := strings.IndexAny(after, " \n")
		if k < 0 {
			k = len(after)
		}
		next := after[:k]
		if next == "" || !(strings.HasSuffix(word, "«") || strings.ContainsAny(next[:1], "»:;!?")) {
			break
		}
		word += " " + next
		rest = after[k:]
	}
	return word, rest
}

// layout breaks spans into lines no wider than width. Outside preserve
// mode, runs of spaces are one space, lines break at spaces, "\n" forces a
// break, and a word wider than the line is cut where it overflows. In
// preserve mode (code), spaces are kept and lines break at "\n" or where
// they overflow.
func layout(spans []span, size, width float64, preserve bool) []line {
	var lines []line
	var cur line
	started := false // the current line holds text or was forced by "\n"
	pending := false // a space waits to be set before the next word
	var pst style
	var plink string
	emit := func() {
		lines = append(lines, cur)
		cur = line{}
		pending = false
		started = false
	}
	// put sets a word that may be wider than the line.
	put := func(word string, st style, link string) {
		for word != "" {
			k := fitPrefix(word, st, size, width-cur.w)
			if k == len(word) {
				cur.add(word, st, link, size)
				started = true
				return
			}
			if len(cur.segs) > 0 {
				emit()
				continue
			}
			if k == 0 {
				_, k = utf8.DecodeRuneInString(word)
			}
			cur.add(word[:k], st, link, size)
			word = word[k:]
			emit()
		}
	}
	for _, sp := range spans {
		text := clean(sp.text)
		for text != "" {
			if text[0] == '\n' {
				emit()
				started = true
				text = text[1:]
				if !preserve {
					text = strings.TrimLeft(text, " ")
				}
				continue
			}
			if preserve {
				j := strings.IndexByte(text, '\n')
				if j < 0 {
					j = len(text)
				}
				put(text[:j], sp.st, sp.link)
				text = text[j:]
				continue
			}
			if text[0] == ' ' {
				if len(cur.segs) > 0 {
					pending, pst, plink = true, sp.st, sp.link
				}
				text = strings.TrimLeft(text, " ")
				continue
			}
			word, rest := nextWord(text)
			text = rest
			sw := 0.0
			if pending {
				sw = textWidth(" ", pst, size)
			}
			if cur.w+sw+textWidth(word, sp.st, size) <= width+epsilon {
				if pending {
					cur.add(" ", pst, plink, size)
					pending = false
				}
				cur.add(word, sp.st, sp.link, size)
				started = true
				continue
			}
			if len(cur.segs) > 0 {
				emit()
			}
			put(word, sp.st, sp.link)
		}
	}
	if len(cur.segs) > 0 || started {
		lines = append(lines, cur)
	}
	return lines
}
