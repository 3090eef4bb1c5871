package main

// The sandbox teaches: the journey's case (Yanis, 20, housed by his mother)
// played badly. (A play without any question, and « ? » refused next to
// its field, are checked over HTTP: TestSandboxPlaysDifferInTheirDebrief
// and the case's bad-input tests — the browser added nothing to them but
// four seconds.) The good play is
// TestBrowserSandboxJourney; the three debriefs differ in the tasks worked,
// the pitfalls named and the orientation judged. What is expected is read
// from the scenario file, the same the server runs. Every page state goes
// through audit (axe-core and the French UI checks), the typed-question
// preview and the debrief included.

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"gopkg.in/yaml.v3"
)

// poorCase opens a case on the journey's scenario as a learner without a
// case on it (the demo gives none to apprenant11 and apprenant12), and
// returns its path and a function that submits one of its forms back to it.
func poorCase(t *testing.T, ctx context.Context, learner string, sc *sandboxScenario) (string, func(sel, what string) pageFacts) {
	t.Helper()
	login(t, ctx, learner, "demo")
	checkPage(t, ctx, "/cas/"+sc.ID)
	f := submitForm(t, ctx, `form[action="/cas/`+sc.ID+`/ouvrir"] button[type=submit]`)
	if sandboxCaseRe.FindStringSubmatch(f.Path) == nil {
		t.Fatalf("ouverture d'un dossier sur %s : arrivé sur %s (h1 %q)", sc.ID, f.URL, f.h1())
	}
	kase := f.Path
	return kase, func(sel, what string) pageFacts {
		t.Helper()
		f := submitForm(t, ctx, sel)
		if f.Path != kase {
			t.Fatalf("%s : arrivé sur %s (h1 %q) ; erreurs : %q", what, f.URL, f.h1(), textOf(t, ctx, ".error-summary"))
		}
		wantText(t, f, "Enregistré dans le dossier.")
		return f
	}
}

// debriefTasks reads the debrief's tasks: id → worked.
func debriefTasks(t *testing.T, ctx context.Context) map[string]bool {
	t.Helper()
	type task struct {
		ID     string `json:"id"`
		Worked bool   `json:"worked"`
	}
	list := eval[[]task](t, ctx, `Array.from(document.querySelectorAll('section[aria-labelledby=h-taches] li'), li => ({
		id: (li.querySelector('a') || {}).textContent || '', worked: li.innerText.trim().startsWith('✓')}))`)
	out := map[string]bool{}
	for _, x := range list {
		out[x.ID] = x.Worked
	}
	return out
}

// pitfallBlock reads a pitfall, a plain sentence or {texte, si, pourquoi}.
type pitfallBlock struct {
	Text string `yaml:"texte"`
	If   string `yaml:"si"`
}

func (p *pitfallBlock) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		p.Text = n.Value
		return nil
	}
	type plain pitfallBlock
	return n.Decode((*plain)(p))
}

