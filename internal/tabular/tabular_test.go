package tabular

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sample has one column of each kind, an empty cell of each, accents and a
// text that Excel would run as a formula.
func sample() *Table {
	t := New("Apprenants et capacités : 2026/1",
		TextCol("Apprenant"), IntCol("Capacités acquises"), DecCol("Délai médian (jours)", 2),
		DateCol("Date de dépôt"), DateTimeCol("Publication"))
	// 14 h 30 in Paris on 25 November 2026 (UTC+1) is 13 h 30 UTC.
	at := time.Date(2026, 11, 25, 13, 30, 0, 0, time.UTC)
	t.Add("Éloïse Dupré", 12, 3.25, at, at)
	t.Add("=HYPERLINK(\"http://x\")", int64(0), 0.5, time.Time{}, nil)
	t.Add(nil, nil, nil, at.AddDate(0, -6, 0), at.AddDate(0, -6, 0)) // summer time: UTC+2
	return t
}

func TestCSVReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, "\uFEFF") {
		t.Fatal("pas de marque d'ordre des octets UTF-8 : Excel lirait les accents de travers")
	}
	if !strings.Contains(raw, "\r\n") {
		t.Error("fins de ligne CRLF attendues")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF")))
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Apprenant", "Capacités acquises", "Délai médian (jours)", "Date de dépôt", "Publication"},
		{"Éloïse Dupré", "12", "3,25", "25/11/2026", "25/11/2026 14:30"},
		{"'=HYPERLINK(\"http://x\")", "0", "0,50", "", ""},
		{"", "", "", "25/05/2026", "25/05/2026 15:30"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d lignes relues, %d attendues : %q", len(got), len(want), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("ligne %d : %q, attendu %q", i+1, got[i], want[i])
		}
	}
}

func TestWrongTypeIsRefused(t *testing.T) {
	for _, v := range []any{"12", 1.5, time.Now(), true} {
		tb := New("x", IntCol("n"))
		tb.Add(v)
		if err := WriteCSV(&bytes.Buffer{}, tb); err == nil {
			t.Errorf("%T dans une colonne entière : accepté", v)
		}
		if err := WriteXLSX(&bytes.Buffer{}, Workbook{}, tb); err == nil {
			t.Errorf("%T dans une colonne entière : accepté en XLSX", v)
		}
	}
	tb := New("x", TextCol("a"), TextCol("b"))
	tb.Add("seul")
	if err := WriteCSV(&bytes.Buffer{}, tb); err == nil || !strings.Contains(err.Error(), "1 valeurs pour 2 colonnes") {
		t.Errorf("ligne trop courte : %v", err)
	}
}

