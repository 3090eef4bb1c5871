// Package text prepares a learner's Markdown text and renders it safely:
// goldmark without raw HTML, then bluemonday, heading ids that keep French
// accents (markdown.go); and the safety rules applied before goldmark reads
// the text, shared by every renderer of it (the HTML here, the PDF in
// package pdf):
// a bound on its size (MaxBytes, Truncate), a preparation that keeps
// goldmark's work close to linear on hostile input (Prepare), and the
// allowlists of link targets (ExternalURL, PageURL).
//
// goldmark is not linear-time on every input. Measured on 400 000 bytes
// without Prepare: a single line of "[a](" took ~45 s (each "(" rescans
// the rest of the line for the destination), "[a](< " ~7 s, 400 000 nested
// ">" ~40 s (container matching is quadratic in the depth), 49 000
// consecutive link reference definitions ~2.4 s (each one re-slices the
// paragraph's remaining lines), "*a_ " over short lines ~96 s (each
// emphasis closer walks back over every delimiter before it in its
// paragraph), and a table of 1 000 columns 25 s and 7 GB for 44 KB of text
// (every row, even "b", is padded to the header's number of cells). Those
// costs depend on the length of a line, of a run of non-blank characters,
// on the nesting depth, on the length of a run of definitions, on the
// number of delimiters and of table cells in a paragraph, so Prepare
// bounds each of them; with it, none of the shapes of package texttest
// takes goldmark more than 0.2 s.
package text

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBytes bounds the size, in bytes of UTF-8, of a Markdown text (about
// 1 100 typed pages, far beyond any report). Every bound of Prepare is
// measured at this size.
const MaxBytes = 400_000

// Truncate cuts src to MaxBytes, on a rune boundary, and tells whether it
// did, for renderers that show a long text cut rather than refuse it.
func Truncate(src string) (string, bool) {
	if len(src) <= MaxBytes {
		return src, false
	}
	n := MaxBytes
	for n > 0 && !utf8.RuneStart(src[n]) {
		n--
	}
	return src[:n], true
}

// Normalize returns src as valid UTF-8 (invalid sequences become U+FFFD)
// with "\n" line endings. Prepare starts with it; a renderer that sets a
// text as typed uses it too.
func Normalize(src string) string {
	src = strings.ToValidUTF8(src, "\uFFFD")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	return strings.ReplaceAll(src, "\r", "\n")
}

// The limits Prepare enforces. A "run" is a run of non-blank lines: a
// blank line ends every paragraph, whatever the containers, so each count
// restarts there.
const (
	// maxLineBytes: a longer line is wrapped at a blank (a soft line
	// break, shown as a space). Paragraphs typed in a text area are one
	// line each; 8 KiB is a paragraph of some 1 300 words.
	maxLineBytes = 8 << 10
	// maxRunBytes: a longer run of non-blank characters (no prose word is
	// that long; a very long URL may be) is cut by a line break.
	maxRunBytes = 2 << 10
	// maxNesting: block quote and list markers opening a line beyond this
	// many are escaped, so they show as text.
	maxNesting = 32
	// maxRefDefRun: past this many lines opening with "[" (after blanks
	// and ">") in a run, a blank line is inserted before the next one.
	// Link reference definitions are the only such lines that come in
	// numbers; whatever line comes before them (a heading, a rule, a list
	// item they continue lazily), they are counted.
	maxRefDefRun = 256
	// maxBrackets: a "[" met while this many are open in the same run is
	// escaped (each "]" walks back over everything since its "[": nested
	// brackets cost the square of their number).
	maxBrackets = 32
	// maxDelimiters: emphasis and strikethrough delimiter runs ("*", "_",
	// "**", "~", "~~"…) past this many in a run, or since the last line
	// that opens a list item, are escaped. A paragraph of 1 300 words
	// rarely holds 50, one with a word in bold in every sentence some 800;
	// 1 024 in every paragraph of a whole text cost goldmark about 0.1 s.
	maxDelimiters = 1024
	// A table's cells (goldmark gives every row as many as the header)
	// may number at most half the bytes of the table from its delimiter
	// row on; the line that would exceed that starts a new paragraph. The
	// densest real table, "1|2|3", has one cell per two bytes.
	tableBytesPerCell = 2
)

// Prepare makes the source goldmark parses: Normalize, then the limits
// above enforced, by wrapping long lines, escaping markers and inserting
// blank lines. On any text a person writes the only change is that lines
// over maxLineBytes are wrapped at a blank followed by a letter, which
// Markdown renders the same (a line starting with a letter opens no
// block), and ok is true.
//
// ok is false when src has a shape no person types and Prepare had to
// change more: a run of non-blank characters cut, a line wrapped at a
// blank not followed by a letter, a marker, bracket or delimiter escaped,
// a blank line inserted. The source is then still bounded and fast to
// parse, but its Markdown reading differs from its author's: a renderer
// that can set the text as typed (the PDF) does so instead; the HTML
// renderer, whose preview is the learner's only view of the text, shows
// the prepared source.
func Prepare(src string) (source []byte, ok bool) {
	src = Normalize(src)
	p := preparer{out: make([]byte, 0, len(src)+len(src)/64), ok: true}
	for len(src) > 0 {
		line, rest, _ := strings.Cut(src, "\n")
		src = rest
		p.line(line)
	}
	return p.out, p.ok
}

// preparer holds the counts of the current run of non-blank lines.
type preparer struct {
	out []byte
	ok  bool

	refLines   int // lines opening with "["
	open       int // "[" not yet closed
	delimiters int // emphasis delimiter runs
	tableCols  int // columns of the last table delimiter row, 0 if none
	tableCells int // cells of that table so far
	tableBytes int // bytes of that table from its delimiter row on
}

func (p *preparer) line(line string) {
	if isBlank(line) {
		p.endRun()
		p.out = append(p.out, line...)
		p.out = append(p.out, '\n')
		return
	}
	if strings.HasPrefix(strings.TrimLeft(line, " \t>"), "[") {
		if p.refLines >= maxRefDefRun {
			p.breakRun()
		}
		p.refLines++
	}
	if opensListItem(line) {
		p.delimiters = 0
	}
	for _, piece := range p.wrap(line) {
		p.table(piece)
		piece = p.limitNesting(piece)
		piece = p.limitBrackets(piece)
		piece = p.limitDelimiters(piece)
		p.out = append(p.out, piece...)
		p.out = append(p.out, '\n')
	}
}

// endRun restarts every count, at a blank line.
func (p *preparer) endRun() {
	p.refLines, p.open, p.delimiters = 0, 0, 0
	p.tableCols, p.tableCells, p.tableBytes = 0, 0, 0
}

// breakRun inserts a blank line, which ends the current paragraph (and
// table, and run of definitions) whatever its containers.
func (p *preparer) breakRun() {
	p.out = append(p.out, '\n')
	p.endRun()
	p.ok = false
}

func isBlank(line string) bool { return strings.TrimLeft(line, " \t") == "" }

// opensListItem tells whether a line starts a list item whatever comes
// before it, and so a new paragraph: a bullet ("-", "+", "*") or "1." or
// "1)", indented by at most three spaces, followed by a blank and some
// text (an empty item, or another number, may continue a paragraph
// instead).
func opensListItem(line string) bool {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return false
	}
	switch {
	case strings.HasPrefix(t, "-"), strings.HasPrefix(t, "+"), strings.HasPrefix(t, "*"):
		t = t[1:]
	case strings.HasPrefix(t, "1."), strings.HasPrefix(t, "1)"):
		t = t[2:]
	default:
		return false
	}
	return t != "" && (t[0] == ' ' || t[0] == '\t') && !isBlank(t)
}

