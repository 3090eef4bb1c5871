package server_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app/demo"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

const mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func readCSV(t *testing.T, r testenv.Response) [][]string {
	t.Helper()
	if !strings.HasPrefix(r.Body, "\uFEFF") {
		t.Fatal("CSV sans marque d'ordre des octets")
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readXLSX(t *testing.T, r testenv.Response) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("classeur illisible : %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func sheetRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("feuille %q : %v (feuilles : %q)", sheet, err, f.GetSheetList())
	}
	return rows
}

func col(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("colonne %q absente de %q", name, header)
	return -1
}

// The dotted export routes sit beside the pages without clashing, refuse
// unknown formats, and name their files after the cohort and the day.
func TestExportRoutesBesidePages(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	day := time.Now().In(time.FixedZone("", 0)).Format("2006-01-02")
	pages := map[string]string{
		"/promotions/1/couverture":  "Couverture du référentiel — Promotion 2026",
		"/promotions/1/evaluateurs": "Évaluateurs — Promotion 2026",
	}
	for path, h1 := range pages {
		r := mgr.Get(path)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(testenv.Text(r.Body), h1) {
			t.Errorf("%s : %d %s, h1 %q attendu", path, r.Status, r.Header.Get("Content-Type"), h1)
		}
	}
	for _, what := range []string{"couverture", "resultats", "evaluateurs"} {
		for format, mime := range map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": mimeXLSX} {
			path := "/promotions/1/" + what + "." + format
			r := mgr.Get(path)
			if r.Status != http.StatusOK || r.Header.Get("Content-Type") != mime {
				t.Errorf("%s : %d %q, attendu %q", path, r.Status, r.Header.Get("Content-Type"), mime)
				continue
			}
			cd := r.Header.Get("Content-Disposition")
			// The day is Paris's: accept UTC's or the next one around midnight.
			re := regexp.MustCompile(`^attachment; filename="` + what + `-promotion-2026-(\d{4}-\d{2}-\d{2})\.` + format + `"$`)
			m := re.FindStringSubmatch(cd)
			if m == nil {
				t.Errorf("%s : Content-Disposition %q", path, cd)
			} else if got, _ := time.Parse("2006-01-02", m[1]); got.Format("2006-01-02") != day && got.AddDate(0, 0, -1).Format("2006-01-02") != day {
				t.Errorf("%s : date %s dans le nom, attendu %s", path, m[1], day)
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s : Cache-Control %q", path, r.Header.Get("Cache-Control"))
			}
		}
		for _, bad := range []string{"pdf", "CSV", "csv.exe"} {
			if r := mgr.Get("/promotions/1/" + what + "." + bad); r.Status != http.StatusNotFound {
				t.Errorf("%s.%s : %d, attendu 404", what, bad, r.Status)
			}
		}
		if r := mgr.Get("/promotions/abc/" + what + ".csv"); r.Status != http.StatusNotFound {
			t.Errorf("promotion forgée : %d", r.Status)
		}
	}
	// Outsiders: a learner, a visitor, an assessor of another cohort.
	learner := env.NewClient()
	learner.Login("apprenant01", "demo")
	visitor := env.NewClient()
	other, err := env.Platform.Accounts.CreateCohort(context.Background(), account.NewCohort{Name: "Autre promotion", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	for _, path := range []string{"/promotions/1/couverture.xlsx", "/promotions/1/resultats.csv", "/promotions/1/evaluateurs", "/promotions/1/evaluateurs.csv"} {
		if r := learner.Get(path); r.Status != http.StatusForbidden {
			t.Errorf("apprenant, %s : %d", path, r.Status)
		}
		if r := visitor.Get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/connexion") {
			t.Errorf("visiteur, %s : %d %q", path, r.Status, r.Location)
		}
		other := strings.Replace(path, "/1/", "/"+strconv.FormatInt(other.ID, 10)+"/", 1)
		if r := ass.Get(other); r.Status != http.StatusForbidden {
			t.Errorf("évaluateur hors de la promotion, %s : %d", other, r.Status)
		}
	}
	// Every export read is in the audit log.
	reads, err := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionRead})
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, e := range reads {
		if e.ActorLogin == "responsable" {
			targets = append(targets, e.Target)
		}
	}
	for _, want := range []string{"export de la couverture de la promotion Promotion 2026 (xlsx)", "export des résultats de la promotion Promotion 2026 (csv)",
		"statistiques des évaluateurs de la promotion Promotion 2026"} {
		if !strings.Contains(strings.Join(targets, "\n"), want) {
			t.Errorf("lecture non journalisée : %q dans %q", want, targets)
		}
	}
}