func TestXLSXReadsBack(t *testing.T) {
	totals := New("Totaux", TextCol("État"), IntCol("Nombre"))
	totals.Add("Acquise", 1234)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, Workbook{Title: "Essai"}, sample(), totals); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	// « : » and « / » are not allowed in sheet names.
	if strings.Join(sheets, "|") != "Apprenants et capacités - 2026-|Totaux" {
		t.Fatalf("feuilles %q", sheets)
	}
	main := sheets[0]
	raw := excelize.Options{RawCellValue: true}
	value := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref, raw)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cellType := func(sheet, ref string) excelize.CellType {
		t.Helper()
		ct, err := f.GetCellType(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return ct
	}
	numFmt := func(sheet, ref string) (bool, string, int) {
		t.Helper()
		id, err := f.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		custom := ""
		if st.CustomNumFmt != nil {
			custom = *st.CustomNumFmt
		}
		return st.Font != nil && st.Font.Bold, custom, st.NumFmt
	}

	// Header: the column names, bold, frozen.
	for i, name := range []string{"Apprenant", "Capacités acquises", "Délai médian (jours)", "Date de dépôt", "Publication"} {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		if v := value(main, ref); v != name {
			t.Errorf("%s : %q, attendu %q", ref, v, name)
		}
		if bold, _, _ := numFmt(main, ref); !bold {
			t.Errorf("en-tête %s pas en gras", ref)
		}
	}
	panes, err := f.GetPanes(main)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("volets : %+v, attendu la première ligne figée", panes)
	}

	// Text stays text, accents intact; the formula-like text is not a formula.
	if v := value(main, "A2"); v != "Éloïse Dupré" {
		t.Errorf("A2 : %q", v)
	}
	if ct := cellType(main, "A3"); ct == excelize.CellTypeFormula {
		t.Error("A3 : le texte a été écrit comme une formule")
	}
	if fo, _ := f.GetCellFormula(main, "A3"); fo != "" {
		t.Errorf("A3 : formule %q", fo)
	}
	// Numbers are numbers (no type attribute, or « n »), with their format.
	for ref, want := range map[string]float64{"B2": 12, "B3": 0, "C2": 3.25, "C3": 0.5} {
		if ct := cellType(main, ref); ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
			t.Errorf("%s : type %v, attendu un nombre", ref, ct)
		}
		got, err := strconv.ParseFloat(value(main, ref), 64)
		if err != nil || got != want {
			t.Errorf("%s : %q (%v), attendu %v", ref, value(main, ref), err, want)
		}
	}
	if _, custom, id := numFmt(main, "C2"); custom != "#,##0.00" {
		t.Errorf("C2 : format %q (%d), attendu #,##0.00", custom, id)
	}
	// Dates are serial numbers with a date format, in Paris time.
	wantSerial := map[string]float64{
		"D2": 46351 + (14.5 / 24), // 25/11/2026 14:30, Excel serial of the day is 46351
		"E2": 46351 + (14.5 / 24),
		"E4": 46167 + (15.5 / 24), // 25/05/2026 15:30 (summer time)
	}
	for ref, want := range wantSerial {
		got, err := strconv.ParseFloat(value(main, ref), 64)
		if err != nil || got < want-1e-6 || got > want+1e-6 {
			t.Errorf("%s : %q, attendu le nombre de série %v", ref, value(main, ref), want)
		}
	}
	if _, custom, _ := numFmt(main, "D2"); custom != "dd/mm/yyyy" {
		t.Errorf("D2 : format %q, attendu dd/mm/yyyy", custom)
	}
	if _, custom, _ := numFmt(main, "E2"); custom != "dd/mm/yyyy hh:mm" {
		t.Errorf("E2 : format %q, attendu dd/mm/yyyy hh:mm", custom)
	}
	if shown, _ := f.GetCellValue(main, "D2"); shown != "25/11/2026" {
		t.Errorf("D2 affichée %q, attendu 25/11/2026", shown)
	}
	// Empty cells stay empty.
	for _, ref := range []string{"D3", "E3", "A4", "B4", "C4"} {
		if v := value(main, ref); v != "" {
			t.Errorf("%s : %q, attendu une cellule vide", ref, v)
		}
	}
	// Widths fit the content, within bounds.
	for col, min := range map[string]float64{"A": 14, "D": 12, "E": 12} {
		w, err := f.GetColWidth(main, col)
		if err != nil {
			t.Fatal(err)
		}
		if w < min || w > maxWidth {
			t.Errorf("colonne %s : largeur %v", col, w)
		}
	}
	// A filter on the header row, over every line (an Excel table).
	tables, err := f.GetTables(main)
	if err != nil || len(tables) != 1 || tables[0].Range != "A1:E4" {
		t.Errorf("pas de tableau filtrable sur l'en-tête et toutes les lignes : %+v (%v)", tables, err)
	}
	// The second sheet holds its own numbers.
	if v := value("Totaux", "B2"); v != "1234" {
		t.Errorf("Totaux!B2 : %q", v)
	}
}

func TestSheetNamesAreUniqueAndShort(t *testing.T) {
	long := strings.Repeat("Évaluateurs ", 5)
	names := sheetNames([]*Table{{Sheet: long}, {Sheet: long}, {Sheet: " "}})
	if len([]rune(names[0])) > 31 || len([]rune(names[1])) > 31 || names[0] == names[1] {
		t.Errorf("noms %q", names)
	}
	if names[2] != "Feuille 3" {
		t.Errorf("nom vide remplacé par %q", names[2])
	}
}
