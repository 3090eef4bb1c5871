package server_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app/testenv"
)

// Each response masks the CSRF token afresh (a compressed page never
// repeats it); every masked form of the right token is accepted, a token
// of another session or a tampered one is not.
func TestCSRFTokenMaskedPerResponse(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	alice, bruno := env.NewClient(), env.NewClient()
	alice.Login("apprenant02", "demo")
	bruno.Login("apprenant03", "demo")
	t1 := testenv.CSRFToken(alice.Get("/compte").Body)
	t2 := testenv.CSRFToken(alice.Get("/compte").Body)
	if t1 == "" || t1 == t2 {
		t.Fatalf("deux pages, un même jeton masqué : %q", t1)
	}
	for i, tok := range []string{t1, t2} {
		if r := alice.Post("/compte/export.zip", url.Values{"_csrf": {tok}}); r.Status != http.StatusOK {
			t.Errorf("jeton masqué n° %d refusé : statut %d", i+1, r.Status)
		}
	}
	other := testenv.CSRFToken(bruno.Get("/compte").Body)
	tampered := []byte(t1)
	tampered[len(tampered)/2] ^= 1
	for name, tok := range map[string]string{"d'une autre session": other, "altéré": string(tampered),
		"tronqué": t1[:len(t1)-4], "vide": "", "non masqué": t1[:len(t1)/2]} {
		if r := alice.Post("/compte/export.zip", url.Values{"_csrf": {tok}}); r.Status != http.StatusForbidden {
			t.Errorf("jeton %s : statut %d, attendu 403", name, r.Status)
		}
	}

	// A visitor's token (the login form) is bound to its own cookie: the
	// token of another visitor is refused, even with the right password.
	v1, v2 := env.NewClient(), env.NewClient()
	tok1 := testenv.CSRFToken(v1.Get("/connexion").Body)
	v2.Get("/connexion")
	if r := v2.Post("/connexion", url.Values{"_csrf": {tok1}, "login": {"apprenant04"}, "password": {"demo"}}); r.Status != http.StatusForbidden {
		t.Errorf("jeton d'un autre visiteur : statut %d, attendu 403", r.Status)
	}
	if r := v1.Post("/connexion", url.Values{"_csrf": {tok1}, "login": {"apprenant04"}, "password": {"demo"}}); r.Status != http.StatusSeeOther {
		t.Errorf("son propre jeton : statut %d, attendu 303", r.Status)
	}
}

// Pages and JSON are compressed when the client accepts it, not otherwise;
// PDF files are not compressed again.
func TestResponsesCompressed(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	who := c // the client get uses
	get := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		} else {
			// Without this, Go's client would ask for gzip itself.
			req.Header.Set("Accept-Encoding", "identity")
		}
		resp, err := who.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	for _, path := range []string{"/referentiel", "/api/v1/referentiel"} {
		plain, body := get(path, "")
		if plain.StatusCode != http.StatusOK || plain.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s sans compression demandée : %d, Content-Encoding %q", path, plain.StatusCode, plain.Header.Get("Content-Encoding"))
		}
		gz, zipped := get(path, "gzip")
		if gz.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s : Content-Encoding %q, attendu gzip", path, gz.Header.Get("Content-Encoding"))
		}
		r, err := gzip.NewReader(strings.NewReader(string(zipped)))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(r)
		if err != nil || string(unzipped) != string(body) {
			t.Fatalf("%s : contenu décompressé différent (%v)", path, err)
		}
		if len(zipped)*3 > len(body) {
			t.Errorf("%s : %d octets compressés pour %d", path, len(zipped), len(body))
		}
		// A browser offers brotli too: gzip (level 1) is taken, three
		// times cheaper to produce here and as small.
		if br, _ := get(path, "br, gzip"); br.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s : Content-Encoding %q, attendu gzip", path, br.Header.Get("Content-Encoding"))
		}
	}
	// The heatmap page is compressed around its kept table (compressed
	// once for every reader), its JSON twin kept compressed: both read back
	// as the plain responses (the masked tokens aside), and a second view
	// is the same.
	who = env.NewClient()
	who.Login("responsable", "demo")
	token := regexp.MustCompile(`name="_csrf" value="[^"]*"`)
	for _, path := range []string{"/promotions/1/couverture?page=1", "/api/v1/promotions/1/couverture?page=1"} {
		plain, body := get(path, "")
		if plain.StatusCode != http.StatusOK || plain.Header.Get("Content-Encoding") != "" || len(body) < 2000 {
			t.Fatalf("%s sans compression demandée : %d, Content-Encoding %q, %d octets", path, plain.StatusCode, plain.Header.Get("Content-Encoding"), len(body))
		}
		for range 2 {
			gz, zipped := get(path, "br, gzip")
			if gz.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(gz.Header.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("%s : Content-Encoding %q, Vary %q", path, gz.Header.Get("Content-Encoding"), gz.Header.Get("Vary"))
			}
			r, err := gzip.NewReader(strings.NewReader(string(zipped)))
			if err != nil {
				t.Fatal(err)
			}
			unzipped, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s : %v", path, err)
			}
			if a, b := token.ReplaceAllString(string(unzipped), ""), token.ReplaceAllString(string(body), ""); a != b {
				t.Fatalf("%s : contenu décompressé différent (%d octets, attendu %d)", path, len(a), len(b))
			}
			if len(zipped)*4 > len(body) {
				t.Errorf("%s : %d octets compressés pour %d", path, len(zipped), len(body))
			}
		}
	}
	who = c
	c.Login("apprenant01", "demo")
	// The dossier's PDF, and a deposited version's (…/versions/:n/pdf).
	pdfs := []string{"/apprenants/" + strconv.FormatInt(userID(t, env, "apprenant01"), 10) + "/dossier.pdf"}
	if v := regexp.MustCompile(`href="(/portfolio/\d+/versions/\d+)"`).FindStringSubmatch(c.Get("/portfolio").Body); v != nil {
		pdfs = append(pdfs, v[1]+"/pdf")
	}
	if len(pdfs) != 2 {
		t.Fatal("aucune version déposée avec son PDF dans le portfolio d'apprenant01")
	}
	for _, path := range pdfs {
		pdf, body := get(path, "br, gzip")
		if pdf.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "%PDF-") || pdf.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s : statut %d, Content-Encoding %q, début %.8q", path, pdf.StatusCode, pdf.Header.Get("Content-Encoding"), body)
		}
	}
}