// The heatmap exports hold the whole cohort, and the same figures as the
// JSON API.
func TestCoverageExportsMatchJSON(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	var api struct {
		Learners int `json:"apprenants"`
		Columns  []struct {
			Capacity string         `json:"capacite"`
			Totals   map[string]int `json:"totaux"`
		} `json:"colonnes"`
		Rows []struct {
			ID       int64    `json:"apprenant"`
			Name     string   `json:"nom"`
			Acquired int      `json:"acquises"`
			Cells    []string `json:"cellules"`
		} `json:"lignes"`
	}
	if err := json.Unmarshal([]byte(mgr.Get("/api/v1/promotions/1/couverture").Body), &api); err != nil {
		t.Fatal(err)
	}
	if api.Learners != 12 || len(api.Rows) != 12 || len(api.Columns) < 40 {
		t.Fatalf("JSON : %d apprenants, %d lignes, %d colonnes", api.Learners, len(api.Rows), len(api.Columns))
	}
	// CSV: one line per learner, state labels in French.
	rows := readCSV(t, mgr.Get("/promotions/1/couverture.csv"))
	if len(rows) != 13 {
		t.Fatalf("CSV : %d lignes, attendu l'en-tête et 12 apprenants", len(rows))
	}
	header := rows[0]
	first := col(t, header, api.Columns[0].Capacity)
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[0]] = r
	}
	for _, a := range api.Rows {
		r, ok := byName[a.Name]
		if !ok {
			t.Errorf("%s absent du CSV", a.Name)
			continue
		}
		if r[col(t, header, "N° apprenant")] != strconv.FormatInt(a.ID, 10) || r[col(t, header, "Capacités acquises")] != strconv.Itoa(a.Acquired) {
			t.Errorf("%s : %q, attendu %d acquises", a.Name, r[:4], a.Acquired)
		}
		for j, st := range a.Cells {
			if want := assessment.CapacityState(st).Label(); r[first+j] != want {
				t.Errorf("%s, %s : %q, attendu %q", a.Name, api.Columns[j].Capacity, r[first+j], want)
			}
		}
	}
	// XLSX: the same learners, numbers as numbers, and the totals sheet.
	f := readXLSX(t, mgr.Get("/promotions/1/couverture.xlsx"))
	if got := strings.Join(f.GetSheetList(), "|"); got != "Apprenants|Totaux" {
		t.Fatalf("feuilles %q", got)
	}
	if x := sheetRows(t, f, "Apprenants"); len(x) != 13 {
		t.Errorf("feuille Apprenants : %d lignes", len(x))
	}
	if ct, _ := f.GetCellType("Apprenants", "C2"); ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
		t.Errorf("Apprenants!C2 (acquises) : type %v, attendu un nombre", ct)
	}
	totals := sheetRows(t, f, "Totaux")
	if len(totals) != len(api.Columns)+1 {
		t.Fatalf("Totaux : %d lignes pour %d capacités", len(totals)-1, len(api.Columns))
	}
	th := totals[0]
	for i, c := range api.Columns {
		r := totals[i+1]
		if r[0] != c.Capacity {
			t.Fatalf("Totaux ligne %d : %q, attendu %q", i+2, r[0], c.Capacity)
		}
		sum := 0
		for _, st := range []assessment.CapacityState{assessment.CapAcquired, assessment.CapPending, assessment.CapRework, assessment.CapDraft, assessment.CapMissing} {
			j := col(t, th, st.Label())
			n, err := strconv.Atoi(r[j])
			if err != nil || n != c.Totals[string(st)] {
				t.Errorf("%s, %s : %q, attendu %d", c.Capacity, st.Label(), r[j], c.Totals[string(st)])
			}
			sum += n
		}
		if sum != 12 {
			t.Errorf("%s : %d apprenants comptés, attendu 12", c.Capacity, sum)
		}
	}
}