func TestBrowserSandboxPoorPlays(t *testing.T) {
	browserTest(t)
	var sc sandboxScenario
	readContentYAML(t, "scenarios/jeune-mission-locale.yaml", &sc)
	var avoid struct {
		Key struct {
			Avoid []struct {
				Typology string `yaml:"typologie"`
				Reason   string `yaml:"motif"`
				Refusal  string `yaml:"refus"`
			} `yaml:"orientations_a_eviter"`
			Pitfalls []pitfallBlock `yaml:"pieges"`
		} `yaml:"cle_expert"`
	}
	readContentYAML(t, "scenarios/jeune-mission-locale.yaml", &avoid)
	var siao struct{ Reason, Refusal string }
	for _, a := range avoid.Key.Avoid {
		if a.Typology == "SIAO" {
			siao.Reason, siao.Refusal = a.Reason, a.Refusal
		}
	}
	if siao.Refusal == "" {
		t.Fatalf("scénario %s : le SIAO n'est plus une orientation à éviter avec son refus", sc.ID)
	}
	pitfall := func(cond string) string {
		for _, p := range avoid.Key.Pitfalls {
			if p.If == cond {
				return strings.TrimSuffix(p.Text, ".")
			}
		}
		t.Fatalf("scénario %s : pas de piège « si: %s »", sc.ID, cond)
		return ""
	}
	judged, promised := pitfall("question:q-travail-noir"), pitfall("geste:promettre")
	person := sc.Person.FirstName + " " + sc.Person.LastName

	t.Run("mal", func(t *testing.T) {
		ctx := newSession(t)
		kase, caseDone := poorCase(t, ctx, "apprenant12", &sc)

		// A closed question from the list: « dispo », and the sister's
		// care is never said.
		closed := sc.question(t, "q-dispo-lundi")
		chooseOption(t, ctx, "#question", closed.Text)
		caseDone(`form[action$="/question"] button[type=submit]`, "question fermée")
		// A judging question typed in one's own words: the preview says
		// its form and what it was understood as.
		const typed = "Travailler au noir, ce n'est pas sérieux : vous savez que c'est illégal ?"
		typeText(t, ctx, "#tapee", typed)
		f := submitForm(t, ctx, `form[method=get] button[type=submit]`)
		lecture := oneLine(textOf(t, ctx, "#lecture"))
		if !strings.Contains(lecture, "forme : jugeante") || !strings.Contains(lecture, "Comprise comme : « "+oneLine(sc.question(t, "q-travail-noir").Text)+" »") {
			t.Errorf("question tapée jugeante : lecture %q, attendu la forme jugeante et q-travail-noir", lecture)
		}
		if got := fieldValue(t, ctx, "#tapee"); got != typed {
			t.Errorf("aperçu de la question tapée : le champ garde %q", got)
		}
		labelsAndIDs(t, ctx, f.Path+" (aperçu d'une question tapée)")
		caseDone(`#lecture form[action$="/question"] button[type=submit]`, "« Poser ma question » (jugeante)")
		// A judgement and a promise.
		caseDone(`form[action$="/geste"] button[name=geste][value="juger"]`, "geste juger")
		caseDone(`form[action$="/geste"] button[name=geste][value="promettre"]`, "geste promettre")
		// A situation noted on its domain alone.
		typeText(t, ctx, "#situation", "Cherche un emploi rapidement")
		if err := chromedp.Do(ctx, setValue("#domaine", "emploi")); err != nil {
			t.Fatal(err)
		}
		caseDone(`form[action$="/situation"] button[type=submit]`, "situation sans appui")
		// The whole situation rated immediate.
		clickOn(t, ctx, `label[for="urgence-immediate"]`)
		typeText(t, ctx, "#justification", "Il veut un travail tout de suite.")
		caseDone(`form[action$="/urgence"] button[type=submit]`, "urgence")
		// The 115 for a young man housed by his mother.
		typeText(t, ctx, `form[role=search][aria-label="Chercher un partenaire"] #q`, "115")
		submitForm(t, ctx, `form[role=search][aria-label="Chercher un partenaire"] button[type=submit]`)
		if !optionOf(t, ctx, "#service", "siao-115/urgence-115").Found {
			t.Fatalf("recherche « 115 » : le 115 n'est pas proposé ; options : %q", texts(t, ctx, "#service option"))
		}
		if err := chromedp.Do(ctx, setValue("#service", "siao-115/urgence-115")); err != nil {
			t.Fatal(err)
		}
		typeText(t, ctx, "#motif", "Conflit avec le beau-père : mise à l'abri.")
		clickOn(t, ctx, `label[for="consentement-case"]`)
		caseDone(`form[action$="/orientation"] button[type=submit]`, "orientation vers le 115")
		chooseOption(t, ctx, "#jours", "30 jours")
		f = caseDone(`form[action$="/temps"] button[type=submit]`, "30 jours")
		refs := texts(t, ctx, "#orientation table tbody tr")
		if len(refs) != 1 || !strings.Contains(refs[0], "Refusée") || !strings.Contains(refs[0], siao.Refusal) {
			t.Errorf("le 115 répond à l'orientation d'un jeune hébergé par sa famille : %q, attendu un refus motivé « %s »", refs, siao.Refusal)
		}
		// Without a youth residence asked for, the day-20 crisis comes.
		if !slicesContainsSub(texts(t, ctx, "ol.journal > li"), "Dispute violente") {
			t.Errorf("sans orientation vers une résidence habitat jeunes au jour 19, la dispute du jour 20 aurait dû survenir ; journal : %q", texts(t, ctx, "ol.journal > li"))
		}
		// On a phone, the case file and then its debrief fit the screen:
		// wide tables scroll in their own box.
		atPhoneWidth(t, ctx)
		checkPage(t, ctx, kase)
		if px := overflow(t, ctx); px > 0 {
			t.Errorf("%s à 390 px : la page déborde de %d px", kase, px)
		}
		typeText(t, ctx, "textarea#bilan", "Yanis cherche un emploi ; orienté vers le 115.")
		f = confirmInDialog(t, ctx, `button[formaction$="/clore"]`, "Clore le dossier ?", "lecture seule")
		if f.Path != kase+"/debrief" {
			t.Fatalf("clôture : arrivé sur %s ; erreurs %q", f.URL, textOf(t, ctx, ".error-summary"))
		}
		if want := "Débriefing — " + person; f.h1() != want {
			t.Errorf("débriefing : h1 %q", f.h1())
		}
		if px := overflow(t, ctx); px > 0 {
			t.Errorf("%s à 390 px : la page déborde de %d px", f.Path, px)
		}

		// The pitfalls fallen into, from what was done.
		fallen := texts(t, ctx, "section[aria-labelledby=h-pieges] ul.pitfalls > li")
		for _, want := range []string{judged, promised} {
			if !slicesContainsSub(fallen, "Vous êtes tombé·e dans ce piège du cas : « "+want+" »") {
				t.Errorf("débriefing (mauvais jeu) : piège « %s » non nommé ; pièges : %q", want, fallen)
			}
		}
		for _, want := range []string{"Vous êtes tombé·e dans la question jugeante.", "Vous êtes tombé·e dans le jugement.", "Vous êtes tombé·e dans l'orientation inadaptée. Orientation vers SIAO"} {
			if !slicesContainsSub(fallen, want) {
				t.Errorf("débriefing (mauvais jeu) : « %s » absent des pièges", want)
			}
		}
		// The questions and words that harmed the interview.
		interview := oneLine(textOf(t, ctx, "section[aria-labelledby=h-entretien]"))
		for _, want := range []string{"question fermée : « " + closed.Text + " »", "question jugeante : « " + typed + " »", "Ce que la personne a décidé de taire"} {
			if !strings.Contains(interview, want) {
				t.Errorf("débriefing (mauvais jeu), entretien : %q absent de %q", want, interview)
			}
		}
		// The orientation judged, with the partner's refusal.
		mine := texts(t, ctx, "section[aria-labelledby=h-ori] > ul > li")
		if len(mine) != 1 || !strings.Contains(mine[0], "✗ à éviter : "+oneLine(siao.Reason)) || !strings.Contains(mine[0], "refus ("+siao.Refusal+")") {
			t.Errorf("débriefing (mauvais jeu) : orientation vers le 115 %q, attendu « ✗ à éviter : … » et le refus", mine)
		}
		for _, u := range texts(t, ctx, "section[aria-labelledby=h-urg] li") {
			if !strings.Contains(u, "✗ surévaluée") {
				t.Errorf("débriefing (mauvais jeu) : urgence %q, attendu « ✗ surévaluée »", u)
			}
		}
		if got := caseStatus(t, ctx, "Situations de la clé repérées"); got != "0 sur 8" {
			t.Errorf("débriefing (mauvais jeu) : situations %q, attendu 0 sur 8", got)
		}
		tasks := debriefTasks(t, ctx)
		for _, id := range []string{"1.4", "1.5", "2.2"} {
			if worked, ok := tasks[id]; !ok || worked {
				t.Errorf("débriefing (mauvais jeu) : tâche %s %v (présente %v), attendu « ✗ non travaillée »", id, worked, ok)
			}
		}
	})
}
