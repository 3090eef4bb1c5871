// Package pdf renders casp's printable documents — a portfolio piece, the
// jury's dossier de certification — as PDF files.
//
// A document is a small model: a title block (Title, Subtitle, Meta lines),
// then Blocks (headings, paragraphs, notes, quotations, lists, tables,
// label–value lists, learner Markdown, page breaks). Render lays it out on
// A4 pages with the embedded Go fonts: hierarchy by size and weight, text
// wrapped on spaces (a word longer than the line is cut), no-break spaces
// and French quotes kept as typed, tables whose header is repeated on each
// page they span (a row taller than a page is continued), every page with
// the footer « Page N sur M », the running text and the date of
// generation in French (Europe/Paris). The PDF carries its title, author
// « casp », subject, language « fr » and an outline of its headings.
//
// Learner text is never interpreted as markup: Markdown is read with
// goldmark and walked node by node; raw HTML, inline or in blocks, is
// dropped, never drawn. Links are shown as their text followed by their
// address, and only http, https and mailto addresses are clickable.
//
// Two renderings of a Doc read the same but are not byte for byte equal
// (fpdf's font subsetting iterates over maps): a document to be sealed is
// fingerprinted once, when generated, and its bytes kept.
//
// The PDF is not tagged (fpdf does not write structure trees): the HTML
// pages remain the accessible version; the PDF is for keeping and printing.
package pdf

import "time"

// Doc is a document to render.
type Doc struct {
	// Title is the document's title, shown on the first page and stored in
	// the PDF's metadata.
	Title string
	// Subtitle, optional, is shown under the title and stored as the PDF's
	// subject.
	Subtitle string
	// Meta are label–value lines under the title (learner, cohort, dates…).
	Meta []Pair
	// Blocks are the body, in order.
	Blocks []Block
	// Running is the running text of every page's footer (for example the
	// piece's title and the learner's name); cut with « … » if too long.
	Running string
	// Generated is the date of generation, shown in French on the first
	// page and in the footers, and stored as the PDF's creation date. Zero
	// means now.
	Generated time.Time
}

// Pair is a label and its value. Mono sets the value in a monospaced face
// (fingerprints, identifiers).
type Pair struct {
	Label, Value string
	Mono         bool
}

// Block is one element of a document's body: Heading, Paragraph, Note,
// Quote, List, Table, Fields, Markdown or PageBreak.
type Block interface{ block() }

// Heading is a section title, Level 1 (largest) to 3. Headings appear in the
// PDF's outline (bookmarks) and are never left alone at the foot of a page.
type Heading struct {
	Level int
	Text  string
}

// Paragraph is body text; a "\n" in Text starts a new line.
type Paragraph struct{ Text string }

// Note is secondary text: smaller, grey (hints, legal mentions).
type Note struct{ Text string }

// Quote is a quotation set off by a rule in the margin, for example an
// assessor's feedback; Source, optional, is shown under it.
type Quote struct {
	Text   string
	Source string
}

// List is a bulleted (or numbered, when Ordered) list.
type List struct {
	Items   []string
	Ordered bool
}

// Align is a table column's alignment.
type Align uint8

// Alignments: numbers are right-aligned.
const (
	Left Align = iota
	Right
	Center
)

// Table is a table with an optional caption, a header row repeated on each
// page the table spans, and rows of cells whose text is wrapped. Widths
// are relative column widths (nil: equal); Align gives each column's
// alignment (missing: Left); Mono marks columns set in a monospaced face
// (fingerprints, identifiers). Rows shorter than the header are padded.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
	Widths  []float64
	Align   []Align
	Mono    []bool
}

// Fields is a list of labels and values, set as two columns.
type Fields struct{ Pairs []Pair }

// Markdown is a learner's Markdown text (CommonMark and GitHub tables,
// strikethrough, task lists, autolinks). Its "#" headings become document
// headings of level BaseLevel (0 means 2), "##" of the level below, and so
// on. Raw HTML is dropped.
type Markdown struct {
	Source    string
	BaseLevel int
}

// PageBreak starts a new page (nothing happens at the top of a page).
type PageBreak struct{}

func (Heading) block()   {}
func (Paragraph) block() {}
func (Note) block()      {}
func (Quote) block()     {}
func (List) block()      {}
func (Table) block()     {}
func (Fields) block()    {}
func (Markdown) block()  {}
func (PageBreak) block() {}