// table counts the cells of the table a line may belong to, and ends the
// run before the line if they would exceed the table's budget. A line
// that looks like a delimiter row (after blanks and ">") opens a table of
// its number of columns; goldmark may not see a table there (no matching
// header), which only makes the count err on the safe side.
func (p *preparer) table(line string) {
	if cols := delimiterColumns(strings.TrimLeft(line, " \t\v\f>")); cols > 0 {
		if p.tableCols == 0 {
			p.tableCols, p.tableCells, p.tableBytes = cols, 0, len(line)+1
			return
		}
		p.tableCols = max(p.tableCols, cols)
	}
	if p.tableCols == 0 {
		return
	}
	p.tableCells += p.tableCols
	p.tableBytes += len(line) + 1
	if p.tableCells*tableBytesPerCell > p.tableBytes {
		p.breakRun()
	}
}

// delimiterColumns is the number of columns of a GFM table delimiter row
// ("| :-- | --: |"), 0 if line is not one.
func delimiterColumns(line string) int {
	// Blanks as goldmark sees them (\v and \f included): accepting more
	// than it does only errs on the safe side.
	const blanks = " \t\v\f"
	if !strings.Contains(line, "|") || strings.Trim(line, blanks+"|:-") != "" {
		return 0
	}
	cells := strings.Split(strings.Trim(line, blanks), "|")
	if strings.Trim(cells[0], blanks) == "" {
		cells = cells[1:]
	}
	if len(cells) > 0 && strings.Trim(cells[len(cells)-1], blanks) == "" {
		cells = cells[:len(cells)-1]
	}
	for _, c := range cells {
		c = strings.Trim(c, blanks)
		c = strings.TrimPrefix(c, ":")
		c = strings.TrimSuffix(c, ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return 0
		}
	}
	return len(cells)
}

