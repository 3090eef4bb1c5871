package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/server"
)

// Responses with personal data are never stored by the browser or a proxy
// (issue 9, point 3).
func TestPersonalResponsesAreNotStored(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	// A deposited actor map of the demo, with its learner.
	var mapURL string
	var owner string
	for i := 1; i <= 12 && mapURL == ""; i++ {
		login := "apprenant" + strconv.Itoa(100 + i)[1:]
		u, err := env.Platform.Accounts.ByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := env.Platform.Assessment.LearnerPieces(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.KindID == "cartographie-acteurs" && p.Versions > 0 && p.Status != assessment.Draft {
				mapURL, owner = "/portfolio/"+strconv.FormatInt(p.ID, 10)+"/versions/1", login
				break
			}
		}
	}
	if mapURL == "" {
		t.Fatal("la démo devrait contenir une cartographie déposée")
	}
	learner := env.NewClient()
	learner.Login(owner, "demo")
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	for _, c := range []struct {
		who  *testenv.Client
		path string
	}{
		{mgr, "/api/v1/promotions/1/couverture"},
		{learner, mapURL + "/accuse?format=txt"},
		{learner, mapURL + "/carte.svg"},
		{learner, mapURL + "/carte.json"},
		{learner, mapURL},
		{learner, "/progression"},
		{mgr, "/promotions/1/couverture"},
	} {
		r := c.who.Get(c.path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s : %d", c.path, r.Status)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s : Cache-Control %q, attendu no-store", c.path, cc)
		}
	}
}

// Parallel logins are counted before the password is checked: 40 requests
// at once for one account check at most PairFreeFailures passwords, 60
// unknown logins from one address at most AddressFreeFailures (point 4).
func TestLoginThrottleHoldsUnderParallelRequests(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, false)
	ctx := context.Background()
	if _, err := env.Platform.Accounts.Create(ctx, account.NewUser{Login: "cible", DisplayName: "Cible", Role: account.Learner,
		Password: "une phrase de passe"}); err != nil {
		t.Fatal(err)
	}
	page := env.NewClient()
	tok := testenv.CSRFToken(page.Get("/connexion").Body)
	burst := func(n int, login func(i int) string) {
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := page.HTTP.PostForm(env.URL+"/connexion", url.Values{"_csrf": {tok}, "login": {login(i)}, "password": {"mauvais mot de passe"}})
				if err == nil {
					resp.Body.Close()
				}
			}()
		}
		wg.Wait()
	}
	checked := func(prefix string) int {
		es, err := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionLoginFailed, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range es {
			if strings.HasPrefix(e.ActorLogin, prefix) {
				n++
			}
		}
		return n
	}
	burst(40, func(int) string { return "cible" })
	// 3 at once; on a busy machine a burst may outlast the first waits (2 s,
	// then 4 s), letting one or two more through; the old code checked 32.
	nCible := checked("cible")
	if n := nCible; n < account.PairFreeFailures || n > account.PairFreeFailures+2 {
		t.Fatalf("40 connexions parallèles : %d mots de passe vérifiés, %d attendus (%d au plus sur une machine chargée)", n, account.PairFreeFailures, account.PairFreeFailures+2)
	}
	burst(60, func(i int) string { return "inconnu" + strconv.Itoa(i) })
	// The address's failures include the burst above.
	want := account.AddressFreeFailures - nCible
	if n := checked("inconnu"); n < want || n > want+2 {
		t.Fatalf("60 identifiants inconnus en parallèle : %d vérifiés, %d attendus (%d au plus sur une machine chargée)", n, want, want+2)
	}
}

// Wrong passwords slow the guesser down, never lock the owner out: the
// right password from another address goes through at once; from the
// guesser's address, after the announced wait (point 5).
func TestGuessingSlowsTheGuesserNotTheOwner(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	guesser := env.NewClient()
	wrong := url.Values{"login": {"evaluateur1"}, "password": {"mauvais"}}
	last, end := untilThrottled(t, guesser, wrong, account.PairFreeFailures+4)
	if !strings.Contains(testenv.Text(last.Body), "patientez") {
		t.Fatalf("message d'attente absent : %q", testenv.Text(last.Body))
	}
	// The guesser's address waits, even with the right password…
	r := guesser.Submit("/connexion", "/connexion", url.Values{"login": {"evaluateur1"}, "password": {"demo"}})
	if r.Status != http.StatusTooManyRequests && time.Now().Before(end) {
		t.Fatalf("pendant l'attente : %d", r.Status)
	}
	// …while the owner, elsewhere, signs in at once: no lock-out.
	owner := env.NewClientFrom("127.0.0.2")
	owner.Login("evaluateur1", "demo")
}

