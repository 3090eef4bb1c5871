package main

// The done-when journey of the live evaluations: the manager reschedules
// an excused candidate to a new soutenance and sends the convocation; the
// two jury members grade on a tablet (768 px, touch and keyboard), one of
// them through a dropped connection; the jury's agreed result is published
// and shows in the candidate's progress, the heatmap and the certification
// file PDF. Every page on the way passes axe.

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf/pdftext"
)

// atTabletWidth makes the tab a 768-pixel tablet with a touch screen.
func atTabletWidth(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 768, Height: 1024, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		t.Fatal(err)
	}
}

// offline cuts (or restores) the tab's network, as a dropped Wi-Fi would.
func offline(t *testing.T, ctx context.Context, off bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
}

var sheetLinkRE = regexp.MustCompile(`^/epreuves/passages/\d+$`)

func TestBrowserLiveSoutenance(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	mgr := j.as("responsable")
	t.Run("groupes et examens", func(t *testing.T) {
		groupsAndExamPages(t, &journey{t: t, deadline: j.deadline, suffix: j.suffix}, mgr)
	})

	// The first soutenance: one candidate was excused; plan another passage.
	navigate(t, mgr, "/promotions/1/epreuves")
	f := audit(t, mgr)
	wantText(t, f, "Soutenances du rapport d'expérience — session 1", "Épreuves prévues par le référentiel")
	first := eval[string](t, mgr, `[...document.querySelectorAll('table.sessions a')].find(a => a.textContent.includes('session 1')).getAttribute('href')`)
	navigate(t, mgr, first)
	f = audit(t, mgr)
	wantText(t, f, "À reprogrammer", "absent·e excusé·e")
	candidate := textOf(t, mgr, "#h-absents + p")
	f = submitForm(t, mgr, `a[href*="/epreuves/nouvelle?epreuve=soutenance-rapport-experience"]`)
	wantText(t, f, "Planifier une session d'épreuve")
	if v := fieldValue(t, mgr, "#kind"); v != "soutenance-rapport-experience" {
		t.Fatalf("épreuve préremplie : %q", v)
	}
	day := time.Now().In(french.Paris).AddDate(0, 0, 45)
	eval[bool](t, mgr, `(() => { const d = document.getElementById('date'); d.value = `+jsString(day.Format("2006-01-02"))+`; return true })()`)
	eval[bool](t, mgr, `(() => { const d = document.getElementById('written_due'); d.value = `+jsString(day.AddDate(0, 0, -7).Format("2006-01-02"))+`; return true })()`)
	eval[bool](t, mgr, `(() => { document.getElementById('time').value = '14:00'; return true })()`)
	replaceText(t, mgr, "#title", "Soutenance de rattrapage "+j.suffix)
	typeText(t, mgr, "#place", "Cnam Pays de la Loire, Nantes — salle 105")
	// The jury: evaluateur1 (Olivier Marchand) then evaluateur2 (Sophie Lambert).
	for _, name := range []string{"Olivier Marchand", "Sophie Lambert"} {
		id := eval[string](t, mgr, `[...document.querySelectorAll('#jury label')].find(l => l.textContent.includes(`+jsString(name)+`)).htmlFor`)
		clickOn(t, mgr, byID(id))
	}
	f = submitForm(t, mgr, `form[action$="/epreuves"] button[type=submit]`)
	if f.Path != "" && strings.Count(f.Path, "/") != 2 {
		t.Fatalf("planification refusée : %s", textOf(t, mgr, "main"))
	}
	wantText(t, f, "Soutenance de rattrapage "+j.suffix, "Session planifiée", "Olivier Marchand — grille 1", "Sophie Lambert — grille 2")
	session := f.Path
	if n := countOf(t, mgr, "table.slots tbody tr"); n != 1 {
		t.Fatalf("%d passages, attendu 1 (le candidat excusé)", n)
	}
	f = confirmInDialog(t, mgr, `form[action$="/convocations"] button`, "Envoyer les convocations ?", "convocation à envoyer")
	wantText(t, f, "convocation envoyée.")

	// Each jury member grades on a tablet, on their own.
	grade := func(user string, levels []int, cut bool) {
		ctx := j.as(user)
		atTabletWidth(t, ctx)
		navigate(t, ctx, "/epreuves")
		audit(t, ctx)
		navigate(t, ctx, session)
		audit(t, ctx)
		clickAndWait(t, ctx, `a[href^="/epreuves/passages/"]`)
		f := audit(t, ctx)
		if !sheetLinkRE.MatchString(f.Path) {
			t.Fatalf("%s : feuille attendue, arrivé sur %s", user, f.Path)
		}
		wantText(t, f, "Ma grille", "Lire l'écrit")
		if cut { // the written piece, one tap away
			sheet := f.Path
			clickAndWait(t, ctx, `a[href$="/ecrit"]`)
			wantText(t, audit(t, ctx), "Revenir à la feuille de passage")
			navigate(t, ctx, sheet)
		}
		if px := overflow(t, ctx); px > 0 {
			t.Errorf("feuille à 768 px : déborde de %d px", px)
		}
		// The timer runs: started now, read once the grid is filled (its
		// first second and the autosave's passes overlap the filling).
		clickOn(t, ctx, `[data-minuterie-action=start]`)
		names := eval[[]string](t, ctx, `[...new Set([...document.querySelectorAll('form.live-sheet .levels input')].map(i => i.name))]`)
		if len(names) != len(levels) {
			t.Fatalf("%d critères, %d niveaux prévus", len(names), len(levels))
		}
		// The first criterion by touch (a tap on the level), the others by
		// keyboard (arrows move within the group).
		// (the radio covers its label, a large target: the tap lands on it)
		clickOn(t, ctx, byID(names[0]+"-"+strconv.Itoa(levels[0])))
		for i, n := range names[1:] {
			clickOn(t, ctx, byID(n+"-0"))
			for k := 0; k < levels[i+1]; k++ {
				if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i, n := range names {
			if !isChecked(t, ctx, byID(n+"-"+strconv.Itoa(levels[i]))) {
				t.Errorf("%s : niveau %d non coché", n, levels[i])
			}
		}
		clickOn(t, ctx, "#decision-valide")
		typeText(t, ctx, "#feedback", "Présentation claire, analyse réflexive.")
		if !waitText(t, ctx, ".timer-time", "39:5", 4*time.Second) {
			t.Errorf("minuterie : %q", textOf(t, ctx, ".timer-time"))
		}
		// Sent a second after the last keystroke.
		if !waitText(t, ctx, ".save-status", "Enregistré à", 5*time.Second) {
			t.Fatalf("enregistrement au fil de la frappe : %q", textOf(t, ctx, ".save-status"))
		}
		if cut {
			// The connection drops while the member types: the screen says
			// so and keeps the text; back online, it is sent.
			offline(t, ctx, true)
			typeText(t, ctx, "#notes", "Hors ligne : bonne gestion du temps.")
			if !waitText(t, ctx, ".save-status", "Hors connexion", 5*time.Second) {
				t.Fatalf("coupure non signalée : %q", textOf(t, ctx, ".save-status"))
			}
			// Back online, the text is sent; reloaded, it is there.
			sheet := f.Path
			offline(t, ctx, false)
			if !waitText(t, ctx, ".save-status", "Enregistré à", 5*time.Second) {
				t.Fatalf("saisie non renvoyée au retour du réseau : %q", textOf(t, ctx, ".save-status"))
			}
			navigate(t, ctx, sheet)
			if v := fieldValue(t, ctx, "#notes"); !strings.Contains(v, "Hors ligne : bonne gestion du temps.") {
				t.Fatalf("notes perdues après la coupure : %q", v)
			}
			// A copy the server never got (the tablet was closed offline)
			// comes back into the form when the sheet opens again, and is sent.
			eval[bool](t, ctx, `(() => { localStorage.setItem('casp:' + document.querySelector('form[data-sauvegarde]').getAttribute('data-sauvegarde'),
				JSON.stringify([['notes', 'Copie restée sur la tablette.']])); return true })()`)
			navigate(t, ctx, sheet)
			if v := fieldValue(t, ctx, "#notes"); v != "Copie restée sur la tablette." {
				t.Fatalf("copie locale non restaurée : %q", v)
			}
			if !waitText(t, ctx, ".save-status", "Enregistré à", 5*time.Second) {
				t.Fatalf("copie locale non envoyée : %q", textOf(t, ctx, ".save-status"))
			}
			navigate(t, ctx, sheet)
			if v := fieldValue(t, ctx, "#notes"); v != "Copie restée sur la tablette." {
				t.Fatalf("copie locale non enregistrée : %q", v)
			}
		}
		f = submitForm(t, ctx, `button[value=pret]`)
		wantText(t, f, "Votre grille est complète")
	}
	grade("evaluateur1", []int{2, 3}, true)
	grade("evaluateur2", []int{3, 2}, false)

	// The second member agrees the result with the jury: the lower level
	// is proposed on each criterion; published after a confirmation.
	ctx := j.as("evaluateur2")
	atTabletWidth(t, ctx)
	navigate(t, ctx, session)
	clickAndWait(t, ctx, `a[href^="/epreuves/passages/"]`)
	f = audit(t, ctx)
	wantText(t, f, "Résultat arrêté par le jury", "Olivier Marchand", "Sophie Lambert")
	agreed := eval[[]string](t, ctx, `[...document.querySelectorAll('#accord .levels input:checked')].map(i => i.value)`)
	if strings.Join(agreed, ",") != "2,2" {
		t.Fatalf("niveaux proposés : %v, attendu le plus bas des deux (2,2)", agreed)
	}
	typeText(t, ctx, "#accord-feedback", "Le jury retient une soutenance solide "+j.suffix+".")
	f = confirmInDialog(t, ctx, `#accord button[value=publier]`, "Publier le résultat du jury ?", "Validé")
	wantText(t, f, "Résultat du jury publié", "Résultat publié le")

	// The candidate: progress, with 3.6 acquired (the report was validated;
	// the soutenance completes it).
	navigate(t, mgr, session)
	learnerID := eval[string](t, mgr, `document.querySelector('table.slots code.login').textContent`)
	if learnerID == "" {
		t.Fatal("candidat introuvable")
	}
	lctx := j.as(learnerID)
	navigate(t, lctx, "/progression")
	f = audit(t, lctx)
	if st := eval[string](t, lctx, `(document.querySelector(`+jsString(byID("3.6/cap/1")+" .cap")+`) || {}).textContent || ''`); !strings.Contains(st, "Acquise") {
		t.Fatalf("progression de %s : 3.6/cap/1 %q", candidate, st)
	}
	navigate(t, lctx, "/epreuves")
	audit(t, lctx)
	navigate(t, lctx, eval[string](t, lctx, `[...document.querySelectorAll('a[href$="/convocation"]')].pop().getAttribute('href')`)) // the newest
	wantText(t, audit(t, lctx), "Convocation", "Heure de passage", "Olivier Marchand, Sophie Lambert")

	// The heatmap: the candidate's cell of 3.6/cap/1 is acquired.
	navigate(t, mgr, "/promotions/1/couverture")
	audit(t, mgr)
	cell := eval[string](t, mgr, `(() => {
		const col = [...document.querySelectorAll('table.heatmap thead th')].findIndex(th => th.textContent.trim() === '3.6/cap/1');
		const row = [...document.querySelectorAll('table.heatmap tbody tr')].find(tr => tr.querySelector('code.login') && tr.querySelector('code.login').textContent === `+jsString(learnerID)+`);
		return row && col >= 0 ? row.cells[col].className + ' ' + row.cells[col].textContent : '';
	})()`)
	if !strings.HasPrefix(cell, "a ") {
		t.Fatalf("carte de chaleur, %s × 3.6/cap/1 : %q", learnerID, cell)
	}
	// The certification file and its PDF name the soutenance and its jury.
	navigate(t, mgr, "/promotions/1/jury")
	link := eval[string](t, mgr, `[...document.querySelectorAll('table.jury-list tbody tr')].find(tr => tr.textContent.includes(`+jsString(learnerID)+`)).querySelector('a').getAttribute('href')`)
	navigate(t, mgr, link)
	audit(t, mgr)
	if txt := eval[string](t, mgr, `document.getElementById('cap-3.6/cap/1').textContent`); !strings.Contains(txt, "Soutenance du rapport d'expérience professionnelle") ||
		!strings.Contains(txt, "Sophie Lambert (résultat arrêté par le jury)") || !strings.Contains(txt, "une seule épreuve") {
		t.Fatalf("dossier, preuve de 3.6/cap/1 : %q", txt)
	}
	path := downloadLink(t, mgr, `a[href$="/dossier.pdf"]`)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := pdftext.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(strings.Join(doc.Pages, " ")), " ")
	// (table cells are read row by row: words of one cell are interleaved
	// with their neighbours')
	for _, want := range []string{"Soutenance du rapport", "(jury, grille 1)", "(jury, grille 2)", "(résultat", "arrêté", "une seule épreuve"} {
		if !strings.Contains(text, want) {
			t.Errorf("absent du dossier PDF : %q", want)
		}
	}
}

// waitFor polls a JavaScript condition until it holds or d passes.
func waitFor(t testing.TB, ctx context.Context, cond string, d time.Duration) bool {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if eval[bool](t, ctx, cond) {
			return true
		}
	}
	return false
}