// The results export lists every released result, one criterion per line,
// with real dates and level ranks.
func TestResultsExport(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	rs, err := env.Platform.Assessment.CohortResults(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 3 {
		t.Fatalf("données de démonstration : %d résultats publiés seulement", len(rs))
	}
	rows := readCSV(t, mgr.Get("/promotions/1/resultats.csv"))
	h := rows[0]
	wantLines := 0
	for _, r := range rs {
		wantLines += max(1, len(r.Levels))
	}
	if len(rows)-1 != wantLines {
		t.Fatalf("CSV : %d lignes, attendu %d (un critère par ligne)", len(rows)-1, wantLines)
	}
	levels := map[string]bool{}
	for _, l := range assessment.DefaultLevels {
		levels[l] = true
	}
	decisions := map[string]bool{"Validé": true, "À retravailler": true, "Non validé": true}
	dateRe := regexp.MustCompile(`^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$`)
	for _, r := range rows[1:] {
		if !levels[r[col(t, h, "Niveau")]] || !decisions[r[col(t, h, "Décision")]] {
			t.Errorf("ligne %q : niveau ou décision inattendus", r)
		}
		rank, err := strconv.Atoi(r[col(t, h, "Rang du niveau (1 = le plus bas)")])
		if err != nil || assessment.DefaultLevels[rank-1] != r[col(t, h, "Niveau")] {
			t.Errorf("rang %q pour le niveau %q", r[col(t, h, "Rang du niveau (1 = le plus bas)")], r[col(t, h, "Niveau")])
		}
		if !dateRe.MatchString(r[col(t, h, "Déposée le")]) || !dateRe.MatchString(r[col(t, h, "Publiée le")]) {
			t.Errorf("dates %q, %q", r[col(t, h, "Déposée le")], r[col(t, h, "Publiée le")])
		}
		if r[col(t, h, "Évaluateur(s)")] == "" || r[col(t, h, "Critère")] == "" {
			t.Errorf("ligne incomplète %q", r)
		}
	}
	f := readXLSX(t, mgr.Get("/promotions/1/resultats.xlsx"))
	if got := strings.Join(f.GetSheetList(), "|"); got != "Résultats|Niveaux" {
		t.Fatalf("feuilles %q", got)
	}
	summary := sheetRows(t, f, "Résultats")
	if len(summary)-1 != len(rs) {
		t.Errorf("Résultats : %d lignes, attendu %d", len(summary)-1, len(rs))
	}
	// The release date is a date: a serial number with a date format.
	ref, _ := excelize.CoordinatesToCellName(col(t, summary[0], "Publiée le")+1, 2)
	if v, err := strconv.ParseFloat(summary[1][col(t, summary[0], "Publiée le")], 64); err != nil || v < 46000 {
		t.Errorf("Résultats!%s : %q n'est pas une date Excel", ref, summary[1][col(t, summary[0], "Publiée le")])
	}
	if len(sheetRows(t, f, "Niveaux")) != len(rows) {
		t.Errorf("Niveaux : pas le même nombre de lignes que le CSV")
	}
}

// Managers see every assessor; an assessor sees their own line only, in
// the page and in the exports.
func TestAssessorsPageScope(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	page := mgr.Get("/promotions/1/evaluateurs").Body
	for _, want := range []string{`<th scope="row">Olivier Marchand`, `<th scope="row">Sophie Lambert`, "Toute la promotion", "Accord par paire d'évaluateurs"} {
		if !strings.Contains(page, want) {
			t.Errorf("page du responsable : %q absent", want)
		}
	}
	rows := readCSV(t, mgr.Get("/promotions/1/evaluateurs.csv"))
	names := map[string]bool{}
	for _, r := range rows[1:] {
		names[r[0]] = true
	}
	if !names["Olivier Marchand"] || !names["Sophie Lambert"] {
		t.Errorf("CSV du responsable : %v", names)
	}
	w, err := env.Platform.Assessment.Workload(context.Background(), 1, assessment.WorkloadQuery{})
	if err != nil {
		t.Fatal(err)
	}
	f := readXLSX(t, mgr.Get("/promotions/1/evaluateurs.xlsx"))
	if got := strings.Join(f.GetSheetList(), "|"); got != "Évaluateurs|Promotion|Accord par paire" {
		t.Fatalf("feuilles %q", got)
	}
	total := sheetRows(t, f, "Promotion")
	if got := total[1][col(t, total[0], "Évaluations publiées")]; got != strconv.Itoa(w.Total.Released) {
		t.Errorf("total publié : %q, attendu %d", got, w.Total.Released)
	}

	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	body := ass.Get("/promotions/1/evaluateurs").Body
	if !strings.Contains(body, `<th scope="row">Olivier Marchand`) || strings.Contains(body, `<th scope="row">Sophie Lambert`) {
		t.Errorf("page de l'évaluateur : %s", testenv.Text(body))
	}
	if !strings.Contains(testenv.Text(body), "Vous voyez votre propre ligne") {
		t.Error("la page ne dit pas à l'évaluateur qu'il ne voit que sa ligne")
	}
	rows = readCSV(t, ass.Get("/promotions/1/evaluateurs.csv"))
	if len(rows) != 2 || rows[1][0] != "Olivier Marchand" {
		t.Errorf("CSV de l'évaluateur : %q", rows)
	}
	// Their own figures: no read of another person's data to audit.
	reads, err := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionRead})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range reads {
		if e.ActorLogin == "evaluateur1" && strings.Contains(e.Target, "évaluateurs") {
			t.Errorf("lecture de ses propres chiffres journalisée : %+v", e)
		}
	}
}

