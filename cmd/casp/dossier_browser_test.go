package main

// Browser journey of a documentary file: the theme's page, the file with
// a document kept and judged, a descriptor, the leaflet, the end confirmed
// in its dialog, the debrief, the file sent to the portfolio. Every page state goes through audit.

import (
	"strings"
	"testing"
)

func TestBrowserDossierDocumentaire(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	login(t, ctx, "apprenant11", "demo")
	f := checkPage(t, ctx, "/cas?type=dossier-documentaire")
	rows := texts(t, ctx, "main table tbody tr")
	if len(rows) < 4 {
		t.Fatalf("catalogue des dossiers documentaires : %q", rows)
	}
	f = submitForm(t, ctx, "main table tbody tr:first-child a")
	wantText(t, f, "Public du document d'information", "Commencer le dossier")
	f = submitForm(t, ctx, `form[action$="/ouvrir"] button[type=submit]`)
	if !strings.HasPrefix(f.Path, "/exercices/") {
		t.Fatalf("commencer le dossier : %s (h1 %q)", f.URL, f.h1())
	}
	labelsAndIDs(t, ctx, f.Path)
	first := eval[string](t, ctx, `document.querySelector('input[type=checkbox][name^="retenir-"]').id`)
	clickOn(t, ctx, "#"+first)
	setField(t, ctx, "#"+strings.Replace(first, "retenir-", "fiabilite-", 1), "a-verifier")
	typeText(t, ctx, "#descripteurs", "logement")
	typeText(t, ctx, "#depliant", "Vous cherchez un logement ? Venez nous voir.")
	f = confirmInDialog(t, ctx, `button[formaction$="/terminer"]`, "Terminer le dossier documentaire ?", "lecture seule")
	if !strings.HasSuffix(f.Path, "/debrief") {
		t.Fatalf("terminer : %s ; erreurs %q", f.URL, textOf(t, ctx, ".error-summary"))
	}
	wantText(t, f, "Les documents", "Indexation", "Tâches du référentiel travaillées")
	// The file goes to the portfolio as a « dossier thématique ».
	f = submitForm(t, ctx, `form[action$="/portfolio"] button[type=submit]`)
	if !strings.HasPrefix(f.Path, "/portfolio/") {
		t.Fatalf("envoi au portfolio : %s (h1 %q)", f.URL, f.h1())
	}
	wantText(t, f, "Dossier documentaire", "Dossier thématique")
}
