package main

// Browser journey of the exercise « Organiser l'accueil »: the catalogue
// filtered by kind, the exercise started, a plan typed in the week's grid
// and run, the analysis, the end confirmed in its dialog, the debrief, the
// note sent to the portfolio. Every page state goes through audit
// (axe-core and the French UI checks).

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// setField replaces a field's value.
func setField(t *testing.T, ctx context.Context, sel, v string) {
	t.Helper()
	if err := chromedp.Do(ctx, setValue(sel, v)); err != nil {
		t.Fatalf("%s : %v", sel, err)
	}
}

func TestBrowserReceptionExercise(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	login(t, ctx, "apprenant12", "demo")
	// The documentary fund and its watch, from the catalogue.
	f := checkPage(t, ctx, "/fonds?q=logement")
	if f.h1() != "Fonds documentaire" || countOf(t, ctx, "ol.fund-list > li") == 0 {
		t.Errorf("/fonds?q=logement : h1 %q, %d documents", f.h1(), countOf(t, ctx, "ol.fund-list > li"))
	}
	f = submitForm(t, ctx, "ol.fund-list > li:first-child > a")
	if !strings.HasPrefix(f.Path, "/fonds/") || strings.Contains(f.Text, "la lecture de l'expert") {
		t.Errorf("document du fonds : %s (la lecture de l'expert ne se montre pas à l'apprenant)", f.Path)
	}
	f = checkPage(t, ctx, "/veille?jour=30")
	if countOf(t, ctx, "main section.card li") == 0 {
		t.Errorf("/veille?jour=30 : aucun article lu dans les flux")
	}
	f = checkPage(t, ctx, "/cas")
	chooseOption(t, ctx, "#type", "Organisation de l'accueil")
	f = submitForm(t, ctx, `form[action="/cas"] button[type=submit]`)
	rows := texts(t, ctx, "main table tbody tr")
	if !strings.Contains(f.URL, "type=organisation-accueil") || len(rows) != 1 || !strings.Contains(rows[0], "CCAS de Valmont") {
		t.Fatalf("catalogue filtré : %s, lignes %q", f.URL, rows)
	}
	f = submitForm(t, ctx, `main table tbody a`)
	wantText(t, f, "Tâches du référentiel travaillées", "Commencer l'exercice")
	f = submitForm(t, ctx, `form[action$="/ouvrir"] button[type=submit]`)
	if !strings.HasPrefix(f.Path, "/exercices/") {
		t.Fatalf("commencer l'exercice : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}
	ex := f.Path
	labelsAndIDs(t, ctx, ex)
	// Monday morning staffed, the other half-days closed; the triage and
	// a confidential office.
	typeText(t, ctx, "#lundi-matin-ouverture", "08:30")
	typeText(t, ctx, "#lundi-matin-fermeture", "12:30")
	setField(t, ctx, "#lundi-matin-accueil", "3")
	clickOn(t, ctx, `label[for="tri"]`)
	clickOn(t, ctx, `label[for="amenagement-bureau-confidentiel"]`)
	f = submitForm(t, ctx, `button[name=action][value=simuler]`)
	if f.Path != ex {
		t.Fatalf("faire tourner la semaine : arrivé sur %s ; erreurs %q", f.URL, textOf(t, ctx, ".error-summary"))
	}
	wantText(t, f, "Semaine 1 :", "Détail par demi-journée")
	if fieldValue(t, ctx, "#lundi-matin-accueil") != "3" || !isChecked(t, ctx, "#tri") {
		t.Errorf("le planning n'est pas relu après la semaine")
	}
	// A refused plan: the message by the field, the input kept.
	setField(t, ctx, "#mardi-matin-accueil", "9")
	f = submitForm(t, ctx, `button[name=action][value=simuler]`)
	if got := textOf(t, ctx, "#mardi-matin-accueil-error"); !strings.Contains(got, "l'équipe en compte 5") {
		t.Errorf("9 agents pour 5 : message %q", got)
	}
	if fieldValue(t, ctx, "#mardi-matin-accueil") != "9" || fieldValue(t, ctx, "#lundi-matin-accueil") != "3" {
		t.Errorf("planning refusé : la saisie est perdue")
	}
	setField(t, ctx, "#mardi-matin-accueil", "0")
	typeText(t, ctx, "#analyse", "Une seule demi-journée ouverte : tout le reste de la semaine trouve porte close.")
	f = confirmInDialog(t, ctx, `button[formaction$="/terminer"]`, "Terminer l'exercice ?", "lecture seule")
	if !strings.HasSuffix(f.Path, "/debrief") {
		t.Fatalf("terminer : arrivé sur %s ; erreurs %q", f.URL, textOf(t, ctx, ".error-summary"))
	}
	fallen := texts(t, ctx, "ul.pitfalls > li")
	if !slicesContainsSub(fallen, "Vous êtes tombé·e dans l'accueil aux heures de bureau seulement.") || !slicesContainsSub(fallen, "Vous êtes tombé·e dans l'espace d'accueil oublié.") {
		t.Errorf("débriefing : pièges %q", fallen)
	}
	f = submitForm(t, ctx, `form[action$="/portfolio"] button[type=submit]`)
	if !pieceURLRe.MatchString(f.Path) || !strings.Contains(f.h1(), "Note d'organisation de l'accueil") {
		t.Fatalf("envoi au portfolio : %s (h1 %q)", f.URL, f.h1())
	}
	if draft := fieldValue(t, ctx, "#draft"); !strings.Contains(draft, "## Planning de la semaine") || !strings.Contains(draft, "porte close") {
		t.Errorf("la pièce ne reprend pas le planning et l'analyse")
	}
}
