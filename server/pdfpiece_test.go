package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/internal/pdf/pdftext"
)

// pdfText downloads a version's PDF and returns its pages' text, each
// flattened to one line (spaces of any kind as one space).
func pdfText(t *testing.T, c *testenv.Client, path string) (testenv.Response, []string) {
	t.Helper()
	r := c.Get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("%s : statut %d %s", path, r.Status, testenv.Text(r.Body))
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("%s : type %q", path, ct)
	}
	doc, err := pdftext.Read([]byte(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	pages := make([]string, len(doc.Pages))
	for i, p := range doc.Pages {
		pages[i] = strings.Join(strings.Fields(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(p)), " ")
	}
	for i, p := range pages {
		if want := "Page " + strconv.Itoa(i+1) + " sur " + strconv.Itoa(len(pages)); !strings.Contains(p, want) {
			t.Errorf("%s : page %d sans « %s »", path, i+1, want)
		}
	}
	if doc.Author != "casp" || doc.Lang != "fr" {
		t.Errorf("métadonnées : auteur %q, langue %q", doc.Author, doc.Lang)
	}
	return r, pages
}

var dispositionRe = regexp.MustCompile(`^attachment; filename="(piece-\d+-v\d+(?:-[a-z0-9]+)*\.pdf)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_` + "`" + `|~%]+)$`)

func TestVersionPDFForItsOwner(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	learner := env.NewClient()
	learner.Login("apprenant05", "demo")
	title := "Note sur l'accès aux droits : « œuvrer » à Besançon"
	piece := createPiece(t, learner, "note-synthese", title)
	// An attachment (a PDF made by the renderer itself), then the body.
	annex := new(bytes.Buffer)
	if err := pdf.Render(annex, pdf.Doc{Title: "Annexe"}); err != nil {
		t.Fatal(err)
	}
	if r := upload(t, learner, piece, "annexe-été.pdf", annex.Bytes()); r.Status != http.StatusSeeOther {
		t.Fatalf("pièce jointe : %d %s", r.Status, testenv.Text(r.Body))
	}
	body := "## Synthèse\n\nÉlève déjà à l'œuvre : « l'accompagnement global », ça marche.\n\n" +
		"<script>alert('piège')</script>\n\n- premier constat\n- second constat\n\nFin de la note."
	if r := learner.Submit(piece, piece, url.Values{"title": {title}, "draft": {body}, "action": {"deposer"}, "confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("dépôt : %d %s", r.Status, testenv.Text(r.Body))
	}
	id := pieceIDRe.FindStringSubmatch(piece)[1]
	receipt := learner.Get(piece + "/versions/1/accuse?format=txt").Body
	sha := regexp.MustCompile(`Empreinte SHA-256 : ([0-9a-f]{64})`).FindStringSubmatch(receipt)
	if sha == nil {
		t.Fatal("empreinte absente de l'accusé")
	}
	if v := learner.Get(piece + "/versions/1"); !strings.Contains(v.Body, `href="`+piece+`/versions/1/pdf"`) || !strings.Contains(v.Body, "Télécharger en PDF") {
		t.Fatal("la page de la version n'offre pas le PDF")
	}

	// Before grading: content, fingerprint, framework wording, no result.
	r, pages := pdfText(t, learner, piece+"/versions/1/pdf")
	m := dispositionRe.FindStringSubmatch(r.Header.Get("Content-Disposition"))
	if m == nil {
		t.Fatalf("Content-Disposition : %q", r.Header.Get("Content-Disposition"))
	}
	if want := "piece-" + id + "-v1-note-sur-l-acces-aux-droits-oeuvrer-a-besancon.pdf"; m[1] != want {
		t.Errorf("nom de fichier %q, attendu %q", m[1], want)
	}
	// The French name keeps accents and quotes; « : » is not allowed in a
	// file name on every system.
	if name, _ := url.PathUnescape(m[2]); name != strings.ReplaceAll(title, ":", "-")+" — version 1.pdf" {
		t.Errorf("nom de fichier en français : %q", name)
	}
	if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
		t.Error("le PDF, donnée personnelle, peut être gardé en cache")
	}
	text := strings.Join(pages, "\n")
	u, _ := env.Platform.Accounts.ByLogin(ctx, "apprenant05")
	owner := account.User{ID: u.ID, Role: account.Learner}
	v, p, err := env.Platform.Assessment.Version(ctx, owner, mustInt(t, id), 1)
	if err != nil {
		t.Fatal(err)
	}
	fw := env.Platform.Catalog.Default()
	kind, _ := fw.Kind("note-synthese")
	want := []string{title, "Synthèse", "Élève déjà à l'œuvre : « l'accompagnement global », ça marche.", "• premier constat",
		"Fin de la note.", sha[1], "Empreinte SHA-256", u.DisplayName, kind.Label, "Pièces jointes", "annexe-été.pdf",
		v.Attachments[0].SHA256, "En attente d'évaluation"}
	if len(v.Criteria) == 0 {
		t.Fatal("la version ne vise aucun critère")
	}
	for _, cid := range v.Criteria {
		task, _ := fw.Task(strings.SplitN(cid, "/", 2)[0])
		want = append(want, task.Criterion(cid).Display())
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("absent du PDF : %q", w)
		}
	}
	if strings.Contains(text, "<script") || strings.Contains(text, "alert(") {
		t.Error("le HTML brut du rapport est rendu dans le PDF")
	}
	if p.Status != assessment.Deposited {
		t.Fatalf("statut %q", p.Status)
	}

	// Released: levels, decision, feedback, assessor.
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	g := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	gradeAll(t, ass, g, "2", "valide", "Synthèse claire ; les constats sont étayés.", "pret")
	if r := ass.Submit(g, g, url.Values{"action": {"publier"}, "confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publication : %d", r.Status)
	}
	_, pages = pdfText(t, learner, piece+"/versions/1/pdf")
	text = strings.Join(pages, "\n")
	assessor, _ := env.Platform.Accounts.ByLogin(ctx, "evaluateur1")
	for _, w := range []string{"Décision Validé", "Synthèse claire ; les constats sont étayés.", "Acquis (atteint)",
		assessor.DisplayName + " — Correction simple", "Niveau atteint par critère"} {
		if !strings.Contains(text, w) {
			t.Errorf("évaluation publiée : absent du PDF : %q", w)
		}
	}
	// The owner's own reads are not audited.
	entries, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionRead, Limit: 500})
	for _, e := range entries {
		if e.ActorLogin == "apprenant05" {
			t.Errorf("lecture de sa propre pièce journalisée : %+v", e)
		}
	}
}

