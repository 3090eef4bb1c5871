package main

// Browser journeys of the portfolio: a learner writes a piece with its
// editor (guide d'entretien, cartographie d'acteurs, Markdown note), deposits
// it, assessors grade it through the grading screen, and the learner reads
// the result and their progress. Every page visited, error states included,
// goes through audit (axe-core WCAG 2.1 A/AA and the French UI checks of
// browser_test.go).
//
// The demo server is shared by all the browser tests: these journeys use
// learners no other test uses (apprenant09, apprenant10, apprenant11) and
// titles made unique per run, so that they find their own pieces in the
// assessors' queue.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

func TestBrowserGuideJourney(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	title := "Guide d'entretien d'accueil au CCAS " + j.suffix
	learner := j.as("apprenant09")
	pieceID := createPiece(t, learner, "Guide d'entretien", title)
	piece := fmt.Sprintf("/portfolio/%d", pieceID)
	if got := pieceStatus(t, learner); !strings.Contains(got, "Brouillon") {
		t.Errorf("%s : état %q, attendu « Brouillon »", piece, got)
	}

	// The guide, typed with the keyboard.
	want := map[string]string{
		"#objectifs":                             "Comprendre la demande de la personne et repérer ses besoins prioritaires.",
		"#public":                                "Adultes isolés reçus pour la première fois au CCAS.",
		"#duree":                                 "50",
		byID("phases[0].nom"):                    "Accueil et présentation du cadre",
		byID("phases[0].questions[0].question"):  "Comment souhaitez-vous que je vous appelle ?",
		byID("phases[0].questions[0].intention"): "Installer une relation de confiance.",
		byID("phases[0].questions[1].question"):  "Savez-vous comment se déroule cet entretien ?",
		byID("phases[0].questions[1].intention"): "Expliquer le cadre et la confidentialité.",
		byID("phases[1].nom"):                    "Exploration de la situation",
		byID("phases[1].questions[0].question"):  "Qu'est-ce qui vous amène aujourd'hui ?",
		byID("phases[1].questions[0].intention"): "Faire émerger la demande explicite.",
		byID("phases[1].questions[1].question"):  "Quelles démarches avez-vous déjà engagées ?",
		byID("phases[1].questions[1].intention"): "Repérer les ressources déjà mobilisées.",
		"#confidentialite":                       "Bureau fermé ; la personne est informée de l'usage de ses données.",
	}
	order := []string{"#objectifs", "#public", "#duree",
		byID("phases[0].nom"), byID("phases[0].questions[0].question"), byID("phases[0].questions[0].intention"),
		byID("phases[0].questions[1].question"), byID("phases[0].questions[1].intention"),
		byID("phases[1].nom"), byID("phases[1].questions[0].question"), byID("phases[1].questions[0].intention"),
		byID("phases[1].questions[1].question"), byID("phases[1].questions[1].intention"), "#confidentialite"}
	for _, sel := range order {
		replaceText(t, learner, sel, want[sel])
	}
	clickOn(t, learner, `label[for="contexte-telephonique"]`)
	const posture = "Écoute active, reformulation, neutralité bienveillante."
	typeText(t, learner, "#posture", posture)

	// Rows added in place (JavaScript): a third question in phase 1, then
	// a new phase and a third question in it, without saving first.
	phases := countOf(t, learner, "#phases-liste > .phase")
	if phases < 2 || isVisible(t, learner, `button[value=lignes-deroule]`) {
		t.Fatalf("%s : %d phases, bouton sans script visible : %v", piece, phases, isVisible(t, learner, `button[value=lignes-deroule]`))
	}
	addRow := func(button, focus string) {
		t.Helper()
		clickOn(t, learner, button)
		if countOf(t, learner, byID(focus)) != 1 {
			t.Fatalf("%s : pas de champ %s après le clic", button, focus)
		}
		if got := eval[string](t, learner, `document.activeElement.id`); got != focus {
			t.Errorf("%s : le focus est sur %q, attendu le champ ajouté %s", button, got, focus)
		}
	}
	addRow(`button[data-ajouter="modele-question-0"]`, "phases[0].questions[2].question")
	newPhase := fmt.Sprintf("phases[%d]", phases)
	addRow(`button[data-ajouter="modele-phase"]`, newPhase+".nom")
	addRow(`button[data-ajouter="modele-question-`+strconv.Itoa(phases)+`"]`, newPhase+".questions[2].question")
	for sel, v := range map[string]string{
		byID("phases[0].questions[2].question"):    "Avez-vous des questions sur la suite ?",
		byID("phases[0].questions[2].intention"):   "Vérifier la compréhension du cadre.",
		byID(newPhase + ".nom"):                    "Conclusion et suite",
		byID(newPhase + ".questions[0].question"):  "Que retenez-vous de notre échange ?",
		byID(newPhase + ".questions[0].intention"): "Vérifier ce que la personne a compris.",
		byID(newPhase + ".questions[1].question"):  "Que souhaitez-vous faire d'ici là ?",
		byID(newPhase + ".questions[1].intention"): "Engager la personne dans une première démarche.",
		byID(newPhase + ".questions[2].question"):  "Quand pouvons-nous nous revoir ?",
		byID(newPhase + ".questions[2].intention"): "Fixer le prochain rendez-vous.",
	} {
		typeText(t, learner, sel, v)
		want[sel] = v
		order = append(order, sel)
	}
	if got := textOf(t, learner, `label[for="`+newPhase+`.nom"]`); got != fmt.Sprintf("Phase %d (nouvelle)", phases+1) {
		t.Errorf("phase ajoutée : étiquette %q", got)
	}
	f := submitForm(t, learner, `main button[name=action][value=enregistrer]`)
	// The empty phase before it is dropped: the added one moves up.
	for i, sel := range order {
		if strings.Contains(sel, newPhase+".") {
			to := strings.Replace(sel, newPhase, fmt.Sprintf("phases[%d]", phases-1), 1)
			want[to] = want[sel]
			order[i] = to
		}
	}
	if f.Path != piece {
		t.Fatalf("« Enregistrer le brouillon » : arrivé sur %s (h1 %q), attendu %s", f.URL, f.h1(), piece)
	}
	wantText(t, f, "Brouillon enregistré.")
	for _, sel := range order {
		if got := fieldValue(t, learner, sel); got != want[sel] {
			t.Errorf("après l'enregistrement, %s vaut %q, attendu %q", sel, got, want[sel])
		}
	}
	if countOf(t, learner, byID("phases[0].questions[3].question")) != 1 {
		t.Errorf("après l'enregistrement, pas de ligne vide pour une quatrième question de la phase 1")
	}

	// Without JavaScript, « Ajouter des lignes » saves and brings empty
	// rows back, what was typed kept.
	setScripts(t, learner, false)
	navigate(t, learner, piece)
	setScripts(t, learner, true)
	audit(t, learner)
	if !isVisible(t, learner, `button[value=lignes-deroule]`) || isVisible(t, learner, `button[data-ajouter="modele-phase"]`) {
		t.Fatalf("sans JavaScript : « Ajouter des lignes » visible %v, « Ajouter une phase » visible %v",
			isVisible(t, learner, `button[value=lignes-deroule]`), isVisible(t, learner, `button[data-ajouter="modele-phase"]`))
	}
	for _, q := range []string{"phases[0].questions[3]", "phases[0].questions[4]"} {
		for _, part := range []string{".question", ".intention"} {
			typeText(t, learner, byID(q+part), "Sans script : "+q+part)
			want[byID(q+part)] = "Sans script : " + q + part
			order = append(order, byID(q+part))
		}
	}
	setScripts(t, learner, false)
	clickAndWait(t, learner, `button[value=lignes-deroule]`)
	setScripts(t, learner, true)
	f = audit(t, learner)
	if f.Path != piece || !strings.HasSuffix(f.URL, "#deroule") {
		t.Fatalf("« Ajouter des lignes » : arrivé sur %s, attendu %s#deroule", f.URL, piece)
	}
	wantText(t, f, "de nouvelles lignes vides vous attendent")
	for _, sel := range order {
		if got := fieldValue(t, learner, sel); got != want[sel] {
			t.Errorf("après « Ajouter des lignes », %s vaut %q, attendu %q", sel, got, want[sel])
		}
	}
	if countOf(t, learner, byID("phases[0].questions[6].question")) != 1 {
		t.Errorf("après « Ajouter des lignes », pas de ligne vide pour une septième question de la phase 1")
	}

	// Deposit with the posture emptied: error summary, message by the
	// field, everything else kept.
	clearField(t, learner, "#posture")
	f = submitForm(t, learner, `main button[name=action][value=deposer]`)
	if f.Path != piece {
		t.Fatalf("dépôt sans posture : arrivé sur %s (h1 %q), attendu %s avec l'erreur", f.URL, f.h1(), piece)
	}
	const postureMsg = "Décrivez la posture professionnelle attendue."
	if !isVisible(t, learner, ".error-summary") {
		t.Errorf("dépôt sans posture : pas de récapitulatif d'erreurs visible")
	}
	if got := textOf(t, learner, ".error-summary"); !strings.Contains(got, postureMsg) {
		t.Errorf("récapitulatif d'erreurs %q, attendu « %s »", got, postureMsg)
	}
	if href := eval[string](t, learner, `(() => { const a = document.querySelector('.error-summary a'); return a ? a.getAttribute('href') : ''; })()`); href != "#posture" {
		t.Errorf("le lien du récapitulatif mène à %q, attendu #posture", href)
	}
	if got := textOf(t, learner, "#posture-error"); !strings.Contains(got, postureMsg) {
		t.Errorf("#posture-error %q, attendu « %s » à côté du champ", got, postureMsg)
	}
	if inv := eval[string](t, learner, `document.getElementById('posture').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("#posture : aria-invalid=%q, attendu \"true\"", inv)
	}
	if d := eval[string](t, learner, `document.getElementById('posture').getAttribute('aria-describedby') || ''`); !strings.Contains(d, "posture-error") {
		t.Errorf("#posture : aria-describedby=%q ne désigne pas le message d'erreur", d)
	}
	if !eval[bool](t, learner, `document.activeElement === document.querySelector('.error-summary')`) {
		t.Errorf("dépôt sans posture : le focus n'est pas sur le récapitulatif d'erreurs")
	}
	for _, sel := range order {
		if got := fieldValue(t, learner, sel); got != want[sel] {
			t.Errorf("après l'erreur de dépôt, %s vaut %q, attendu la saisie %q", sel, got, want[sel])
		}
	}
	if !isChecked(t, learner, "#contexte-telephonique") {
		t.Errorf("après l'erreur de dépôt, le contexte « Accueil téléphonique » n'est plus coché")
	}
	if got := pieceStatus(t, learner); !strings.Contains(got, "Brouillon") {
		t.Errorf("après l'erreur de dépôt : état %q, attendu « Brouillon »", got)
	}

	typeText(t, learner, "#posture", posture)
	// The deposit asks first; « Annuler » and Échap leave the piece a
	// draft, the page as it was.
	cancelDialog(t, learner, `main button[name=action][value=deposer]`, "Déposer la pièce ?", false)
	cancelDialog(t, learner, `main button[name=action][value=deposer]`, "Déposer la pièce ?", true)
	if got := pieceStatus(t, learner); !strings.Contains(got, "Brouillon") {
		t.Errorf("dépôt annulé : état %q, attendu « Brouillon »", got)
	}
	if got := fieldValue(t, learner, "#posture"); got != posture {
		t.Errorf("dépôt annulé : posture %q, attendu %q", got, posture)
	}
	sum1 := depositReceipt(t, learner, pieceID, 1)
	f = checkPage(t, learner, piece)
	if notice := textOf(t, learner, ".notice"); notice != "" {
		t.Errorf("%s, ouverte après l'accusé : le message %q de la page précédente s'affiche de nouveau", piece, notice)
	}
	if got := pieceStatus(t, learner); !strings.Contains(got, "Déposé") {
		t.Errorf("%s après le dépôt : état %q, attendu « Déposé »", piece, got)
	}
	if countOf(t, learner, "#editeur") != 0 {
		t.Errorf("%s : l'éditeur est encore proposé alors que la version 1 est déposée", piece)
	}
	wantText(t, f, "Version 1")
	f = checkPage(t, learner, "/portfolio")
	if f.h1() != "Mon portfolio" {
		t.Errorf("/portfolio : h1 %q, attendu « Mon portfolio » ; texte : %q", f.h1(), textOf(t, learner, "main"))
	} else {
		row := eval[string](t, learner, `(() => { const a = document.querySelector('main table a[href=`+jsString(piece)+`]'); return a ? a.closest('tr').innerText.replace(/\s+/g, ' ').trim() : ''; })()`)
		if !strings.Contains(row, "Guide d'entretien") || !strings.Contains(row, "Déposé") {
			t.Errorf("/portfolio : ligne de « %s » %q, attendu le type « Guide d'entretien » et l'état « Déposé »", title, row)
		}
	}

	// evaluateur1 returns it for rework.
	const feedback1 = "Guide clair. Précisez l'intention de la question sur le cadre de l'entretien."
	ev := j.as("evaluateur1")
	f = openFromQueue(t, ev, "guide-entretien", pieceID, title)
	wantText(t, f, "Correction simple", "Accueil et présentation du cadre", "Qu'est-ce qui vous amène aujourd'hui ?")
	level1 := func(i int) int { return 2 + i%2 }
	crit1 := gradeAll(t, ev, level1, "a_retravailler", "À retravailler", feedback1)

	// The learner reads the result and reworks the piece.
	learner = j.as("apprenant09")
	f = checkPage(t, learner, piece)
	if got := pieceStatus(t, learner); !strings.Contains(got, "À retravailler") {
		t.Errorf("%s après la publication : état %q, attendu « À retravailler »", piece, got)
	}
	wantText(t, f, "L'évaluateur vous demande de retravailler cette pièce.")
	v1 := piece + "/versions/1"
	f = checkPage(t, learner, v1)
	wantText(t, f, feedback1)
	if got := textOf(t, learner, "dl.summary"); !strings.Contains(got, "À retravailler") {
		t.Errorf("%s : résultat %q, attendu « À retravailler »", v1, got)
	}
	checkLevels(t, learner, v1, crit1, level1)
	if got := textOf(t, learner, "code.hash"); got != sum1 {
		t.Errorf("%s : empreinte %q, attendu celle de l'accusé %q", v1, got, sum1)
	}

	checkPage(t, learner, "/progression")
	if r := capacityRow(t, learner, "1.4", "Préparer et conduire un entretien."); r.Found {
		// The rule reads levels only: a version « À retravailler » whose
		// criteria are all « Acquis » or above already makes it acquired.
		t.Logf("/progression après la version 1 « À retravailler » (niveaux ≥ Acquis) : 1.4/cap/1 %q", r.State)
	}
	f = checkPage(t, learner, piece)
	if countOf(t, learner, "#editeur") != 1 {
		t.Fatalf("%s « À retravailler » : pas d'éditeur pour préparer la version 2", piece)
	}
	wantText(t, f, "Brouillon de la version 2")
	intent := byID("phases[0].questions[1].intention")
	if got := fieldValue(t, learner, intent); got != want[intent] {
		t.Errorf("brouillon de la version 2 : %s vaut %q, attendu le contenu de la version 1 %q", intent, got, want[intent])
	}
	const intent2 = "Présenter le cadre, la durée et les règles de confidentialité de l'entretien."
	replaceText(t, learner, intent, intent2)
	sum2 := depositReceipt(t, learner, pieceID, 2)
	if sum2 == sum1 {
		t.Errorf("la version 2, modifiée, a la même empreinte que la version 1")
	}
	f = checkPage(t, learner, v1)
	wantText(t, f, feedback1, want[intent])
	if strings.Contains(f.Text, intent2) {
		t.Errorf("%s montre le texte de la version 2", v1)
	}
	f = checkPage(t, learner, piece+"/versions/2")
	wantText(t, f, intent2, "En attente d'évaluation")

	// evaluateur1 validates version 2.
	const feedback2 = "La version 2 explicite bien le cadre : guide validé."
	ev = j.as("evaluateur1")
	f = openFromQueue(t, ev, "guide-entretien", pieceID, title)
	wantText(t, f, "version 2", intent2)
	level2 := func(i int) int { return 2 + (i+1)%2 }
	crit2 := gradeAll(t, ev, level2, "valide", "Validé", feedback2)

	learner = j.as("apprenant09")
	f = checkPage(t, learner, piece)
	if got := pieceStatus(t, learner); !strings.Contains(got, "Évalué") {
		t.Errorf("%s après la validation : état %q, attendu « Évalué »", piece, got)
	}
	f = checkPage(t, learner, v1)
	wantText(t, f, feedback1)
	checkLevels(t, learner, v1, crit1, level1)
	v2 := piece + "/versions/2"
	f = checkPage(t, learner, v2)
	wantText(t, f, feedback2)
	if got := textOf(t, learner, "dl.summary"); !strings.Contains(got, "Validé") {
		t.Errorf("%s : résultat %q, attendu « Validé »", v2, got)
	}
	checkLevels(t, learner, v2, crit2, level2)
	checkPage(t, learner, "/progression")
	r := capacityRow(t, learner, "1.4", "Préparer et conduire un entretien.")
	switch {
	case !r.Found:
		t.Errorf("/progression : pas de ligne 1.4 « Préparer et conduire un entretien. »")
	case !strings.Contains(r.State, "✓") || !strings.Contains(r.State, "Acquise") || !strings.Contains(r.Class, "cap-acquise"):
		t.Errorf("/progression, 1.4 « Préparer et conduire un entretien. » : état %q (classe %q), attendu « ✓ Acquise »", r.State, r.Class)
	case !strings.Contains(r.Pieces, title):
		t.Errorf("/progression, 1.4/cap/1 : pièces %q, attendu « %s »", r.Pieces, title)
	}
}

// checkLevels compares the levels of a version page's result with those
// the assessor clicked, criterion by criterion.
func checkLevels(t *testing.T, ctx context.Context, where string, criteria []string, level func(i int) int) {
	t.Helper()
	labels := []string{"Non acquis", "En cours d'acquisition", "✓ Acquis", "✓ Maîtrisé"}
	got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('section.feedback tbody tr td:nth-child(3)'), c => c.innerText.trim())`)
	if len(got) != len(criteria) {
		t.Errorf("%s : %d niveaux dans le retour %q, attendu %d critères", where, len(got), got, len(criteria))
		return
	}
	for i, c := range criteria {
		if got[i] != labels[level(i)] {
			t.Errorf("%s : critère %s au niveau %q, attendu %q", where, c, got[i], labels[level(i)])
		}
	}
}

