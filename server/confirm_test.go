package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// Each irreversible action first shows what it will do to what, and does
// nothing until confirmed: a deposit (warned when far shorter than its kind
// asks), a published grading, a member withdrawn (a forged member learns
// nothing). The confirmation itself needs the CSRF token, and the notices
// that name the object cannot be forged.
func TestIrreversibleActionsAskFirst(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	learner := env.NewClient()
	learner.Login("apprenant05", "demo")
	piece := createPiece(t, learner, "rapport-enquete", "Enquête sur la mobilité")
	r := learner.Submit(piece, piece, url.Values{"title": {"Enquête sur la mobilité"}, "draft": {"## Enquête\n\nQuelques lignes seulement."}, "action": {"deposer"}})
	text := testenv.Text(r.Body)
	if r.Status != http.StatusOK || !strings.Contains(text, "Déposer la pièce ?") || !strings.Contains(text, "« Enquête sur la mobilité »") ||
		!strings.Contains(text, "version 1") || !strings.Contains(text, "20 à 40 pages") || !strings.Contains(text, "À vérifier avant de confirmer") {
		t.Fatalf("confirmation du dépôt : %d %.600s", r.Status, text)
	}
	if v := learner.Get(piece); !strings.Contains(v.Body, "Quelques lignes seulement.") || strings.Contains(testenv.Text(v.Body), "Version 1 déposée") {
		t.Fatal("avant la confirmation : brouillon perdu, ou pièce déjà déposée")
	}
	// Without the token, the confirmation is refused.
	if r := learner.Post(piece, url.Values{"action": {"deposer"}, "confirme": {"1"}}); r.Status != http.StatusForbidden {
		t.Fatalf("confirmation sans jeton : %d", r.Status)
	}
	r = learner.Submit(piece, piece, withConfirmation(r.Body))
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/versions/1/accuse") {
		t.Fatalf("dépôt confirmé : %d vers %q", r.Status, r.Location)
	}
	receipt := testenv.Text(learner.Get(r.Location).Body)
	if !strings.Contains(receipt, "« Enquête sur la mobilité », version 1, déposée.") {
		t.Errorf("l'avis ne nomme pas la pièce : %.300s", receipt)
	}
	// The receipt names the cohort, and the piece page leads back to it.
	if !strings.Contains(receipt, "Promotion\nPromotion 2026") && !strings.Contains(receipt, "Promotion Promotion 2026") {
		t.Errorf("l'accusé ne nomme pas la promotion : %.500s", receipt)
	}
	if !strings.Contains(learner.Get(piece).Body, `href="`+piece+`/versions/1/accuse"`) {
		t.Error("la page de la pièce ne mène pas à son accusé de dépôt")
	}

	// Publishing: the grading stays ready until confirmed.
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	id := pieceIDRe.FindStringSubmatch(piece)[1]
	g := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	if r := gradeAll(t, ass, g, "2", "valide", "Enquête à approfondir, mais recevable.", "pret"); r.Status != http.StatusSeeOther {
		t.Fatalf("évaluation prête : %d %s", r.Status, testenv.Text(r.Body))
	}
	r = ass.Submit(g, g, url.Values{"action": {"publier"}})
	if text := testenv.Text(r.Body); r.Status != http.StatusOK || !strings.Contains(text, "Publier l'évaluation ?") || !strings.Contains(text, "Vous ne pourrez plus la modifier") {
		t.Fatalf("confirmation de la publication : %d %.400s", r.Status, text)
	}
	if strings.Contains(testenv.Text(learner.Get(piece).Body), "Validé") {
		t.Fatal("résultat visible avant la confirmation")
	}
	r = ass.Submit(g, g, withConfirmation(r.Body))
	if r.Status != http.StatusSeeOther || r.Location != g+"#resume" {
		t.Fatalf("publication confirmée : %d vers %q, attendu %s#resume", r.Status, r.Location, g)
	}
	// The summary: the decision, the levels, what comes next, the next
	// piece of the queue (a form that claims it).
	sum := ass.Get(g)
	text = testenv.Text(sum.Body)
	for _, want := range []string{"Évaluation publiée le", "Décision : Validé", "Maîtrisé : 0 · Acquis : ", "En cours d'acquisition : 0", "Tous les critères sont au niveau d'acquisition",
		"Ensuite : Le résultat est publié", "la pièce suivante"} {
		if !strings.Contains(text, want) {
			t.Errorf("résumé après publication : %q absent de %q", want, text[strings.Index(text, "Évaluation publiée le"):][:400])
		}
	}
	if !regexp.MustCompile(`<form method="post" action="/evaluation/pieces/\d+" class="inline"><input type="hidden" name="_csrf"`).MatchString(sum.Body) {
		t.Errorf("résumé : pas de formulaire pour la pièce suivante")
	}

	// Withdrawing a member names them; a forged id learns no name.
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	who, err := env.Platform.Accounts.ByLogin(t.Context(), "apprenant05")
	if err != nil {
		t.Fatal(err)
	}
	uid := strconv.FormatInt(who.ID, 10)
	r = mgr.Submit("/promotions/1", "/promotions/1/membres", url.Values{"user": {uid}, "role": {"learner"}, "action": {"retirer"}})
	if text := testenv.Text(r.Body); r.Status != http.StatusOK || !strings.Contains(text, "Retirer "+who.DisplayName+" de la promotion ?") || !strings.Contains(text, "("+who.Login+")") {
		t.Fatalf("confirmation du retrait : %d %.400s", r.Status, text)
	}
	if ok, _ := env.Platform.Accounts.IsMember(t.Context(), 1, who.ID, account.Learner); !ok {
		t.Fatal("retiré avant la confirmation")
	}
	admin, err := env.Platform.Accounts.ByLogin(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	forged := mgr.Submit("/promotions/1", "/promotions/1/membres", url.Values{"user": {strconv.FormatInt(admin.ID, 10)}, "role": {"learner"}, "action": {"retirer"}})
	if forged.Status != http.StatusNotFound || strings.Contains(forged.Body, admin.DisplayName) {
		t.Errorf("retrait d'un non-membre : %d, nom divulgué : %v", forged.Status, strings.Contains(forged.Body, admin.DisplayName))
	}
	r = mgr.Submit("/promotions/1", "/promotions/1/membres", withConfirmation(r.Body))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("retrait confirmé : %d", r.Status)
	}
	page := mgr.Get(r.Location)
	if !strings.Contains(testenv.Text(page.Body), who.DisplayName+" ("+who.Login+") ne fait plus partie de la promotion.") {
		t.Errorf("l'avis ne nomme pas la personne retirée : %.300s", testenv.Text(page.Body))
	}
	// A notice cookie altered by hand says nothing.
	for _, v := range []string{"t.VW4gdGV4dGUgbWFsdmVpbGxhbnQ.AAAAAAAAAAAAAAAAAAAAAA", "t.bad", "inconnu"} {
		base, _ := url.Parse(mgr.BaseURL())
		mgr.HTTP.Jar.SetCookies(base, []*http.Cookie{{Name: "casp_notice", Value: v, Path: "/"}})
		if p := mgr.Get("/promotions/1"); strings.Contains(p.Body, `class="notice"`) {
			t.Errorf("avis %q affiché", v)
		}
	}
}

