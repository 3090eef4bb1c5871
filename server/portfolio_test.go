package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

var pieceIDRe = regexp.MustCompile(`^/portfolio/(\d+)$`)

// createPiece creates a piece through the form and returns its URL.
func createPiece(t *testing.T, c *testenv.Client, kind, title string) string {
	t.Helper()
	r := c.Submit("/portfolio/nouvelle", "/portfolio", url.Values{"kind": {kind}, "title": {title}})
	if r.Status != http.StatusSeeOther || !pieceIDRe.MatchString(r.Location) {
		t.Fatalf("création de pièce : statut %d vers %q", r.Status, r.Location)
	}
	return r.Location
}

func completeGuide() url.Values {
	return url.Values{
		"title": {"Guide de premier accueil"}, "objectifs": {"Comprendre la demande de la personne et repérer l'urgence."},
		"public": {"Jeunes de 16 à 25 ans"}, "contexte": {"physique"}, "duree": {"45"},
		"phases[0].nom": {"Accueil"}, "phases[0].questions[0].question": {"Qu'est-ce qui vous amène aujourd'hui ?"},
		"phases[0].questions[0].intention": {"Ouvrir l'entretien sur la demande exprimée."},
		"phases[1].nom":                    {"Reformulation"}, "phases[1].questions[0].question": {"Si je vous comprends bien…"},
		"phases[1].questions[0].intention": {"Vérifier la compréhension."},
		"posture":                          {"Écoute active, empathie, neutralité."}, "confidentialite": {"Bureau fermé ; information sur l'usage des données."},
	}
}

// gradeAll fills every criterion of the grading form at one level.
func gradeAll(t *testing.T, c *testenv.Client, gradingURL, level, decision, feedback, action string) testenv.Response {
	t.Helper()
	page := c.Get(gradingURL)
	if page.Status != http.StatusOK {
		t.Fatalf("%s : statut %d", gradingURL, page.Status)
	}
	form := url.Values{"decision": {decision}, "feedback": {feedback}, "action": {action}}
	for _, m := range regexp.MustCompile(`name="(niveau-[^"]+)"`).FindAllStringSubmatch(page.Body, -1) {
		form.Set(m[1], level)
	}
	form.Set("_csrf", testenv.CSRFToken(page.Body))
	return c.Post(gradingURL, form)
}

func TestGuideJourneyDepositGradeRework(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	learner := env.NewClient()
	learner.Login("apprenant05", "demo")
	piece := createPiece(t, learner, "guide-entretien", "Guide de premier accueil")

	// An incomplete guide is saved as typed, then refused at deposit with
	// messages next to the fields, nothing lost.
	partial := url.Values{"title": {"Guide de premier accueil"}, "objectifs": {"Comprendre la demande"}, "contexte": {"physique"}, "duree": {"45"},
		"phases[0].nom": {"Accueil"}, "action": {"deposer"}, "confirme": {"1"}}
	r := learner.Submit(piece, piece, partial)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("dépôt incomplet : statut %d", r.Status)
	}
	text := testenv.Text(r.Body)
	for _, want := range []string{"Précisez le public visé.", "Décrivez la posture professionnelle attendue.", "Comprendre la demande"} {
		if !strings.Contains(text, want) {
			t.Errorf("absent après dépôt refusé : %q", want)
		}
	}
	r = learner.Submit(piece, piece, withAction(completeGuide(), "deposer"))
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/versions/1/accuse") {
		t.Fatalf("dépôt : statut %d vers %q", r.Status, r.Location)
	}
	receipt := learner.Get(r.Location)
	if !strings.Contains(receipt.Body, "Accusé de dépôt") || !regexp.MustCompile(`[0-9a-f]{64}`).MatchString(receipt.Body) {
		t.Fatal("l'accusé ne montre pas l'empreinte SHA-256")
	}
	if txt := learner.Get(r.Location + "?format=txt"); !strings.Contains(txt.Body, "Empreinte SHA-256 :") || !strings.Contains(txt.Header.Get("Content-Disposition"), "attachment") {
		t.Fatal("accusé texte absent")
	}
	// The deposited version is frozen.
	if r := learner.Submit(piece, piece, withAction(completeGuide(), "enregistrer")); r.Status != http.StatusConflict && r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("modification d'une version déposée : statut %d", r.Status)
	}

	// The assessor finds it in the queue, grades, asks for rework.
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	q := ass.Get("/evaluation")
	if !strings.Contains(q.Body, "Guide de premier accueil") {
		t.Fatal("la pièce n'est pas dans la file de l'évaluateur")
	}
	id := pieceIDRe.FindStringSubmatch(piece)[1]
	r = ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("ouverture de l'évaluation : %d", r.Status)
	}
	grading := r.Location
	// « prête » without levels: refused, French messages.
	r = ass.Submit(grading, grading, url.Values{"action": {"pret"}, "feedback": {"Mon retour provisoire"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Choisissez un niveau pour ce critère.") || !strings.Contains(r.Body, "Mon retour provisoire") {
		t.Fatalf("évaluation incomplète : statut %d", r.Status)
	}
	if r := gradeAll(t, ass, grading, "1", "a_retravailler", "Les questions sont pertinentes ; précisez les intentions.", "pret"); r.Status != http.StatusSeeOther {
		t.Fatalf("évaluation prête : %d %s", r.Status, testenv.Text(r.Body))
	}
	// Not visible to the learner before release.
	if v := learner.Get(piece + "/versions/1"); strings.Contains(v.Body, "précisez les intentions") {
		t.Fatal("le retour est visible avant publication")
	}
	if r := ass.Submit(grading, grading, url.Values{"action": {"publier"}, "confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publication : %d", r.Status)
	}
	v1 := learner.Get(piece + "/versions/1")
	if !strings.Contains(v1.Body, "précisez les intentions") || !strings.Contains(testenv.Text(v1.Body), "À retravailler") {
		t.Fatal("le retour publié n'est pas visible par l'apprenant")
	}
	// Rework: version 2, version 1 still readable with its grading.
	g := completeGuide()
	g.Set("phases[0].questions[0].intention", "Ouvrir l'entretien et laisser la personne formuler sa demande.")
	r = learner.Submit(piece, piece, withAction(g, "deposer"))
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/versions/2/accuse") {
		t.Fatalf("second dépôt : statut %d vers %q", r.Status, r.Location)
	}
	if v1 := learner.Get(piece + "/versions/1"); v1.Status != http.StatusOK || !strings.Contains(v1.Body, "précisez les intentions") {
		t.Fatal("la version 1 n'est plus lisible avec son évaluation")
	}
	r = ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{})
	if r := gradeAll(t, ass, r.Location, "2", "valide", "Très bon guide.", "pret"); r.Status != http.StatusSeeOther {
		t.Fatalf("seconde évaluation : %d", r.Status)
	}
	ass.Submit(r.Location, r.Location, url.Values{"action": {"publier"}, "confirme": {"1"}})
	if r := learner.Get("/portfolio"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Guide de premier accueil") {
		t.Fatalf("portfolio : statut %d", r.Status)
	}
	prog := testenv.Text(learner.Get("/progression").Body)
	if !strings.Contains(prog, "Préparer et conduire un entretien.") || !strings.Contains(prog, "✓ Acquise") {
		t.Fatalf("la capacité de 1.4 n'apparaît pas acquise : %s", prog[:min(len(prog), 400)])
	}
}

