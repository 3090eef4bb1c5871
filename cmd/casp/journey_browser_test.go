package main

// The helpers of the browser journeys: a journey's deadline and signed-in
// tabs, typing and choosing as a person does, reading fields and states,
// creating, depositing and grading pieces through their screens.

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// portfolioTestTimeout bounds each journey; every tab is also bounded by
// browserTestTimeout from its opening (see newSession).
const portfolioTestTimeout = 90 * time.Second

// journey is one test's run: its deadline, shared by the tabs it opens.
type journey struct {
	t        *testing.T
	deadline time.Time
	suffix   string // makes the titles unique to this run
}

func newJourney(t *testing.T) *journey {
	t.Helper()
	env(t) // fails or skips before the clock starts
	return &journey{t: t, deadline: time.Now().Add(portfolioTestTimeout),
		suffix: strconv.FormatInt(time.Now().UnixNano()%1_000_000, 36)}
}

// as opens a fresh browser context (its own cookies) signed in as user,
// and audits the home page it lands on.
func (j *journey) as(user string) context.Context {
	t := j.t
	t.Helper()
	ctx, cancel := context.WithDeadline(newSession(t), j.deadline)
	t.Cleanup(cancel)
	login(t, ctx, user, "demo")
	if f := audit(t, ctx); f.Path != "/" {
		t.Fatalf("connexion de %s : arrivé sur %s (h1 %q), attendu l'accueil", user, f.URL, f.h1())
	}
	return ctx
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// byID is a CSS selector for an id with brackets or dots (phases[0].nom).
func byID(id string) string { return `[id=` + jsString(id) + `]` }

// submitForm clicks a button that sends a form, waits for the next page and
// audits it.
func submitForm(t *testing.T, ctx context.Context, sel string) pageFacts {
	t.Helper()
	clickAndWait(t, ctx, sel)
	return audit(t, ctx)
}

// typeText types into a field (see typeInto).
func typeText(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	if err := chromedp.Do(ctx, typeInto(sel, text)); err != nil {
		t.Fatalf("saisie dans %s : %v", sel, err)
	}
}

// clearField empties a field as a person would: select its content, then
// Backspace.
func clearField(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		focusOn(sel),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.select()`),
		chromedp.KeyEvent(kb.Backspace),
	); err != nil {
		t.Fatalf("effacement de %s : %v", sel, err)
	}
	if v := fieldValue(t, ctx, sel); v != "" {
		t.Fatalf("%s vaut encore %q après effacement", sel, v)
	}
}

// replaceText empties a field, then types text.
func replaceText(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	clearField(t, ctx, sel)
	typeText(t, ctx, sel, text)
}

func fieldValue(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[*string](`(() => { const el = document.querySelector(`+jsString(sel)+`); return el ? el.value : null; })()`))
	if err != nil || v == nil {
		t.Fatalf("lecture de %s : %v (champ absent ?)", sel, err)
	}
	return *v
}

// textOf is the visible text of the first element matching sel ("" if none).
func textOf(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	return eval[string](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`); return e ? e.innerText.trim() : ''; })()`)
}

func countOf(t testing.TB, ctx context.Context, sel string) int {
	t.Helper()
	return eval[int](t, ctx, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

func clickOn(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, press(sel)); err != nil {
		t.Fatalf("clic sur %s : %v", sel, err)
	}
}

func isChecked(t testing.TB, ctx context.Context, sel string) bool {
	t.Helper()
	return eval[bool](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`); return !!(e && e.checked); })()`)
}

// chooseOption picks, in a <select>, the option whose text is label.
func chooseOption(t *testing.T, ctx context.Context, sel, label string) {
	t.Helper()
	v := eval[string](t, ctx, `(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		if (!s) return '\u0000absent';
		const o = Array.from(s.options).find(o => o.text.trim() === `+jsString(label)+`);
		return o ? o.value : '\u0000' + Array.from(s.options, o => o.text.trim()).join(' | ');
	})()`)
	if strings.HasPrefix(v, "\x00") {
		t.Fatalf("%s : pas d'option « %s » (options : %s)", sel, label, v[1:])
	}
	if err := chromedp.Do(ctx, setValue(sel, v)); err != nil {
		t.Fatalf("choix de « %s » dans %s : %v", label, sel, err)
	}
}

// isVisible tells whether an element is rendered with a size and not hidden.
func isVisible(t testing.TB, ctx context.Context, sel string) bool {
	t.Helper()
	return eval[bool](t, ctx, `(() => {
		const e = document.querySelector(`+jsString(sel)+`);
		if (!e) return false;
		const r = e.getBoundingClientRect(), s = getComputedStyle(e);
		// checkVisibility: not inside a closed <details> either.
		return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && e.checkVisibility();
	})()`)
}

// waitText polls until the element's text contains want, up to d.
func waitText(t testing.TB, ctx context.Context, sel, want string, d time.Duration) bool {
	t.Helper()
	for end := time.Now().Add(d); ; {
		if strings.Contains(textOf(t, ctx, sel), want) {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var pieceURLRe = regexp.MustCompile(`^/portfolio/(\d+)$`)

// createPiece goes through /portfolio/nouvelle: the type chosen by its
// visible label, the title typed; it returns the new piece's id.
func createPiece(t *testing.T, ctx context.Context, kindLabel, title string) int64 {
	t.Helper()
	f := checkPage(t, ctx, "/portfolio/nouvelle")
	if f.h1() != "Créer une pièce" {
		t.Errorf("/portfolio/nouvelle : h1 %q, attendu « Créer une pièce »", f.h1())
	}
	id := eval[string](t, ctx, `(() => {
		const l = Array.from(document.querySelectorAll('input[name=kind] + label')).find(l => l.innerText.trim() === `+jsString(kindLabel)+`);
		return l ? l.htmlFor : '';
	})()`)
	if id == "" {
		t.Fatalf("/portfolio/nouvelle : aucun type de production intitulé « %s »", kindLabel)
	}
	clickOn(t, ctx, `label[for=`+jsString(id)+`]`)
	if !isChecked(t, ctx, byID(id)) {
		t.Errorf("clic sur l'étiquette « %s » : le bouton radio n'est pas coché", kindLabel)
	}
	typeText(t, ctx, "#title", title)
	f = submitForm(t, ctx, `main form[action="/portfolio"] button[type=submit]`)
	m := pieceURLRe.FindStringSubmatch(f.Path)
	if m == nil {
		t.Fatalf("création de « %s » : arrivé sur %s (h1 %q), attendu /portfolio/<numéro>", title, f.URL, f.h1())
	}
	if f.h1() != title {
		t.Errorf("%s : h1 %q, attendu le titre %q", f.Path, f.h1(), title)
	}
	wantText(t, f, "La pièce a été créée.")
	if got := textOf(t, ctx, "p.kicker"); got != kindLabel {
		t.Errorf("%s : type affiché %q, attendu %q", f.Path, got, kindLabel)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// pieceStatus is the status shown at the top of a piece page.
func pieceStatus(t testing.TB, ctx context.Context) string {
	t.Helper()
	return textOf(t, ctx, ".piece-status .status")
}

// openFromQueue finds the piece in the assessor's queue (filtered by kind)
// by its title, checks its row, and clicks its button: « Évaluer »
// (or « Reprendre »). It returns the grading page.
func openFromQueue(t *testing.T, ctx context.Context, kindID string, pieceID int64, title string) pageFacts {
	t.Helper()
	f := checkPage(t, ctx, "/evaluation?type="+kindID)
	if f.h1() != "Pièces à évaluer" {
		t.Errorf("/evaluation : h1 %q, attendu « Pièces à évaluer »", f.h1())
	}
	type row struct {
		Found  bool   `json:"found"`
		Text   string `json:"text"`
		Action string `json:"action"`
		Button string `json:"button"`
		Link   string `json:"link"`
	}
	r := eval[row](t, ctx, `(() => {
		const tr = Array.from(document.querySelectorAll('main table tbody tr')).find(tr => tr.querySelector('th').innerText.includes(`+jsString(title)+`));
		if (!tr) return {found: false, text: '', action: '', button: '', link: ''};
		const form = tr.querySelector('form'), a = tr.querySelector('a[href^="/evaluation/"]');
		return {found: true, text: tr.innerText.replace(/\s+/g, ' ').trim(),
			action: form ? form.getAttribute('action') : '', button: form ? form.querySelector('button').innerText.trim() : '',
			link: a ? a.getAttribute('href') : ''};
	})()`)
	if !r.Found {
		t.Fatalf("/evaluation?type=%s : pas de ligne pour « %s » ; liste : %q", kindID, title, textOf(t, ctx, "main table tbody"))
	}
	want := fmt.Sprintf("/evaluation/pieces/%d", pieceID)
	switch {
	case r.Link != "":
		return submitForm(t, ctx, `main a[href=`+jsString(r.Link)+`]`)
	case r.Action != want:
		t.Fatalf("ligne de « %s » dans la file : formulaire %q, attendu %s ; ligne : %s", title, r.Action, want, r.Text)
	case !strings.HasPrefix(r.Button, "Évaluer"):
		t.Errorf("ligne de « %s » : bouton %q, attendu « Évaluer »", title, r.Button)
	}
	f = submitForm(t, ctx, `form[action="`+want+`"] button[type=submit]`)
	if !regexp.MustCompile(`^/evaluation/\d+$`).MatchString(f.Path) {
		t.Fatalf("« Évaluer » sur « %s » : arrivé sur %s (h1 %q)", title, f.URL, f.h1())
	}
	if want := "Évaluer « " + title + " »"; f.h1() != want {
		t.Errorf("%s : h1 %q, attendu %q", f.Path, f.h1(), want)
	}
	return f
}

// gradeAll fills the grading screen: level(i) for the i-th criterion (by a
// click on its label), the decision, the feedback; then « Marquer prête à
// publier » and « Publier l'évaluation ». It returns the criteria graded.
func gradeAll(t *testing.T, ctx context.Context, level func(i int) int, decision, decisionLabel, feedback string) []string {
	t.Helper()
	where := readPage(t, ctx).Path
	criteria := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('fieldset.criterion'), f => f.id.replace(/^niveau-/, ''))`)
	if len(criteria) == 0 {
		t.Fatalf("%s : aucun critère dans la grille", where)
	}
	for i, c := range criteria {
		id := fmt.Sprintf("niveau-%s-%d", c, level(i))
		clickOn(t, ctx, `label[for=`+jsString(id)+`]`)
		if !isChecked(t, ctx, byID(id)) {
			t.Errorf("%s : le clic sur le niveau %d du critère %s ne coche pas le bouton", where, level(i), c)
		}
	}
	lbl := `label[for="decision-` + decision + `"]`
	if got := textOf(t, ctx, lbl); got != decisionLabel {
		t.Errorf("%s : décision %s intitulée %q, attendu %q", where, decision, got, decisionLabel)
	}
	clickOn(t, ctx, lbl)
	typeText(t, ctx, "#feedback", feedback)

	f := submitForm(t, ctx, `main button[name=action][value=pret]`)
	if f.Path != where {
		t.Fatalf("« Marquer prête à publier » : arrivé sur %s (h1 %q), attendu %s ; erreurs : %q", f.URL, f.h1(), where, textOf(t, ctx, ".error-summary"))
	}
	wantText(t, f, "Évaluation complète : elle est prête à publier.", "Prêt à publier")
	for i, c := range criteria {
		if id := fmt.Sprintf("niveau-%s-%d", c, level(i)); !isChecked(t, ctx, byID(id)) {
			t.Errorf("%s : après l'enregistrement, le niveau %d du critère %s n'est plus coché", where, level(i), c)
		}
	}
	if !isChecked(t, ctx, "#decision-"+decision) || fieldValue(t, ctx, "#feedback") != feedback {
		t.Errorf("%s : après l'enregistrement, décision ou retour perdus (retour %q)", where, fieldValue(t, ctx, "#feedback"))
	}
	pub := `main button[name=action][value=publier]`
	if got := textOf(t, ctx, pub); got != "Publier l'évaluation" {
		t.Fatalf("%s : bouton de publication %q, attendu « Publier l'évaluation »", where, got)
	}
	f = confirmInDialog(t, ctx, pub, "Publier l'évaluation ?", "Vous ne pourrez plus la modifier")
	// The summary of what was published, at the top of the grading.
	if f.Path != where || !strings.HasSuffix(f.URL, "#resume") {
		t.Errorf("publication confirmée : arrivé sur %s (h1 %q), attendu le résumé %s#resume", f.URL, f.h1(), where)
	}
	wantText(t, f, "Évaluation publiée : ", "Évaluation publiée le ", "Décision : "+decisionLabel+".", "Ensuite :", "Retour à la file")
	below := 0
	for i := range criteria {
		if level(i) < 2 {
			below++
		}
	}
	if got := countOf(t, ctx, "#resume ul li"); got != below {
		t.Errorf("résumé : %d critères sous le niveau d'acquisition, attendu %d", got, below)
	}
	return criteria
}

