package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// The manager follows the XLSX export link of the coverage page: the
// browser downloads the workbook, whose totals are those the page shows;
// then they open the assessors' page. Both pages pass axe.
func TestBrowserCoverageExportAndAssessors(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	login(t, ctx, "responsable", "demo")
	f := checkPage(t, ctx, "/promotions/1/couverture")
	wantText(t, f, "Exporter toute la promotion")

	type footRow struct {
		Label  string   `json:"label"`
		Values []string `json:"values"`
	}
	type pageTotals struct {
		Caption string    `json:"caption"`
		Caps    []string  `json:"caps"`
		Rows    []footRow `json:"rows"`
	}
	shown := eval[pageTotals](t, ctx, `({
		caption: document.querySelector('table.heatmap caption').innerText,
		caps: Array.from(document.querySelectorAll('table.heatmap thead th.cap-col'), th => th.innerText.trim()),
		rows: Array.from(document.querySelectorAll('table.heatmap tfoot tr'), tr => ({
			label: tr.querySelector('th').innerText.trim(),
			values: Array.from(tr.querySelectorAll('td.num'), td => td.innerText.trim()),
		})),
	})`)
	if len(shown.Caps) < 40 || len(shown.Rows) < 3 {
		t.Fatalf("page : %d capacités, %d lignes de totaux", len(shown.Caps), len(shown.Rows))
	}

	// Download through the link, as a person would.
	path := downloadLink(t, ctx, `nav.exports a[href*="/couverture.xlsx"]`)
	book, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("classeur téléchargé illisible : %v", err)
	}
	defer book.Close()

	// The learners' sheet has the whole cohort the caption announces.
	learners, err := book.GetRows("Apprenants")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Fields(shown.Caption)[0]; strconv.Itoa(len(learners)-1) != want {
		t.Errorf("classeur : %d apprenants, la page en annonce %s (%q)", len(learners)-1, want, shown.Caption)
	}
	// The totals sheet holds the page's totals, capacity by capacity.
	totals, err := book.GetRows("Totaux", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(totals)-1 != len(shown.Caps) {
		t.Fatalf("Totaux : %d capacités, la page en montre %d", len(totals)-1, len(shown.Caps))
	}
	column := map[string]int{}
	for i, h := range totals[0] {
		column[h] = i
	}
	sheetLabel := map[string]string{"Acquise (toute la promotion)": "Acquise", "En évaluation": "En évaluation", "À couvrir": "À couvrir"}
	compared := 0
	for _, row := range shown.Rows {
		name, ok := sheetLabel[row.Label]
		if !ok {
			continue
		}
		j, ok := column[name]
		if !ok {
			t.Fatalf("colonne %q absente de la feuille Totaux (%q)", name, totals[0])
		}
		if len(row.Values) != len(shown.Caps) {
			t.Fatalf("ligne %q : %d valeurs pour %d capacités", row.Label, len(row.Values), len(shown.Caps))
		}
		for i, capID := range shown.Caps {
			if totals[i+1][0] != capID {
				t.Fatalf("Totaux, ligne %d : capacité %q, la page montre %q", i+2, totals[i+1][0], capID)
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if ct, _ := book.GetCellType("Totaux", cell); ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
				t.Errorf("Totaux!%s : type %v, attendu un nombre", cell, ct)
			}
			if got, want := totals[i+1][j], strings.ReplaceAll(row.Values[i], "\u202f", ""); got != want {
				t.Errorf("%s, %s : %q dans le classeur, %q sur la page", capID, name, got, want)
			}
			compared++
		}
	}
	if compared != 3*len(shown.Caps) {
		t.Errorf("%d totaux comparés, attendu %d (lignes de la page : %+v)", compared, 3*len(shown.Caps), shown.Rows)
	}

	// The assessors' page, from the coverage page.
	clickAndWait(t, ctx, `nav.exports a[href$="/evaluateurs"]`)
	g := audit(t, ctx)
	if g.Path != "/promotions/1/evaluateurs" || g.h1() != "Évaluateurs — Promotion 2026" {
		t.Fatalf("page des évaluateurs : %s, h1 %q", g.URL, g.h1())
	}
	wantText(t, g, "Olivier Marchand", "Sophie Lambert", "Toute la promotion", "Accord par paire d'évaluateurs")
	links := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('nav.exports a'), a => a.getAttribute('href'))`)
	if strings.Join(links, " ") != "/promotions/1/evaluateurs.xlsx /promotions/1/evaluateurs.csv" {
		t.Errorf("liens d'export de la page des évaluateurs : %q", links)
	}
}

// downloadLink clicks a download link as a person would and returns the
// path of the downloaded file.
func downloadLink(t *testing.T, ctx context.Context, link string) string {
	t.Helper()
	dir := t.TempDir()
	// The browser is shared by the tests running side by side, and its
	// download events reach every listener: keep only this download's, the
	// one whose address is this link's or whose file lands in this test's
	// folder (each browser context has its own).
	href := eval[string](t, ctx, `document.querySelector(`+jsString(link)+`).href`)
	var mu sync.Mutex
	guid := ""
	var seen []string // every download event, for the message of a timeout
	done := make(chan *cdpbrowser.EventDownloadProgress, 1)
	onDownload := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *cdpbrowser.EventDownloadWillBegin:
			seen = append(seen, "début "+e.GUID+" "+e.URL)
			if e.URL == href {
				guid = e.GUID
			}
		case *cdpbrowser.EventDownloadProgress:
			if e.State == cdpbrowser.DownloadProgressStateInProgress {
				return
			}
			seen = append(seen, string(e.State)+" "+e.GUID+" "+e.FilePath)
			mine := e.GUID == guid
			if e.State == cdpbrowser.DownloadProgressStateCompleted {
				_, err := os.Stat(filepath.Join(dir, e.GUID))
				mine = mine || err == nil || (e.FilePath != "" && filepath.Dir(e.FilePath) == dir)
			}
			if mine {
				select {
				case done <- e:
				default:
				}
			}
		}
	}
	// Depending on the browser, download events come from the tab or from
	// the browser: listen to both.
	if err := chromedp.Listen(ctx, onDownload); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.ListenBrowser(ctx, onDownload); err != nil {
		t.Fatal(err)
	}
	events := true
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatalf("téléchargements : %v", err)
	}
	if err := chromedp.Do(ctx, press(link)); err != nil {
		t.Fatalf("clic sur le lien %s : %v", link, err)
	}
	var ev *cdpbrowser.EventDownloadProgress
	select {
	case ev = <-done:
	case <-time.After(20 * time.Second):
		mu.Lock()
		events := strings.Join(seen, " ; ")
		mu.Unlock()
		var names []string
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			names = append(names, f.Name())
		}
		t.Fatalf("le téléchargement par %s (%s) n'a pas abouti en 20 s (événements : %s ; dossier %s : %q)", link, href, events, dir, names)
	}
	if ev.State != cdpbrowser.DownloadProgressStateCompleted {
		t.Fatalf("téléchargement : état %s", ev.State)
	}
	path := ev.FilePath
	if path == "" {
		path = filepath.Join(dir, ev.GUID)
	}
	return path
}