// capRow is a capacity's line on /progression.
type capRow struct {
	Found  bool   `json:"found"`
	State  string `json:"state"`
	Class  string `json:"class"`
	Pieces string `json:"pieces"`
}

func capacityRow(t testing.TB, ctx context.Context, task, capacity string) capRow {
	t.Helper()
	return eval[capRow](t, ctx, `(() => {
		// textContent: the row may be in a folded activity.
		const txt = c => c.textContent.replace(/\s+/g, ' ').trim();
		const tr = Array.from(document.querySelectorAll('table.progress tbody tr')).find(tr =>
			txt(tr.cells[0]) === `+jsString(task)+` && txt(tr.cells[1]) === `+jsString(capacity)+`);
		if (!tr) return {found: false, state: '', class: '', pieces: ''};
		const cap = tr.cells[2].querySelector('.cap');
		return {found: true, state: txt(tr.cells[2]), class: cap ? cap.className : '', pieces: txt(tr.cells[3])};
	})()`)
}

func TestBrowserActorMapJourney(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	title := "Cartographie de l'insertion à Tours " + j.suffix
	learner := j.as("apprenant10")
	pieceID := createPiece(t, learner, "Cartographie et répertoire d'acteurs et de dispositifs", title)
	piece := fmt.Sprintf("/portfolio/%d", pieceID)

	actors := []struct{ name, kind, domain string }{
		{"Mission locale de Tours", "Association", "Emploi"},
		{"CCAS de Tours", "Établissement public", "Social"},
		{"Centre de formation AFPA", "Organisme de formation", "Formation"},
		{"France Travail Tours Nord", "Opérateur public", "Emploi"},
	}
	typeText(t, learner, "#titre", "Acteurs de l'insertion des jeunes")
	typeText(t, learner, "#thematique", "Insertion des jeunes")
	typeText(t, learner, "#territoire", "Tours Métropole")
	if n := countOf(t, learner, `input[name$=".nom"][name^="acteurs["]`); n != 3 {
		t.Errorf("%s : %d lignes d'acteurs vides, attendu 3", piece, n)
	}
	// Four actors in three empty rows: « Ajouter un acteur » adds the
	// fourth row in place, its name field focused.
	for i, a := range actors {
		base := fmt.Sprintf("acteurs[%d]", i)
		if i == 3 {
			clickOn(t, learner, `button[data-ajouter="modele-acteur"]`)
			if got := eval[string](t, learner, `document.activeElement.id`); got != base+".nom" {
				t.Fatalf("« Ajouter un acteur » : focus sur %q, attendu %s.nom", got, base)
			}
		}
		typeText(t, learner, byID(base+".nom"), a.name)
		typeText(t, learner, byID(base+".type"), a.kind)
		chooseOption(t, learner, byID(base+".domaine"), a.domain)
	}
	// The relation lists offer the actors just typed, before any save.
	if n := countOf(t, learner, `select[id="relations[0].de"] option:not([value=""])`); n != len(actors) {
		t.Errorf("%s : la liste de relation propose %d acteurs tapés, attendu %d", piece, n, len(actors))
	}
	chooseOption(t, learner, byID("relations[0].de"), actors[0].name)
	chooseOption(t, learner, byID("relations[0].vers"), actors[1].name)
	chooseOption(t, learner, byID("relations[0].nature"), "Orientation")
	typeText(t, learner, byID("relations[0].commentaire"), "Orientation des jeunes en difficulté de logement")
	chooseOption(t, learner, byID("relations[1].de"), actors[2].name)
	chooseOption(t, learner, byID("relations[1].vers"), actors[0].name)
	chooseOption(t, learner, byID("relations[1].nature"), "Partenariat")
	chooseOption(t, learner, byID("relations[1].sens"), "↔ dans les deux sens")
	chooseOption(t, learner, byID("relations[2].de"), actors[3].name)
	chooseOption(t, learner, byID("relations[2].vers"), actors[0].name)
	chooseOption(t, learner, byID("relations[2].nature"), "Partenariat")
	// A fourth relation row in place, offering the same actors; renaming
	// an actor renames it in every list, its choice kept.
	clickOn(t, learner, `button[data-ajouter="modele-relation"]`)
	if n := countOf(t, learner, `select[id="relations[3].vers"] option:not([value=""])`); n != len(actors) {
		t.Errorf("relation ajoutée : %d acteurs proposés, attendu %d", n, len(actors))
	}
	chooseOption(t, learner, byID("relations[3].de"), actors[3].name)
	chooseOption(t, learner, byID("relations[3].vers"), actors[2].name)
	chooseOption(t, learner, byID("relations[3].nature"), "Orientation")
	actors[3].name = "France Travail Tours"
	replaceText(t, learner, byID("acteurs[3].nom"), actors[3].name)
	if got := eval[string](t, learner, `(s => s.options[s.selectedIndex].text)(document.getElementById("relations[3].de"))`); got != actors[3].name {
		t.Errorf("acteur renommé : la relation 4 part de %q, attendu %q", got, actors[3].name)
	}

	// One save keeps all of it.
	f := submitForm(t, learner, `main button[name=action][value=enregistrer]`)
	if f.Path != piece {
		t.Fatalf("« Enregistrer le brouillon » : arrivé sur %s (h1 %q) ; erreurs : %q", f.URL, f.h1(), textOf(t, learner, ".error-summary"))
	}
	wantText(t, f, "Brouillon enregistré.")
	for i, a := range actors {
		base := fmt.Sprintf("acteurs[%d]", i)
		if got := fieldValue(t, learner, byID(base+".nom")); got != a.name {
			t.Errorf("après l'enregistrement, %s.nom vaut %q, attendu %q", base, got, a.name)
		}
		if got := eval[string](t, learner, `(s => s.options[s.selectedIndex].text)(document.getElementById(`+jsString(base+".domaine")+`))`); got != a.domain {
			t.Errorf("après l'enregistrement, %s.domaine vaut %q, attendu %q", base, got, a.domain)
		}
	}
	if n := countOf(t, learner, `input[name$=".nom"][name^="acteurs["]`); n != 7 {
		t.Errorf("après l'enregistrement de 4 acteurs : %d lignes d'acteurs, attendu 7 (4 + 3 vides)", n)
	}
	for i, want := range [][2]int{{0, 1}, {2, 0}, {3, 0}, {3, 2}} {
		got := eval[[]string](t, learner, fmt.Sprintf(`["de", "vers"].map(k => (s => s.selectedIndex > 0 ? s.options[s.selectedIndex].text : "")(document.getElementById("relations[%d]." + k)))`, i))
		if len(got) != 2 || got[0] != actors[want[0]].name || got[1] != actors[want[1]].name {
			t.Errorf("après l'enregistrement, relation %d : %q, attendu %s → %s", i+1, got, actors[want[0]].name, actors[want[1]].name)
		}
	}
	type svgFacts struct {
		Found     bool   `json:"found"`
		Text      string `json:"text"`
		Name      string `json:"name"`
		Relations int    `json:"relations"`
		Legend    string `json:"legend"`
	}
	readSVG := func(where string) svgFacts {
		t.Helper()
		s := eval[svgFacts](t, learner, `(() => {
			const s = document.querySelector('.actor-map svg[role=img]');
			if (!s) return {found: false, text: '', name: '', relations: 0, legend: ''};
			const name = (s.getAttribute('aria-labelledby') || '').split(/\s+/).map(id => { const e = document.getElementById(id); return e ? e.textContent : ''; }).join(' ');
			const leg = s.querySelector('.legende');
			return {found: true, text: s.textContent, name: name, relations: s.querySelectorAll('[data-relation]').length, legend: leg ? leg.textContent : ''};
		})()`)
		if !s.Found {
			t.Fatalf("%s : pas de schéma .actor-map svg[role=img]", where)
		}
		for _, a := range actors {
			if !strings.Contains(s.Text, a.name) {
				t.Errorf("%s : le schéma ne nomme pas « %s »", where, a.name)
			}
		}
		if s.Relations != 4 {
			t.Errorf("%s : %d relations tracées dans le schéma, attendu 4", where, s.Relations)
		}
		for _, w := range []string{"Nature des relations", "Orientation", "Partenariat"} {
			if !strings.Contains(s.Legend, w) {
				t.Errorf("%s : la légende du schéma %q ne contient pas « %s »", where, s.Legend, w)
			}
		}
		if strings.TrimSpace(s.Name) == "" {
			t.Errorf("%s : le schéma (role=img) n'a pas de nom accessible", where)
		}
		return s
	}
	readSVG(piece)
	if got := fieldValue(t, learner, byID("relations[1].sens")); got != "double" {
		t.Errorf("après l'enregistrement, relations[1].sens vaut %q, attendu \"double\"", got)
	}

	depositReceipt(t, learner, pieceID, 1)
	v1 := piece + "/versions/1"
	f = checkPage(t, learner, v1)
	readSVG(v1)
	wantText(t, f, "Acteurs (4)", "Relations (4)", "Tours Métropole", "Établissement public", "Partenariat",
		"Orientation des jeunes en difficulté de logement")
	type tableRow []string
	rels := eval[[]tableRow](t, learner, `Array.from(document.querySelectorAll('.document.carte table')).filter(t => t.caption && t.caption.innerText.startsWith('Relations'))
		.flatMap(t => Array.from(t.tBodies[0].rows, r => Array.from(r.cells, c => c.innerText.trim())))`)
	if len(rels) != 4 || rels[0][0] != actors[0].name || rels[0][1] != actors[1].name || rels[1][0] != actors[2].name || rels[1][1] != actors[0].name ||
		rels[3][0] != actors[3].name || rels[3][1] != actors[2].name {
		t.Errorf("%s : tableau des relations %q, attendu %s → %s et %s → %s", v1, rels, actors[0].name, actors[1].name, actors[2].name, actors[0].name)
	}
	link := eval[string](t, learner, `(() => { const a = Array.from(document.querySelectorAll('main a')).find(a => a.innerText.trim() === 'Télécharger le schéma (SVG)'); return a ? a.getAttribute('href') : ''; })()`)
	if link != v1+"/carte.svg" {
		t.Errorf("%s : lien « Télécharger le schéma (SVG) » %q, attendu %s/carte.svg", v1, link, v1)
	}
	if link != "" {
		type download struct {
			Status int    `json:"status"`
			Type   string `json:"type"`
			Head   string `json:"head"`
		}
		d, err := chromedp.Run(learner, chromedp.Evaluate[download](`fetch(`+jsString(link)+`, {credentials: 'same-origin'})
			.then(r => r.text().then(b => ({status: r.status, type: r.headers.get('content-type') || '', head: b.slice(0, 200)})))`, chromedp.EvalAwaitPromise))
		switch {
		case err != nil:
			t.Errorf("téléchargement de %s : %v", link, err)
		case d.Status != 200 || !strings.HasPrefix(d.Type, "image/svg+xml"):
			t.Errorf("%s : réponse %d, type %q, attendu 200 image/svg+xml", link, d.Status, d.Type)
		case !strings.HasPrefix(d.Head, "<svg"):
			t.Errorf("%s : le fichier commence par %q, attendu « <svg »", link, d.Head)
		}
	}

	// Double marking: two blind assessors.
	const fb1 = "Première lecture : schéma lisible, relations justifiées."
	const fb2 = "Seconde lecture : répertoire complet, à enrichir des dispositifs."
	e1 := j.as("evaluateur1")
	f = openFromQueue(t, e1, "cartographie-acteurs", pieceID, title)
	wantText(t, f, "Première correction", "correction à l'aveugle", actors[2].name)
	gradeAll(t, e1, func(int) int { return 3 }, "valide", "Validé", fb1)

	// evaluateur1 has marked this version: the queue must not offer to mark
	// it again.
	f = checkPage(t, e1, "/evaluation?type=cartographie-acteurs")
	form := fmt.Sprintf(`form[action="/evaluation/pieces/%d"] button[type=submit]`, pieceID)
	if countOf(t, e1, form) > 0 {
		t.Errorf("/evaluation : evaluateur1 a publié sa première correction de « %s » mais la file lui propose encore %q",
			title, textOf(t, e1, form))
		row := eval[string](t, e1, `(() => { const b = document.querySelector(`+jsString(form)+`); return b ? b.closest('tr').innerText.replace(/\s+/g, ' ') : ''; })()`)
		g := submitForm(t, e1, form)
		t.Errorf("… ligne %q ; le bouton mène à %s : h1 %q, %q", row, g.Path, g.h1(), textOf(t, e1, "main"))
	}

	// Before the second marking, the learner sees no result.
	learner = j.as("apprenant10")
	f = checkPage(t, learner, v1)
	if strings.Contains(f.Text, fb1) {
		t.Errorf("%s : l'apprenant voit la première correction avant la seconde", v1)
	}
	wantText(t, f, "En attente d'évaluation")

	e2 := j.as("evaluateur2")
	f = openFromQueue(t, e2, "cartographie-acteurs", pieceID, title)
	wantText(t, f, "Seconde correction", "correction à l'aveugle")
	if strings.Contains(f.Text, fb1) || strings.Contains(f.Text, "Olivier Marchand") {
		t.Errorf("%s : la seconde correctrice voit la première correction", f.Path)
	}
	gradeAll(t, e2, func(int) int { return 2 }, "valide", "Validé", fb2)

	learner = j.as("apprenant10")
	f = checkPage(t, learner, piece)
	if got := pieceStatus(t, learner); !strings.Contains(got, "Évalué") {
		t.Errorf("%s après les deux corrections : état %q, attendu « Évalué »", piece, got)
	}
	wantText(t, f, "double correction")
	f = checkPage(t, learner, v1)
	wantText(t, f, "Validé", "double correction concordante", fb1, fb2)
	levels := eval[[]string](t, learner, `Array.from(document.querySelectorAll('section.feedback tbody tr td:nth-child(3)'), c => c.innerText.trim())`)
	if len(levels) == 0 {
		t.Errorf("%s : aucun niveau par critère", v1)
	}
	for _, l := range levels {
		if l != "✓ Acquis" {
			t.Errorf("%s : niveau %q, attendu « ✓ Acquis » (le plus bas des deux corrections concordantes)", v1, l)
		}
	}
}

