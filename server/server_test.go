package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, false)
	r := env.NewClient().Get("/healthz")
	if r.Status != http.StatusOK {
		t.Fatalf("statut %d", r.Status)
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatal(err)
	}
	if body["statut"] != "ok" || body["base"] != "ok" {
		t.Fatalf("réponse %v", body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, false)
	r := env.NewClient().Get("/referentiel")
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, attendu %q", h, got, want)
		}
	}
}

func TestCSRFRefused(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Get("/connexion") // gets a session and a token cookie, but the form omits the token
	r := c.Post("/connexion", url.Values{"login": {"admin"}, "password": {"demo"}})
	if r.Status != http.StatusForbidden {
		t.Fatalf("connexion sans jeton : statut %d, attendu 403", r.Status)
	}
	if !strings.Contains(r.Body, "Le formulaire a expiré") || !strings.Contains(r.Body, `lang="fr"`) {
		t.Fatalf("page de refus inattendue : %s", testenv.Text(r.Body))
	}
	// A forged token is refused too, and logged-in state-changing forms need it.
	r = c.Post("/connexion", url.Values{"login": {"admin"}, "password": {"demo"}, "_csrf": {"forged-token"}})
	if r.Status != http.StatusForbidden {
		t.Fatalf("jeton forgé : statut %d", r.Status)
	}
	c.Login("admin", "demo")
	r = c.Post("/admin/comptes", url.Values{"login": {"intrus"}, "display_name": {"Intrus"}, "role": {"admin"}, "password": {"un mot de passe long"}})
	if r.Status != http.StatusForbidden {
		t.Fatalf("création de compte sans jeton : statut %d", r.Status)
	}
	if _, err := env.Platform.Accounts.ByLogin(context.Background(), "intrus"); err == nil {
		t.Fatal("le compte a été créé malgré l'absence de jeton")
	}
}

func TestLoginRegeneratesSession(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	u, _ := url.Parse(env.URL)
	// A visitor has no session (a page read writes nothing); an attacker
	// who plants a session id before login (fixation) gets nothing from it.
	c.Get("/connexion")
	if v := cookie(c.HTTP.Jar.Cookies(u), "casp_session"); v != "" {
		t.Fatalf("cookie de session donné à un visiteur : %q", v)
	}
	before := "fixee-par-un-attaquant-0123456789abcdef"
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "casp_session", Value: before}})
	c.Login("responsable", "demo")
	after := cookie(c.HTTP.Jar.Cookies(u), "casp_session")
	if after == "" || after == before {
		t.Fatalf("session non régénérée : avant %q, après %q", before, after)
	}
	// The old id must not be a valid session any more.
	old := env.NewClient()
	old.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "casp_session", Value: before}})
	if r := old.Get("/compte"); r.Status != http.StatusSeeOther {
		t.Fatalf("l'ancien identifiant de session donne encore accès : statut %d", r.Status)
	}
	if r := c.Get("/compte"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Nadia Fontaine") {
		t.Fatalf("compte après connexion : statut %d", r.Status)
	}
}

func cookie(cs []*http.Cookie, name string) string {
	for _, c := range cs {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func TestLearnerRefusedAdminPage(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant01", "demo")
	for _, path := range []string{"/admin/comptes", "/admin/journal", "/promotions", "/promotions/1"} {
		r := c.Get(path)
		if r.Status != http.StatusForbidden {
			t.Errorf("%s : statut %d, attendu 403", path, r.Status)
			continue
		}
		if !strings.Contains(r.Body, "<h1>Accès refusé</h1>") || !strings.Contains(testenv.Text(r.Body), "Vous n'avez pas accès à cette page.") {
			t.Errorf("%s : page 403 inattendue : %s", path, testenv.Text(r.Body))
		}
	}
	entries, err := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionForbidden})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 4 || entries[0].ActorLogin != "apprenant01" {
		t.Fatalf("refus non journalisés : %+v", entries)
	}
}

func TestVisitorRedirectedToLogin(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	r := env.NewClient().Get("/admin/comptes")
	if r.Status != http.StatusSeeOther || r.Location != "/connexion?retour=%2Fadmin%2Fcomptes" {
		t.Fatalf("statut %d, redirection %q", r.Status, r.Location)
	}
}