// untilThrottled sends a refused form until the answer is a wait (429), at
// most n times, and returns it with the time its wait surely lasts until
// (Retry-After is rounded up: a second less). The number of tries allows
// for a busy machine, where a wait may end before the next try.
func untilThrottled(t *testing.T, c *testenv.Client, form url.Values, n int) (testenv.Response, time.Time) {
	t.Helper()
	for range n {
		r := c.Submit("/connexion", "/connexion", form)
		if r.Status == http.StatusTooManyRequests {
			secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
			if err != nil || secs < 1 {
				t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			return r, time.Now().Add(time.Duration(secs-1) * time.Second)
		}
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("connexion refusée : %d, attendu 401 ou 429", r.Status)
		}
	}
	t.Fatalf("aucune attente imposée après %d échecs", n)
	return testenv.Response{}, time.Time{}
}

// A reverse proxy's X-Forwarded-For is read only from a declared proxy,
// and only its right-most untrusted address (point 5).
func TestClientAddressBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	if _, err := server.ParseProxies("127.0.0.1, pas-une-adresse"); err == nil || !strings.Contains(err.Error(), "mandataire de confiance invalide") {
		t.Fatalf("adresse de mandataire invalide acceptée : %v", err)
	}
	env := testenv.StartWith(t, app.Options{Demo: true, TrustedProxies: "10.0.0.0/8, 127.0.0.1"})
	c := env.NewClient()
	// The client forged the first address; the proxy appended the real one.
	tok := testenv.CSRFToken(c.Get("/connexion").Body)
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/connexion", strings.NewReader(url.Values{"_csrf": {tok}, "login": {"admin"}, "password": {"faux"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	c.Do(req)
	es, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionLoginFailed, Limit: 10})
	if len(es) == 0 || es[0].Address != "203.0.113.7" {
		t.Fatalf("adresse retenue derrière le mandataire : %+v", es)
	}
	// Without a trusted proxy, the header is ignored.
	plain := testenv.Start(t, true)
	c = plain.NewClient()
	tok = testenv.CSRFToken(c.Get("/connexion").Body)
	req, _ = http.NewRequest(http.MethodPost, plain.URL+"/connexion", strings.NewReader(url.Values{"_csrf": {tok}, "login": {"admin"}, "password": {"faux"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	c.Do(req)
	es, _ = plain.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionLoginFailed, Limit: 10})
	if len(es) == 0 || es[0].Address != "127.0.0.1" {
		t.Fatalf("un en-tête X-Forwarded-For sans mandataire déclaré a été cru : %+v", es)
	}
}

// Wrong « mot de passe actuel » attempts are throttled: 30 wrong then the
// right one is not accepted (point 6).
func TestPasswordChangeIsThrottled(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant03", "demo")
	var r testenv.Response
	var end time.Time // when the last announced wait surely ends
	waits := 0
	for i := range 30 {
		r = c.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {"faux " + strconv.Itoa(i)},
			"new": {"trois chats sur un toit"}, "confirm": {"trois chats sur un toit"}})
		if r.Status == http.StatusTooManyRequests {
			waits++
			secs, _ := strconv.Atoi(r.Header.Get("Retry-After"))
			end = time.Now().Add(time.Duration(secs-1) * time.Second)
			if !strings.Contains(testenv.Text(r.Body), "patientez") {
				t.Fatalf("essai %d : message d'attente absent", i+1)
			}
		}
	}
	if waits == 0 {
		t.Fatal("30 mots de passe actuels faux sans aucune attente")
	}
	r = c.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {"demo"},
		"new": {"trois chats sur un toit"}, "confirm": {"trois chats sur un toit"}})
	if r.Status != http.StatusTooManyRequests && time.Now().Before(end) {
		t.Fatalf("le bon mot de passe actuel est accepté pendant l'attente : %d", r.Status)
	}
	// 3 checks, then one more each time a doubling wait has passed (a busy
	// machine may let one or two pass in 30 tries; never most of them).
	es, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionPasswordRefused, Limit: 100})
	if len(es) < account.PairFreeFailures || len(es) > account.PairFreeFailures+3 {
		t.Fatalf("%d mots de passe actuels vérifiés sur 30, entre %d et %d attendus", len(es), account.PairFreeFailures, account.PairFreeFailures+3)
	}
}