// markers scans the block quote and list markers a line opens with
// (">", "-", "+", "*", "1.", "1)"). It returns where the line's content
// starts after them and, when there are more than maxNesting, where to put
// the backslash that turns the first one past the limit into text (-1
// otherwise). It over-counts (a "-" in code is counted) but never
// under-counts, which is what matters.
func markers(line string) (content, excess int) {
	n := 0
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '>':
			if n++; n > maxNesting {
				return i, i
			}
			i++
			continue
		case c == '-' || c == '+' || c == '*':
			if i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\t' {
				return i, -1
			}
			if n++; n > maxNesting {
				return i, i
			}
			i++
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 10 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j >= len(line) || (line[j] != '.' && line[j] != ')') ||
				(j+1 < len(line) && line[j+1] != ' ' && line[j+1] != '\t') {
				return i, -1
			}
			if n++; n > maxNesting {
				return i, j
			}
			i = j + 1
			continue
		}
		return i, -1
	}
	return i, -1
}

// limitNesting escapes the block quote or list marker that would open
// container number maxNesting+1 on this line: "\>", "\-", "12\.".
func (p *preparer) limitNesting(line string) string {
	if isThematicBreak(line) {
		return line // "* * * * …": a rule, however many stars, opens nothing
	}
	if _, at := markers(line); at >= 0 {
		p.ok = false
		return line[:at] + "\\" + line[at:]
	}
	return line
}

// isThematicBreak tells whether a line is made of one of "-", "*", "_"
// and blanks only.
func isThematicBreak(line string) bool {
	t := strings.Trim(line, " \t")
	if t == "" || !strings.ContainsRune("-*_", rune(t[0])) {
		return false
	}
	return strings.Trim(t, string(t[0])+" \t") == ""
}

// limitBrackets escapes every "[" met while maxBrackets are already open
// in the current run. Escapes, code spans and the like are not understood,
// only a backslash right before a bracket, so the count errs on the high
// side.
func (p *preparer) limitBrackets(line string) string {
	if p.open < maxBrackets && strings.Count(line, "[") < maxBrackets-p.open {
		// Fast path: this line cannot reach the limit.
		for i := 0; i < len(line); i++ {
			switch {
			case line[i] == '\\':
				i++
			case line[i] == '[':
				p.open++
			case line[i] == ']' && p.open > 0:
				p.open--
			}
		}
		return line
	}
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			b.WriteByte(c)
			if i+1 < len(line) {
				i++
				b.WriteByte(line[i])
			}
			continue
		case c == '[':
			if p.open >= maxBrackets {
				b.WriteByte('\\')
				p.ok = false
			} else {
				p.open++
			}
		case c == ']' && p.open > 0:
			p.open--
		}
		b.WriteByte(c)
	}
	return b.String()
}

// limitDelimiters escapes, character by character, every delimiter run
// met when maxDelimiters are already counted in the current run: runs of
// "*" or "_" (goldmark keeps every one, even one inside a word, on its
// list of delimiters, and each closing one walks back over that list) and
// runs of one or two "~" (three or more are no strikethrough, and open
// code fences).
//
// Runs among the line's container markers, and on a line that looks like
// a thematic break, are counted but never escaped: escaping them would
// change the blocks, and none of them can close (they stand between
// blanks and line ends), so past the limit no closer is left to walk the
// list. Code spans are not understood: past the limit a backslash may show
// in one.
func (p *preparer) limitDelimiters(line string) string {
	if p.delimiters+strings.Count(line, "*")+strings.Count(line, "_")+strings.Count(line, "~") < maxDelimiters {
		// Fast path: this line cannot reach the limit, count its runs.
		p.delimiters += len(delimiterRuns(line))
		return line
	}
	from := len(line)
	if !isThematicBreak(line) {
		from, _ = markers(line)
	}
	var b strings.Builder
	last := 0
	for _, r := range delimiterRuns(line) {
		if p.delimiters < maxDelimiters || r[0] < from {
			p.delimiters++
			continue
		}
		p.ok = false
		b.WriteString(line[last:r[0]])
		for i := r[0]; i < r[1]; i++ {
			b.WriteByte('\\')
			b.WriteByte(line[i])
		}
		last = r[1]
	}
	if last == 0 {
		return line
	}
	b.WriteString(line[last:])
	return b.String()
}

