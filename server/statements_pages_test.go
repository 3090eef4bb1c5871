package server_test

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app/testenv"
)

var numbers = regexp.MustCompile(`[0-9]+`)

// statementsPerPage reads every page reachable by links from the cohort's
// page (its learners' pages, exports and JSON included) as the
// administrator, and returns, per kind of page (the path with its numbers
// replaced), the most SQL statements one view ran.
func statementsPerPage(t *testing.T, learners int) map[string]int64 {
	t.Helper()
	env := testenv.Start(t, true)
	cohort := seedLarge(t, env, learners, 3)
	c := env.NewClient()
	c.Login("admin", "demo")
	prefix := "/promotions/" + strconv.FormatInt(cohort, 10)
	counts := map[string]int64{}
	crawlFrom := func(start string, keep func(string) bool, limit int) {
		seen := map[string]bool{start: true}
		queue := []string{start}
		for n := 0; len(queue) > 0 && n < limit; n++ {
			p := queue[0]
			queue = queue[1:]
			// The first view may fill a cache. An archive is warmed with
			// HEAD: its handler runs (its reads, its access log), but the
			// archive is not written a second time — 61 PDFs for the
			// large cohort, 5 s of the test's 9 (the measured view below
			// writes it whole).
			if strings.HasSuffix(strings.SplitN(p, "?", 2)[0], ".zip") {
				req, err := http.NewRequest(http.MethodHead, c.BaseURL()+p, nil)
				if err != nil {
					t.Fatal(err)
				}
				if r := c.Do(req); r.Status != http.StatusOK {
					t.Fatalf("HEAD %s : statut %d", p, r.Status)
				}
			} else {
				c.Get(p)
			}
			var body string
			stmts := statementsFor(env, func() {
				r := c.Get(p)
				if r.Status >= 500 {
					t.Fatalf("%s : statut %d", p, r.Status)
				}
				body = r.Body
			})
			kind := numbers.ReplaceAllString(strings.SplitN(p, "?", 2)[0], "N")
			counts[kind] = max(counts[kind], stmts)
			for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
				next := strings.ReplaceAll(m[1], "&amp;", "&")
				if !seen[next] && keep(next) {
					seen[next] = true
					queue = append(queue, next)
				}
			}
		}
	}
	// The cohort's pages and what they link to: one learner of each kind
	// of page is enough (the first few links of each).
	perKind := map[string]int{}
	crawlFrom(prefix, func(p string) bool {
		cohortPage := false
		for _, under := range []string{prefix, "/apprenants/", "/portfolio/", "/api/v1/promotions/", "/evaluation", "/epreuves/"} {
			cohortPage = cohortPage || strings.HasPrefix(p, under)
		}
		if !cohortPage {
			return false
		}
		kind := numbers.ReplaceAllString(strings.SplitN(p, "?", 2)[0], "N")
		perKind[kind]++
		return perKind[kind] <= 1
	}, 150)
	return counts
}

// Every page reached from a cohort runs as many SQL statements with 60
// learners as with 10: nothing is read learner by learner.
func TestCohortPagesStatementsDoNotGrow(t *testing.T) {
	t.Parallel()
	// The two cohorts are crawled side by side, each on its own platform.
	var small, large map[string]int64
	t.Run("promotions", func(t *testing.T) {
		t.Run("10", func(t *testing.T) { t.Parallel(); small = statementsPerPage(t, 10) })
		t.Run("60", func(t *testing.T) { t.Parallel(); large = statementsPerPage(t, 60) })
	})
	if small == nil || large == nil {
		t.FailNow()
	}
	var kinds []string
	for k := range large {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var report []string
	for _, k := range kinds {
		report = append(report, k+" "+strconv.FormatInt(large[k], 10))
		if s, ok := small[k]; ok && large[k] > s {
			t.Errorf("%s : %d requêtes SQL avec 60 apprenants, %d avec 10", k, large[k], s)
		}
	}
	if len(kinds) < 10 {
		t.Errorf("%d sortes de pages seulement atteintes depuis la promotion : %q", len(kinds), kinds)
	}
	t.Logf("requêtes SQL par page (60 apprenants) : %s", strings.Join(report, ", "))
}
