package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// The sandbox teaches: the example case of content/README.md (Nadia, housed,
// a fridge empty, a rent arrear she hides) played badly, played without
// asking anything, and played well. The debriefs differ in the tasks
// worked, the pitfalls named and the orientation judged.
func TestSandboxPlaysDifferInTheirDebrief(t *testing.T) {
	t.Parallel()
	env := testenv.StartWith(t, app.Options{Demo: true, ContentDir: "../content/exemple"})
	const sc = "exemple-bon-alimentaire"
	play := func(login string, steps func(c *testenv.Client, kase string)) (string, string) {
		c := env.NewClient()
		c.Login(login, "demo")
		kase := openCase(t, c, sc)
		steps(c, kase)
		return kase, testenv.Text(c.Get(kase + "/debrief").Body)
	}

	// Badly: a closed question, a judging one typed in her own words, a
	// judgement, the 115 for a housed person, one urgency for everything.
	_, bad := play("apprenant07", func(c *testenv.Client, kase string) {
		act(t, c, kase, "question", url.Values{"question": {"q-frigo-ferme"}}, http.StatusSeeOther)
		page := testenv.Text(c.Get(kase + "?tapee=" + url.QueryEscape("Pourquoi vous n'avez pas prévenu votre bailleur ?")).Body)
		if !strings.Contains(page, "forme : jugeante") || !strings.Contains(page, "Comprise comme") {
			t.Fatalf("la question tapée n'est pas lue : %s", page[:min(len(page), 400)])
		}
		act(t, c, kase, "question", url.Values{"question": {"q-pourquoi-pas-paye"}, "question_libre": {"Pourquoi vous n'avez pas prévenu votre bailleur ?"}}, http.StatusSeeOther)
		act(t, c, kase, "geste", url.Values{"geste": {"juger"}}, http.StatusSeeOther)
		// What she withholds stays withheld, whatever follows.
		act(t, c, kase, "geste", url.Values{"geste": {"rappeler-confidentialite"}}, http.StatusSeeOther)
		act(t, c, kase, "question", url.Values{"question": {"q-loyer"}}, http.StatusSeeOther)
		act(t, c, kase, "orientation", url.Values{"service": {"siao-115/" + siaoService(t, env)}, "motif": {"Mise à l'abri."}, "consentement": {"1"}}, http.StatusSeeOther)
		act(t, c, kase, "urgence", url.Values{"urgence": {"non-urgente"}, "justification": {"Elle demande un colis."}}, http.StatusSeeOther)
		act(t, c, kase, "temps", url.Values{"jours": {"14"}}, http.StatusSeeOther)
		page = testenv.Text(c.Get(kase).Body)
		if !strings.Contains(page, "personne logée : relève du FSL maintien dans les lieux") {
			t.Error("le 115 accepte l'orientation d'une personne logée au lieu de la refuser avec son motif")
		}
		if !strings.Contains(page, "Commandement de payer") {
			t.Error("sans orientation vers un point conseil budget, le commandement de payer aurait dû survenir")
		}
	})
	// Without asking anything: situations noted « ? » and labels without
	// ground are not credited.
	_, empty := play("apprenant08", func(c *testenv.Client, kase string) {
		r := act(t, c, kase, "situation", url.Values{"domaine": {"finances"}, "situation": {"?"}}, http.StatusUnprocessableEntity)
		if !strings.Contains(testenv.Text(r.Body), "Décrivez la situation") {
			t.Fatal("« ? » accepté comme situation")
		}
		for _, dom := range []string{"finances", "logement", "famille"} {
			act(t, c, kase, "situation", url.Values{"domaine": {dom}, "situation": {"Difficultés diverses"}}, http.StatusSeeOther)
		}
	})
	// Well: open questions, confidentiality before the rent, the food aid
	// the same day inside the CCAS, the budget point, urgencies by domain.
	_, good := play("apprenant09", func(c *testenv.Client, kase string) {
		act(t, c, kase, "question", url.Values{"question": {"q-motif"}, "question_libre": {"Qu'est-ce qui vous amène aujourd'hui ?"}}, http.StatusSeeOther)
		act(t, c, kase, "question", url.Values{"question": {"q-depuis"}}, http.StatusSeeOther)
		act(t, c, kase, "question", url.Values{"question": {"q-fille"}}, http.StatusSeeOther)
		act(t, c, kase, "geste", url.Values{"geste": {"rappeler-confidentialite"}}, http.StatusSeeOther)
		act(t, c, kase, "geste", url.Values{"geste": {"valoriser"}}, http.StatusSeeOther)
		act(t, c, kase, "question", url.Values{"question": {"q-loyer"}}, http.StatusSeeOther)
		for _, s := range []struct{ dom, label, source string }{
			{"finances", "Rupture alimentaire", "q-motif"}, {"finances", "Sans revenus depuis six semaines", "q-depuis"}, {"logement", "Deux loyers impayés", "q-loyer"},
		} {
			act(t, c, kase, "situation", url.Values{"domaine": {s.dom}, "situation": {s.label}, "source": {s.source}}, http.StatusSeeOther)
		}
		act(t, c, kase, "urgence", url.Values{"urgence_domaine": {"finances"}, "urgence": {"immediate"}, "justification": {"Plus rien à manger ce soir."}}, http.StatusSeeOther)
		act(t, c, kase, "urgence", url.Values{"urgence_domaine": {"logement"}, "urgence": {"urgente"}, "justification": {"Deux mois d'impayé."}}, http.StatusSeeOther)
		act(t, c, kase, "diagnostic", url.Values{"quel": {"premier_diagnostic"}, "premier_diagnostic": {"Rupture de revenus, impayé de loyer caché, enfant à charge."}}, http.StatusSeeOther)
		act(t, c, kase, "orientation", url.Values{"service": {"ccas-valmont/" + ccasFoodService(t, env)}, "motif": {"Aide alimentaire."}, "consentement": {"1"}}, http.StatusSeeOther)
		act(t, c, kase, "orientation", url.Values{"service": {"pcb-udaf/conseil-budgetaire"}, "motif": {"Budget."}, "consentement": {"1"}}, http.StatusSeeOther)
	})

	for _, want := range []string{"Vous êtes tombé·e dans la question jugeante", "Vous êtes tombé·e dans le jugement", "Vous êtes tombé·e dans l'orientation inadaptée",
		"Vous êtes tombé·e dans la porte fermée", "✗ à éviter : Nadia est logée", "✗ Tue par la personne", "Vous êtes tombé·e dans l'urgence sous-évaluée"} {
		if !strings.Contains(bad, want) {
			t.Errorf("débriefing de la mauvaise partie : absent %q", want)
		}
	}
	if !strings.Contains(empty, "Situations de la clé repérées 0 sur 3") || !strings.Contains(empty, "(sans appui dans l'entretien)") ||
		!strings.Contains(empty, "Vous êtes tombé·e dans l'orientation sans entretien") {
		t.Errorf("la partie sans question est créditée : %s", excerpt(empty, "Situations de la clé"))
	}
	if !strings.Contains(good, "Situations de la clé repérées 3 sur 3") || strings.Contains(good, "Vous êtes tombé·e dans l'orientation inadaptée") ||
		strings.Contains(good, "Vous êtes tombé·e dans l'intime sans cadre") || !strings.Contains(good, "✓ attendue") {
		t.Errorf("la bonne partie n'est pas reconnue : %s", excerpt(good, "Pièges"))
	}
	worked := func(d, task string) bool { return strings.Contains(d, "✓ travaillée — "+task) }
	if worked(bad, "1.5") || worked(empty, "1.5") || !worked(good, "1.5") || !worked(good, "2.2") || worked(empty, "1.1") {
		t.Errorf("les tâches travaillées ne sont pas lues dans les actes : bonne 1.5=%v 2.2=%v, mauvaise 1.5=%v, vide 1.1=%v",
			worked(good, "1.5"), worked(good, "2.2"), worked(bad, "1.5"), worked(empty, "1.1"))
	}
}

