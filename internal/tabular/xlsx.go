package tabular

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Column widths, in characters.
const (
	minWidth = 8
	maxWidth = 60
)

// Number formats: Excel shows them with the reader's separators (a French
// Excel writes « 1 234,50 » and « 25/11/2026 »).
const (
	fmtDate     = "dd/mm/yyyy"
	fmtDateTime = "dd/mm/yyyy hh:mm"
)

func decimalFormat(n int) string {
	if n <= 0 {
		return "#,##0"
	}
	return "#,##0." + strings.Repeat("0", n)
}

// Workbook describes the file as a whole.
type Workbook struct {
	Title string // document title (file properties)
}

// WriteXLSX writes the tables as one workbook, one sheet per table, in
// order: a bold header row frozen at the top, column widths fitted to the
// content (within bounds), numbers and dates stored as such.
func WriteXLSX(w io.Writer, wb Workbook, tables ...*Table) error {
	if len(tables) == 0 {
		return fmt.Errorf("classeur sans tableau")
	}
	// First pass: the rows are checked, counted and the columns' widths
	// measured.
	type part struct {
		t      *Table
		widths []float64
		lo, hi int // rows of the table on this sheet
	}
	var parts []part
	var named []*Table // one per sheet, for the names
	for _, t := range tables {
		widths, n, err := t.widths()
		if err != nil {
			return err
		}
		// Beyond a sheet's million rows, the table goes on over more sheets.
		for lo, k := 0, 1; lo < n || lo == 0; lo, k = lo+maxSheetRows, k+1 {
			parts = append(parts, part{t, widths, lo, min(lo+maxSheetRows, n)})
			sheet := t.Sheet
			if k > 1 { // the suffix kept whole within Excel's 31 characters
				suffix := fmt.Sprintf(" (suite %d)", k)
				base := []rune(strings.TrimSpace(t.Sheet))
				sheet = string(base[:min(len(base), 31-utf8.RuneCountInString(suffix))]) + suffix
			}
			named = append(named, &Table{Sheet: sheet})
			if n == 0 {
				break
			}
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{Title: wb.Title, Creator: "casp", Language: "fr-FR",
		Created: time.Now().UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	names := sheetNames(named)
	for i := range parts {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), names[0]); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(names[i]); err != nil {
			return err
		}
	}
	// Before the rows: set once they are streamed, the active sheet made
	// excelize parse every sheet back (380 MB for 150,000 lines). The print
	// setup too (the stream writes what the sheet holds when it starts):
	// landscape, the columns fitted to the page's width, the header row
	// repeated on every printed page.
	f.SetActiveSheet(0)
	for _, name := range names {
		if err := printSetup(f, name); err != nil {
			return err
		}
	}
	for i, p := range parts {
		if err := writeSheet(f, st, names[i], fmt.Sprintf("Tableau%d", i+1), p.t, p.widths, p.lo, p.hi); err != nil {
			return fmt.Errorf("feuille %q : %w", names[i], err)
		}
	}
	// The archive goes straight to w: excelize's Write would build it whole
	// in memory first.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	_, err = f.WriteToBuffer()
	return err
}

// printSetup prints a sheet landscape, fitted to the page's width (as many
// pages down as needed), its first row repeated on each page.
func printSetup(f *excelize.File, sheet string) error {
	fit, landscape, one, any := true, "landscape", 1, 0
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + strings.ReplaceAll(sheet, "'", "''") + "'!$1:$1", Scope: sheet})
}

type styles struct {
	header   int
	integer  int
	decimals map[int]int
	date     int
	dateTime int
	text     int
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{decimals: map[int]int{}}
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return nil, err
	}
	if s.integer, err = f.NewStyle(&excelize.Style{NumFmt: 1}); err != nil { // « 0 »
		return nil, err
	}
	d, dt := fmtDate, fmtDateTime
	if s.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &d}); err != nil {
		return nil, err
	}
	if s.dateTime, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dt}); err != nil {
		return nil, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *styles) decimal(f *excelize.File, n int) (int, error) {
	if id, ok := s.decimals[n]; ok {
		return id, nil
	}
	format := decimalFormat(n)
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, err
	}
	s.decimals[n] = id
	return id, nil
}

