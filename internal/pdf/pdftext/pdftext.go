// Package pdftext reads back what a PDF says, page by page, so that tests
// can check a rendered document the way a reader would copy its text.
//
// github.com/ledongthuc/pdf does the reading (cross-references, object
// streams, filters, the content-stream and CMap interpreter). Only the last
// step, turning the bytes of a shown string into Unicode through the font's
// ToUnicode CMap, is done here: that library applies a bfrange by adding
// the offset to the last byte only, the letter of the specification, while
// fpdf (like other producers) writes the whole Unicode plane as one range
// <0000> <FFFF> <0000>, which every viewer reads as the identity. Read with
// the library alone, « œ » (U+0153) comes back as « S » and « — » as a
// control character; read here, as in Acrobat, poppler or pdf.js, they come
// back as written.
package pdftext

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// Document is what a PDF holds for a reader.
type Document struct {
	// Pages holds each page's text: one line per line of text, top to
	// bottom, the pieces of a line left to right.
	Pages []string
	// The document information and the catalogue's language.
	Title, Author, Subject, Creator, Lang string
	// Outline lists the bookmarks' titles in order, each prefixed by two
	// spaces per level of depth.
	Outline []string
}

// Read extracts the text and metadata of a PDF.
func Read(data []byte) (doc Document, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("PDF illisible : %v", e)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return doc, err
	}
	info := r.Trailer().Key("Info")
	doc.Title = info.Key("Title").Text()
	doc.Author = info.Key("Author").Text()
	doc.Subject = info.Key("Subject").Text()
	doc.Creator = info.Key("Creator").Text()
	doc.Lang = r.Trailer().Key("Root").Key("Lang").Text()
	var walk func(o pdf.Outline, depth int)
	walk = func(o pdf.Outline, depth int) {
		for _, c := range o.Child {
			doc.Outline = append(doc.Outline, strings.Repeat("  ", depth)+c.Title)
			walk(c, depth+1)
		}
	}
	walk(r.Outline(), 0)
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			return doc, fmt.Errorf("page %d introuvable", i)
		}
		doc.Pages = append(doc.Pages, pageText(p))
	}
	return doc, nil
}

type piece struct {
	x, end, y, size float64
	s               string
}

// font decodes the strings a font shows and measures them, in thousandths
// of the font size.
type font struct {
	decode func(raw string) string
	width  func(raw string) float64
}

func loadFont(p pdf.Page, name string) font {
	fv := p.Resources().Key("Font").Key(name)
	tu := fv.Key("ToUnicode")
	if fv.Key("Subtype").Name() == "Type0" && !tu.IsNull() {
		m := readCMap(tu)
		desc := fv.Key("DescendantFonts").Index(0)
		widths := cidWidths(desc.Key("W"))
		dw := 1000.0
		if v := desc.Key("DW"); !v.IsNull() {
			dw = v.Float64()
		}
		return font{decode: m.decode, width: func(raw string) float64 {
			sum := 0.0
			for len(raw) > 0 {
				n := m.codeLen(raw)
				if w, ok := widths[be(raw[:n])]; ok {
					sum += w
				} else {
					sum += dw
				}
				raw = raw[n:]
			}
			return sum
		}}
	}
	f := p.Font(name)
	decode := f.Encoder().Decode
	if !tu.IsNull() {
		decode = readCMap(tu).decode
	}
	return font{decode: decode, width: func(raw string) float64 {
		sum := 0.0
		for i := 0; i < len(raw); i++ {
			sum += f.Width(int(raw[i]))
		}
		return sum
	}}
}