// depositReceipt deposits the piece on screen (its draft saved by the
// same click): the confirmation dialog says what the deposit freezes; it
// checks the accusé de dépôt it leads to and returns its SHA-256.
func depositReceipt(t *testing.T, ctx context.Context, pieceID int64, version int) string {
	t.Helper()
	f := confirmInDialog(t, ctx, `main button[name=action][value=deposer]`, "Déposer la pièce ?",
		fmt.Sprintf("version %d", version), "Vous ne pourrez plus la modifier")
	want := fmt.Sprintf("/portfolio/%d/versions/%d/accuse", pieceID, version)
	if f.Path != want {
		t.Fatalf("dépôt : arrivé sur %s (h1 %q), attendu l'accusé %s ; erreurs : %q", f.URL, f.h1(), want, textOf(t, ctx, ".error-summary"))
	}
	if f.h1() != "Accusé de dépôt" {
		t.Errorf("%s : h1 %q", f.Path, f.h1())
	}
	wantText(t, f, fmt.Sprintf("version %d, déposée. Voici votre accusé de dépôt : conservez-le.", version))
	sum := textOf(t, ctx, "code.hash")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(sum) {
		t.Errorf("%s : empreinte %q, attendu 64 chiffres hexadécimaux (SHA-256)", f.Path, sum)
	}
	if got := textOf(t, ctx, "dl.summary"); !strings.Contains(got, "Version\n"+strconv.Itoa(version)) && !strings.Contains(got, "Version\t"+strconv.Itoa(version)) {
		t.Errorf("%s : version %d absente du récapitulatif %q", f.Path, version, got)
	}
	return sum
}