// delimiterRuns returns the [start, end) of the delimiter runs of a line,
// skipping characters escaped by a backslash.
func delimiterRuns(line string) [][2]int {
	var runs [][2]int
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '\\' {
			i++
			continue
		}
		if c != '*' && c != '_' && c != '~' {
			continue
		}
		j := i
		for j < len(line) && line[j] == c {
			j++
		}
		if c != '~' || j-i <= 2 {
			runs = append(runs, [2]int{i, j})
		}
		i = j - 1
	}
	return runs
}

// wrap breaks a line so that no piece is longer than maxLineBytes and no
// run of non-blank bytes longer than maxRunBytes. A break replaces a run
// of blanks, preferably one followed by a letter (a piece starting with a
// letter cannot start a new block: no list, heading or quote appears),
// never one preceded by a backslash (that would make a hard line break).
// Without a blank, a run is cut between two runes, before a letter if one
// is near. Any break but the first kind makes ok false.
func (p *preparer) wrap(line string) []string {
	var pieces []string
	for len(line) > maxLineBytes || (len(line) > maxRunBytes && longestRun(line) > maxRunBytes) {
		cut, next, clean := findCut(line)
		if !clean {
			p.ok = false
		}
		pieces = append(pieces, line[:cut])
		line = line[next:]
	}
	return append(pieces, line)
}

// findCut returns where to end the current piece, where the next starts
// (after the blanks dropped at the break), and whether the break is at a
// blank followed by a letter.
func findCut(line string) (cut, next int, clean bool) {
	limit := min(len(line), maxLineBytes)
	// The first over-long run, if it starts before limit, decides.
	runStart := 0
	for i := 0; i < limit; i++ {
		if line[i] == ' ' || line[i] == '\t' {
			runStart = i + 1
			continue
		}
		if i-runStart >= maxRunBytes {
			limit = i
			break
		}
	}
	// A blank run in the second half of the window, best followed by a
	// letter.
	fallback := false
	for i := limit - 1; i > limit/2; i-- {
		if line[i] != ' ' && line[i] != '\t' {
			continue
		}
		j := i
		for j > 0 && (line[j-1] == ' ' || line[j-1] == '\t') {
			j--
		}
		if j == 0 || line[j-1] == '\\' {
			i = j
			continue
		}
		r, _ := utf8.DecodeRuneInString(line[i+1:])
		if unicode.IsLetter(r) {
			return j, i + 1, true
		}
		if !fallback {
			fallback = true
			cut, next = j, i+1
		}
		i = j
	}
	if fallback {
		return cut, next, false
	}
	// No blank: cut inside the run, before a letter within the last 64
	// bytes if there is one, else at a rune boundary.
	for i := limit - 1; i > limit-64 && i > 0; i-- {
		if !utf8.RuneStart(line[i]) || line[i-1] == '\\' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(line[i:])
		if unicode.IsLetter(r) {
			return i, i, false
		}
	}
	i := limit
	for i > 1 && !utf8.RuneStart(line[i]) {
		i--
	}
	return i, i, false
}

// longestRun is the length of the longest run of non-blank bytes.
func longestRun(s string) int {
	longest, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			cur = 0
			continue
		}
		cur++
		longest = max(longest, cur)
	}
	return longest
}

// ExternalURL is the allowlist of link targets a reader may follow out of
// a learner's text: http(s) with a host, or mailto: with an address.
// Relative paths are refused (a report has no business linking to the
// platform's own pages), and so is every other scheme (javascript:, data:,
// file:…). The PDF uses it as is: a "#fragment" would point to no anchor
// there.
func ExternalURL(dest string) bool {
	u, err := url.Parse(strings.TrimSpace(dest))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != "" && u.Opaque == ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// PageURL is the allowlist of link targets in an HTML page: ExternalURL,
// or a "#fragment" of the page itself, for links to the report's own
// headings.
func PageURL(dest string) bool {
	return strings.HasPrefix(strings.TrimSpace(dest), "#") || ExternalURL(dest)
}
