package tabular

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// WriteCSV writes one table for French Excel, as the référentiel export
// does: a UTF-8 byte order mark (without it Excel reads accents as
// Windows-1252), « ; » as separator, CRLF line ends, a decimal comma and
// dates as « 25/11/2026 » (« 25/11/2026 14:30 » with a time), in Europe/Paris.
//
// A text cell starting with « = », « + », « - », « @ » or a control
// character gets a leading apostrophe: names and titles are typed by users,
// and Excel would run them as formulas (CSV injection).
func WriteCSV(w io.Writer, t *Table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	if err := t.each(func(_ int, row []cell) error {
		for i, x := range row {
			rec[i] = csvText(t.Columns[i], x)
		}
		return cw.Write(rec)
	}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvText formats a checked cell.
func csvText(col Column, x cell) string {
	if x.empty {
		return ""
	}
	switch col.Kind {
	case Integer:
		return strconv.FormatInt(x.i, 10)
	case Decimal:
		return strings.Replace(strconv.FormatFloat(x.f, 'f', col.Decimals, 64), ".", ",", 1)
	case Date:
		return x.t.In(Paris).Format("02/01/2006")
	case DateTime:
		return x.t.In(Paris).Format("02/01/2006 15:04")
	}
	return neutralize(x.s)
}

// neutralize keeps a spreadsheet from reading user text as a formula.
func neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}
