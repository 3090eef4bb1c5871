package main

// Browser journey of the jury: the manager follows a heatmap cell to the
// evidence of that capacity in the learner's certification dossier, opens
// the jury list from the cohort, records a decision (after a refused one),
// and downloads the dossier as a PDF whose text is readable and whose
// pages are numbered. Every page goes through audit (axe-core at zero
// violations and the French UI checks).

import (
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/pdf/pdftext"
	"github.com/chromedp/chromedp"
)

func TestBrowserHeatmapToEvidenceAndJury(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	ctx := j.as("responsable")
	navigate(t, ctx, "/promotions/1/couverture")
	audit(t, ctx)
	// A column heading reached with the keyboard says its capacity in full.
	if _, err := chromedp.Run(ctx, focusOn(`table.heatmap thead th.cap-col:nth-child(3) a`)); err != nil {
		t.Fatal(err)
	}
	title := eval[string](t, ctx, `document.querySelector('table.heatmap thead th.cap-col:nth-child(3) a').title`)
	if info := eval[string](t, ctx, `document.getElementById('cap-info').textContent`); title == "" || !strings.HasSuffix(info, " — "+title) {
		t.Errorf("en-tête de colonne au clavier : %q, attendu le texte %q", info, title)
	}
	// An acquired cell of Léa Moreau (apprenant08) leads to that capacity's
	// evidence (casp.js; the cell holds its state in words).
	row := `table.heatmap tbody tr:has(th a[href$="/progression"])`
	cell := ""
	for i := range countOf(t, ctx, row) {
		r := `document.querySelectorAll(` + jsString(row) + `)[` + strconv.Itoa(i) + `]`
		if name := eval[string](t, ctx, r+`.querySelector('th').innerText`); name == "Léa Moreau" || strings.HasPrefix(name, "Léa Moreau ") {
			cell = `table.heatmap tbody tr:nth-child(` + strconv.Itoa(i+1) + `) td.a`
		}
	}
	if cell == "" {
		t.Fatal("pas de ligne pour Léa Moreau")
	}
	if word := eval[string](t, ctx, `document.querySelector(`+jsString(cell)+`).textContent`); word != "Acquise" {
		t.Fatalf("cellule acquise : texte %q, attendu « Acquise »", word)
	}
	clickAndWait(t, ctx, cell)
	f := audit(t, ctx)
	u, _ := url.Parse(f.URL)
	if !strings.HasPrefix(u.Fragment, "cap-") || !strings.HasSuffix(f.Path, "/dossier") {
		t.Fatalf("cellule → %s, attendu le dossier à la capacité", f.URL)
	}
	capID := strings.TrimPrefix(u.Fragment, "cap-")
	if !strings.HasPrefix(f.h1(), "Dossier de certification de Léa Moreau") {
		t.Fatalf("cellule → %s (h1 %q)", f.Path, f.h1())
	}
	evidence := eval[string](t, ctx, `document.getElementById(`+jsString("cap-"+capID)+`).innerText`)
	if !strings.Contains(evidence, "Acquise") || !strings.Contains(evidence, "publiée le") || !strings.Contains(evidence, "version") {
		t.Fatalf("la capacité %s ne montre pas sa preuve : %q", capID, evidence)
	}
	// The dossier is folded by activity; the one holding the capacity is
	// open, the others closed.
	if !isVisible(t, ctx, byID("cap-"+capID)) {
		t.Errorf("la capacité %s est dans une activité repliée", capID)
	}
	if open, all := countOf(t, ctx, "details.fold[open]"), countOf(t, ctx, "details.fold"); open != 1 || all != 6 {
		t.Errorf("dossier : %d activités dépliées sur %d, attendu 1 sur 6", open, all)
	}

	// The progression too: folded, each activity with its counts; a click
	// on « Capacités de l'activité 2 » unfolds its table.
	f = checkPage(t, ctx, strings.Replace(f.Path, "/dossier", "/progression", 1))
	if n := countOf(t, ctx, "details.fold:not([open])"); n != 6 {
		t.Errorf("%s : %d activités repliées, attendu 6", f.Path, n)
	}
	if h := eval[float64](t, ctx, `document.documentElement.scrollHeight`); h > 4000 {
		t.Errorf("%s : la page repliée mesure %.0f px de haut", f.Path, h)
	}
	wantText(t, f, "capacités acquises sur")
	clickOn(t, ctx, `section[aria-labelledby="pa-2"] details.fold > summary`)
	if !isVisible(t, ctx, `section[aria-labelledby="pa-2"] table.progress`) || isVisible(t, ctx, `section[aria-labelledby="pa-3"] table.progress`) {
		t.Errorf("%s : le clic sur l'activité 2 ne déplie pas (seulement) son tableau : %s", f.Path, eval[string](t, ctx, `Array.from(document.querySelectorAll("details.fold"), d => d.closest("section").getAttribute("aria-labelledby") + "=" + d.open + ":" + d.querySelector("table").getBoundingClientRect().height).join(" ")`))
	}
	runAxe(t, ctx, f.Path+" (activité 2 dépliée)")

	// From the cohort to the jury list, then to a candidate's dossier.
	navigate(t, ctx, "/promotions/1")
	clickAndWait(t, ctx, `a[href="/promotions/1/jury"]`)
	f = audit(t, ctx)
	wantText(t, f, "Jury — ", "Proposition", "Décision du jury")
	clickAndWait(t, ctx, `table.jury-list tbody tr:nth-child(2) a[href$="/dossier"]`)
	f = audit(t, ctx)
	name := strings.TrimPrefix(f.h1(), "Dossier de certification de ")
	dossier := f.Path
	// A single member is refused, next to the field, the input kept.
	typeText(t, ctx, "#members", "Mme Claire Vasseur, présidente")
	f = submitForm(t, ctx, `form.jury-form button[type=submit]`)
	wantText(t, f, "Indiquez au moins deux membres du jury")
	if v := fieldValue(t, ctx, "#members"); !strings.Contains(v, "Claire Vasseur") {
		t.Fatalf("saisie perdue : %q", v)
	}
	eval[string](t, ctx, `document.querySelector('#members').value = ''`)
	typeText(t, ctx, "#members", "Mme Claire Vasseur, présidente ; M. Paul Renard, professionnel du secteur")
	typeText(t, ctx, "#comments", "Délibération du jury de session "+j.suffix+".")
	f = confirmInDialog(t, ctx, `form.jury-form button[type=submit]`, "Enregistrer la décision du jury ?", "définitive", "Paul Renard")
	wantText(t, f, "Décision du jury enregistrée pour", "En vigueur", "Paul Renard", "Enregistrer une décision rectificative")

	// The PDF, downloaded through its link.
	navigate(t, ctx, dossier)
	path := downloadLink(t, ctx, `a[href$="/dossier.pdf"]`)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := pdftext.Read(data)
	if err != nil {
		t.Fatalf("PDF illisible : %v", err)
	}
	if len(doc.Pages) < 2 {
		t.Fatalf("%d page(s)", len(doc.Pages))
	}
	for i, p := range doc.Pages {
		if want := "Page " + strconv.Itoa(i+1) + " sur " + strconv.Itoa(len(doc.Pages)); !strings.Contains(p, want) {
			t.Errorf("page %d sans « %s »", i+1, want)
		}
	}
	text := strings.Join(strings.Fields(strings.Join(doc.Pages, " ")), " ")
	for _, want := range []string{name, "Proposition au jury", "Claire Vasseur", "Délibération du jury de session " + j.suffix} {
		if !strings.Contains(text, want) {
			t.Errorf("absent du PDF : %q", want)
		}
	}
}