func TestLoginReturnsToRequestedPageOnlyLocally(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	r := c.Submit("/connexion?retour=%2Fadmin%2Fjournal", "/connexion", url.Values{"login": {"admin"}, "password": {"demo"}, "retour": {"/admin/journal"}})
	if r.Location != "/admin/journal" {
		t.Fatalf("retour %q", r.Location)
	}
	c2 := env.NewClient()
	r = c2.Submit("/connexion", "/connexion", url.Values{"login": {"admin"}, "password": {"demo"}, "retour": {"//evil.example/"}})
	if r.Location != "/" {
		t.Fatalf("redirection ouverte : %q", r.Location)
	}
}

func TestLoginThrottledPerAccount(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	for i := 0; i < account.PairFreeFailures; i++ {
		r := c.Submit("/connexion", "/connexion", url.Values{"login": {"evaluateur1"}, "password": {"mauvais"}})
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "Identifiant ou mot de passe incorrect.") {
			t.Fatalf("essai %d : statut %d", i+1, r.Status)
		}
	}
	// From this address, even the right password waits its turn.
	r, end := untilThrottled(t, c, url.Values{"login": {"evaluateur1"}, "password": {"mauvais"}}, 4)
	if !strings.Contains(r.Body, "Trop de tentatives échouées : patientez") {
		t.Fatalf("message d'attente absent : %s", testenv.Text(r.Body))
	}
	if r := c.Submit("/connexion", "/connexion", url.Values{"login": {"evaluateur1"}, "password": {"demo"}}); r.Status != http.StatusTooManyRequests && time.Now().Before(end) {
		t.Fatalf("le bon mot de passe passe pendant l'attente : %d", r.Status)
	}
	// Another account from the same address is not slowed down.
	c.Login("evaluateur2", "demo")
}

func TestLoginThrottledPerAddress(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	for i := 0; i < account.AddressFreeFailures; i++ {
		// One failure per account: only the per-address rule applies.
		c.Submit("/connexion", "/connexion", url.Values{"login": {"x" + strconv.Itoa(i)}, "password": {"mauvais"}})
	}
	_, end := untilThrottled(t, c, url.Values{"login": {"y"}, "password": {"mauvais"}}, 4)
	if r := c.Submit("/connexion", "/connexion", url.Values{"login": {"admin"}, "password": {"demo"}}); r.Status != http.StatusTooManyRequests && time.Now().Before(end) {
		t.Fatalf("statut %d, attendu 429 après %d échecs depuis la même adresse", r.Status, account.AddressFreeFailures)
	}
	// Another address is not concerned.
	env.NewClientFrom("127.0.0.3").Login("admin", "demo")
}