// The assessors page and the exports run a fixed number of statements,
// whatever the size of the cohort.
func TestAssessorsAndExportsStatementsDoNotGrow(t *testing.T) {
	t.Parallel()
	paths := []string{"evaluateurs", "evaluateurs.xlsx", "couverture.csv", "couverture.xlsx", "resultats.csv"}
	counts := map[int][]int64{}
	for _, n := range []int{10, 200} {
		env := testenv.Start(t, true)
		cohort := seedLarge(t, env, n, 6)
		if err := env.Platform.Assessment.RebuildCoverage(context.Background(), cohort); err != nil {
			t.Fatal(err)
		}
		c := env.NewClient()
		c.Login("admin", "demo")
		for _, p := range paths {
			path := "/promotions/" + strconv.FormatInt(cohort, 10) + "/" + p
			c.Get(path) // warm the session
			counts[n] = append(counts[n], statementsFor(env, func() {
				if r := c.Get(path); r.Status != http.StatusOK {
					t.Fatalf("%s : %d", path, r.Status)
				}
			}))
		}
	}
	for i, p := range paths {
		if counts[10][i] != counts[200][i] {
			t.Errorf("%s : %d requêtes SQL pour 10 apprenants, %d pour 200", p, counts[10][i], counts[200][i])
		}
	}
	t.Logf("requêtes SQL par requête HTTP (%s) : %v", strings.Join(paths, ", "), counts[10])
}

// A cohort with more assessors and pairs than a page holds: the assessors'
// page shows 50 people a page with a pager, both pages list the 50 pairs
// sharing the most ratings and say how many there are, and the XLSX export
// has every person and every pair.
func TestAssessorsPagePaged(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	cohort, err := demo.SeedSynthetic(ctx, env.Platform.DB, env.Platform.Catalog.Default(),
		demo.SyntheticOptions{Learners: 150, PiecesPerLearner: 6, Assessors: 60, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Platform.Assessment.RebuildCoverage(ctx, cohort); err != nil {
		t.Fatal(err)
	}
	w, err := env.Platform.Assessment.Workload(ctx, cohort, assessment.WorkloadQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if w.People < 60 || w.Agreement.PairTotal <= 50 {
		t.Fatalf("jeu d'essai trop petit : %d personnes, %d paires", w.People, w.Agreement.PairTotal)
	}
	c := env.NewClient()
	c.Login("admin", "demo")
	base := "/promotions/" + strconv.FormatInt(cohort, 10)
	rowNames := func(body string) []string {
		table := body[strings.Index(body, "<tbody>"):strings.Index(body, "</tbody>")]
		return regexp.MustCompile(`<th scope="row">([^<]+)`).FindAllString(table, -1)
	}
	one, two := c.Get(base+"/evaluateurs").Body, c.Get(base+"/evaluateurs?page=2").Body
	if n := len(rowNames(one)); n != 50 {
		t.Errorf("page 1 : %d évaluateurs, attendu 50", n)
	}
	if n := len(rowNames(two)); n != w.People-50 {
		t.Errorf("page 2 : %d évaluateurs, attendu %d", n, w.People-50)
	}
	if !strings.Contains(one, `href="?page=2" rel="next"`) || !strings.Contains(two, `href="?page=1" rel="prev"`) {
		t.Error("pas de lien vers la page suivante ou précédente")
	}
	if rowNames(one)[0] == rowNames(two)[0] {
		t.Error("la page 2 répète la page 1")
	}
	wantPairs := fmt.Sprintf("les 50 paires qui partagent le plus de notes, sur %d", w.Agreement.PairTotal)
	for _, p := range []string{base + "/evaluateurs", base + "/evaluation"} {
		body := c.Get(p).Body
		if !strings.Contains(testenv.Text(body), wantPairs) {
			t.Errorf("%s : %q absent", p, wantPairs)
		}
		pairs := body[strings.LastIndex(body, "<tbody>"):]
		if p == base+"/evaluation" {
			pairs = body[strings.Index(body, "Par paire d'évaluateurs"):]
			pairs = pairs[:strings.Index(pairs, "</tbody>")]
		}
		if n := strings.Count(pairs, " / "); n != 50 {
			t.Errorf("%s : %d paires listées, attendu 50", p, n)
		}
	}
	f := readXLSX(t, c.Get(base+"/evaluateurs.xlsx"))
	if n := len(sheetRows(t, f, "Évaluateurs")) - 1; n != w.People {
		t.Errorf("export : %d évaluateurs, attendu %d", n, w.People)
	}
	if n := len(sheetRows(t, f, "Accord par paire")) - 1; n != w.Agreement.PairTotal {
		t.Errorf("export : %d paires, attendu %d", n, w.Agreement.PairTotal)
	}
}
