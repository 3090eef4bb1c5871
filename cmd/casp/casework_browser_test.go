package main

// Browser journey of the sandbox (bac à sable): a learner browses the
// territory directory, its map and the fiches dispositifs, opens a case on
// a scenario, conducts the interview with the keyboard and the mouse, notes
// situations, assesses the urgency, refers the person (after a consent
// error), builds the plan and the contract, lets simulated time run, writes
// the review, closes the case, reads the debrief and sends the interview to
// the portfolio. Every page state goes through audit (axe-core WCAG 2.1 A/AA
// and the French UI checks of browser_test.go).
//
// The expected content (questions, answers, events, expert key) is read
// from the scenario YAML embedded in the binary, the same the server runs.
// The learner, apprenant12, is used by no other browser test and has no demo
// case.

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"gopkg.in/yaml.v3"

	"github.com/casp-cnam/casp/content"

	"github.com/casp-cnam/casp/casework"
)

// sandboxTestTimeout bounds the sandbox journey.
const sandboxTestTimeout = 120 * time.Second

// sandboxSession is newSession with the journey's own bound: newSession's
// tabs live at most browserTestTimeout (60 s), shorter than this journey.
func sandboxSession(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	return openTab(t, d)
}

// pitfallText reads a pitfall, a plain sentence or a block {texte, si, pourquoi}.
type pitfallText string

func (p *pitfallText) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*p = pitfallText(n.Value)
		return nil
	}
	var b struct {
		Text string `yaml:"texte"`
	}
	if err := n.Decode(&b); err != nil {
		return err
	}
	*p = pitfallText(b.Text)
	return nil
}

// sandboxScenario is the part of a scenario file the journey checks against.
type sandboxScenario struct {
	ID         string   `yaml:"id"`
	Title      string   `yaml:"titre"`
	Structure  string   `yaml:"structure"`
	Tasks      []string `yaml:"taches"`
	StartTrust int      `yaml:"confiance_initiale"`
	Person     struct {
		FirstName string `yaml:"prenom"`
		LastName  string `yaml:"nom"`
	} `yaml:"personne"`
	Topics []struct {
		Questions []sandboxQuestion `yaml:"questions"`
	} `yaml:"themes"`
	Moves map[string]struct {
		Answer string `yaml:"reponse"`
	} `yaml:"gestes"`
	Facts []struct {
		ID        string `yaml:"id"`
		Domain    string `yaml:"domaine"`
		Situation string `yaml:"situation"`
	} `yaml:"faits"`
	Key struct {
		Situations []string `yaml:"situations"`
		Urgencies  []struct {
			Domain string `yaml:"domaine"`
			Level  string `yaml:"niveau"`
		} `yaml:"urgences"`
		Orientations []struct {
			Typology  string `yaml:"typologie"`
			Theme     string `yaml:"thematique"`
			Structure string `yaml:"structure"`
		} `yaml:"orientations"`
		Pitfalls []pitfallText `yaml:"pieges"`
	} `yaml:"cle_expert"`
	Timeline []struct {
		Day   int    `yaml:"jour"`
		Title string `yaml:"titre"`
		When  string `yaml:"condition"`
	} `yaml:"chronologie"`
	Partners []struct {
		Structure string `yaml:"structure"`
		Service   string `yaml:"service"`
		Answer    string `yaml:"reponse"`
		Days      int    `yaml:"delai_jours"`
	} `yaml:"reponses_partenaires"`
}

type sandboxQuestion struct {
	ID       string   `yaml:"id"`
	Text     string   `yaml:"texte"`
	Answer   string   `yaml:"reponse"`
	Guarded  string   `yaml:"reponse_reservee"`
	MinTrust int      `yaml:"confiance_min"`
	Reveals  []string `yaml:"revele"`
}

func (sc *sandboxScenario) question(t *testing.T, id string) sandboxQuestion {
	t.Helper()
	for _, tp := range sc.Topics {
		for _, q := range tp.Questions {
			if q.ID == id {
				return q
			}
		}
	}
	t.Fatalf("scénario %s : pas de question %s", sc.ID, id)
	return sandboxQuestion{}
}

// urgency is the level the key gives every domain of the case (the
// journey rates the whole situation at once).
func (sc *sandboxScenario) urgency(t *testing.T) string {
	t.Helper()
	if len(sc.Key.Urgencies) == 0 {
		t.Fatalf("scénario %s : cle_expert.urgences vide", sc.ID)
	}
	for _, u := range sc.Key.Urgencies {
		if u.Level != sc.Key.Urgencies[0].Level {
			t.Fatalf("scénario %s : urgences de niveaux différents (%s, %s) ; le parcours note toute la situation d'un niveau", sc.ID, u.Level, sc.Key.Urgencies[0].Level)
		}
	}
	return sc.Key.Urgencies[0].Level
}

func (sc *sandboxScenario) fact(t *testing.T, id string) (domain, situation string) {
	t.Helper()
	for _, f := range sc.Facts {
		if f.ID == id {
			return f.Domain, f.Situation
		}
	}
	t.Fatalf("scénario %s : pas de fait %s", sc.ID, id)
	return "", ""
}

