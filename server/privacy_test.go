package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// samplePDF is a minimal file the attachment check accepts as a PDF.
var samplePDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// depositWithAttachment writes a note, joins a PDF, deposits it and returns
// the piece URL.
func depositWithAttachment(t *testing.T, c *testenv.Client, title string) string {
	t.Helper()
	piece := createPiece(t, c, "note-synthese", title)
	if r := upload(t, c, piece, "annexe budget.pdf", samplePDF); r.Status != http.StatusSeeOther {
		t.Fatalf("pièce jointe : statut %d", r.Status)
	}
	r := c.Submit(piece, piece, url.Values{"title": {title}, "draft": {"## Synthèse\n\nMa note de synthèse, avec son annexe budgétaire."}, "action": {"deposer"}, "confirme": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("dépôt : statut %d %s", r.Status, testenv.Text(r.Body))
	}
	return piece
}

// gradeAndRelease has an assessor grade the piece's latest version and
// release the grading.
func gradeAndRelease(t *testing.T, c *testenv.Client, piece, feedback string) {
	t.Helper()
	id := pieceIDRe.FindStringSubmatch(piece)[1]
	r := c.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("ouverture de l'évaluation : %d %s", r.Status, testenv.Text(r.Body))
	}
	grading := r.Location
	if r := gradeAll(t, c, grading, "2", "valide", feedback, "pret"); r.Status != http.StatusSeeOther {
		t.Fatalf("évaluation prête : %d %s", r.Status, testenv.Text(r.Body))
	}
	if r := c.Submit(grading, grading, url.Values{"action": {"publier"}, "confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publication : %d", r.Status)
	}
}