// cidWidths reads a CIDFont's W array: "c [w1 w2 …]" gives the widths of
// c, c+1…; "c1 c2 w" gives w to c1…c2.
func cidWidths(w pdf.Value) map[int]float64 {
	out := map[int]float64{}
	for i := 0; i+1 < w.Len(); {
		first := int(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for k := 0; k < next.Len(); k++ {
				out[first+k] = next.Index(k).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			break
		}
		last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
		for c := first; c <= last && c-first < 1<<16; c++ {
			out[c] = width
		}
		i += 3
	}
	return out
}

// pageText follows the text operators of a page's content: positions
// (BT, Td, TD, Tm, TL, T*), fonts (Tf) and shown strings (Tj, TJ, ', ").
// Character and word spacing and scaling are not followed: producers of
// plain documents, fpdf among them, leave them alone.
func pageText(p pdf.Page) string {
	fonts := map[string]font{}
	cur := font{decode: func(s string) string { return s }, width: func(s string) float64 { return 500 * float64(len(s)) }}
	var pieces []piece
	var x, y, lx, ly, leading, size float64
	show := func(raw string) {
		text := cur.decode(raw)
		w := cur.width(raw) / 1000 * size
		if text != "" {
			pieces = append(pieces, piece{x: x, end: x + w, y: y, size: size, s: text})
		}
		x += w
	}
	pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "BT":
			x, y, lx, ly = 0, 0, 0, 0
		case "Td", "TD":
			lx, ly = lx+num(0), ly+num(1)
			x, y = lx, ly
			if op == "TD" {
				leading = -num(1)
			}
		case "Tm":
			lx, ly = num(4), num(5)
			x, y = lx, ly
		case "TL":
			leading = num(0)
		case "T*":
			ly -= leading
			x, y = lx, ly
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := fonts[name]
				if !ok {
					f = loadFont(p, name)
					fonts[name] = f
				}
				cur, size = f, num(1)
			}
		case "Tj", "'", "\"":
			if op != "Tj" {
				ly -= leading
				x, y = lx, ly
			}
			if len(args) > 0 {
				show(args[len(args)-1].RawString())
			}
		case "TJ":
			if len(args) == 0 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				if v := a.Index(i); v.Kind() == pdf.String {
					show(v.RawString())
				} else {
					x -= v.Float64() / 1000 * size
				}
			}
		}
	})
	return joinLines(pieces)
}

// joinLines groups pieces by baseline (within a point), top to bottom,
// and joins each line's pieces left to right, with a space where a gap
// stands between them and neither side has one.
func joinLines(pieces []piece) string {
	sort.SliceStable(pieces, func(i, j int) bool {
		if math.Abs(pieces[i].y-pieces[j].y) > 1 {
			return pieces[i].y > pieces[j].y
		}
		return pieces[i].x < pieces[j].x
	})
	var out []string
	var cur strings.Builder
	lastY := math.Inf(1)
	var prev piece
	for _, p := range pieces {
		if math.Abs(p.y-lastY) > 1 {
			if cur.Len() > 0 {
				out = append(out, cur.String())
			}
			cur.Reset()
			lastY = p.y
		} else if gap := p.x - prev.end; gap > 0.15*p.size && !strings.HasSuffix(prev.s, " ") && !strings.HasPrefix(p.s, " ") {
			cur.WriteByte(' ')
		}
		cur.WriteString(p.s)
		prev = p
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return strings.Join(out, "\n")
}

type codeRange struct{ lo, hi string }

type bfRange struct {
	lo, hi string
	dst    []string // one destination (offset added) or one per code
}

type cmap struct {
	space  []codeRange
	chars  map[string]string
	ranges []bfRange
}

// readCMap reads a ToUnicode CMap's code space, bfchar and bfrange
// entries. The CMap is a small PostScript program; only these sections
// matter, and they hold nothing but hexadecimal strings and arrays of them.
func readCMap(v pdf.Value) *cmap {
	rc := v.Reader()
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return &cmap{chars: map[string]string{}}
	}
	return parseCMap(data)
}