// An assessor finds their published gradings again, newest first, linked to
// each grading; no learner is named there; a learner cannot see the list.
func TestAssessorListsOwnPublishedGradings(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	if !strings.Contains(ass.Get("/evaluation").Body, `href="/evaluation/publiees"`) {
		t.Error("la file ne mène pas aux évaluations publiées")
	}
	me, err := env.Platform.Accounts.ByLogin(t.Context(), "evaluateur1")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := env.Platform.DB.Read.QueryRow(`SELECT count(*) FROM gradings WHERE assessor_id=? AND state='publie'`, me.ID).Scan(&n); err != nil || n == 0 {
		t.Fatalf("jeu d'essai : %d évaluations publiées (%v)", n, err)
	}
	r := ass.Get("/evaluation/publiees")
	links := regexp.MustCompile(`<a href="/evaluation/\d+">`).FindAllString(r.Body, -1)
	if r.Status != http.StatusOK || len(links) != min(n, 50) {
		t.Fatalf("liste : %d, %d liens pour %d évaluations publiées", r.Status, len(links), n)
	}
	for _, name := range []string{"Léa Moreau", "Camille Robert"} {
		if strings.Contains(r.Body, name) {
			t.Errorf("un apprenant est nommé : %s", name)
		}
	}
	learner := env.NewClient()
	learner.Login("apprenant01", "demo")
	if r := learner.Get("/evaluation/publiees"); r.Status != http.StatusForbidden {
		t.Errorf("un apprenant voit la liste : %d", r.Status)
	}
}

// An actor map is shown with a link to open it full size (inline, to zoom
// into) and one to download it, beside every rendering.
func TestActorMapOpensFullSize(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	var login string
	var pieceID, version int64
	if err := env.Platform.DB.Read.QueryRow(`SELECT u.login, p.id, max(v.number) FROM pieces p JOIN users u ON u.id=p.learner_id
		JOIN piece_versions v ON v.piece_id=p.id WHERE p.kind_id='cartographie-acteurs' GROUP BY p.id ORDER BY p.id LIMIT 1`).Scan(&login, &pieceID, &version); err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login(login, "demo")
	svg := "/portfolio/" + strconv.FormatInt(pieceID, 10) + "/versions/" + strconv.FormatInt(version, 10) + "/carte.svg"
	page := c.Get("/portfolio/" + strconv.FormatInt(pieceID, 10) + "/versions/" + strconv.FormatInt(version, 10))
	if !strings.Contains(page.Body, `href="`+svg+`?voir=1"`) || !strings.Contains(page.Body, "Ouvrir le schéma en grand") {
		t.Fatal("pas de lien vers le schéma en grand")
	}
	full := c.Get(svg + "?voir=1")
	if full.Status != http.StatusOK || !strings.HasPrefix(full.Header.Get("Content-Disposition"), "inline") || !strings.Contains(full.Body, "<svg") {
		t.Errorf("schéma en grand : %d %q", full.Status, full.Header.Get("Content-Disposition"))
	}
	if d := c.Get(svg).Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment") {
		t.Errorf("téléchargement : %q", d)
	}
}

