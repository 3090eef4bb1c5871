package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app"
)

// heatmapFile is the JSON export, as the API writes it.
type heatmapFile struct {
	Cohort struct {
		ID   int64  `json:"id"`
		Name string `json:"nom"`
	} `json:"promotion"`
	Learners int `json:"apprenants"`
	Pages    int `json:"pages"`
	Columns  []struct {
		Capacity string         `json:"capacite"`
		Totals   map[string]int `json:"totaux"`
	} `json:"colonnes"`
	Rows []struct {
		ID       int64    `json:"apprenant"`
		Name     string   `json:"nom"`
		Acquired int      `json:"acquises"`
		Pending  int      `json:"en_evaluation"`
		Returned int      `json:"renvois"`
		Cells    []string `json:"cellules"`
	} `json:"lignes"`
}

// A seeded cohort exported in the three formats: the spreadsheets hold the
// JSON's figures, as numbers.
func TestExportCoverageFormatsAgree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "casp.db")
	out, err := cliRun(t, "", "seed", "--learners", "20", "--pieces-per-learner", "6", "--db", db)
	if err != nil {
		t.Fatal(message(err))
	}
	id := strconv.FormatInt(seededID(t, out), 10)
	export := func(format string) string {
		t.Helper()
		path := filepath.Join(dir, "couverture."+format)
		msg, err := cliRun(t, "", "export", "couverture", "--cohorte", id, "--format", format, "--db", db, "--out", path)
		if err != nil {
			t.Fatalf("%s : %s", format, message(err))
		}
		if !strings.Contains(msg, "20 apprenants") || !strings.Contains(msg, path) {
			t.Errorf("%s : message %q", format, msg)
		}
		return path
	}
	raw, err := os.ReadFile(export("json"))
	if err != nil {
		t.Fatal(err)
	}
	var j heatmapFile
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	if j.Learners != 20 || len(j.Rows) != 20 || j.Pages != 1 || len(j.Columns) < 40 || j.Cohort.Name != "Promotion synthétique 20" {
		t.Fatalf("JSON : %d apprenants, %d lignes, %d pages, %d colonnes, promotion %q", j.Learners, len(j.Rows), j.Pages, len(j.Columns), j.Cohort.Name)
	}
	// Without --out, the file goes to the standard output.
	stdout, err := cliRun(t, "", "export", "couverture", "--cohorte", id, "--format", "json", "--db", db)
	if err != nil || strings.TrimSpace(stdout) != strings.TrimSpace(string(raw)) {
		t.Errorf("sortie standard différente du fichier (%v)", err)
	}

	// XLSX: every learner, their totals as numbers equal to the JSON's.
	f, err := excelize.OpenFile(export("xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Apprenants", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 21 {
		t.Fatalf("Apprenants : %d lignes", len(rows))
	}
	idx := map[string]int{}
	for i, h := range rows[0] {
		idx[h] = i
	}
	byID := map[string]int{}
	for i, r := range rows[1:] {
		byID[r[idx["N° apprenant"]]] = i + 2
	}
	acquiredSeen := 0
	for _, r := range j.Rows {
		line, ok := byID[strconv.FormatInt(r.ID, 10)]
		if !ok {
			t.Errorf("apprenant %d absent du classeur", r.ID)
			continue
		}
		for name, want := range map[string]int{"Capacités acquises": r.Acquired, "Capacités en évaluation": r.Pending, "Renvois d'une même pièce (maximum)": r.Returned} {
			ref, _ := excelize.CoordinatesToCellName(idx[name]+1, line)
			v, _ := f.GetCellValue("Apprenants", ref, excelize.Options{RawCellValue: true})
			ct, _ := f.GetCellType("Apprenants", ref)
			if v != strconv.Itoa(want) || (ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber) {
				t.Errorf("%s, %s (%s) : %q de type %v, attendu le nombre %d", r.Name, name, ref, v, ct, want)
			}
		}
		acquiredSeen += r.Acquired
		first := idx[j.Columns[0].Capacity]
		for k, st := range r.Cells {
			if got := rows[line-1][first+k]; got != assessment.CapacityState(st).Label() {
				t.Errorf("%s, %s : %q, attendu %q", r.Name, j.Columns[k].Capacity, got, assessment.CapacityState(st).Label())
			}
		}
	}
	if acquiredSeen == 0 {
		t.Error("aucune capacité acquise dans la promotion synthétique : la comparaison ne prouve rien")
	}
	totals, err := f.GetRows("Totaux", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	tidx := map[string]int{}
	for i, h := range totals[0] {
		tidx[h] = i
	}
	for k, c := range j.Columns {
		for st, n := range c.Totals {
			label := assessment.CapacityState(st).Label()
			if got := totals[k+1][tidx[label]]; got != strconv.Itoa(n) {
				t.Errorf("Totaux, %s, %s : %q, attendu %d", c.Capacity, label, got, n)
			}
		}
	}

	// CSV: the same lines, for French Excel.
	b, err := os.ReadFile(export("csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\uFEFF") {
		t.Error("CSV sans marque d'ordre des octets")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF")))
	r.Comma = ';'
	lines, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 21 || strings.Join(lines[0], "|") != strings.Join(rows[0], "|") {
		t.Errorf("CSV : %d lignes, en-tête %q", len(lines), lines[0])
	}

	// The reads are in the audit log.
	d, err := app.OpenDB(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	reads, err := account.New(d).AuditLog(context.Background(), account.AuditFilter{Action: account.ActionRead})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range reads {
		if e.ActorLogin == "ligne de commande" && strings.HasPrefix(e.Target, "export de la couverture de la promotion Promotion synthétique 20") {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d exports journalisés, attendu 4", n)
	}
}

func TestExportCoverageRefusesBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "casp.db")
	if _, err := cliRun(t, "", "seed", "--learners", "2", "--pieces-per-learner", "1", "--db", db); err != nil {
		t.Fatal(message(err))
	}
	missing := filepath.Join(dir, "absente.db")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--cohorte", "1", "--format", "pdf", "--db", db}, "--format attend csv, xlsx ou json"},
		{[]string{"--format", "csv", "--db", db}, "indiquez la promotion avec --cohorte ID"},
		{[]string{"--cohorte", "abc", "--format", "csv", "--db", db}, "option invalide"},
		{[]string{"--cohorte", "999", "--format", "csv", "--db", db}, "promotion 999 introuvable"},
		{[]string{"--cohorte", "1", "--format", "csv", "--db", missing}, "introuvable"},
		{[]string{"--cohorte", "1", "--format", "csv", "--db", db, "en-trop"}, "argument inattendu"},
	}
	for _, c := range cases {
		out := filepath.Join(dir, "sortie.csv")
		_, err := cliRun(t, "", append([]string{"export", "couverture", "--out", out}, c.args...)...)
		if err == nil || !strings.Contains(message(err), c.want) {
			t.Errorf("%q : erreur %v, attendu %q", c.args, err, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%q : un fichier a été écrit malgré l'erreur", c.args)
			os.Remove(out)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("l'export a créé une base vide à la place de la base absente")
	}
}