func withAction(v url.Values, action string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	out.Set("action", action)
	if action == "deposer" {
		out.Set("confirme", "1") // the confirmation page is tested apart
	}
	return out
}

func TestPieceAccessIsOwnedAndAudited(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	owner := env.NewClient()
	owner.Login("apprenant01", "demo")
	piece := createPiece(t, owner, "note-synthese", "Ma note")
	other := env.NewClient()
	other.Login("apprenant02", "demo")
	for _, p := range []string{piece, piece + "/versions/1", piece + "/pieces-jointes/1"} {
		if r := other.Get(p); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Errorf("%s lu par un autre apprenant : statut %d", p, r.Status)
		}
	}
	if r := other.Submit("/portfolio", piece, url.Values{"draft": {"piraté"}, "action": {"enregistrer"}}); r.Status != http.StatusForbidden {
		t.Errorf("brouillon modifié par un autre apprenant : statut %d", r.Status)
	}
	if r := other.Get("/portfolio/999999"); r.Status != http.StatusNotFound {
		t.Errorf("identifiant inexistant : statut %d", r.Status)
	}
	if r := other.Get("/portfolio/abc"); r.Status != http.StatusNotFound {
		t.Errorf("identifiant forgé : statut %d", r.Status)
	}
	entries, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionForbidden})
	found := false
	for _, e := range entries {
		found = found || (e.ActorLogin == "apprenant02" && strings.Contains(e.Target, piece))
	}
	if !found {
		t.Fatal("la tentative n'est pas journalisée")
	}
	// An assessor outside the learner's cohort cannot grade it.
	acc := env.Platform.Accounts
	ctx := context.Background()
	if _, err := acc.Create(ctx, account.NewUser{Login: "externe", DisplayName: "Évaluatrice externe", Role: account.Assessor, Password: "une phrase de passe"}); err != nil {
		t.Fatal(err)
	}
	owner.Submit(piece, piece, url.Values{"title": {"Ma note"}, "draft": {"## Synthèse\n\nUn texte suffisant."}, "action": {"deposer"}, "confirme": {"1"}})
	ext := env.NewClient()
	ext.Login("externe", "une phrase de passe")
	id := pieceIDRe.FindStringSubmatch(piece)[1]
	if r := ext.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}); r.Status != http.StatusForbidden {
		t.Fatalf("évaluation hors de ses promotions : statut %d", r.Status)
	}
	if strings.Contains(ext.Get("/evaluation").Body, "Ma note") {
		t.Fatal("la file d'un évaluateur externe montre la pièce")
	}
}

