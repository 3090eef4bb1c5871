package main

// Browser journeys of the « mises en situation »: one exercise of each
// kind (collective session, self-service, review and transmission,
// partnership, synthesis meeting, keeping up with a fiche), played to the
// end as the expert key says — the preparation typed and validated, each
// scene answered by a click (a response, or every item of a sorting), the
// production typed, the end confirmed in its dialog, the debrief, the
// production sent to the portfolio. Every page state goes through audit.

import (
	"strings"
	"testing"

	"github.com/casp-cnam/casp/casework/situation"
	"github.com/casp-cnam/casp/internal/app"
)

func TestBrowserSituations(t *testing.T) {
	browserTest(t)
	lib, err := app.LoadContent("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := newSession(t)
	login(t, ctx, "apprenant10", "demo")
	done := map[string]bool{}
	for _, e := range lib.Situations {
		if done[e.Kind] {
			continue
		}
		done[e.Kind] = true
		f := checkPage(t, ctx, "/cas/"+e.ID)
		wantText(t, f, e.Title, situation.KindLabel(e.Kind), "Commencer l'exercice")
		f = submitForm(t, ctx, `form[action$="/ouvrir"] button[type=submit]`)
		if !strings.HasPrefix(f.Path, "/exercices/") {
			t.Fatalf("%s : commencer : %s (h1 %q)", e.ID, f.URL, f.h1())
		}
		labelsAndIDs(t, ctx, f.Path)
		w := e.Expert()
		for _, fl := range e.Preparation {
			typeText(t, ctx, "#prep-"+fl.ID, w.Preparation[fl.ID])
		}
		f = submitForm(t, ctx, `button[name=action][value=valider]`)
		wantText(t, f, "Préparation validée", "Scène 1 sur")
		for _, sc := range e.Scenes {
			if sc.Sorting() {
				for _, it := range sc.Items {
					clickOn(t, ctx, byID("tri-"+it.ID+"-"+it.Expected))
				}
			} else {
				clickOn(t, ctx, byID("choix-"+w.Answers[sc.ID]))
			}
			f = submitForm(t, ctx, `form[action$="/scene"] button[type=submit]`)
			wantText(t, f, "Réponse enregistrée", sc.Title)
		}
		wantText(t, f, e.Production.Title)
		typeText(t, ctx, "#production", w.Production)
		f = confirmInDialog(t, ctx, `button[formaction$="/terminer"]`, "Terminer la mise en situation ?", "lecture seule")
		if !strings.HasSuffix(f.Path, "/debrief") {
			t.Fatalf("%s : terminer : %s ; erreurs %q", e.ID, f.URL, textOf(t, ctx, ".error-summary"))
		}
		wantText(t, f, "La démarche de l'expert", "Ce que disent les personnes à la fin", "Tâches du référentiel travaillées")
		for _, tid := range e.Tasks {
			wantText(t, f, "✓ travaillée — "+tid)
		}
		f = submitForm(t, ctx, `form[action$="/portfolio"] button[type=submit]`)
		if !strings.HasPrefix(f.Path, "/portfolio/") {
			t.Fatalf("%s : envoi au portfolio : %s", e.ID, f.URL)
		}
		wantText(t, f, e.Production.Title)
	}
	if len(done) < len(situation.Kinds) {
		t.Errorf("%d sortes de mises en situation jouées sur %d", len(done), len(situation.Kinds))
	}
}
