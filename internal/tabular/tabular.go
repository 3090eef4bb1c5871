// Package tabular writes tables for spreadsheets: CSV for French Excel
// (UTF-8 byte order mark, « ; » separator, decimal comma, dates
// « 25/11/2026 ») and XLSX workbooks (numbers stored as numbers, dates as
// dates, a bold frozen header row, one sheet per table). A table's columns
// are typed, so that both formats say the same thing and a value of the
// wrong type is refused instead of being written as text.
package tabular

import (
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve on machines without a zoneinfo database
)

// Kind is a column's type.
type Kind int

// The kinds of columns.
const (
	Text     Kind = iota // string
	Integer              // int or int64
	Decimal              // float64
	Date                 // time.Time, the day (Europe/Paris)
	DateTime             // time.Time, day and time (Europe/Paris)
)

// Paris is the time zone dates are written in.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// Column is a named, typed column.
type Column struct {
	Name     string
	Kind     Kind
	Decimals int // Decimal: digits after the comma
}

// TextCol, IntCol, DecCol, DateCol and DateTimeCol build columns.
func TextCol(name string) Column { return Column{Name: name, Kind: Text} }

// IntCol is an integer column.
func IntCol(name string) Column { return Column{Name: name, Kind: Integer} }

// DecCol is a decimal column shown with the given number of decimals.
func DecCol(name string, decimals int) Column {
	return Column{Name: name, Kind: Decimal, Decimals: decimals}
}

// DateCol is a day column.
func DateCol(name string) Column { return Column{Name: name, Kind: Date} }

// DateTimeCol is a day-and-time column.
func DateTimeCol(name string) Column { return Column{Name: name, Kind: DateTime} }

// Table is one sheet: a name, typed columns and rows. A nil value, an empty
// string or a zero time is an empty cell. Rows are either held (Add) or
// produced on demand by Source, twice per write (a check, then the
// writing): a large export never holds its rows, checked or formatted.
type Table struct {
	Sheet   string
	Columns []Column
	Rows    [][]any
	// Source, when set, yields the rows instead of Rows; it must yield the
	// same rows each time it is called.
	Source func(yield func(values ...any) error) error
}

// New starts a table.
func New(sheet string, cols ...Column) *Table {
	return &Table{Sheet: sheet, Columns: cols}
}

// Add appends a row; its values are checked when the table is written.
func (t *Table) Add(values ...any) { t.Rows = append(t.Rows, values) }

// cell is a checked value: nil when empty.
type cell struct {
	empty bool
	s     string
	i     int64
	f     float64
	t     time.Time
}

// each checks every row against the columns, so that a programming error
// (a number in a date column) fails the export instead of writing a
// misleading cell, and hands it to fn as cells (a buffer reused from row to
// row: fn must not keep it).
func (t *Table) each(fn func(r int, row []cell) error) error {
	buf := make([]cell, len(t.Columns))
	r := 0
	visit := func(row ...any) error {
		if err := t.checkRow(r, row, buf); err != nil {
			return err
		}
		r++
		return fn(r-1, buf)
	}
	if t.Source != nil {
		return t.Source(visit)
	}
	for _, row := range t.Rows {
		if err := visit(row...); err != nil {
			return err
		}
	}
	return nil
}

func (t *Table) checkRow(r int, row []any, out []cell) error {
	if len(row) != len(t.Columns) {
		return fmt.Errorf("tableau %q, ligne %d : %d valeurs pour %d colonnes", t.Sheet, r+1, len(row), len(t.Columns))
	}
	for c, v := range row {
		col := t.Columns[c]
		var x cell
		ok := true
		switch val := v.(type) {
		case nil:
			x.empty = true
		case string:
			x.s, x.empty, ok = val, val == "", col.Kind == Text
		case int:
			x.i, ok = int64(val), col.Kind == Integer
		case int64:
			x.i, ok = val, col.Kind == Integer
		case float64:
			x.f, ok = val, col.Kind == Decimal
		case time.Time:
			x.t, x.empty, ok = val, val.IsZero(), col.Kind == Date || col.Kind == DateTime
		default:
			ok = false
		}
		if !ok {
			return fmt.Errorf("tableau %q, ligne %d, colonne %q : valeur %T incompatible avec le type de la colonne", t.Sheet, r+1, col.Name, v)
		}
		out[c] = x
	}
	return nil
}

// Check checks every row of the tables without writing anything: a writer
// that streams to a client calls it first, so that an error is a page, not
// a cut file.
func Check(tables ...*Table) error {
	for _, t := range tables {
		if err := t.each(func(int, []cell) error { return nil }); err != nil {
			return err
		}
	}
	return nil
}