func TestBrowserReportPreview(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	title := "Note de synthèse sur l'accompagnement " + j.suffix
	learner := j.as("apprenant11")
	pieceID := createPiece(t, learner, "Note de synthèse", title)
	piece := fmt.Sprintf("/portfolio/%d", pieceID)

	if isVisible(t, learner, "#apercu") {
		t.Errorf("%s : l'aperçu vide est affiché avant toute saisie", piece)
	}
	draft := "## Évaluation de l'accompagnement\n\nLe bilan repose sur trois entretiens.\n\n" +
		"- premier entretien d'accueil\n- second entretien de suivi\n\n" +
		"<script>window.__pwned=1</script>\n\n[x](javascript:window.__pwned=2)\n"
	typeText(t, learner, "#draft", draft)
	f := submitForm(t, learner, `main button[name=action][value=previsualiser]`)
	if f.Path != piece {
		t.Fatalf("« Prévisualiser » : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}
	wantText(t, f, "Brouillon enregistré. L'aperçu est affiché sous l'éditeur.")
	if got := fieldValue(t, learner, "#draft"); got != draft {
		t.Errorf("après « Prévisualiser », le brouillon vaut %q, attendu %q", got, draft)
	}
	if !isVisible(t, learner, "#apercu") {
		t.Errorf("après « Prévisualiser », la section d'aperçu n'est pas visible")
	}
	// At 1,280 px the preview sits beside the editor, not below it.
	type boxes struct{ EditorRight, EditorTop, PreviewLeft, PreviewTop float64 }
	b := eval[boxes](t, learner, `(() => { const e = document.getElementById('draft').getBoundingClientRect(), p = document.getElementById('apercu').getBoundingClientRect();
		return {editorRight: e.right, editorTop: e.top + scrollY, previewLeft: p.left, previewTop: p.top + scrollY}; })()`)
	if b.PreviewLeft < b.EditorRight || b.PreviewTop > b.EditorTop+400 {
		t.Errorf("à 1 280 px, l'aperçu n'est pas à côté de l'éditeur : éditeur jusqu'à x=%.0f (y=%.0f), aperçu à x=%.0f (y=%.0f)", b.EditorRight, b.EditorTop, b.PreviewLeft, b.PreviewTop)
	}
	const headingID = "titre-evaluation-de-l-accompagnement"
	if got := textOf(t, learner, "#apercu-contenu h2#"+headingID); got != "Évaluation de l'accompagnement" {
		t.Errorf("aperçu : h2#%s %q, attendu « Évaluation de l'accompagnement » ; aperçu : %q", headingID, got, textOf(t, learner, "#apercu-contenu"))
	}
	if got := textOf(t, learner, `nav.outline a[href="#`+headingID+`"]`); got != "Évaluation de l'accompagnement" {
		t.Errorf("plan du texte : lien vers #%s %q ; plan : %q", headingID, got, textOf(t, learner, "nav.outline"))
	}
	if n := countOf(t, learner, "#apercu-contenu ul > li"); n != 2 {
		t.Errorf("aperçu : %d éléments de liste, attendu 2", n)
	}
	hostile := func(where string) {
		t.Helper()
		if v := eval[string](t, learner, `typeof window.__pwned`); v != "undefined" {
			t.Errorf("%s : window.__pwned est défini (%s) : du code de la pièce s'est exécuté", where, v)
		}
		if n := countOf(t, learner, "#apercu-contenu script"); n != 0 {
			t.Errorf("%s : %d <script> dans l'aperçu", where, n)
		}
		if n := eval[int](t, learner, `Array.from(document.querySelectorAll('#apercu-contenu [href], #apercu-contenu [src]'), e => e.getAttribute('href') || e.getAttribute('src')).filter(u => /^\s*javascript:/i.test(u)).length`); n != 0 {
			t.Errorf("%s : %d liens javascript: dans l'aperçu", where, n)
		}
		if n := eval[int](t, learner, `Array.from(document.querySelectorAll('#apercu-contenu *')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length`); n != 0 {
			t.Errorf("%s : %d éléments avec un gestionnaire d'évènement on… dans l'aperçu", where, n)
		}
	}
	hostile("aperçu du serveur")
	// The link, if kept, must do nothing when followed.
	if countOf(t, learner, "#apercu-contenu a") > 0 {
		clickOn(t, learner, "#apercu-contenu a")
		time.Sleep(200 * time.Millisecond)
		hostile("après un clic sur le lien de l'aperçu")
	}
	if p := readPage(t, learner).Path; p != piece {
		t.Fatalf("après un clic sur le lien de l'aperçu : sur %s", p)
	}

	// Live preview (casp.js): typed text shows up without a click.
	const live = "Ajout en direct vérifié par le navigateur."
	typeText(t, learner, "#draft", "\n"+live)
	if !waitText(t, learner, "#apercu-contenu", live, 3*time.Second) {
		t.Errorf("aperçu en direct : « %s » absent de #apercu-contenu après 3 s ; aperçu : %q", live, textOf(t, learner, "#apercu-contenu"))
	}
	hostile("aperçu en direct")
	audit(t, learner)

	// A PNG renamed .pdf is refused, in French, next to the file field.
	dir := t.TempDir()
	fake := filepath.Join(dir, "compte-rendu.pdf")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
	if err := os.WriteFile(fake, png, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(learner, uploadFiles("#fichier", []string{fake})); err != nil {
		t.Fatalf("choix du fichier : %v", err)
	}
	f = submitForm(t, learner, `form.editor-form button[value=joindre]`)
	if f.Path != piece {
		t.Fatalf("envoi du faux PDF : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}
	msg := textOf(t, learner, "#fichier-error")
	if !strings.Contains(msg, "ni un PDF") || !strings.Contains(msg, "PNG") {
		t.Errorf("faux PDF : message à côté du champ %q, attendu « Ce fichier n'est ni un PDF, ni un document ODT, ni un document DOCX (type détecté : image PNG). »", msg)
	}
	if inv := eval[string](t, learner, `document.getElementById('fichier').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("#fichier : aria-invalid=%q, attendu \"true\"", inv)
	}
	if got := textOf(t, learner, ".error-summary"); !strings.Contains(got, "ni un PDF") {
		t.Errorf("faux PDF : récapitulatif d'erreurs %q", got)
	}
	wantText(t, f, "Aucune pièce jointe.")
	got := fieldValue(t, learner, "#draft")
	if !strings.Contains(got, "## Évaluation de l'accompagnement") {
		t.Errorf("après le refus du fichier, le brouillon enregistré a disparu : %q", got)
	}
	if !strings.Contains(got, live) {
		t.Errorf("après l'envoi d'un fichier, le texte tapé depuis le dernier enregistrement (%q) est perdu ; brouillon : %q", live, got)
	}
	if p := textOf(t, learner, ".piece-status .status"); !strings.Contains(p, "Brouillon") {
		t.Errorf("après le refus du fichier : état %q, attendu « Brouillon »", p)
	}

	// Without JavaScript, « Prévisualiser » still gives the preview: the
	// server renders it. Scripts are off while each page loads (casp.js
	// does not run), then back on for the audit (axe is JavaScript).
	nojs := j.as("apprenant11")
	scripts := func(on bool) {
		t.Helper()
		if err := chromedp.Do(nojs, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
			return err
		})); err != nil {
			t.Fatalf("JavaScript activé=%v : %v", on, err)
		}
	}
	scripts(false)
	navigate(t, nojs, piece)
	scripts(true)
	audit(t, nojs)
	const offline = "## Suite sans JavaScript\n\nParagraphe ajouté sans script."
	typeText(t, nojs, "#draft", "\n"+offline)
	time.Sleep(700 * time.Millisecond) // longer than casp.js's pause before a live preview
	if isVisible(t, nojs, "#apercu") {
		t.Errorf("%s chargée sans JavaScript : l'aperçu est affiché avant « Prévisualiser » (casp.js a-t-il tourné ?)", piece)
	}
	scripts(false)
	clickAndWait(t, nojs, `main button[name=action][value=previsualiser]`)
	scripts(true)
	f = audit(t, nojs)
	if f.Path != piece {
		t.Fatalf("« Prévisualiser » sans JavaScript : arrivé sur %s (h1 %q)", f.URL, f.h1())
	}
	if !isVisible(t, nojs, "#apercu") || !strings.Contains(textOf(t, nojs, "#apercu-contenu"), "Paragraphe ajouté sans script.") {
		t.Errorf("« Prévisualiser » sans JavaScript : aperçu %q (visible : %v)", textOf(t, nojs, "#apercu-contenu"), isVisible(t, nojs, "#apercu"))
	}
	if got := textOf(t, nojs, `nav.outline a[href="#titre-suite-sans-javascript"]`); got != "Suite sans JavaScript" {
		t.Errorf("plan du texte sans JavaScript : %q ; plan : %q", got, textOf(t, nojs, "nav.outline"))
	}
	if v := eval[string](t, nojs, `typeof window.__pwned`); v != "undefined" {
		t.Errorf("sans JavaScript : window.__pwned est défini (%s)", v)
	}

	// Without JavaScript, the deposit is confirmed on a page of its own.
	scripts(false)
	clickAndWait(t, nojs, `main button[name=action][value=deposer]`)
	scripts(true)
	f = audit(t, nojs)
	if f.h1() != "Déposer la pièce ?" {
		t.Fatalf("dépôt sans JavaScript : arrivé sur %s (h1 %q), attendu la page de confirmation", f.URL, f.h1())
	}
	wantText(t, f, "« "+title+" » (Note de synthèse), version 1.", "Ce qui va se passer", "Vous ne pourrez plus la modifier")
	scripts(false)
	clickAndWait(t, nojs, `form.confirm-form button[type=submit]`)
	scripts(true)
	f = audit(t, nojs)
	if want := piece + "/versions/1/accuse"; f.Path != want {
		t.Fatalf("dépôt confirmé sans JavaScript : arrivé sur %s (h1 %q), attendu %s", f.URL, f.h1(), want)
	}
	wantText(t, f, "« "+title+" », version 1, déposée.")
}