func TestHostileMarkdownIsInert(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant03", "demo")
	piece := createPiece(t, c, "note-synthese", "Note piégée")
	hostile := "## Titre\n\n<script>alert(1)</script>\n\n[clic](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n\n<iframe src=//evil></iframe>\n\nTexte normal."
	r := c.Submit(piece, piece, url.Values{"title": {"Note piégée"}, "draft": {hostile}, "action": {"previsualiser"}})
	if r.Status != http.StatusOK {
		t.Fatalf("prévisualisation : %d", r.Status)
	}
	preview := r.Body[strings.Index(r.Body, `id="apercu-contenu"`):]
	for _, bad := range []string{"<script>alert", "javascript:alert", "onerror=", "<iframe"} {
		if strings.Contains(preview, bad) {
			t.Errorf("rendu dangereux : %q", bad)
		}
	}
	if !strings.Contains(preview, "Texte normal.") {
		t.Error("le texte légitime a disparu")
	}
	huge := strings.Repeat("a", 400_001)
	r = c.Submit(piece, piece, url.Values{"title": {"Note piégée"}, "draft": {huge}, "action": {"enregistrer"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Le texte dépasse 400 000 caractères") {
		t.Fatalf("texte énorme : statut %d", r.Status)
	}
}

func upload(t *testing.T, c *testenv.Client, pieceURL, name string, content []byte) testenv.Response {
	t.Helper()
	page := c.Get(pieceURL)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", testenv.CSRFToken(page.Body))
	w.WriteField("action", "joindre")
	w.WriteField("title", "Note avec annexe")
	w.WriteField("draft", "Mon texte en cours, à garder, complété avant l'envoi du fichier.")
	fw, _ := w.CreateFormFile("fichier", name)
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.BaseURL()+pieceURL, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

func TestAttachmentsCheckedByContent(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant04", "demo")
	piece := createPiece(t, c, "note-synthese", "Note avec annexe")
	c.Submit(piece, piece, url.Values{"title": {"Note avec annexe"}, "draft": {"Mon texte en cours, à garder."}, "action": {"enregistrer"}})
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	r := upload(t, c, piece, "rapport.pdf", png)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "n'est ni un PDF") {
		t.Fatalf("PNG renommé en .pdf : statut %d %s", r.Status, testenv.Text(r.Body)[:200])
	}
	if !strings.Contains(testenv.Text(r.Body), "Mon texte en cours, à garder, complété avant l'envoi du fichier.") {
		t.Fatal("le texte tapé avant l'envoi du fichier a disparu après le refus de la pièce jointe")
	}
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 10<<20)...)
	r = upload(t, c, piece, "gros.pdf", big)
	if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("fichier trop gros : statut %d", r.Status)
	}
	if !strings.Contains(testenv.Text(r.Body), "10 Mio") {
		t.Fatalf("message de taille absent : %s", testenv.Text(r.Body)[:200])
	}
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	r = upload(t, c, piece, "annexe.pdf", pdf)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("PDF valide refusé : %d %s", r.Status, testenv.Text(r.Body)[:300])
	}
	page := c.Get(piece)
	m := regexp.MustCompile(`href="(/portfolio/\d+/pieces-jointes/\d+)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("pièce jointe absente de la page")
	}
	dl := c.Get(m[1])
	if dl.Status != http.StatusOK || dl.Body != string(pdf) || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("téléchargement : statut %d, disposition %q", dl.Status, dl.Header.Get("Content-Disposition"))
	}
	other := env.NewClient()
	other.Login("apprenant06", "demo")
	if r := other.Get(m[1]); r.Status != http.StatusForbidden {
		t.Fatalf("pièce jointe lue par un autre apprenant : %d", r.Status)
	}
}

func TestExpiredSessionKeepsTypedText(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant12", "demo")
	piece := createPiece(t, c, "note-synthese", "Note longue")
	page := c.Get(piece)
	tok := testenv.CSRFToken(page.Body)
	// The session ends (logout elsewhere, timeout) while the learner types.
	c.Submit("/", "/deconnexion", url.Values{})
	text := "Un long paragraphe rédigé pendant une heure, qu'il ne faut surtout pas perdre."
	r := c.Post(piece, url.Values{"_csrf": {tok}, "title": {"Note longue"}, "draft": {text}, "action": {"enregistrer"}})
	if r.Status != http.StatusForbidden && r.Status != http.StatusUnauthorized {
		t.Fatalf("statut %d", r.Status)
	}
	if got := testenv.Text(r.Body); !strings.Contains(got, text) || !strings.Contains(got, "Votre saisie n'est pas perdue") || !strings.Contains(got, "Texte de la pièce") {
		t.Fatalf("le texte saisi n'est pas rendu : %s", testenv.Text(r.Body))
	}
}