func readContentYAML(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := fs.ReadFile(content.FS, path)
	if err != nil {
		t.Fatalf("lecture de %s : %v", path, err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s : %v", path, err)
	}
}

// oneLine folds the whitespace of a text read from the screen.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// texts is the visible text of every element matching sel, on one line each.
func texts(t testing.TB, ctx context.Context, sel string) []string {
	t.Helper()
	return eval[[]string](t, ctx, `Array.from(document.querySelectorAll(`+jsString(sel)+`), e => e.innerText.replace(/\s+/g, ' ').trim())`)
}

// caseStatus reads a value of the case's status bar (« Confiance », « Jour
// simulé »…).
func caseStatus(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	return eval[string](t, ctx, `(() => {
		const dt = Array.from(document.querySelectorAll('dl.case-status dt')).find(d => d.innerText.trim() === `+jsString(name)+`);
		return dt ? dt.nextElementSibling.innerText.trim() : '';
	})()`)
}

// optionState tells whether a select offers an option (by value), its text
// and whether it is disabled.
type optionState struct {
	Found    bool   `json:"found"`
	Text     string `json:"text"`
	Disabled bool   `json:"disabled"`
}

func optionOf(t testing.TB, ctx context.Context, sel, value string) optionState {
	t.Helper()
	return eval[optionState](t, ctx, `(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		const o = s && Array.from(s.options).find(o => o.value === `+jsString(value)+`);
		return o ? {found: true, text: o.text.trim(), disabled: o.disabled} : {found: false, text: '', disabled: false};
	})()`)
}

// chooseOptionStarting picks, in a <select>, the last option whose text
// starts with prefix (the « D'après la réponse » list shows answers cut at
// 90 characters; the same question may be there twice, guarded then open).
func chooseOptionStarting(t *testing.T, ctx context.Context, sel, prefix string) {
	t.Helper()
	v := eval[string](t, ctx, `(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		if (!s) return '\u0000absent';
		const o = Array.from(s.options).filter(o => o.text.replace(/\s+/g, ' ').trim().startsWith(`+jsString(prefix)+`)).pop();
		return o ? o.value : '\u0000' + Array.from(s.options, o => o.text.trim()).join(' | ');
	})()`)
	if strings.HasPrefix(v, "\x00") {
		t.Fatalf("%s : pas d'option commençant par « %s » (options : %s)", sel, prefix, v[1:])
	}
	if err := chromedp.Do(ctx, setValue(sel, v)); err != nil {
		t.Fatalf("choix de « %s… » dans %s : %v", prefix, sel, err)
	}
}

// prefixOf is the first n runes of s, on one line.
func prefixOf(s string, n int) string {
	r := []rune(oneLine(s))
	return string(r[:min(n, len(r))])
}

var sandboxCaseRe = regexp.MustCompile(`^/dossiers/(\d+)$`)

func TestBrowserSandboxJourney(t *testing.T) {
	browserTest(t)
	env(t) // fails or skips before the clock starts
	start := time.Now()
	ctx := sandboxSession(t, sandboxTestTimeout)

	var sc sandboxScenario
	readContentYAML(t, "scenarios/jeune-mission-locale.yaml", &sc)
	var ml struct {
		Name     string `yaml:"nom"`
		Services []struct {
			Themes []string `yaml:"thematiques"`
		} `yaml:"services"`
	}
	readContentYAML(t, "territoire/structures/"+sc.Structure+".yaml", &ml)
	person := sc.Person.FirstName + " " + sc.Person.LastName

	login(t, ctx, "apprenant12", "demo")
	if f := audit(t, ctx); f.Path != "/" {
		t.Fatalf("connexion d'apprenant12 : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}

	// --- The territory: filters, SVG map and numbered list. ---
	f := checkPage(t, ctx, "/territoire")
	if f.h1() != "Annuaire du territoire" {
		t.Errorf("/territoire : h1 %q", f.h1())
	}
	chooseOption(t, ctx, "#thematique", "Famille")
	chooseOption(t, ctx, "#commune", "Valmont-sur-Loire")
	f = submitForm(t, ctx, `form[action="/territoire"] button[type=submit]`)
	if !strings.Contains(f.URL, "thematique=famille") || !strings.Contains(f.URL, "commune=valmont") {
		t.Errorf("filtre de l'annuaire : URL %s, attendu thematique=famille&commune=valmont", f.URL)
	}
	if fieldValue(t, ctx, "#thematique") != "famille" || fieldValue(t, ctx, "#commune") != "valmont" {
		t.Errorf("filtre de l'annuaire : les listes ne gardent pas le choix (thématique %q, commune %q)",
			fieldValue(t, ctx, "#thematique"), fieldValue(t, ctx, "#commune"))
	}
	type mapFacts struct {
		Found  bool     `json:"found"`
		Name   string   `json:"name"`
		Desc   string   `json:"desc"`
		Marks  []string `json:"marks"`  // number of each mark
		Titles []string `json:"titles"` // structure named by each mark
	}
	m := eval[mapFacts](t, ctx, `(() => {
		const s = document.querySelector('.territory-map svg[role=img]');
		if (!s) return {found: false, name: '', desc: '', marks: [], titles: []};
		const name = (s.getAttribute('aria-labelledby') || '').split(/\s+/).map(id => { const e = document.getElementById(id); return e ? e.textContent : ''; }).join(' — ');
		const marks = Array.from(s.querySelectorAll('text')).filter(x => x.querySelector('title'));
		return {found: true, name: name, desc: (s.querySelector('desc') || {}).textContent || '',
			marks: marks.map(x => x.firstChild.textContent.trim()), titles: marks.map(x => x.querySelector('title').textContent)};
	})()`)
	list := texts(t, ctx, "ol.structure-list > li > a")
	listCommunes := texts(t, ctx, "ol.structure-list > li .hint")
	switch {
	case !m.Found:
		t.Errorf("/territoire filtré : pas de carte svg[role=img]")
	case len(list) == 0:
		t.Errorf("/territoire filtré (famille, Valmont) : liste numérotée vide")
	default:
		if !strings.Contains(m.Name, "Carte de") || !strings.Contains(m.Desc, fmt.Sprintf("%d structure", len(list))) {
			t.Errorf("carte : nom accessible %q, attendu « Carte de … » et « %d structures »", m.Name, len(list))
		}
		if len(m.Marks) != len(list) {
			t.Errorf("carte : %d repères numérotés, la liste a %d structures", len(m.Marks), len(list))
		}
		for i := range min(len(m.Marks), len(list)) {
			if m.Marks[i] != fmt.Sprint(i+1) || m.Titles[i] != list[i] {
				t.Errorf("carte : repère %q « %s », attendu %d « %s » (le numéro de la liste)", m.Marks[i], m.Titles[i], i+1, list[i])
			}
		}
		for i, c := range listCommunes {
			if !strings.Contains(c, "Valmont-sur-Loire") {
				t.Errorf("filtre commune Valmont : %s est à %q", list[min(i, len(list)-1)], c)
			}
		}
		wantText(t, f, fmt.Sprintf("%d\u00a0structure", len(list)))
	}

	// One structure of the list.
	if len(list) > 0 {
		name := list[0]
		f = submitForm(t, ctx, `ol.structure-list > li:first-child > a`)
		if !strings.HasPrefix(f.Path, "/territoire/") || f.h1() != name {
			t.Errorf("clic sur « %s » : %s, h1 %q", name, f.Path, f.h1())
		}
		wantText(t, f, "Services", "Conditions d'accès", "Comment mobiliser")
		if countOf(t, ctx, "section.service h3") == 0 {
			t.Errorf("%s : aucun service", f.Path)
		}
	}
	// The structure of the scenario, linked from the case file later.
	f = checkPage(t, ctx, "/territoire/"+sc.Structure)
	if f.h1() != ml.Name {
		t.Errorf("/territoire/%s : h1 %q, attendu %q", sc.Structure, f.h1(), ml.Name)
	}
	var mlThemes []string
	for _, sv := range ml.Services {
		mlThemes = append(mlThemes, sv.Themes...)
	}
	rawNeeds(t, f.Path+" (thématiques des services)", strings.Join(texts(t, ctx, "section.service dd"), "\n"), mlThemes)

	// --- The fiches: search « logement », open one. ---
	f = checkPage(t, ctx, "/fiches")
	if f.h1() != "Fiches dispositifs" {
		t.Errorf("/fiches : h1 %q", f.h1())
	}
	all := countOf(t, ctx, "ul.fiche-list > li")
	typeText(t, ctx, "#q", "logement")
	f = submitForm(t, ctx, `form[action="/fiches"] button[type=submit]`)
	fiches := texts(t, ctx, "ul.fiche-list > li h2 a")
	if !strings.Contains(f.URL, "q=logement") || len(fiches) == 0 || len(fiches) >= all {
		t.Errorf("/fiches?q=logement : %d fiches sur %d (%q) ; URL %s", len(fiches), all, fiches, f.URL)
	}
	if got := fieldValue(t, ctx, "#q"); got != "logement" {
		t.Errorf("/fiches : la recherche ne garde pas la saisie (%q)", got)
	}
	if len(fiches) > 0 {
		f = submitForm(t, ctx, `ul.fiche-list > li:first-child h2 a`)
		if !strings.HasPrefix(f.Path, "/fiches/") || f.h1() != fiches[0] {
			t.Errorf("clic sur la fiche « %s » : %s, h1 %q", fiches[0], f.Path, f.h1())
		}
		wantText(t, f, "Mise à jour")
	}

	// --- The catalogue and the scenario page. ---
	f = checkPage(t, ctx, "/cas")
	if f.h1() != "Cas pratiques et exercices" {
		t.Errorf("/cas : h1 %q", f.h1())
	}
	link := `main table a[href="/cas/` + sc.ID + `"]`
	if got := textOf(t, ctx, link); got != sc.Title {
		t.Fatalf("/cas : lien vers %s %q, attendu %q", sc.ID, got, sc.Title)
	}
	f = submitForm(t, ctx, link)
	if f.Path != "/cas/"+sc.ID || f.h1() != sc.Title {
		t.Errorf("page du cas : %s, h1 %q", f.Path, f.h1())
	}
	wantText(t, f, ml.Name, "Tâches du référentiel travaillées")
	open := `form[action="/cas/` + sc.ID + `/ouvrir"] button[type=submit]`
	if got := textOf(t, ctx, open); got != "Ouvrir un dossier sur ce cas" {
		t.Fatalf("page du cas : bouton %q, attendu « Ouvrir un dossier sur ce cas »", got)
	}
	f = submitForm(t, ctx, open)
	mm := sandboxCaseRe.FindStringSubmatch(f.Path)
	if mm == nil {
		t.Fatalf("« Ouvrir un dossier sur ce cas » : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}
	kase := f.Path
	if want := "Dossier de " + person; f.h1() != want {
		t.Errorf("%s : h1 %q, attendu %q", kase, f.h1(), want)
	}
	wantText(t, f, "Le dossier est ouvert. La personne vient d'arriver : commencez l'entretien.")
	// Trust and confidentiality are hidden from the trainee, as a real
	// person shows neither; the clock is shown.
	if got := caseStatus(t, ctx, "Confiance"); got != "" {
		t.Errorf("%s : la confiance %q est montrée à l'apprenant sans réglage du formateur", kase, got)
	}
	if got := caseStatus(t, ctx, "Heure"); !strings.Contains(got, " h") {
		t.Errorf("%s : heure %q, attendu « 9 h 30 » ou semblable", kase, got)
	}
	labelsAndIDs(t, ctx, kase)

	// caseDone follows a form of the case file back to the file, with the
	// notice of a saved change.
	caseDone := func(sel, what string) pageFacts {
		t.Helper()
		f := submitForm(t, ctx, sel)
		if f.Path != kase {
			t.Fatalf("%s : arrivé sur %s (h1 %q) ; erreurs : %q", what, f.URL, f.h1(), textOf(t, ctx, ".error-summary"))
		}
		wantText(t, f, "Enregistré dans le dossier.")
		return f
	}
	lines := func() []string { return texts(t, ctx, "ol.transcript > li .what") }

	// --- The interview. ---
	before := lines()
	if len(before) == 0 {
		t.Fatalf("%s : la transcription ne montre pas l'arrivée de la personne", kase)
	}
	// lastAnswer checks that an exchange added two lines: the question (or
	// the move) and the person's answer.
	lastAnswer := func(what, question, answer string) {
		t.Helper()
		got := lines()
		if len(got) != len(before)+2 {
			t.Errorf("%s : la transcription passe de %d à %d lignes, attendu +2", what, len(before), len(got))
		} else {
			if oneLine(got[len(got)-2]) != oneLine(question) {
				t.Errorf("%s : ligne du professionnel %q, attendu %q", what, got[len(got)-2], question)
			}
			if oneLine(got[len(got)-1]) != oneLine(answer) {
				t.Errorf("%s : réponse %q, attendu %q", what, got[len(got)-1], answer)
			}
		}
		before = got
	}

	// A sensitive question, asked first, with the keyboard only: arrows
	// in the list, Tab to the button, Enter.
	sensitive := sc.question(t, "q-contraintes-horaires")
	if sensitive.MinTrust < 2 || sensitive.MinTrust <= sc.StartTrust || sensitive.Guarded == "" {
		t.Fatalf("scénario : %s (confiance_min %d, confiance initiale %d) ne donne pas de réponse réservée au début", sensitive.ID, sensitive.MinTrust, sc.StartTrust)
	}
	if err := chromedp.Do(ctx, focusOn("#question")); err != nil {
		t.Fatal(err)
	}
	for range 40 {
		if fieldValue(t, ctx, "#question") == sensitive.ID {
			break
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
			t.Fatal(err)
		}
	}
	if got := fieldValue(t, ctx, "#question"); got != sensitive.ID {
		t.Fatalf("flèches dans #question : la liste est sur %q, %s inaccessible au clavier", got, sensitive.ID)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.activeElement.innerText.trim()`); got != "Poser la question" {
		t.Fatalf("Tab après la liste des questions : focus sur %q, attendu « Poser la question »", got)
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.KeyEvent(kb.Enter))); err != nil {
		t.Fatalf("Entrée sur « Poser la question » : %v", err)
	}
	f = audit(t, ctx)
	if f.Path != kase {
		t.Fatalf("question posée au clavier : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}
	lastAnswer("question sensible posée trop tôt", sensitive.Text, sensitive.Guarded)
	if o := optionOf(t, ctx, "#question", sensitive.ID); o.Text != "◔ "+sensitive.Text || o.Disabled {
		t.Errorf("après la réponse réservée, l'option %s est %+v, attendu « ◔ %s » et encore sélectionnable", sensitive.ID, o, sensitive.Text)
	}

	ask := func(id string) sandboxQuestion {
		t.Helper()
		q := sc.question(t, id)
		chooseOption(t, ctx, "#question", q.Text)
		caseDone(`form[action$="/question"] button[type=submit]`, "« Poser la question » "+id)
		lastAnswer("question "+id, q.Text, q.Answer)
		if o := optionOf(t, ctx, "#question", id); o.Text != "✓ "+q.Text || !o.Disabled {
			t.Errorf("après la réponse à %s, l'option est %+v, attendu « ✓ … » et désactivée", id, o)
		}
		return q
	}
	// A move offers what the professional says, never the move's name.
	said := map[string]string{}
	move := func(value, label string) {
		t.Helper()
		sel := `form[action$="/geste"] fieldset button[name=geste][value="` + value + `"]`
		got := textOf(t, ctx, sel)
		if !strings.HasPrefix(got, "« ") || strings.Contains(got, label) {
			t.Errorf("geste %s : bouton %q, attendu une parole entre guillemets, pas le nom « %s »", value, got, label)
		}
		said[value] = strings.TrimSuffix(strings.TrimPrefix(got, "« "), " »")
		caseDone(sel, "geste « "+label+" »")
		lastAnswer("geste "+value, said[value], sc.Moves[value].Answer)
	}
	if got := textOf(t, ctx, `form[action$="/geste"] legend`); got != "Dire à la personne" {
		t.Errorf("%s : légende des gestes %q", kase, got)
	}
	ask("q-motif-venue")
	move("rappeler-confidentialite", "Rappeler la confidentialité")
	move("valoriser", "Valoriser")
	move("reformuler", "Reformuler")
	home := ask("q-ambiance-maison")
	ask("q-parcours-scolaire")
	// A question typed in one's own words: how it is understood is shown
	// before it is asked, and it can be rephrased.
	typeText(t, ctx, "#tapee", "Et pour vos déplacements, comment vous faites ?")
	f = submitForm(t, ctx, `form[method=get] button[type=submit]`)
	if got := oneLine(textOf(t, ctx, "#lecture")); !strings.Contains(got, "forme : ouverte") || !strings.Contains(got, "Comprise comme : « "+oneLine(sc.question(t, "q-deplacements").Text)+" »") {
		t.Errorf("question tapée : lecture %q, attendu comprise comme q-deplacements, forme ouverte", got)
	}
	q := sc.question(t, "q-deplacements")
	caseDone(`#lecture form[action$="/question"] button[type=submit]`, "« Poser ma question »")
	lastAnswer("question tapée", "Et pour vos déplacements, comment vous faites ?", q.Answer)
	// The sensitive question again, now that trust has grown: the open
	// answer.
	chooseOption(t, ctx, "#question", "◔ "+sensitive.Text)
	caseDone(`form[action$="/question"] button[type=submit]`, "question sensible reposée")
	lastAnswer("question sensible reposée", sensitive.Text, sensitive.Answer)
	if o := optionOf(t, ctx, "#question", sensitive.ID); o.Text != "✓ "+sensitive.Text || !o.Disabled {
		t.Errorf("après la réponse ouverte à %s, l'option est %+v, attendu « ✓ … » et désactivée", sensitive.ID, o)
	}
	if strings.Contains(strings.Join(lines(), "\n"), "Poser la question") {
		t.Errorf("la transcription contient le libellé d'un bouton")
	}

	// --- Diagnostic: three situations. ---
	type situation struct{ fact, label, source string }
	situations := []situation{
		{"risque-rupture-hebergement", "Risque de perdre l'hébergement chez sa mère à l'été", home.Answer},
		{"garde-soeur", "S'occupe de sa sœur de 8 ans matin et fin d'après-midi", sensitive.Answer},
		{"sans-diplome", "Sorti du lycée professionnel sans diplôme", sc.question(t, "q-parcours-scolaire").Answer},
	}
	for i, s := range situations {
		domain, _ := sc.fact(t, s.fact)
		if err := chromedp.Do(ctx, setValue("#domaine", domain)); err != nil {
			t.Fatal(err)
		}
		if got := fieldValue(t, ctx, "#domaine"); got != domain {
			t.Fatalf("#domaine : pas d'option %q", domain)
		}
		typeText(t, ctx, "#situation", s.label)
		if s.source != "" {
			chooseOptionStarting(t, ctx, "#source", prefixOf(s.source, 40))
		}
		f = caseDone(`form[action$="/situation"] button[type=submit]`, "situation « "+s.label+" »")
		rows := texts(t, ctx, `#diagnostic table tbody tr`)
		if len(rows) != i+1 || !strings.Contains(rows[i], s.label) || !strings.Contains(rows[i], "Repérée") {
			t.Errorf("après la situation %d : tableau %q", i+1, rows)
		}
		if got := fieldValue(t, ctx, "#situation"); got != "" {
			t.Errorf("après l'ajout, le champ Situation garde %q", got)
		}
	}

	// Urgency: one level for the whole situation, the level the key gives
	// every domain; the radio by its label, then the justification.
	level := sc.urgency(t)
	clickOn(t, ctx, `label[for="urgence-`+level+`"]`)
	if !isChecked(t, ctx, "#urgence-"+level) {
		t.Errorf("clic sur l'étiquette « %s » : le bouton n'est pas coché", textOf(t, ctx, `label[for="urgence-`+level+`"]`))
	}
	const why = "Pas de danger immédiat, mais le beau-père a posé un ultimatum pour l'été et Yanis n'a aucune ressource : entrée en CEJ et solution de logement à engager sous quinze jours."
	typeText(t, ctx, "#justification", why)
	f = caseDone(`form[action$="/urgence"] button[type=submit]`, "niveau d'urgence")
	if got := caseStatus(t, ctx, "Urgence"); got != "Prioritaire" {
		t.Errorf("après l'enregistrement : urgence %q, attendu « Prioritaire »", got)
	}
	if !isChecked(t, ctx, "#urgence-"+level) || oneLine(fieldValue(t, ctx, "#justification")) != why {
		t.Errorf("après l'enregistrement, l'urgence ou sa justification ne sont plus affichées (justification %q)", fieldValue(t, ctx, "#justification"))
	}

	const diagnostic = "Yanis, 20 ans, demande un emploi rapidement. Sans diplôme ni ressources, hébergé chez sa mère avec un ultimatum du beau-père ; il garde sa sœur le matin et à 16 h 30. Hypothèse : entrée en CEJ avec un emploi du temps adapté, anticipation d'un logement jeune."
	typeText(t, ctx, "#premier_diagnostic", diagnostic)
	f = caseDone(`form:has(#premier_diagnostic) button[type=submit]`, "premier diagnostic")
	if got := oneLine(fieldValue(t, ctx, "#premier_diagnostic")); got != diagnostic {
		t.Errorf("premier diagnostic relu %q", got)
	}

	// --- Orientation: the directory from the case, the consent error. ---
	allServices := countOf(t, ctx, "#service option")
	search := `form[role=search][aria-label="Chercher un partenaire"]`
	if got := textOf(t, ctx, `label[for=q]`); got != "Chercher dans l'annuaire" {
		t.Errorf("%s : champ de recherche intitulé %q", kase, got)
	}
	typeText(t, ctx, search+" #q", "cej")
	f = submitForm(t, ctx, search+` button[type=submit]`)
	if f.Path != kase || !strings.Contains(f.URL, "q=cej") {
		t.Fatalf("recherche dans l'annuaire depuis le dossier : arrivé sur %s", f.URL)
	}
	target := sc.Structure + "/cej-tilleuls"
	svc := optionOf(t, ctx, "#service", target)
	if !svc.Found {
		t.Fatalf("recherche « cej » : le service %s n'est pas proposé ; options : %q", target, texts(t, ctx, "#service option"))
	}
	if n := countOf(t, ctx, "#service option"); n >= allServices {
		t.Errorf("recherche « cej » : %d services proposés, autant qu'avant la recherche (%d)", n, allServices)
	}
	if got := textOf(t, ctx, "label[for=service]"); !strings.Contains(got, "résultats pour « cej »") {
		t.Errorf("étiquette du service après la recherche : %q", got)
	}
	if err := chromedp.Do(ctx, setValue("#service", target)); err != nil {
		t.Fatal(err)
	}
	const motif = "Entrée en Contrat d'engagement jeune avec un conseiller référent ; emploi du temps compatible avec ses contraintes familiales de 8 h 20 et 16 h 30."
	typeText(t, ctx, "#motif", motif)
	if isChecked(t, ctx, "#consentement-case") {
		t.Fatalf("la case de consentement est cochée d'office")
	}
	f = submitForm(t, ctx, `form[action$="/orientation"] button[type=submit]`)
	const consentMsg = "Recueillez le consentement de la personne avant d'envoyer la fiche de liaison."
	if got := textOf(t, ctx, "#consentement .error-message"); !strings.Contains(got, consentMsg) {
		t.Errorf("fiche de liaison sans consentement : message à côté de la case %q, attendu %q ; page %s, h1 %q", got, consentMsg, f.URL, f.h1())
	}
	if got := textOf(t, ctx, ".error-summary"); !strings.Contains(got, consentMsg) {
		t.Errorf("fiche de liaison sans consentement : récapitulatif %q", got)
	}
	if got := oneLine(fieldValue(t, ctx, "#motif")); got != motif {
		t.Errorf("après l'erreur de consentement, le motif tapé est perdu : %q", got)
	}
	if got := fieldValue(t, ctx, "#service"); got != target {
		t.Errorf("après l'erreur de consentement, le service choisi est perdu : %q", got)
	}
	if n := countOf(t, ctx, "#orientation table tbody tr"); n != 0 {
		t.Errorf("fiche de liaison envoyée sans consentement (%d lignes)", n)
	}
	// The message is tied to the checkbox, as for the other fields
	// (partials/fields.html): aria-invalid and aria-describedby.
	type boxFacts struct {
		Invalid   string `json:"invalid"`
		Described string `json:"described"`
	}
	box := eval[boxFacts](t, ctx, `(() => {
		const c = document.getElementById('consentement-case');
		const d = (c.getAttribute('aria-describedby') || '').split(/\s+/).map(id => { const e = id && document.getElementById(id); return e ? e.innerText : ''; }).join(' ');
		return {invalid: c.getAttribute('aria-invalid') || '', described: d};
	})()`)
	if box.Invalid != "true" || !strings.Contains(box.Described, consentMsg) {
		t.Errorf("#consentement-case en erreur : aria-invalid=%q, aria-describedby lit %q ; attendu \"true\" et le message %q "+
			"(views/templates/pages/dossier.html, bloc #consentement : id=\"consentement-error\" sur le message, aria-invalid et aria-describedby sur la case)",
			box.Invalid, box.Described, consentMsg)
	}
	clickOn(t, ctx, `label[for="consentement-case"]`)
	if !isChecked(t, ctx, "#consentement-case") {
		t.Fatalf("clic sur l'étiquette du consentement : case non cochée")
	}
	f = caseDone(`form[action$="/orientation"] button[type=submit]`, "fiche de liaison avec consentement")
	refs := texts(t, ctx, "#orientation table tbody tr")
	// The Mission locale is the trainee's own structure: its CEJ is
	// mobilised internally, at once, without a fiche de liaison to itself.
	if len(refs) != 1 || !strings.Contains(refs[0], ml.Name) || !strings.Contains(refs[0], "Contrat d'engagement jeune") || !strings.Contains(refs[0], "Acceptée (J0)") {
		t.Errorf("fiches de liaison après l'envoi : %q", refs)
	}

	// --- Plan: an objective, an action with a partner. ---
	chooseOption(t, ctx, "#thematique", "Trouver un emploi")
	const goal = "Entrer en CEJ avec un emploi du temps compatible avec la garde d'Inès"
	typeText(t, ctx, "#objectif", goal)
	f = caseDone(`form[action$="/objectif"] button[type=submit]`, "objectif")
	if got := textOf(t, ctx, "#projet .goal h3"); !strings.Contains(got, goal) || !strings.Contains(got, "Trouver un emploi") {
		t.Errorf("objectif affiché %q", got)
	}
	gid := eval[string](t, ctx, `(() => { const i = document.querySelector('form[action$="/action"] input[name=objectif_id]'); return i ? i.value : ''; })()`)
	if gid == "" {
		t.Fatalf("%s : pas de formulaire « Nouvelle action » pour l'objectif", kase)
	}
	const action = "Premier rendez-vous avec le conseiller référent CEJ"
	typeText(t, ctx, "#action-"+gid, action)
	chooseOption(t, ctx, "#partenaire-"+gid, ml.Name)
	typeText(t, ctx, "#referent-"+gid, "Conseiller CEJ")
	f = caseDone(`form[action$="/action"] button[type=submit]`, "action")
	if got := textOf(t, ctx, "#projet .goal ul.members li"); !strings.Contains(got, action) || !strings.Contains(got, ml.Name) || !strings.Contains(got, "référent : Conseiller CEJ") {
		t.Errorf("action affichée %q, attendu l'action, « %s » et le référent", got, ml.Name)
	}

	// The contract, signed.
	chooseOption(t, ctx, "#type", "Contrat d'engagement jeune (CEJ)")
	typeText(t, ctx, "#engagements_personne", "Venir aux rendez-vous et aux ateliers, prévenir en cas d'empêchement.")
	typeText(t, ctx, "#engagements_structure", "Un conseiller référent, un emploi du temps adapté à la garde de sa sœur, l'allocation CEJ.")
	typeText(t, ctx, "#etapes", "Dossier d'entrée, ateliers CV, découverte de l'animation sportive.")
	typeText(t, ctx, "#suivi", "Un entretien par semaine le mercredi matin.")
	typeText(t, ctx, "#debut", "0")
	typeText(t, ctx, "#fin", "180")
	if got := textOf(t, ctx, `form[action$="/contrat"] button[name=signer][value="1"]`); got != "Faire signer le contrat" {
		t.Errorf("bouton de signature %q", got)
	}
	f = caseDone(`form[action$="/contrat"] button[name=signer][value="1"]`, "« Faire signer le contrat »")
	wantText(t, f, "✓ Signé au jour 0.")
	if got := caseStatus(t, ctx, "État"); got != "Contrat signé" {
		t.Errorf("après la signature : état %q, attendu « Contrat signé »", got)
	}
	if fieldValue(t, ctx, "#type") != "cej" || !strings.Contains(fieldValue(t, ctx, "#engagements_structure"), "emploi du temps adapté") {
		t.Errorf("après la signature, le contrat relu est incomplet (type %q)", fieldValue(t, ctx, "#type"))
	}

	// An appointment, on a day the timeline's no-show falls on.
	var noShow int
	for _, e := range sc.Timeline {
		if e.When == "toujours" && noShow == 0 && e.Day <= 7 {
			noShow = e.Day
		}
	}
	rdvDay := max(noShow, 2)
	typeText(t, ctx, "#jour", fmt.Sprint(rdvDay))
	typeText(t, ctx, "#objet", "Deuxième rendez-vous : dossier d'entrée en CEJ")
	f = caseDone(`form[action$="/rdv"] button[type=submit]`, "rendez-vous")
	if rows := texts(t, ctx, "#agenda table tbody tr"); len(rows) != 1 || !strings.HasPrefix(rows[0], fmt.Sprintf("J%d ", rdvDay)) {
		t.Errorf("agenda : %q, attendu le rendez-vous du jour %d", rows, rdvDay)
	}

	// --- Simulated time: 7 days, then 30. ---
	var partnerDays int
	for _, p := range sc.Partners {
		if p.Structure+"/"+p.Service == target {
			partnerDays = p.Days
			if p.Answer != "acceptee" {
				t.Fatalf("scénario : %s répond %q, attendu acceptee", target, p.Answer)
			}
		}
	}
	journal := func() []string { return texts(t, ctx, "ol.journal > li") }
	hasEntry := func(entries []string, day int, want string) bool {
		for _, e := range entries {
			if strings.HasPrefix(e, fmt.Sprintf("J%d ", day)) && strings.Contains(e, want) {
				return true
			}
		}
		return false
	}
	checkEvents := func(today int) {
		t.Helper()
		entries := journal()
		for _, e := range sc.Timeline {
			if e.When != "toujours" {
				continue
			}
			got := slicesContainsSub(entries, e.Title)
			switch {
			case e.Day <= today && !hasEntry(entries, e.Day, e.Title):
				t.Errorf("J%d : l'événement du jour %d « %s » n'est pas au journal", today, e.Day, e.Title)
			case e.Day > today && got:
				t.Errorf("J%d : l'événement du jour %d « %s » est déjà au journal", today, e.Day, e.Title)
			}
		}
	}
	chooseOption(t, ctx, "#jours", "7 jours")
	f = caseDone(`form[action$="/temps"] button[type=submit]`, "« Avancer le temps » de 7 jours")
	if got := caseStatus(t, ctx, "Jour simulé"); !strings.HasPrefix(got, "J7, ") {
		t.Errorf("après 7 jours : jour simulé %q, attendu J7", got)
	}
	entries := journal()
	_ = partnerDays // the host's own service answers at once (internal)
	if !hasEntry(entries, 0, "Mobilisé en interne : "+ml.Name) {
		t.Errorf("J7 : le journal ne montre pas la mobilisation interne du CEJ (« Mobilisé en interne : %s ») ; journal :\n%s", ml.Name, strings.Join(entries, "\n"))
	}
	if refs := texts(t, ctx, "#orientation table tbody tr"); len(refs) != 1 || !strings.Contains(refs[0], "Acceptée (J0)") {
		t.Errorf("J7 : fiche de liaison %q, attendu « Acceptée (J0) »", refs)
	}
	checkEvents(7)
	if rdvDay == noShow {
		if v := eval[string](t, ctx, `(() => { const s = document.querySelector('#agenda table tbody select'); return s ? s.value : ''; })()`); v != "absent" {
			t.Errorf("J7 : le rendez-vous du jour %d (absence prévue par le scénario) a l'issue %q, attendu « absent »", rdvDay, v)
		}
	}
	if got := caseStatus(t, ctx, "État"); got != "Suivi" {
		t.Errorf("après le temps écoulé, contrat signé : état %q, attendu « Suivi »", got)
	}

	chooseOption(t, ctx, "#jours", "30 jours")
	f = caseDone(`form[action$="/temps"] button[type=submit]`, "« Avancer le temps » de 30 jours")
	if got := caseStatus(t, ctx, "Jour simulé"); !strings.HasPrefix(got, "J37, ") {
		t.Errorf("après 7 + 30 jours : jour simulé %q, attendu J37", got)
	}
	checkEvents(37)
	wantText(t, f, "Le temps avance de 30 jours : jour 37 (")

	// --- Review, transmission, closing. ---
	const review = "Yanis est entré en CEJ à l'antenne des Tilleuls ; le rendez-vous manqué a révélé la garde de sa sœur, prise en compte dans l'emploi du temps."
	const transmission = "Au conseiller CEJ : rendez-vous le mercredi matin, jamais à 16 h 30 ; piste animation sportive à travailler."
	typeText(t, ctx, "textarea#bilan", review)
	typeText(t, ctx, "#transmission", transmission)
	f = caseDone(`form[action$="/bilan"] button[type=submit]`, "bilan")
	if oneLine(fieldValue(t, ctx, "textarea#bilan")) != review || oneLine(fieldValue(t, ctx, "#transmission")) != transmission {
		t.Errorf("bilan ou transmission non relus")
	}
	closeBtn := `button[formaction$="/clore"]`
	if got := textOf(t, ctx, closeBtn); got != "Clore le dossier et voir le débriefing" {
		t.Errorf("bouton de clôture %q", got)
	}
	f = confirmInDialog(t, ctx, closeBtn, "Clore le dossier ?", "Dossier de "+person, "lecture seule")
	if f.Path != kase+"/debrief" {
		t.Fatalf("clôture : arrivé sur %s (h1 %q) ; erreurs : %q", f.URL, f.h1(), textOf(t, ctx, ".error-summary"))
	}

	// --- The debrief. ---
	if want := "Débriefing — " + person; f.h1() != want {
		t.Errorf("%s : h1 %q, attendu %q", f.Path, f.h1(), want)
	}
	wantText(t, f, "Le dossier est clos. Voici le débriefing.")
	type row []string
	sitRows := eval[[]row](t, ctx, `Array.from(document.querySelectorAll('section[aria-labelledby=h-sit] tbody tr'), r => Array.from(r.cells, c => c.innerText.replace(/\s+/g, ' ').trim()))`)
	if len(sitRows) != len(sc.Key.Situations) {
		t.Errorf("débriefing : %d situations attendues affichées, la clé en a %d", len(sitRows), len(sc.Key.Situations))
	}
	verdict := func(fact string) string {
		_, label := sc.fact(t, fact)
		for _, r := range sitRows {
			if len(r) >= 3 && strings.HasPrefix(r[1], label) {
				return r[2]
			}
		}
		t.Errorf("débriefing : pas de ligne pour la situation « %s »", label)
		return ""
	}
	for _, s := range situations {
		if got := verdict(s.fact); got != "✓ Repérée : "+s.label {
			t.Errorf("débriefing, situation %s : %q, attendu « ✓ Repérée : %s »", s.fact, got, s.label)
		}
	}
	// Said in the interview but not noted; never brought up.
	if got := verdict("conflit-familial"); got != "✗ Dite pendant l'entretien, mais non notée en s'appuyant sur sa réponse" {
		t.Errorf("débriefing, conflit-familial (révélé par %s, non noté) : %q", home.ID, got)
	}
	if got := verdict("amendes-transport"); got != "✗ Non abordée : aucune question ne l'a fait émerger" {
		t.Errorf("débriefing, amendes-transport (jamais abordé) : %q", got)
	}
	urgs := texts(t, ctx, "section[aria-labelledby=h-urg] li")
	if len(urgs) != len(sc.Key.Urgencies) {
		t.Errorf("débriefing, urgence : %d lignes, la clé a %d domaines : %q", len(urgs), len(sc.Key.Urgencies), urgs)
	}
	for _, urg := range urgs {
		if !strings.Contains(urg, "votre évaluation : Prioritaire au jour 0") || !strings.Contains(urg, "✓ juste") {
			t.Errorf("débriefing, urgence : %q, attendu Prioritaire au jour 0, juste", urg)
		}
	}
	oriRows := eval[[]row](t, ctx, `Array.from(document.querySelectorAll('section[aria-labelledby=h-ori] tbody tr'), r => Array.from(r.cells, c => c.innerText.replace(/\s+/g, ' ').trim()))`)
	if len(oriRows) != len(sc.Key.Orientations) {
		t.Errorf("débriefing : %d orientations attendues, la clé en a %d : %q", len(oriRows), len(sc.Key.Orientations), oriRows)
	}
	for i, o := range sc.Key.Orientations {
		if i >= len(oriRows) || len(oriRows[i]) != 5 {
			break
		}
		r := oriRows[i]
		rawNeeds(t, fmt.Sprintf("débriefing, orientation %s (colonne « Pour »)", o.Typology), r[1], []string{o.Theme})
		if !strings.HasPrefix(r[0], casework.TypologyLabels[o.Typology]) {
			t.Errorf("débriefing, orientation %d : vers %q, attendu %q", i+1, r[0], o.Typology)
		}
		if o.Structure == sc.Structure {
			if want := "✓ " + ml.Name + ", jour 0"; r[3] != want {
				t.Errorf("débriefing, orientation %s : %q, attendu %q", o.Typology, r[3], want)
			}
		} else if r[3] != "✗ Pas d'orientation correspondante" {
			t.Errorf("débriefing, orientation %s (non faite) : %q", o.Typology, r[3])
		}
	}
	pitfalls := texts(t, ctx, "section[aria-labelledby=h-pieges] li")
	for _, p := range sc.Key.Pitfalls {
		if !slicesContainsSub(pitfalls, oneLine(strings.TrimSuffix(string(p), "."))) {
			t.Errorf("débriefing : point de vigilance absent : %q", p)
		}
	}
	for _, id := range sc.Tasks {
		if countOf(t, ctx, `section[aria-labelledby=h-taches] a[href="/referentiel/taches/`+id+`"]`) != 1 {
			t.Errorf("débriefing : tâche %s absente des tâches travaillées", id)
		}
	}
	// What the poor plays (TestBrowserSandboxPoorPlays) do not work.
	worked := debriefTasks(t, ctx)
	for _, id := range []string{"1.4", "1.5", "2.2"} {
		if !worked[id] {
			t.Errorf("débriefing : tâche %s non comptée travaillée (questions ouvertes, situations appuyées, orientation adaptée)", id)
		}
	}
	if got := caseStatus(t, ctx, "Questions posées"); got != "6, dont 6 ouvertes" {
		t.Errorf("débriefing : questions posées %q, attendu « 6, dont 6 ouvertes » (la question réservée puis reposée compte deux fois)", got)
	}
	if got := caseStatus(t, ctx, "Situations de la clé repérées"); got != fmt.Sprintf("%d sur %d", len(situations), len(sc.Key.Situations)) {
		t.Errorf("débriefing : situations repérées %q, attendu %d sur %d", got, len(situations), len(sc.Key.Situations))
	}

	// --- The closed case: read-only; to the portfolio. ---
	f = checkPage(t, ctx, kase)
	wantText(t, f, "Dossier clos.")
	labelsAndIDs(t, ctx, kase+" (clos)")
	if n := countOf(t, ctx, `form[action$="/question"], form[action$="/geste"], form[action$="/temps"], button[formaction$="/clore"]`); n != 0 {
		t.Errorf("dossier clos : %d formulaires de travail encore affichés", n)
	}
	if got := caseStatus(t, ctx, "État"); got != "Clos" {
		t.Errorf("dossier clos : état %q", got)
	}
	f = checkPage(t, ctx, "/dossiers")
	if rows := texts(t, ctx, "main table tbody tr"); len(rows) != 1 || !strings.Contains(rows[0], person) || !strings.Contains(rows[0], "Clos") || !strings.Contains(rows[0], "J37") {
		t.Errorf("/dossiers : %q, attendu le dossier de %s, clos, J37", rows, person)
	}
	checkPage(t, ctx, kase)
	send := `form[action$="/portfolio"] button[name=production][value=entretien]`
	if got := textOf(t, ctx, send); got != "Envoyer le compte rendu d'entretien et le premier diagnostic" {
		t.Fatalf("dossier clos : bouton d'envoi du compte rendu %q", got)
	}
	f = submitForm(t, ctx, send)
	if !pieceURLRe.MatchString(f.Path) {
		t.Fatalf("envoi au portfolio : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}
	if want := "Compte rendu d'entretien et premier diagnostic — " + person; f.h1() != want {
		t.Errorf("%s : h1 %q, attendu %q", f.Path, f.h1(), want)
	}
	wantText(t, f, "La pièce a été créée.")
	draft := oneLine(fieldValue(t, ctx, "#draft"))
	for _, want := range []string{"## Déroulé de l'entretien", sensitive.Guarded, sensitive.Answer, home.Answer, said["valoriser"], "## Premier diagnostic", diagnostic} {
		if !strings.Contains(draft, oneLine(want)) {
			t.Errorf("%s : le texte de la pièce ne contient pas %q", f.Path, want)
		}
	}
	if countOf(t, ctx, `#liens a[href="/referentiel/taches/1.4"]`) == 0 {
		t.Errorf("%s : la pièce n'est pas reliée à la tâche 1.4 ; liens : %q", f.Path, texts(t, ctx, "#liens tbody tr"))
	}
	t.Logf("parcours du bac à sable en %s", time.Since(start).Round(100*time.Millisecond))
}

// labelsAndIDs checks that no id is used twice in the page and that every
// label of the main content names a form control: axe's label rule only
// looks for a label[for=id], not for what that label really points to.
func labelsAndIDs(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	type facts struct {
		Duplicates []string `json:"duplicates"`
		Orphans    []string `json:"orphans"`
	}
	r := eval[facts](t, ctx, `(() => {
		const seen = {}, dup = [], told = {};
		for (const e of document.querySelectorAll('[id]')) {
			if (seen[e.id] && !told[e.id]) { told[e.id] = true; dup.push(e.id + ' (<' + seen[e.id] + '> et <' + e.tagName.toLowerCase() + '>)'); }
			seen[e.id] = seen[e.id] || e.tagName.toLowerCase();
		}
		const orphans = Array.from(document.querySelectorAll('main label[for]')).filter(l => !l.control)
			.map(l => l.htmlFor + ' « ' + l.innerText.trim() + ' » → <' + ((document.getElementById(l.htmlFor) || {}).tagName || 'rien').toLowerCase() + '>');
		return {duplicates: dup, orphans: orphans};
	})()`)
	if len(r.Duplicates) > 0 {
		t.Errorf("%s : id en double : %s", where, strings.Join(r.Duplicates, " ; "))
	}
	if len(r.Orphans) > 0 {
		t.Errorf("%s : étiquettes qui ne nomment aucun champ (le lecteur d'écran ne les annonce pas, le clic ne donne pas le focus) : %s", where, strings.Join(r.Orphans, " ; "))
	}
}

// rawNeeds reports the « theme--besoin » codes not shown with their French
// label (casework.NeedLabels), e.g. as their code with the dashes turned
// into spaces (« repondre a des offres demploi »).
func rawNeeds(t *testing.T, where, text string, codes []string) {
	t.Helper()
	var raw []string
	for _, code := range codes {
		if _, need, ok := strings.Cut(code, "--"); ok && !strings.Contains(text, casework.NeedLabels[code]) {
			raw = append(raw, "« "+strings.ReplaceAll(need, "-", " ")+" »")
		}
	}
	if len(raw) > 0 {
		t.Errorf("%s : besoins affichés tels que leur code, tirets changés en espaces (d'où les accents et apostrophes perdus), "+
			"au lieu d'un libellé français : %s (casework.ThemeLabel, casework/directory.go)", where, strings.Join(raw, ", "))
	}
}

// scanTrust reads « n / 5 ».
func scanTrust(s string, n *int) bool {
	_, err := fmt.Sscanf(s, "%d / 5", n)
	return err == nil
}

// slicesContainsSub tells whether one of the texts contains sub.
func slicesContainsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