func userID(t *testing.T, env *testenv.Env, login string) int64 {
	t.Helper()
	u, err := env.Platform.Accounts.ByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func openZip(t *testing.T, r testenv.Response) map[string][]byte {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("export : statut %d %s", r.Status, testenv.Text(r.Body))
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/zip" {
		t.Fatalf("type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".zip") {
		t.Fatalf("disposition %q", cd)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
	if err != nil {
		t.Fatalf("archive illisible : %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s : %v", f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}

func decode(t *testing.T, files map[string][]byte, name string, v any) {
	t.Helper()
	b, ok := files[name]
	if !ok {
		t.Fatalf("%s absent de l'archive", name)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s : %v", name, err)
	}
}

// The shapes below are what a reader of the archive relies on: they are
// written from the archive's documented keys, not from the Go types.
type exportedAccount struct {
	ID      int64  `json:"id"`
	Login   string `json:"identifiant"`
	Name    string `json:"nom"`
	Role    string `json:"role"`
	Cohorts []struct {
		Name string `json:"nom"`
	} `json:"promotions"`
	ErasedAt string `json:"efface_le"`
}

type exportedRef struct {
	ID   string `json:"id"`
	Text string `json:"texte"`
}

type exportedPortfolio struct {
	Pieces []struct {
		ID       int64  `json:"id"`
		Title    string `json:"titre"`
		Versions []struct {
			Number      int    `json:"numero"`
			Body        string `json:"contenu"`
			SHA256      string `json:"empreinte_sha256"`
			DepositedAt string `json:"deposee_le"`
			PDF         string `json:"pdf"`
			Links       []struct {
				Capacity exportedRef `json:"capacite"`
			} `json:"capacites"`
			Criteria    []exportedRef `json:"criteres_evalues"`
			Attachments []struct {
				Name   string `json:"nom"`
				SHA256 string `json:"empreinte_sha256"`
				File   string `json:"fichier"`
			} `json:"pieces_jointes"`
			Gradings []struct {
				Assessor string `json:"evaluateur"`
				State    string `json:"etat"`
				Decision string `json:"decision"`
				Feedback string `json:"retour"`
				Scores   []struct {
					Criterion exportedRef `json:"critere"`
					Level     *int        `json:"niveau"`
					Label     string      `json:"niveau_libelle"`
				} `json:"criteres"`
			} `json:"evaluations"`
		} `json:"versions"`
	} `json:"pieces"`
	Progress []struct {
		Capacity exportedRef `json:"capacite"`
		State    string      `json:"etat"`
	} `json:"progression"`
	Live []struct {
		Kind    exportedRef `json:"epreuve"`
		Sent    bool        `json:"convocation_envoyee"`
		Changes []string    `json:"modifications_depuis_envoi"`
		Place   string      `json:"lieu"`
	} `json:"epreuves"`
}

type exportedCases struct {
	Cases []struct {
		ID      int64 `json:"id"`
		Journal []struct {
			Summary string `json:"resume"`
		} `json:"journal"`
		Transcript []struct {
			Text string `json:"texte"`
		} `json:"entretien"`
		Comments []struct {
			Author string `json:"auteur"`
			Text   string `json:"texte"`
		} `json:"commentaires_des_formateurs"`
	} `json:"dossiers"`
}

type exportedAudit struct {
	Entries []struct {
		Actor  string `json:"qui"`
		Action string `json:"action"`
		Target string `json:"objet"`
	} `json:"entrees"`
}

func TestPersonalDataExport(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	learner := env.NewClient()
	learner.Login("apprenant02", "demo")
	piece := depositWithAttachment(t, learner, "Note de synthèse exportée")
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	gradeAndRelease(t, ass, piece, "Synthèse claire ; l'annexe budgétaire est utile.")
	id := userID(t, env, "apprenant02")
	cases, err := env.Platform.Cases.Cases(context.Background(), id)
	if err != nil || len(cases) == 0 {
		t.Fatalf("l'apprenant de démonstration n'a pas de dossier (%v)", err)
	}
	caseURL := "/dossiers/" + strconv.FormatInt(cases[0].ID, 10)
	if r := ass.Submit(caseURL, caseURL+"/commentaire", url.Values{"commentaire": {"Pensez à vérifier les droits CAF."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("commentaire : statut %d", r.Status)
	}

	admin := env.NewClient()
	admin.Login("admin", "demo")
	base := "/admin/comptes/" + strconv.FormatInt(id, 10)
	if list := admin.Get("/admin/comptes"); !strings.Contains(list.Body, `href="`+base+`/donnees"`) {
		t.Fatal("la liste des comptes ne mène pas aux données personnelles")
	}
	page := admin.Get(base + "/donnees")
	if page.Status != http.StatusOK {
		t.Fatalf("page des données : statut %d", page.Status)
	}
	if text := testenv.Text(page.Body); !strings.Contains(text, "Télécharger l'export (ZIP)") || !strings.Contains(text, "Effacer ce compte") {
		t.Fatalf("page des données incomplète : %s", text)
	}

	// The export is an action (POST, CSRF token); its old address leads to
	// the page with the button.
	if r := admin.Get(base + "/export.zip"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != base+"/donnees" {
		t.Errorf("GET de l'ancienne adresse de l'export : %d vers %q", r.Status, r.Header.Get("Location"))
	}
	if r := admin.Post(base+"/export.zip", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("export sans jeton CSRF : statut %d, attendu 403", r.Status)
	}
	files := openZip(t, admin.Submit(base+"/donnees", base+"/export.zip", url.Values{}))
	for _, name := range []string{"LISEZMOI.txt", "compte.json", "portfolio.json", "dossiers.json", "journal-acces.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("%s absent de l'archive", name)
		}
	}
	if !strings.Contains(string(files["LISEZMOI.txt"]), "portabilité") {
		t.Error("LISEZMOI.txt n'explique pas l'archive")
	}

	var acc exportedAccount
	decode(t, files, "compte.json", &acc)
	if acc.ID != id || acc.Login != "apprenant02" || acc.Name == "" || acc.Role != "Apprenant" || len(acc.Cohorts) == 0 || acc.ErasedAt != "" {
		t.Errorf("compte.json : %+v", acc)
	}

	var pf exportedPortfolio
	decode(t, files, "portfolio.json", &pf)
	pieceID, _ := strconv.ParseInt(pieceIDRe.FindStringSubmatch(piece)[1], 10, 64)
	pieces, err := env.Platform.Assessment.LearnerPieces(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Pieces) != len(pieces) {
		t.Errorf("%d pièces exportées, %d en base", len(pf.Pieces), len(pieces))
	}
	// The demo convenes apprenant02 to an examination, then to a
	// soutenance whose room changed.
	if len(pf.Live) != 2 || pf.Live[1].Kind.ID != "soutenance-rapport-experience" || !pf.Live[1].Sent ||
		len(pf.Live[1].Changes) != 1 || !strings.Contains(pf.Live[1].Changes[0], "lieu") || len(pf.Live[0].Changes) != 0 {
		t.Errorf("épreuves exportées : %+v", pf.Live)
	}
	assessor, _ := env.Platform.Accounts.ByLogin(context.Background(), "evaluateur1")
	found := false
	for _, p := range pf.Pieces {
		if p.ID != pieceID {
			continue
		}
		found = true
		if p.Title != "Note de synthèse exportée" || len(p.Versions) != 1 {
			t.Fatalf("pièce exportée : %+v", p)
		}
		v := p.Versions[0]
		if v.Number != 1 || !strings.Contains(v.Body, "annexe budgétaire") || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(v.SHA256) || v.DepositedAt == "" {
			t.Errorf("version exportée : numéro %d, empreinte %q, dépôt %q", v.Number, v.SHA256, v.DepositedAt)
		}
		if len(v.Links) == 0 || v.Links[0].Capacity.ID == "" || v.Links[0].Capacity.Text == "" {
			t.Errorf("liens au référentiel sans identifiant ni texte : %+v", v.Links)
		}
		if len(v.Criteria) == 0 || v.Criteria[0].Text == "" {
			t.Errorf("critères sans texte : %+v", v.Criteria)
		}
		if len(v.Gradings) != 1 {
			t.Fatalf("%d évaluations exportées, 1 attendue", len(v.Gradings))
		}
		g := v.Gradings[0]
		if g.Assessor != assessor.DisplayName || g.State != "Publié" || g.Decision != "Validé" || !strings.Contains(g.Feedback, "annexe budgétaire est utile") {
			t.Errorf("évaluation exportée : %+v", g)
		}
		if len(g.Scores) != len(v.Criteria) || g.Scores[0].Level == nil || *g.Scores[0].Level != 2 || g.Scores[0].Label != "Acquis" || g.Scores[0].Criterion.Text == "" {
			t.Errorf("niveaux exportés : %+v", g.Scores)
		}
		if len(v.Attachments) != 1 || v.Attachments[0].Name != "annexe budget.pdf" && !strings.HasSuffix(v.Attachments[0].Name, ".pdf") {
			t.Fatalf("pièces jointes exportées : %+v", v.Attachments)
		}
		got, ok := files[v.Attachments[0].File]
		if !ok || !bytes.Equal(got, samplePDF) {
			t.Errorf("le fichier %q de l'archive diffère de la pièce jointe déposée", v.Attachments[0].File)
		}
		if b := files[v.PDF]; !strings.HasPrefix(v.PDF, "pdf/") || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("PDF de la version absent de l'archive (%q)", v.PDF)
		}
	}
	if !found {
		t.Fatal("la pièce déposée manque à l'export")
	}
	versions, pdfs := 0, 0
	for _, p := range pf.Pieces {
		versions += len(p.Versions)
	}
	for name := range files {
		if strings.HasPrefix(name, "pdf/") {
			pdfs++
		}
	}
	if pdfs != versions || versions < 2 {
		t.Errorf("%d PDF dans l'archive pour %d versions déposées", pdfs, versions)
	}
	if len(pf.Progress) == 0 || pf.Progress[0].Capacity.Text == "" || pf.Progress[0].State == "" {
		t.Error("progression absente de l'export")
	}

	var cs exportedCases
	decode(t, files, "dossiers.json", &cs)
	if len(cs.Cases) != len(cases) {
		t.Fatalf("%d dossiers exportés, %d en base", len(cs.Cases), len(cases))
	}
	commented := false
	for _, k := range cs.Cases {
		if len(k.Journal) == 0 || len(k.Transcript) == 0 {
			t.Errorf("dossier %d sans journal ni entretien", k.ID)
		}
		for _, cm := range k.Comments {
			commented = commented || (cm.Text == "Pensez à vérifier les droits CAF." && cm.Author == assessor.DisplayName)
		}
	}
	if !commented {
		t.Error("le commentaire du formateur manque à l'export")
	}

	var trail exportedAudit
	decode(t, files, "journal-acces.json", &trail)
	read := false
	for _, e := range trail.Entries {
		read = read || (e.Actor == "admin" && e.Action == account.ActionRead)
	}
	if !read {
		t.Error("le journal exporté ne dit pas que l'administrateur a consulté les données")
	}
	entries, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionExport})
	if len(entries) != 1 || entries[0].ActorLogin != "admin" || entries[0].SubjectUserID != id {
		t.Fatalf("l'export n'est pas journalisé : %+v", entries)
	}

	// The learner downloads their own export from « Mon compte ».
	if !strings.Contains(learner.Get("/compte").Body, `action="/compte/export.zip"`) {
		t.Error("« Mon compte » ne propose pas l'export")
	}
	own := openZip(t, learner.Submit("/compte", "/compte/export.zip", url.Values{}))
	var mine exportedAccount
	decode(t, own, "compte.json", &mine)
	if mine.ID != id {
		t.Fatalf("l'apprenant reçoit le compte %d", mine.ID)
	}
	// A staff account's export holds no portfolio.
	staff := openZip(t, ass.Submit("/compte", "/compte/export.zip", url.Values{}))
	if _, ok := staff["portfolio.json"]; ok {
		t.Error("l'export d'un évaluateur contient un portfolio")
	}
}

func TestPersonalDataAccess(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	id := strconv.FormatInt(userID(t, env, "apprenant03"), 10)
	for _, login := range []string{"responsable", "evaluateur1", "apprenant03", "apprenant04"} {
		c := env.NewClient()
		c.Login(login, "demo")
		for _, p := range []string{"/admin/comptes/" + id + "/donnees", "/admin/comptes/" + id + "/export.zip", "/admin/comptes/" + id + "/effacer"} {
			if r := c.Get(p); r.Status != http.StatusForbidden {
				t.Errorf("%s sur %s : statut %d, attendu 403", login, p, r.Status)
			}
		}
		tok := testenv.CSRFToken(c.Get("/compte").Body)
		if r := c.Post("/admin/comptes/"+id+"/effacer", url.Values{"_csrf": {tok}, "confirmation": {"apprenant03"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s efface : statut %d, attendu 403", login, r.Status)
		}
		if r := c.Post("/admin/comptes/"+id+"/export.zip", url.Values{"_csrf": {tok}}); r.Status != http.StatusForbidden {
			t.Errorf("%s exporte : statut %d, attendu 403", login, r.Status)
		}
	}
	if u, _ := env.Platform.Accounts.ByID(context.Background(), userID(t, env, "apprenant03")); u.Login != "apprenant03" {
		t.Fatal("un compte a été effacé par un non-administrateur")
	}
	refused, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionForbidden})
	if len(refused) < 4 {
		t.Errorf("%d refus journalisés", len(refused))
	}
	if r := env.NewClient().Get("/admin/comptes/" + id + "/export.zip"); r.Status != http.StatusSeeOther {
		t.Errorf("visiteur : statut %d, attendu une redirection vers la connexion", r.Status)
	}
	admin := env.NewClient()
	admin.Login("admin", "demo")
	for _, p := range []string{"/admin/comptes/abc/donnees", "/admin/comptes/999999/donnees", "/admin/comptes/999999/export.zip",
		"/admin/comptes/-3/effacer", "/admin/comptes/1e3/export.zip"} {
		if r := admin.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s : statut %d, attendu 404", p, r.Status)
		}
	}
	tok := testenv.CSRFToken(admin.Get("/admin/comptes").Body)
	if r := admin.Post("/admin/comptes/999999/effacer", url.Values{"_csrf": {tok}, "confirmation": {"x"}}); r.Status != http.StatusNotFound {
		t.Errorf("effacement d'un compte inexistant : statut %d", r.Status)
	}
}

// erasureWorld is a small cohort built for erasure: Alice (to erase) has a
// graded piece with an attachment, a case file and a jury decision; Bruno
// stays.
type erasureWorld struct {
	env                *testenv.Env
	alice, bruno, coID int64
	aliceClient        *testenv.Client
	admin              *testenv.Client
	piece              string
}

func newErasureWorld(t *testing.T) erasureWorld {
	t.Helper()
	env := testenv.Start(t, false)
	ctx := context.Background()
	acc := env.Platform.Accounts
	const pw = "une phrase de passe"
	mk := func(login, name string, role account.Role) account.User {
		u, err := acc.Create(ctx, account.NewUser{Login: login, DisplayName: name, Email: login + "@exemple.test", Role: role, Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	mk("admin1", "Administratrice", account.Admin)
	mk("admin2", "Second administrateur", account.Admin)
	eval := mk("eval1", "Évaluatrice Une", account.Assessor)
	alice := mk("alice", "Alice Martin", account.Learner)
	bruno := mk("bruno", "Bruno Petit", account.Learner)
	co, err := acc.CreateCohort(ctx, account.NewCohort{Name: "Promotion test", FrameworkID: env.Platform.Catalog.Default().ID, StartsOn: "2026-01-05", EndsOn: "2026-12-18"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		u    account.User
		role account.Role
	}{{eval, account.Assessor}, {alice, account.Learner}, {bruno, account.Learner}} {
		if err := acc.AddMember(ctx, co.ID, m.u.ID, m.role); err != nil {
			t.Fatal(err)
		}
	}
	w := erasureWorld{env: env, alice: alice.ID, bruno: bruno.ID, coID: co.ID}
	w.aliceClient = env.NewClient()
	w.aliceClient.Login("alice", pw)
	w.piece = depositWithAttachment(t, w.aliceClient, "Note d'Alice")
	ev := env.NewClient()
	ev.Login("eval1", pw)
	gradeAndRelease(t, ev, w.piece, "Très bien.")
	scenario := env.Platform.Cases.Library().Scenarios[0].ID
	if r := w.aliceClient.Submit("/cas/"+scenario, "/cas/"+scenario+"/ouvrir", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("ouverture du dossier : %d", r.Status)
	}
	bc := env.NewClient()
	bc.Login("bruno", pw)
	createPiece(t, bc, "note-synthese", "Brouillon de Bruno")
	// A jury decision on Alice: a record the certifier keeps.
	as := env.Platform.Assessment
	d, err := as.CertificationFile(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	admin1, _ := acc.ByLogin(ctx, "admin1")
	if _, err := as.RecordDecision(ctx, admin1, d, assessment.DecisionInput{JuryDate: time.Now().Format(time.DateOnly),
		Members: "Présidente du jury\nProfessionnel du secteur", Outcome: string(d.Proposal.Outcome), Comments: "Jury de test."}, "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	// A mise en situation: Alice's passage, graded, with the jury's notes.
	evalU, _ := acc.ByLogin(ctx, "eval1")
	adminU, _ := acc.ByLogin(ctx, "admin1")
	sid, err := as.PlanSession(ctx, adminU, co.ID, assessment.SessionInput{Kind: "mise-en-situation-entretien", Date: time.Now().AddDate(0, 0, 3).Format(time.DateOnly),
		Time: "10:00", Minutes: 30, Place: "Salle 2", Jury: []int64{evalU.ID}, Learners: []int64{alice.ID, bruno.ID}}, "")
	if err != nil {
		t.Fatal(err)
	}
	se, _, err := as.SessionFor(ctx, adminU, sid)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := as.SaveLiveSheet(ctx, evalU, se.Slots[0].ID, assessment.LiveInput{Notes: "Alice reformule bien.",
		Grading: assessment.GradingInput{Levels: map[string]int{"1.4/crit/1": 2}}}, false, ""); err != nil {
		t.Fatal(err)
	}
	w.admin = env.NewClient()
	w.admin.Login("admin1", pw)
	return w
}

func (w erasureWorld) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := w.env.Platform.DB.Read.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func storedFiles(t *testing.T, env *testenv.Env) []string {
	t.Helper()
	entries, err := os.ReadDir(env.Platform.DB.Path() + ".fichiers")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestErasure(t *testing.T) {
	t.Parallel()
	w := newErasureWorld(t)
	ctx := context.Background()
	env := w.env
	as := env.Platform.Assessment
	alice := strconv.FormatInt(w.alice, 10)
	base := "/admin/comptes/" + alice

	// Before: Alice's data is there, and counted in her cohort's coverage.
	if n := len(storedFiles(t, env)); n != 1 {
		t.Fatalf("%d fichiers stockés avant l'effacement, 1 attendu", n)
	}
	heat, err := as.Heatmap(ctx, w.coID, assessment.HeatmapFilter{All: true})
	if err != nil || heat.Learners != 2 {
		t.Fatalf("couverture avant : %d apprenants (%v)", heat.Learners, err)
	}
	if graded, _ := as.GradedCriteria(ctx, w.coID); len(graded) == 0 {
		t.Fatal("aucun critère évalué avant l'effacement")
	}
	u, _ := url.Parse(env.URL)
	var aliceSession string
	for _, c := range w.aliceClient.HTTP.Jar.Cookies(u) {
		if c.Name == "casp_session" {
			aliceSession = c.Value
		}
	}
	if w.count(t, `SELECT count(*) FROM sessions WHERE k=?`, aliceSession) != 1 {
		t.Fatal("la session d'Alice n'est pas stockée")
	}
	if err := env.Platform.Accounts.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	auditBefore := w.count(t, `SELECT count(*) FROM audit_log WHERE subject_user_id=?1 OR actor_id=?1`, w.alice)
	pieceIDs := `SELECT id FROM pieces WHERE learner_id=` + alice
	versionIDs := `SELECT v.id FROM piece_versions v WHERE v.piece_id IN (` + pieceIDs + `)`
	var caseID, versionID int64
	env.Platform.DB.Read.QueryRow(`SELECT id FROM cases WHERE learner_id=?`, w.alice).Scan(&caseID)
	env.Platform.DB.Read.QueryRow(versionIDs).Scan(&versionID)
	if caseID == 0 || versionID == 0 {
		t.Fatal("monde de test incomplet")
	}

	// The confirmation page says what goes and what stays.
	form := w.admin.Get(base + "/effacer")
	text := testenv.Text(form.Body)
	for _, want := range []string{"Ce qui sera supprimé", "Ce qui sera conservé, et pourquoi", "journal d'audit", "décisions du jury",
		"1 pièce jointe", "1 dossier", "Compte effacé n°" + alice} {
		if !strings.Contains(text, want) {
			t.Errorf("page de confirmation : %q absent", want)
		}
	}

	// No CSRF token: refused, nothing erased.
	if r := w.admin.Post(base+"/effacer", url.Values{"confirmation": {"alice"}}); r.Status != http.StatusForbidden {
		t.Fatalf("effacement sans jeton : statut %d", r.Status)
	}
	// Wrong or missing confirmation: a French message by the field, the
	// typed value kept, nothing erased.
	r := w.admin.Submit(base+"/effacer", base+"/effacer", url.Values{"confirmation": {"bruno"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "L'identifiant saisi ne correspond pas à ce compte") ||
		!strings.Contains(r.Body, `value="bruno"`) || !strings.Contains(r.Body, `id="confirmation-error"`) {
		t.Fatalf("confirmation erronée : statut %d %s", r.Status, testenv.Text(r.Body))
	}
	r = w.admin.Submit(base+"/effacer", base+"/effacer", url.Values{"confirmation": {""}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Saisissez l'identifiant du compte") {
		t.Fatalf("confirmation vide : statut %d", r.Status)
	}
	if w.count(t, `SELECT count(*) FROM pieces WHERE learner_id=?`, w.alice) != 2 || w.count(t, `SELECT count(*) FROM cases WHERE learner_id=?`, w.alice) != 1 ||
		w.count(t, `SELECT count(*) FROM eval_slots WHERE learner_id=?`, w.alice) != 1 {
		t.Fatal("des données ont été effacées sans confirmation valide")
	}

	// Refused for administrators, oneself and staff accounts.
	for login, want := range map[string]string{"admin2": "Un compte administrateur ne peut pas être effacé", "admin1": "votre propre compte",
		"eval1": "Seuls les comptes d'apprenants"} {
		p := "/admin/comptes/" + strconv.FormatInt(userID(t, env, login), 10) + "/effacer"
		if page := w.admin.Get(p); !strings.Contains(testenv.Text(page.Body), want) || strings.Contains(page.Body, `name="confirmation"`) {
			t.Errorf("%s : la page propose l'effacement ou n'explique pas le refus", login)
		}
		r := w.admin.Submit(base+"/effacer", p, url.Values{"confirmation": {login}})
		if r.Status != http.StatusConflict || !strings.Contains(testenv.Text(r.Body), want) {
			t.Errorf("effacement de %s : statut %d", login, r.Status)
		}
	}

	// The erasure.
	r = w.admin.Submit(base+"/effacer", base+"/effacer", url.Values{"confirmation": {" Alice "}})
	if r.Status != http.StatusSeeOther || r.Location != base+"/donnees" {
		t.Fatalf("effacement : statut %d vers %q %s", r.Status, r.Location, testenv.Text(r.Body))
	}
	after := testenv.Text(w.admin.Get(r.Location).Body)
	for _, want := range []string{"Le compte a été effacé", "Compte effacé le", "Alice Martin"} {
		if !strings.Contains(after, want) {
			t.Errorf("page après effacement : %q absent", want)
		}
	}

	// Rows gone, in every table that held Alice's work.
	for q, args := range map[string][]any{
		`SELECT count(*) FROM pieces WHERE learner_id=?`:                       {w.alice},
		`SELECT count(*) FROM piece_versions WHERE id=?`:                       {versionID},
		`SELECT count(*) FROM attachments`:                                     nil,
		`SELECT count(*) FROM gradings WHERE version_id=?`:                     {versionID},
		`SELECT count(*) FROM grading_scores`:                                  nil,
		`SELECT count(*) FROM cases WHERE learner_id=?`:                        {w.alice},
		`SELECT count(*) FROM case_journal WHERE case_id=?`:                    {caseID},
		`SELECT count(*) FROM case_transcript WHERE case_id=?`:                 {caseID},
		`SELECT count(*) FROM cohort_members WHERE user_id=?`:                  {w.alice},
		`SELECT count(*) FROM learner_capacities WHERE learner_id=?`:           {w.alice},
		`SELECT count(*) FROM learner_stats WHERE learner_id=?`:                {w.alice},
		`SELECT count(*) FROM sessions WHERE k=?`:                              {aliceSession},
		`SELECT count(*) FROM login_failures WHERE login='alice'`:              nil,
		`SELECT count(*) FROM eval_slots WHERE learner_id=?`:                   {w.alice},
		`SELECT count(*) FROM eval_notes`:                                      nil,
		`SELECT count(*) FROM users WHERE login='alice' OR email<>'' AND id=?`: {w.alice},
	} {
		if n := w.count(t, q, args...); n != 0 {
			t.Errorf("%s : %d ligne(s) restante(s)", q, n)
		}
	}
	if files := storedFiles(t, env); len(files) != 0 {
		t.Errorf("fichiers restés sur le disque : %v", files)
	}
	erased, err := env.Platform.Accounts.ByID(ctx, w.alice)
	if err != nil || erased.DisplayName != "Compte effacé n°"+alice || !erased.Disabled || erased.Email != "" || erased.Login == "alice" {
		t.Fatalf("compte après effacement : %+v (%v)", erased, err)
	}
	st, _ := env.Platform.Accounts.ErasureOf(ctx, w.alice)
	if !st.Erased() || st.CertifiedName != "Alice Martin" {
		t.Errorf("état d'effacement : %+v", st)
	}

	// Kept: the jury decision, untouched; the audit log, plus the erasure.
	if n := w.count(t, `SELECT count(*) FROM jury_decisions WHERE learner_id=?`, w.alice); n != 1 {
		t.Errorf("%d décision(s) de jury après effacement, 1 attendue", n)
	}
	if err := env.Platform.Accounts.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE subject_user_id=?1 OR actor_id=?1`, w.alice); n <= auditBefore {
		t.Errorf("journal d'audit : %d entrées après, %d avant", n, auditBefore)
	}
	entries, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionErased})
	if len(entries) != 1 || entries[0].ActorLogin != "admin1" || entries[0].SubjectUserID != w.alice || strings.Contains(entries[0].Detail+entries[0].Target, "Alice") ||
		!strings.Contains(entries[0].Detail, "décision(s) de jury conservée(s)") {
		t.Fatalf("entrée d'effacement : %+v", entries)
	}

	// Alice is signed out and cannot sign in again.
	if r := w.aliceClient.Get("/portfolio"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/connexion") {
		t.Errorf("la session d'Alice reste ouverte : statut %d", r.Status)
	}
	c := env.NewClient()
	r = c.Submit("/connexion", "/connexion", url.Values{"login": {"alice"}, "password": {"une phrase de passe"}})
	if r.Status != http.StatusUnauthorized || !strings.Contains(testenv.Text(r.Body), "Identifiant ou mot de passe incorrect") {
		t.Errorf("connexion d'un compte effacé : statut %d", r.Status)
	}

	// Coverage: Alice no longer counts, and the criteria only she had
	// graded leave the cohort's coverage.
	heat, err = as.Heatmap(ctx, w.coID, assessment.HeatmapFilter{All: true})
	if err != nil || heat.Learners != 1 || heat.Rows[0].LearnerID != w.bruno {
		t.Fatalf("couverture après : %d apprenants (%v)", heat.Learners, err)
	}
	if graded, _ := as.GradedCriteria(ctx, w.coID); len(graded) != 0 {
		t.Errorf("critères évalués restés dans la couverture : %v", graded)
	}
	totals := w.count(t, `SELECT coalesce(sum(n),0) FROM cohort_capacity_totals WHERE cohort_id=?`, w.coID)
	if want := w.count(t, `SELECT count(*) FROM learner_capacities WHERE learner_id=?`, w.bruno); totals != want || want == 0 {
		t.Errorf("totaux de couverture : %d, attendu %d (les capacités de Bruno)", totals, want)
	}
	if n := w.count(t, `SELECT count(*) FROM pieces WHERE learner_id=?`, w.bruno); n != 1 {
		t.Errorf("les pièces de Bruno ont changé : %d", n)
	}

	// What is left of the account can still be exported: the pseudonymised
	// account, no portfolio, no case file.
	left := openZip(t, w.admin.Submit(base+"/donnees", base+"/export.zip", url.Values{}))
	var acc exportedAccount
	decode(t, left, "compte.json", &acc)
	var pf exportedPortfolio
	decode(t, left, "portfolio.json", &pf)
	var cs exportedCases
	decode(t, left, "dossiers.json", &cs)
	if acc.ErasedAt == "" || acc.Name != erased.DisplayName || len(acc.Cohorts) != 0 || len(pf.Pieces) != 0 || len(cs.Cases) != 0 {
		t.Errorf("export après effacement : compte %+v, %d pièces, %d dossiers", acc, len(pf.Pieces), len(cs.Cases))
	}

	// Erasing twice is refused.
	r = w.admin.Submit(base+"/donnees", base+"/effacer", url.Values{"confirmation": {erased.Login}})
	if r.Status != http.StatusConflict || !strings.Contains(testenv.Text(r.Body), "déjà effacé") {
		t.Errorf("second effacement : statut %d", r.Status)
	}
	// The account list says the account is erased, not merely disabled.
	list := testenv.Text(w.admin.Get("/admin/comptes").Body)
	if i := strings.Index(list, erased.DisplayName); i < 0 || !strings.Contains(list[i:min(len(list), i+200)], "Effacé") {
		t.Errorf("la liste des comptes ne dit pas que le compte est effacé")
	}
}