// wordsInOrder tells whether the words of phrase appear in text in order.
func wordsInOrder(text, phrase string) bool {
	for _, w := range strings.Fields(phrase) {
		i := strings.Index(text, w)
		if i < 0 {
			return false
		}
		text = text[i+len(w):]
	}
	return true
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVersionPDFAccess(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	owner := env.NewClient()
	owner.Login("apprenant03", "demo")
	piece, id := depositNote(t, owner, "Note réservée")
	path := piece + "/versions/1/pdf"

	// Another learner, with the owner's id in the URL: refused, audited.
	other := env.NewClient()
	other.Login("apprenant02", "demo")
	r := other.Get(path)
	if r.Status != http.StatusForbidden || !strings.Contains(testenv.Text(r.Body), "Vous n'avez pas accès à cette pièce.") {
		t.Fatalf("autre apprenant : statut %d %s", r.Status, testenv.Text(r.Body))
	}
	if strings.Contains(r.Header.Get("Content-Type"), "pdf") {
		t.Fatal("un refus est servi comme PDF")
	}
	refused, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionForbidden, Limit: 500})
	found := false
	for _, e := range refused {
		found = found || (e.ActorLogin == "apprenant02" && strings.Contains(e.Target, path))
	}
	if !found {
		t.Error("le refus n'est pas journalisé")
	}

	// Staff outside the learner's cohort: refused.
	if _, err := env.Platform.Accounts.Create(ctx, account.NewUser{Login: "externe", DisplayName: "Évaluatrice externe",
		Role: account.Assessor, Password: "une phrase de passe"}); err != nil {
		t.Fatal(err)
	}
	ext := env.NewClient()
	ext.Login("externe", "une phrase de passe")
	if r := ext.Get(path); r.Status != http.StatusForbidden {
		t.Fatalf("évaluateur hors promotion : statut %d", r.Status)
	}

	// Unknown or forged version and piece numbers: French 404s.
	for p, msg := range map[string]string{
		piece + "/versions/9/pdf":          "Version introuvable.",
		piece + "/versions/0/pdf":          "Version introuvable.",
		piece + "/versions/un/pdf":         "Version introuvable.",
		"/portfolio/999999/versions/1/pdf": "Pièce introuvable.",
		"/portfolio/abc/versions/1/pdf":    "Page introuvable.",
	} {
		r := owner.Get(p)
		if r.Status != http.StatusNotFound {
			t.Errorf("%s : statut %d", p, r.Status)
		}
		if !strings.Contains(testenv.Text(r.Body), msg) {
			t.Errorf("%s : message %q absent", p, msg)
		}
	}
	if r := env.NewClient().Get(path); r.Status == http.StatusOK {
		t.Fatal("PDF servi sans connexion")
	}

	// An assessor of the cohort reads it: the read is audited with its address.
	ass := env.NewClient()
	ass.Login("evaluateur2", "demo")
	pdfText(t, ass, path)
	learner, _ := env.Platform.Accounts.ByLogin(ctx, "apprenant03")
	reads, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionRead, Limit: 500})
	found = false
	for _, e := range reads {
		if e.ActorLogin == "evaluateur2" && e.Target == "pièce "+id+", version 1 (PDF)" {
			found = e.SubjectUserID == learner.ID && e.Address != ""
		}
	}
	if !found {
		t.Fatal("la lecture du PDF par un évaluateur n'est pas journalisée (personne concernée, adresse)")
	}
}