func excerpt(s, from string) string {
	i := strings.Index(s, from)
	if i < 0 {
		i = 0
	}
	return s[i:min(len(s), i+500)]
}

func siaoService(t *testing.T, env *testenv.Env) string {
	st, ok := env.Platform.Cases.Library().Structure("siao-115")
	if !ok {
		t.Fatal("siao-115 absent de l'annuaire")
	}
	return st.Services[0].ID
}

func ccasFoodService(t *testing.T, env *testenv.Env) string {
	st, _ := env.Platform.Cases.Library().Structure("ccas-valmont")
	for _, sv := range st.Services {
		for _, th := range sv.Themes {
			if strings.HasPrefix(th, "equipement-et-alimentation") {
				return sv.ID
			}
		}
	}
	t.Fatal("pas de service alimentaire au CCAS de Valmont")
	return ""
}

// An empty typed question gets its message next to the field it was typed
// in, and nothing is recorded.
func TestTypedQuestionErrorByItsField(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant10", "demo")
	kase := openCase(t, c, "jeune-mission-locale")
	r := act(t, c, kase, "question-libre", url.Values{"question_libre": {"   "}}, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `id="tapee-error"`) || !strings.Contains(r.Body, `href="#tapee"`) || !strings.Contains(testenv.Text(r.Body), "Écrivez votre question") {
		t.Fatal("le message d'une question tapée vide n'est pas à côté du champ")
	}
}

// The trainer summary (resume_formateur) says what the person hides: staff
// read it on the scenario's page, learners and visitors only the public
// summary.
func TestTrainerSummaryForStaffOnly(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	lib := env.Platform.Cases.Library()
	sc, ok := lib.Scenario("jeune-mission-locale")
	if !ok {
		t.Fatal("cas jeune-mission-locale absent")
	}
	hidden := "Il tait ce qui contraint ses horaires"
	if !strings.Contains(sc.TrainerSummary, hidden) || strings.Contains(sc.Summary, "amendes") {
		t.Fatalf("contenu du cas changé : résumé formateur %q", sc.TrainerSummary)
	}
	for _, who := range []struct {
		login string
		sees  bool
	}{{"", false}, {"apprenant05", false}, {"evaluateur1", true}, {"responsable", true}, {"admin", true}} {
		c := env.NewClient()
		if who.login != "" {
			c.Login(who.login, "demo")
		}
		r := c.Get("/cas/" + sc.ID)
		if r.Status != http.StatusOK {
			t.Fatalf("%q : /cas/%s statut %d", who.login, sc.ID, r.Status)
		}
		page := testenv.Text(r.Body)
		if got := strings.Contains(page, hidden); got != who.sees {
			t.Errorf("%q : résumé formateur affiché = %v, attendu %v", who.login, got, who.sees)
		}
		if !strings.Contains(page, sc.Summary[:40]) {
			t.Errorf("%q : le résumé public manque", who.login)
		}
	}
}