// The CSRF token changes at login (point 7).
func TestCSRFTokenRotatesAtLogin(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	before := testenv.CSRFToken(c.Get("/connexion").Body)
	r := c.Post("/connexion", url.Values{"_csrf": {before}, "login": {"apprenant02"}, "password": {"demo"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("connexion : %d", r.Status)
	}
	after := testenv.CSRFToken(c.Get("/compte").Body)
	if after == "" || after == before {
		t.Fatalf("jeton CSRF inchangé à la connexion (%q)", after)
	}
	// The token read before login no longer works.
	if r := c.Post("/deconnexion", url.Values{"_csrf": {before}}); r.Status != http.StatusForbidden {
		t.Fatalf("ancien jeton après connexion : %d", r.Status)
	}
	if r := c.Post("/deconnexion", url.Values{"_csrf": {after}}); r.Status != http.StatusSeeOther {
		t.Fatalf("nouveau jeton : %d", r.Status)
	}
}

// With --secure-cookies, and with an https:// base URL alone, every cookie
// is Secure: the session, the CSRF token, the notice, and the ones a logout
// expires (points 8 and 19).
func TestEveryCookieIsSecure(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]app.Options{
		"secure-cookies": {Demo: true, Secure: true},
		"base-url-https": {Demo: true, BaseURL: "https://casp.exemple.fr"},
	} {
		t.Run(name, func(t *testing.T) {
			env := testenv.StartWith(t, o)
			// A jar of our own: Go's keeps Secure cookies off plain HTTP.
			c := env.NewClient()
			c.HTTP.Jar = nil
			jar := map[string]string{}
			var seen []*http.Cookie
			do := func(method, path string, form url.Values) testenv.Response {
				var body *strings.Reader
				if form != nil {
					body = strings.NewReader(form.Encode())
				} else {
					body = strings.NewReader("")
				}
				req, _ := http.NewRequest(method, env.URL+path, body)
				if form != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				for k, v := range jar {
					req.AddCookie(&http.Cookie{Name: k, Value: v})
				}
				r := c.Do(req)
				for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
					seen = append(seen, ck)
					if ck.MaxAge < 0 || ck.Value == "" {
						delete(jar, ck.Name)
					} else {
						jar[ck.Name] = ck.Value
					}
				}
				return r
			}
			tok := testenv.CSRFToken(do("GET", "/connexion", nil).Body)
			if r := do("POST", "/connexion", url.Values{"_csrf": {tok}, "login": {"apprenant06"}, "password": {"demo"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("connexion : %d", r.Status)
			}
			tok = testenv.CSRFToken(do("GET", "/compte/mot-de-passe", nil).Body)
			if r := do("POST", "/compte/mot-de-passe", url.Values{"_csrf": {tok}, "current": {"demo"}, "new": {"trois chats sur un toit"},
				"confirm": {"trois chats sur un toit"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("changement de mot de passe : %d", r.Status)
			}
			tok = testenv.CSRFToken(do("GET", "/compte", nil).Body)
			if r := do("POST", "/deconnexion", url.Values{"_csrf": {tok}}); r.Status != http.StatusSeeOther {
				t.Fatalf("déconnexion : %d", r.Status)
			}
			names := map[string]bool{}
			for _, ck := range seen {
				names[ck.Name] = true
				if !ck.Secure {
					t.Errorf("cookie %s (%q) sans Secure", ck.Name, ck.Raw)
				}
			}
			for _, want := range []string{"casp_session", "casp_csrf", "casp_notice"} {
				if !names[want] {
					t.Errorf("cookie %s jamais vu", want)
				}
			}
		})
	}
}

// Passwords: the login itself, very common ones and a single repeated
// character are refused with a French message (point 9).
func TestWeakPasswordsRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ login, pw, want string }{
		{"marie.curie", "aaaaaaaaaaaa", "même caractère répété"},
		{"marie.curie", "            ", "seulement d'espaces"},
		{"marie.curie", "motdepasse12", "plus courants"},
		{"marie.curie", "Azertyuiop!!", "plus courants"},
		{"marie.curie", "123456789012", "plus courants"},
		{"marie.curie1", "Marie.Curie1", "votre identifiant"},
		{"marie.curie", "court", "au moins 12"},
	} {
		if got := account.PasswordProblem(c.login, c.pw); !strings.Contains(got, c.want) {
			t.Errorf("%q : %q, attendu %q", c.pw, got, c.want)
		}
	}
	if got := account.PasswordProblem("marie.curie", "trois chats sur un toit"); got != "" {
		t.Errorf("phrase de passe refusée : %q", got)
	}
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant04", "demo")
	r := c.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {"demo"}, "new": {"motdepasse12"}, "confirm": {"motdepasse12"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "plus courants") {
		t.Fatalf("mot de passe courant accepté : %d", r.Status)
	}
	admin := env.NewClient()
	admin.Login("admin", "demo")
	r = admin.Submit("/admin/comptes/nouveau", "/admin/comptes", url.Values{"login": {"jeanne.d"}, "display_name": {"Jeanne D."},
		"role": {"learner"}, "password": {"aaaaaaaaaaaa"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "même caractère répété") || !strings.Contains(r.Body, `value="jeanne.d"`) {
		t.Fatalf("création avec un mot de passe répété : %d", r.Status)
	}
}

// The return address after login is a local path, without control
// characters (point 10).
func TestLoginReturnAddressIsLocal(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	for ret, want := range map[string]string{
		"/\t/evil.example":          "/",
		"/\n/evil.example":          "/",
		"/%09/evil.example":         "/%09/evil.example",
		"//evil.example":            "/",
		"/\\evil.example":           "/",
		"https://evil.example/":     "/",
		"/ /evil.example":           "/",
		"/\u00a0/evil.example":      "/",
		"/portfolio?onglet=a#suite": "/portfolio?onglet=a#suite",
	} {
		c := env.NewClient()
		r := c.Submit("/connexion", "/connexion", url.Values{"login": {"apprenant05"}, "password": {"demo"}, "retour": {ret}})
		if r.Location != want {
			t.Errorf("retour %q : Location %q, attendu %q", ret, r.Location, want)
		}
	}
	// The form itself drops a hostile return address.
	c := env.NewClient()
	if page := c.Get("/connexion?retour=%2F%09%2Fevil.example"); strings.Contains(page.Body, "evil.example") {
		t.Fatal("le formulaire de connexion garde une adresse de retour hostile")
	}
}

// TestStaticFilesFingerprinted: pages name the style sheet and the script
// with their content's fingerprint, served as immutable for a year; the
// bare address (older pages, bookmarks) keeps a short lifetime.
func TestStaticFilesFingerprinted(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, false)
	c := env.NewClient()
	page := c.Get("/connexion")
	for _, name := range []string{"casp.css", "casp.js", "favicon.svg"} {
		m := regexp.MustCompile(`"(/static/` + regexp.QuoteMeta(name) + `\?v=([0-9a-f]{12}))"`).FindStringSubmatch(page.Body)
		if m == nil {
			t.Errorf("/connexion ne nomme pas %s avec son empreinte", name)
			continue
		}
		r := c.Get(m[1])
		sum := sha256.Sum256([]byte(r.Body))
		if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || hex.EncodeToString(sum[:6]) != m[2] {
			t.Errorf("%s : statut %d, Cache-Control %q, empreinte du contenu %x", m[1], r.Status, r.Header.Get("Cache-Control"), sum[:6])
		}
		if r := c.Get("/static/" + name); r.Header.Get("Cache-Control") != "public, max-age=3600" {
			t.Errorf("/static/%s sans empreinte : Cache-Control %q", name, r.Header.Get("Cache-Control"))
		}
	}
}