func TestVersionPDFUnderAnonymousMarking(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	if err := env.Platform.Accounts.SetAnonymousMarking(ctx, 1, true); err != nil {
		t.Fatal(err)
	}
	learner := env.NewClient()
	learner.Login("apprenant08", "demo")
	piece, id := depositNote(t, learner, "Note anonyme")
	u, _ := env.Platform.Accounts.ByLogin(ctx, "apprenant08")
	p, err := env.Platform.Assessment.Piece(ctx, account.User{ID: u.ID, Role: account.Learner}, mustInt(t, id))
	if err != nil {
		t.Fatal(err)
	}
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	_, pages := pdfText(t, ass, piece+"/versions/1/pdf")
	text := strings.Join(pages, "\n")
	if strings.Contains(text, u.DisplayName) || !strings.Contains(text, "Copie anonyme "+p.Pseudonym) {
		t.Fatalf("correction anonyme : le PDF de l'évaluateur nomme l'apprenant ou omet le pseudonyme\n%s", text)
	}
	// The learner sees their own name.
	if _, pages := pdfText(t, learner, piece+"/versions/1/pdf"); !strings.Contains(strings.Join(pages, "\n"), "Apprenant "+u.DisplayName) {
		t.Fatal("l'apprenant ne voit pas son nom")
	}
	// Once the result is released, the identity is revealed.
	g := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	gradeAll(t, ass, g, "2", "valide", "Bien.", "pret")
	ass.Submit(g, g, url.Values{"action": {"publier"}, "confirme": {"1"}})
	if _, pages := pdfText(t, ass, piece+"/versions/1/pdf"); !strings.Contains(strings.Join(pages, "\n"), "Apprenant "+u.DisplayName) {
		t.Fatal("identité non levée après publication")
	}
}

func TestVersionPDFOfGuideAndActorMap(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	learner := env.NewClient()
	learner.Login("apprenant06", "demo")
	piece := createPiece(t, learner, "guide-entretien", "Guide de premier accueil")
	if r := learner.Submit(piece, piece, withAction(completeGuide(), "deposer")); r.Status != http.StatusSeeOther {
		t.Fatalf("dépôt du guide : %d", r.Status)
	}
	_, pages := pdfText(t, learner, piece+"/versions/1/pdf")
	text := strings.Join(pages, "\n")
	for _, w := range []string{"Objectifs Comprendre la demande de la personne et repérer l'urgence.", "Public visé Jeunes de 16 à 25 ans",
		"Contexte Accueil physique", "Durée prévue 45 minutes", "Déroulé", "1. Accueil", "2. Reformulation",
		"Qu'est-ce qui vous amène aujourd'hui ?", "Ouvrir l'entretien sur la demande exprimée.",
		"Posture professionnelle", "Écoute active, empathie, neutralité.", "Bureau fermé ; information sur l'usage des données."} {
		if !strings.Contains(text, w) {
			t.Errorf("guide : absent du PDF : %q", w)
		}
	}

	// A deposited actor map of the demo, read by its owner.
	for n := 1; n <= 12; n++ {
		login := "apprenant" + strconv.Itoa(100 + n)[1:]
		u, err := env.Platform.Accounts.ByLogin(ctx, login)
		if err != nil {
			continue
		}
		pieces, _ := env.Platform.Assessment.LearnerPieces(ctx, u.ID)
		for _, p := range pieces {
			if p.KindID != "cartographie-acteurs" || p.Versions == 0 {
				continue
			}
			v, _, err := env.Platform.Assessment.Version(ctx, account.User{ID: u.ID, Role: account.Learner}, p.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			m, err := actormap.Parse([]byte(v.Body))
			if err != nil || len(m.Actors) == 0 || len(m.Relations) == 0 {
				continue
			}
			c := env.NewClient()
			c.Login(login, "demo")
			_, pages := pdfText(t, c, "/portfolio/"+strconv.FormatInt(p.ID, 10)+"/versions/1/pdf")
			text := strings.Join(pages, "\n")
			for _, w := range []string{"Acteurs (" + strconv.Itoa(len(m.Actors)) + ")", "Relations (" + strconv.Itoa(len(m.Relations)) + ")",
				"Acteur Type Domaine", "De Vers Nature Sens Commentaire", m.Relations[0].Kind.Label()} {
				if !strings.Contains(text, w) {
					t.Errorf("cartographie : absent du PDF : %q", w)
				}
			}
			// A name wrapped in its cell is read line by line, interleaved
			// with the other cells of the row: its words come in order.
			for _, a := range m.Actors {
				if !wordsInOrder(text, a.Name) {
					t.Errorf("cartographie : acteur absent du PDF : %q", a.Name)
				}
			}
			return
		}
	}
	t.Fatal("aucune cartographie déposée dans la démonstration")
}