// From the queue, an assessor reads a piece before claiming it: reading
// opens no grading.
func TestQueueLetsReadBeforeClaiming(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ass := env.NewClient()
	ass.Login("evaluateur2", "demo")
	q := ass.Get("/evaluation")
	m := regexp.MustCompile(`<a href="(/portfolio/\d+/versions/\d+)">Lire`).FindStringSubmatch(q.Body)
	if m == nil {
		t.Fatal("pas de lien « Lire » dans la file")
	}
	var before, after int
	env.Platform.DB.Read.QueryRow(`SELECT count(*) FROM gradings`).Scan(&before)
	if r := ass.Get(m[1]); r.Status != http.StatusOK {
		t.Fatalf("lecture avant évaluation : %d", r.Status)
	}
	env.Platform.DB.Read.QueryRow(`SELECT count(*) FROM gradings`).Scan(&after)
	if after != before {
		t.Errorf("lire a ouvert une évaluation : %d → %d", before, after)
	}
}

// TestAssessorStatsInMenu: « Mes statistiques » in an assessor's menu leads
// to the assessors page of each of their cohorts (their line, the totals,
// their pairs); no one else has it.
func TestAssessorStatsInMenu(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	if home := ass.Get("/"); !strings.Contains(home.Body, `href="/evaluation/statistiques"`) {
		t.Fatal("pas de « Mes statistiques » dans le menu de l'évaluateur")
	}
	r := ass.Get("/evaluation/statistiques")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `href="/promotions/1/evaluateurs"`) {
		t.Fatalf("une promotion : statut %d, pas de lien vers ses évaluateurs", r.Status)
	}
	if text := testenv.Text(ass.Get("/promotions/1/evaluateurs").Body); !strings.Contains(text, "Accord par paire d'évaluateurs") || !strings.Contains(text, "Vous voyez votre propre ligne") {
		t.Errorf("page des évaluateurs : l'accord ou la ligne propre manque")
	}
	// A second cohort: the list.
	co, err := env.Platform.Accounts.CreateCohort(t.Context(), account.NewCohort{Name: "Promotion 2027", FrameworkID: "casp-2016", StartsOn: "2027-01-04", EndsOn: "2027-12-17"})
	if err != nil {
		t.Fatal(err)
	}
	me, _ := env.Platform.Accounts.ByLogin(t.Context(), "evaluateur1")
	if err := env.Platform.Accounts.AddMember(t.Context(), co.ID, me.ID, account.Assessor); err != nil {
		t.Fatal(err)
	}
	r = ass.Get("/evaluation/statistiques")
	if text := testenv.Text(r.Body); r.Status != http.StatusOK || !strings.Contains(text, "Promotion 2027") || !strings.Contains(r.Body, `href="/promotions/1/evaluateurs"`) {
		t.Errorf("deux promotions : statut %d, %.300s", r.Status, text)
	}
	learner := env.NewClient()
	learner.Login("apprenant01", "demo")
	if r := learner.Get("/evaluation/statistiques"); r.Status != http.StatusForbidden {
		t.Errorf("apprenant : statut %d", r.Status)
	}
}

// TestReceiptPDF: the accusé de dépôt as PDF, for the learner who
// deposited: the piece, the cohort, the version and its SHA-256, as on
// the page; another learner gets nothing.
func TestReceiptPDF(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	learner := env.NewClient()
	learner.Login("apprenant09", "demo")
	piece, _ := depositNote(t, learner, "Note à accuser")
	page := learner.Get(piece + "/versions/1/accuse")
	sum := regexp.MustCompile(`<code class="hash">([0-9a-f]{64})</code>`).FindStringSubmatch(page.Body)
	if sum == nil || !strings.Contains(page.Body, `href="`+piece+`/versions/1/accuse?format=pdf"`) {
		t.Fatalf("accusé : pas d'empreinte ou pas de lien vers le PDF")
	}
	_, pages := pdfText(t, learner, piece+"/versions/1/accuse?format=pdf")
	text := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	for _, want := range []string{"Accusé de dépôt", "Note à accuser", "Promotion 2026", "Version 1", sum[1]} {
		if !strings.Contains(text, want) && !strings.Contains(strings.ReplaceAll(text, " ", ""), want) {
			t.Errorf("accusé PDF : %q absent (%d pages) : %.500s", want, len(pages), text)
		}
	}
	other := env.NewClient()
	other.Login("apprenant10", "demo")
	if r := other.Get(piece + "/versions/1/accuse?format=pdf"); r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
		t.Errorf("un autre apprenant : statut %d", r.Status)
	}
}