// groupsAndExamPages: the other new pages, as their users reach them, pass
// axe: the cohort's groups (manager), an examination's marks (marker), a
// learner's groups and collective part (member). Run first in
// TestBrowserLiveSoutenance, on the demo as it is: its server, its browser
// slot and its manager's session (a test of its own cost one more server
// and sign-in).
func groupsAndExamPages(t *testing.T, j *journey, mgr context.Context) {
	navigate(t, mgr, "/promotions/1")
	f := submitForm(t, mgr, `a[href="/promotions/1/groupes"]`)
	wantText(t, f, "Enquête collective — groupe A", "a quitté le groupe", "Créer un groupe")
	clickOn(t, mgr, `#groupe-1 summary`)
	runAxe(t, mgr, "/promotions/1/groupes (formulaire ouvert)")

	ev := j.as("evaluateur1")
	navigate(t, ev, "/epreuves")
	audit(t, ev)
	link := eval[string](t, ev, `[...document.querySelectorAll('a[href^="/epreuves/"]')].find(a => a.textContent.includes('Examen')).getAttribute('href')`)
	navigate(t, ev, link)
	audit(t, ev)
	f = submitForm(t, ev, `a[href$="/notes"]`)
	wantText(t, f, "Conversion", "publiée", "Importer un fichier de notes")

	member := j.as("apprenant09")
	navigate(t, member, "/portfolio")
	f = audit(t, member)
	wantText(t, f, "Mes groupes", "partie collective du groupe")
	clickAndWait(t, member, `table a[href^="/portfolio/"]`)
	audit(t, member)
	navigate(t, member, "/portfolio")
	href := eval[string](t, member, `[...document.querySelectorAll('table th a')].find(a => a.parentElement.textContent.includes('partie collective')).getAttribute('href')`)
	navigate(t, member, href)
	wantText(t, audit(t, member), "Partie collective", "Rédigée par")
}