// maxSheetRows is how many rows a sheet holds under its header (Excel's
// limit); a variable for the tests.
var maxSheetRows = excelize.TotalRows - 1

// errSheetFull ends a pass over a table's rows once a sheet is full.
var errSheetFull = errors.New("feuille pleine")

// writeSheet streams rows lo to hi-1 of t.
func writeSheet(f *excelize.File, st *styles, name, tableName string, t *Table, widths []float64, lo, hi int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	colStyle := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		switch c.Kind {
		case Integer:
			colStyle[i] = st.integer
		case Decimal:
			if colStyle[i], err = st.decimal(f, c.Decimals); err != nil {
				return err
			}
		case Date:
			colStyle[i] = st.date
		case DateTime:
			colStyle[i] = st.dateTime
		default:
			colStyle[i] = st.text
		}
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.Name}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	values := make([]any, len(t.Columns))
	n := 0
	if err := t.each(func(r int, row []cell) error {
		if r < lo {
			return nil
		}
		if r >= hi {
			return errSheetFull
		}
		r -= lo
		n++
		for i, x := range row {
			values[i] = nil
			if x.empty {
				continue
			}
			var v any
			switch t.Columns[i].Kind {
			case Integer:
				v = x.i
			case Decimal:
				v = x.f
			case Date, DateTime:
				// excelize writes the wall clock of the time's zone.
				v = x.t.In(Paris)
			default:
				v = x.s
			}
			values[i] = excelize.Cell{StyleID: colStyle[i], Value: v}
		}
		cellRef, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		return sw.SetRow(cellRef, values)
	}); err != nil && !errors.Is(err, errSheetFull) {
		return err
	}
	// A filter on the header row, over every line: an Excel table, which
	// the stream writes as it goes (a filter set afterwards made excelize
	// read the whole sheet back: 400 MB for 150,000 lines).
	if n > 0 && len(t.Columns) > 0 {
		last, err := excelize.CoordinatesToCellName(len(t.Columns), n+1)
		if err != nil {
			return err
		}
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: tableName}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// widths fits each column to its header and longest cell, within bounds,
// checking every row on the way.
func (t *Table) widths() ([]float64, int, error) {
	n := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		for _, word := range strings.Fields(c.Name) { // the header wraps between words
			n[i] = max(n[i], utf8.RuneCountInString(word))
		}
		n[i] = max(n[i], min(utf8.RuneCountInString(c.Name), 24))
	}
	rows := 0
	err := t.each(func(_ int, row []cell) error {
		rows++
		for i, x := range row {
			if x.empty {
				continue
			}
			var l int
			switch t.Columns[i].Kind {
			case Date:
				l = 10
			case DateTime:
				l = 16
			case Text:
				if n[i] >= maxWidth-2 {
					continue // already at the bound
				}
				l = utf8.RuneCountInString(x.s)
			default:
				l = len(csvText(t.Columns[i], x))
			}
			n[i] = max(n[i], l)
		}
		return nil
	})
	out := make([]float64, len(n))
	for i := range n {
		out[i] = float64(min(max(n[i]+2, minWidth), maxWidth))
	}
	return out, rows, err
}

// sheetNames makes Excel-safe, unique sheet names: at most 31 characters,
// none of []:*?/\ and not empty.
func sheetNames(tables []*Table) []string {
	out := make([]string, len(tables))
	seen := map[string]bool{}
	for i, t := range tables {
		name := strings.Map(func(r rune) rune {
			if strings.ContainsRune(`[]:*?/\`, r) {
				return '-'
			}
			return r
		}, strings.TrimSpace(t.Sheet))
		name = strings.Trim(name, "'")
		if name == "" {
			name = fmt.Sprintf("Feuille %d", i+1)
		}
		name = truncate(name, 31)
		base := name
		for n := 2; seen[strings.ToLower(name)]; n++ {
			suffix := fmt.Sprintf(" (%d)", n)
			name = truncate(base, 31-len(suffix)) + suffix
		}
		seen[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
