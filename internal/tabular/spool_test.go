package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// fromSource turns sample's rows into a Source that counts its calls.
func fromSource(t *Table, calls *int) *Table {
	rows := t.Rows
	t.Rows = nil
	t.Source = func(yield func(...any) error) error {
		*calls++
		for _, r := range rows {
			if err := yield(r...); err != nil {
				return err
			}
		}
		return nil
	}
	return t
}

// A spooled table writes the same files as the table itself, reading its
// source once however many passes the writers make; release removes the
// spool.
func TestSpoolReplaysTheSameRows(t *testing.T) {
	t.Parallel()
	var want, wantX bytes.Buffer
	if err := WriteCSV(&want, sample()); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(&wantX, Workbook{Title: "t"}, sample()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	calls := 0
	tab := fromSource(sample(), &calls)
	release, err := Spool(dir, tab)
	if err != nil {
		t.Fatal(err)
	}
	var got, gotX bytes.Buffer
	if err := WriteCSV(&got, tab); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(&gotX, Workbook{Title: "t"}, tab); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("CSV relu :\n%s\nattendu :\n%s", got.String(), want.String())
	}
	a, b := readSheet(t, gotX.Bytes()), readSheet(t, wantX.Bytes())
	if len(a) != len(b) || len(a) < 2 {
		t.Fatalf("XLSX relu : %d lignes, attendu %d", len(a), len(b))
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			t.Fatalf("ligne %d : %q, attendu %q", i, a[i], b[i])
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				t.Errorf("ligne %d, colonne %d : %q, attendu %q", i, j, a[i][j], b[i][j])
			}
		}
	}
	if calls != 1 {
		t.Errorf("source lue %d fois, attendu 1", calls)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 1 {
		t.Errorf("fichiers de relais : %v", files)
	}
	release()
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Errorf("fichiers laissés après release : %v", files)
	}
}

// A row that does not fit its columns fails the spool, which leaves no file.
func TestSpoolRefusesAndCleansUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	calls := 0
	tab := fromSource(sample(), &calls)
	inner := tab.Source
	tab.Source = func(yield func(...any) error) error {
		if err := inner(yield); err != nil {
			return err
		}
		return yield("x", "pas un nombre", nil, nil, nil)
	}
	if _, err := Spool(dir, tab); err == nil {
		t.Fatal("une ligne fausse passe")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("fichiers laissés : %d", len(entries))
	}
}

// openXLSX opens a workbook written in a test; it is closed with the test.
func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readSheet(t *testing.T, b []byte) [][]string {
	t.Helper()
	f := openXLSX(t, b)
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// A table longer than a sheet holds goes on over more sheets, each with
// its header; together they hold every row once, in order.
func TestXLSXTableOverSeveralSheets(t *testing.T) {
	old := maxSheetRows
	maxSheetRows = 2
	defer func() { maxSheetRows = old }()
	tab := sample()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, Workbook{Title: "t"}, tab); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, buf.Bytes())
	sheets := f.GetSheetList()
	if wantSheets := (len(tab.Rows) + 1) / 2; len(sheets) != wantSheets || len(tab.Rows) < 3 {
		t.Fatalf("feuilles %q pour %d lignes, attendu %d", sheets, len(tab.Rows), wantSheets)
	}
	var first string
	total := 0
	for i, name := range sheets {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = rows[0][0]
		} else if !strings.HasSuffix(name, fmt.Sprintf("(suite %d)", i+1)) || rows[0][0] != first {
			t.Errorf("feuille %q : en-tête %q", name, rows[0][0])
		}
		if len(rows)-1 > 2 {
			t.Errorf("feuille %q : %d lignes", name, len(rows)-1)
		}
		for _, r := range rows[1:] {
			if r[0] != tab.Rows[total][0] && !(r[0] == "" && tab.Rows[total][0] == nil) {
				t.Errorf("ligne %d : %q, attendu %v", total+1, r[0], tab.Rows[total][0])
			}
			total++
		}
	}
	if total != len(tab.Rows) {
		t.Errorf("%d lignes en tout, attendu %d", total, len(tab.Rows))
	}
}

// Each sheet prints landscape, fitted to the page's width, its header row
// repeated on every page.
func TestXLSXPrintSetup(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, Workbook{Title: "t"}, sample(), New("Totaux", TextCol("État"))); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		for _, f := range zr.File {
			if f.Name == name {
				r, _ := f.Open()
				b, _ := io.ReadAll(r)
				return string(b)
			}
		}
		t.Fatalf("%s absent", name)
		return ""
	}
	for _, sheet := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
		x := read(sheet)
		for _, want := range []string{`fitToPage="true"`, `orientation="landscape"`, `fitToWidth="1"`, `fitToHeight="0"`} {
			if !strings.Contains(x, want) && !strings.Contains(x, strings.Replace(want, `"true"`, `"1"`, 1)) {
				t.Errorf("%s : %s absent", sheet, want)
			}
		}
	}
	if wb := read("xl/workbook.xml"); strings.Count(wb, "_xlnm.Print_Titles") != 2 {
		t.Errorf("titres à répéter : %d sur 2 feuilles", strings.Count(wb, "_xlnm.Print_Titles"))
	}
	// The file still opens and reads back.
	f := openXLSX(t, buf.Bytes())
	if rows, err := f.GetRows(f.GetSheetName(0)); err != nil || len(rows) != len(sample().Rows)+1 {
		t.Errorf("relecture : %v, %d lignes", err, len(rows))
	}
}

// Each sheet's header row carries filter buttons: an Excel table whose
// autoFilter covers the header and every line, as Excel and LibreOffice
// draw them.
func TestXLSXFilterButtons(t *testing.T) {
	t.Parallel()
	tab := sample()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, Workbook{Title: "t"}, tab); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	last, _ := excelize.CoordinatesToCellName(len(tab.Columns), len(tab.Rows)+1)
	found := false
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/tables/") {
			continue
		}
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		if !strings.Contains(string(b), `<autoFilter ref="A1:`+last+`"`) || !strings.Contains(string(b), `ref="A1:`+last+`"`) {
			t.Errorf("%s : pas de filtre sur A1:%s : %.300s", f.Name, last, b)
		}
		found = true
	}
	if !found {
		t.Fatal("aucun tableau (xl/tables/…) : pas de boutons de filtre")
	}
}
