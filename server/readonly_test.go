package server_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/server"
)

// dataVersion reads SQLite's data_version on a connection of its own: it
// changes when any other connection commits.
func dataVersion(t *testing.T, conn *sql.Conn) int64 {
	t.Helper()
	var v int64
	if err := conn.QueryRowContext(context.Background(), `PRAGMA data_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

var hrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// crawl follows the site's own links from start, as c, and returns the
// pages it read (at most limit; one of each kind of page, the path with its
// numbers replaced), failing on any server error.
func crawl(t *testing.T, c *testenv.Client, start string, limit int, after func(page string)) []string {
	t.Helper()
	seen := map[string]bool{start: true}
	kinds := map[string]int{}
	queue := []string{start}
	var read []string
	for len(queue) > 0 && len(read) < limit {
		p := queue[0]
		queue = queue[1:]
		r := c.Get(p)
		read = append(read, p)
		if after != nil {
			after(p)
		}
		if r.Status >= 500 {
			t.Fatalf("%s : statut %d", p, r.Status)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range hrefRE.FindAllStringSubmatch(r.Body, -1) {
			next := html.UnescapeString(m[1])
			if strings.HasPrefix(next, "/static/") || seen[next] {
				continue
			}
			// One page of each kind, and at most eight under one first
			// segment (the sandbox's fiches and partners are many pages
			// of one template).
			path := strings.SplitN(next, "?", 2)[0]
			kind := numbers.ReplaceAllString(path, "N")
			first := "/" + strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]
			if kinds[kind]++; kinds[kind] > 1 {
				continue
			}
			if kinds[first+"/…"]++; kinds[first+"/…"] > 8 {
				continue
			}
			seen[next] = true
			queue = append(queue, next)
		}
	}
	return read
}

// Reading pages writes nothing: every page a visitor and each role reach by
// following links (downloads included) leaves the database untouched — no
// session or CSRF token stored, no audit entry committed in the request.
// The reads that must be recorded are, once the batch commits.
func TestReadsWriteNothing(t *testing.T) {
	t.Parallel()
	// The batch does not commit by itself during the test.
	env := testenv.StartWith(t, app.Options{Demo: true, BatchInterval: time.Hour})
	ctx := context.Background()
	clients := map[string]*testenv.Client{"visiteur": env.NewClient()}
	for _, login := range []string{"admin", "responsable", "evaluateur1", "apprenant01"} {
		c := env.NewClient()
		c.Login(login, "demo")
		clients[login] = c
	}
	// Nor when many reads wait (the batch commits early at batchMax).
	env.Platform.Batch.SetMax(1 << 20)
	// Logins wrote their sessions; the batch holds nothing yet.
	if err := env.Platform.Batch.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	watch, err := sql.Open("sqlite3", "file:"+env.Platform.DB.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	conn, err := watch.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	reads := func() int {
		es, err := env.Platform.Accounts.AuditLog(ctx, account.AuditFilter{Action: account.ActionRead, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	readsBefore := reads()
	before := dataVersion(t, conn)

	total := 0
	for who, c := range clients {
		pages := crawl(t, c, "/", 400, func(p string) {
			if v := dataVersion(t, conn); v != before {
				t.Fatalf("%s : lire %s a écrit dans la base (data_version %d puis %d)", who, p, before, v)
			}
		})
		total += len(pages)
		if len(pages) < 5 {
			t.Errorf("%s : %d pages lues seulement (%q)", who, len(pages), pages)
		}
		// The live evaluations' pages are among those read.
		want := map[string][]string{"responsable": {"/epreuves/", "/groupes"}, "evaluateur1": {"/epreuves/passages/"}, "apprenant01": {"/convocation"}}[who]
		for _, w := range want {
			if !slices.ContainsFunc(pages, func(p string) bool { return strings.Contains(p, w) }) {
				t.Errorf("%s : aucune page %q lue", who, w)
			}
		}
	}
	if after := dataVersion(t, conn); after != before {
		t.Fatalf("lire %d pages a écrit dans la base (data_version %d puis %d)", total, before, after)
	}
	if env.Platform.Batch.Pending() == 0 {
		t.Fatal("aucune lecture à journaliser en attente : le personnel a pourtant lu des données d'apprenants")
	}
	if err := env.Platform.Batch.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if dataVersion(t, conn) == before {
		t.Fatal("le lot des lectures n'a rien écrit")
	}
	if n := reads(); n <= readsBefore {
		t.Fatalf("lectures journalisées : %d avant, %d après le lot", readsBefore, n)
	}
	t.Logf("%d pages lues sans écriture ; %d lectures journalisées par lot", total, reads()-readsBefore)
}

// A session in use is kept alive without a write in the request: its idle
// expiry is pushed back through the batch, at most once a minute.
func TestSessionTouchedThroughBatch(t *testing.T) {
	t.Parallel()
	env := testenv.StartWith(t, app.Options{Demo: true, BatchInterval: time.Hour})
	ctx := context.Background()
	c := env.NewClient()
	c.Login("apprenant05", "demo")
	u, _ := url.Parse(env.URL)
	var sid string
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "casp_session" {
			sid = ck.Value
		}
	}
	expiry := func() int64 {
		var at int64
		if err := env.Platform.DB.Read.QueryRow(`SELECT expires_at FROM sessions WHERE k=?`, sid).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if err := env.Platform.Batch.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Just signed in: nothing to push back.
	c.Get("/portfolio")
	if n := env.Platform.Batch.Pending(); n != 0 {
		t.Fatalf("%d écriture(s) en attente juste après la connexion", n)
	}
	// Twenty minutes later (the expiry brought forward in the database):
	// the next page queues the push, once, and writes nothing itself.
	soon := time.Now().Add(10 * time.Minute).Unix()
	if _, err := env.Platform.DB.Write.Exec(`UPDATE sessions SET expires_at=? WHERE k=?`, soon, sid); err != nil {
		t.Fatal(err)
	}
	if r := c.Get("/portfolio"); r.Status != http.StatusOK {
		t.Fatalf("portfolio : statut %d", r.Status)
	}
	if expiry() != soon || env.Platform.Batch.Pending() != 1 {
		t.Fatalf("expiration %d (attendu %d inchangée), %d écriture(s) en attente", expiry(), soon, env.Platform.Batch.Pending())
	}
	if err := env.Platform.Batch.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := expiry(), time.Now().Add(server.DefaultIdleTimeout).Unix(); got < want-5 || got > want+5 {
		t.Fatalf("expiration après le lot : %d, attendu ≈ %d", got, want)
	}
}