func TestValidationMessagesInFrench(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("admin", "demo")
	r := c.Submit("/admin/comptes/nouveau", "/admin/comptes", url.Values{"login": {"É T"}, "display_name": {"Marie Curie"},
		"email": {"pas-une-adresse"}, "role": {"learner"}, "password": {"court"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("statut %d", r.Status)
	}
	text := testenv.Text(r.Body)
	for _, want := range []string{"Le formulaire contient 3 erreurs", "Utilisez des lettres minuscules sans accent",
		"Saisissez une adresse électronique valide", "Saisissez au moins 12 caractères."} {
		if !strings.Contains(text, want) {
			t.Errorf("absent de la page : %q", want)
		}
	}
	for _, want := range []string{
		`value="Marie Curie"`, // what was typed is kept
		`value="pas-une-adresse"`,
		`aria-invalid="true"`,
		`href="#login"`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("absent de la page : %q", want)
		}
	}
	if strings.Contains(r.Body, `value="court"`) {
		t.Error("le mot de passe saisi est renvoyé dans la page")
	}
	// Empty login form.
	c2 := env.NewClient()
	r = c2.Submit("/connexion", "/connexion", url.Values{"login": {""}, "password": {""}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Saisissez votre identifiant.") || !strings.Contains(r.Body, "Saisissez votre mot de passe.") {
		t.Fatalf("formulaire de connexion vide : statut %d %s", r.Status, testenv.Text(r.Body))
	}
}

func TestAdminCreatesAccountAndItCanLogIn(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("admin", "demo")
	r := c.Submit("/admin/comptes/nouveau", "/admin/comptes", url.Values{"login": {"m.durand"}, "display_name": {"Marc Durand"},
		"role": {"assessor"}, "password": {"une phrase de passe"}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/comptes" {
		t.Fatalf("création : statut %d vers %q", r.Status, r.Location)
	}
	r = c.Get("/admin/comptes")
	if !strings.Contains(r.Body, "Le compte a été créé.") || !strings.Contains(r.Body, "Marc Durand") {
		t.Fatal("le compte créé n'apparaît pas avec l'avis de réussite")
	}
	// Same login again: conflict reported next to the field.
	r = c.Submit("/admin/comptes/nouveau", "/admin/comptes", url.Values{"login": {"m.durand"}, "display_name": {"Autre"},
		"role": {"assessor"}, "password": {"une phrase de passe"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Cet identifiant est déjà utilisé") {
		t.Fatalf("doublon : statut %d", r.Status)
	}
	other := env.NewClient()
	other.Login("m.durand", "une phrase de passe")
	if r := other.Get("/"); !strings.Contains(r.Body, "Espace évaluateur") {
		t.Fatal("le nouvel évaluateur n'arrive pas sur son accueil")
	}
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant02", "demo")
	r := c.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {"faux"}, "new": {"nouvelle phrase secrète"}, "confirm": {"nouvelle phrase secrète"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Le mot de passe actuel est incorrect.") {
		t.Fatalf("mot de passe actuel faux : statut %d", r.Status)
	}
	r = c.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {"demo"}, "new": {"nouvelle phrase secrète"}, "confirm": {"autre chose encore"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Les deux saisies ne correspondent pas.") {
		t.Fatalf("confirmation différente : statut %d", r.Status)
	}
	r = c.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {"demo"}, "new": {"nouvelle phrase secrète"}, "confirm": {"nouvelle phrase secrète"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("changement : statut %d", r.Status)
	}
	fresh := env.NewClient()
	r = fresh.Submit("/connexion", "/connexion", url.Values{"login": {"apprenant02"}, "password": {"demo"}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("l'ancien mot de passe marche encore : statut %d", r.Status)
	}
	fresh.Login("apprenant02", "nouvelle phrase secrète")
}

func TestLogout(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("responsable", "demo")
	r := c.Submit("/", "/deconnexion", url.Values{})
	if r.Status != http.StatusSeeOther || r.Location != "/connexion?fin=1" {
		t.Fatalf("déconnexion : %d %q", r.Status, r.Location)
	}
	if r := c.Get("/compte"); r.Status != http.StatusSeeOther {
		t.Fatalf("encore connecté après déconnexion : %d", r.Status)
	}
}

func TestNotFoundInFrench(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, false)
	c := env.NewClient()
	for _, p := range []string{"/nimporte-quoi", "/referentiel/taches/6.6", "/referentiel/productions/inconnu"} {
		r := c.Get(p)
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "<h1>Page introuvable</h1>") {
			t.Errorf("%s : statut %d", p, r.Status)
		}
	}
	r := c.Get("/api/v1/referentiel?format=xml")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"erreur":"Format inconnu`) {
		t.Errorf("format inconnu : %d %s", r.Status, r.Body)
	}
}

func TestCohortAccessIsScopedAndAudited(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	acc := env.Platform.Accounts
	other, err := acc.CreateCohort(ctx, account.NewCohort{Name: "Autre promotion", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login("evaluateur1", "demo")
	if r := c.Get("/promotions/1"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Inès Bernard") {
		t.Fatalf("sa promotion : statut %d", r.Status)
	}
	if r := c.Get("/promotions/" + strconv.FormatInt(other.ID, 10)); r.Status != http.StatusForbidden {
		t.Fatalf("promotion d'un autre : statut %d, attendu 403", r.Status)
	}
	if r := c.Get("/promotions/abc"); r.Status != http.StatusNotFound {
		t.Fatalf("identifiant forgé : statut %d", r.Status)
	}
	reads, err := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionRead})
	if err != nil {
		t.Fatal(err)
	}
	if len(reads) != 1 || reads[0].ActorLogin != "evaluateur1" || !strings.Contains(reads[0].Target, "Promotion 2026") {
		t.Fatalf("consultation non journalisée : %+v", reads)
	}
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	env := testenv.StartWith(t, app.Options{Demo: true, AbsoluteTimeout: time.Second})
	c := env.NewClient()
	c.Login("apprenant03", "demo")
	if r := c.Get("/compte"); r.Status != http.StatusOK {
		t.Fatalf("juste après la connexion : statut %d", r.Status)
	}
	time.Sleep(2100 * time.Millisecond) // login time is kept to the second
	if r := c.Get("/compte"); r.Status != http.StatusSeeOther {
		t.Fatalf("après l'expiration absolue : statut %d, attendu une redirection vers la connexion", r.Status)
	}

	idle := testenv.StartWith(t, app.Options{Demo: true, IdleTimeout: time.Second})
	c = idle.NewClient()
	c.Login("apprenant04", "demo")
	time.Sleep(2100 * time.Millisecond)
	if r := c.Get("/compte"); r.Status != http.StatusSeeOther {
		t.Fatalf("après l'inactivité : statut %d, attendu une redirection", r.Status)
	}
}

func TestCohortMembershipManagement(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	acc := env.Platform.Accounts
	newbie, err := acc.Create(ctx, account.NewUser{Login: "nouvelle", DisplayName: "Zoé Nouvelle", Role: account.Learner, Password: "une phrase de passe"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(newbie.ID, 10)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	page := mgr.Get("/promotions/1")
	if !strings.Contains(page.Body, "Inscrire cet apprenant") || !strings.Contains(page.Body, "Zoé Nouvelle") {
		t.Fatal("le responsable ne voit pas le formulaire d'inscription")
	}
	r := mgr.Submit("/promotions/1", "/promotions/1/membres", url.Values{"user": {id}, "role": {"learner"}, "action": {"ajouter"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("inscription : statut %d", r.Status)
	}
	if ok, _ := acc.IsMember(ctx, 1, newbie.ID, account.Learner); !ok {
		t.Fatal("l'apprenante n'a pas été inscrite")
	}
	// A learner account cannot be made an assessor by forging the role.
	r = mgr.Submit("/promotions/1", "/promotions/1/membres", url.Values{"user": {id}, "role": {"assessor"}, "action": {"ajouter"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "n'a pas le rôle") {
		t.Fatalf("rôle forgé : statut %d", r.Status)
	}
	// An assessor of the cohort may read it but not change it.
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	if strings.Contains(ass.Get("/promotions/1").Body, "Inscrire cet apprenant") {
		t.Fatal("un évaluateur voit le formulaire d'inscription")
	}
	r = ass.Submit("/promotions/1", "/promotions/1/membres", url.Values{"user": {id}, "role": {"learner"}, "action": {"retirer"}, "confirme": {"1"}})
	if r.Status != http.StatusForbidden {
		t.Fatalf("retrait par un évaluateur : statut %d", r.Status)
	}
	// A manager of another cohort cannot touch this one.
	if _, err := acc.Create(ctx, account.NewUser{Login: "autre.resp", DisplayName: "Autre Responsable", Role: account.Manager, Password: "une phrase de passe"}); err != nil {
		t.Fatal(err)
	}
	o := env.NewClient()
	o.Login("autre.resp", "une phrase de passe")
	r = o.Submit("/promotions", "/promotions/1/membres", url.Values{"user": {id}, "role": {"learner"}, "action": {"retirer"}, "confirme": {"1"}})
	if r.Status != http.StatusForbidden {
		t.Fatalf("responsable d'une autre promotion : statut %d", r.Status)
	}
	r = mgr.Submit("/promotions/1", "/promotions/1/membres", url.Values{"user": {id}, "role": {"learner"}, "action": {"retirer"}, "confirme": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("retrait : statut %d", r.Status)
	}
	if ok, _ := acc.IsMember(ctx, 1, newbie.ID, account.Learner); ok {
		t.Fatal("l'apprenante est toujours inscrite")
	}
}