func parseCMap(data []byte) *cmap {
	m := &cmap{chars: map[string]string{}}
	var operands [][]string // each operand: one string, or an array's strings
	var array []string
	inArray := false
	for _, t := range tokenize(data) {
		switch {
		case t == "[":
			inArray, array = true, nil
		case t == "]":
			inArray = false
			operands = append(operands, array)
		case strings.HasPrefix(t, "<"):
			s := t[1:]
			if inArray {
				array = append(array, s)
			} else {
				operands = append(operands, []string{s})
			}
		case t == "begincodespacerange" || t == "beginbfchar" || t == "beginbfrange":
			operands = nil
		case t == "endcodespacerange":
			for i := 0; i+1 < len(operands); i += 2 {
				m.space = append(m.space, codeRange{operands[i][0], operands[i+1][0]})
			}
		case t == "endbfchar":
			for i := 0; i+1 < len(operands); i += 2 {
				m.chars[operands[i][0]] = utf16BE(strings.Join(operands[i+1], ""))
			}
		case t == "endbfrange":
			for i := 0; i+2 < len(operands); i += 3 {
				m.ranges = append(m.ranges, bfRange{operands[i][0], operands[i+1][0], operands[i+2]})
			}
		}
	}
	return m
}

// tokenize splits PostScript into tokens: "[" and "]", hexadecimal strings
// decoded and marked with a leading "<", and words. Dictionaries,
// literal strings and comments are skipped.
func tokenize(data []byte) []string {
	var out []string
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0:
			i++
		case c == '%':
			for i < len(data) && data[i] != '\n' && data[i] != '\r' {
				i++
			}
		case c == '[' || c == ']':
			out = append(out, string(c))
			i++
		case c == '<' && i+1 < len(data) && data[i+1] == '<', c == '>' && i+1 < len(data) && data[i+1] == '>':
			i += 2
		case c == '<':
			j := bytes.IndexByte(data[i:], '>')
			if j < 0 {
				return out
			}
			out = append(out, "<"+unhex(data[i+1:i+j]))
			i += j + 1
		case c == '(':
			depth := 0
			for ; i < len(data); i++ {
				if data[i] == '\\' {
					i++
				} else if data[i] == '(' {
					depth++
				} else if data[i] == ')' {
					if depth--; depth == 0 {
						i++
						break
					}
				}
			}
		default:
			j := i + 1
			for j < len(data) && !strings.ContainsRune(" \t\r\n\f[]<>()/%", rune(data[j])) {
				j++
			}
			out = append(out, string(data[i:j]))
			i = j
		}
	}
	return out
}

func unhex(h []byte) string {
	var digits []byte
	for _, c := range h {
		if ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') {
			digits = append(digits, c)
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	hex.Decode(out, digits)
	return string(out)
}

func (m *cmap) codeLen(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, r := range m.space {
			if len(r.lo) == n && r.lo <= s[:n] && s[:n] <= r.hi {
				return n
			}
		}
	}
	return 1
}

func (m *cmap) decode(raw string) string {
	var b strings.Builder
	for len(raw) > 0 {
		n := m.codeLen(raw)
		code := raw[:n]
		raw = raw[n:]
		if s, ok := m.chars[code]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteString(m.fromRange(code))
	}
	return b.String()
}

// fromRange maps a code through the bfranges: the destination plus the
// code's offset in the range, counted on the whole code, not its last byte.
func (m *cmap) fromRange(code string) string {
	for _, r := range m.ranges {
		if len(r.lo) != len(code) || code < r.lo || code > r.hi {
			continue
		}
		off := be(code) - be(r.lo)
		if len(r.dst) != 1 {
			if off < len(r.dst) {
				return utf16BE(r.dst[off])
			}
			return "\uFFFD"
		}
		rs := []rune(utf16BE(r.dst[0]))
		if len(rs) == 0 {
			return "\uFFFD"
		}
		rs[len(rs)-1] += rune(off)
		return string(rs)
	}
	return "\uFFFD"
}

func be(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n<<8 | int(s[i])
	}
	return n
}

func utf16BE(s string) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}
