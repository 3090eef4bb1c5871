// Package testenv starts a real casp platform for tests: a SQLite file in
// t.TempDir(), the same wiring as `casp serve`, and an HTTP listener on a
// loopback port, with a client that keeps cookies like a browser.
package testenv

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app"
)

// Test binaries that start platforms (server, cmd/casp, cmd/charge)
// collect garbage four times less often than the default, unless GOGC is
// set: their heaps stay small next to the machine, and the collector was a
// third of the server package's CPU (measured: 23 CPU-s, 16 with 400).
func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// Env is a running platform.
type Env struct {
	URL      string
	Platform *app.Platform
	t        testing.TB
}

// Start runs a platform until the test ends. demo seeds the demo data.
func Start(t testing.TB, demo bool) *Env {
	t.Helper()
	return StartWith(t, app.Options{Demo: demo})
}

// StartWith runs a platform with options; the database is always a fresh
// file in t.TempDir(), hashed with cheap argon2id parameters. With Demo, it
// is a copy of a demo database seeded once per test binary.
func StartWith(t testing.TB, o app.Options) *Env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	o.DBPath = filepath.Join(t.TempDir(), "casp.db")
	o.TestHashing = true
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Demo {
		b, err := DemoDatabase()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(o.DBPath, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, err := app.New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := p.Server.App().Listener(ln); err != nil {
			t.Log(err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = p.Server.App().ShutdownWithTimeout(5 * time.Second)
		// A test that sent no request may end before the server started to
		// serve: the shutdown then finds nothing to stop, and the listener
		// closed here ends the serving instead of leaving it waiting.
		_ = ln.Close()
		<-done
		_ = p.Close()
	})
	return &Env{URL: "http://" + ln.Addr().String(), Platform: p, t: t}
}

var demoOnce struct {
	sync.Once
	db  []byte
	err error
}

// DemoDatabase is the demo database, seeded once per test binary (with cheap
// hashing) and kept in memory: each test writes its own copy. The demo has no
// attachment files.
func DemoDatabase() ([]byte, error) {
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "casp-demo-")
		if err != nil {
			demoOnce.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "casp.db")
		p, err := app.New(context.Background(), app.Options{DBPath: path, Demo: true, TestHashing: true,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			demoOnce.err = err
			return
		}
		// A checkpoint folds the WAL into the file, which alone is copied.
		if _, err := p.DB.Write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			p.Close()
			demoOnce.err = err
			return
		}
		if demoOnce.err = p.Close(); demoOnce.err != nil {
			return
		}
		if entries, _ := os.ReadDir(app.FilesDir(path)); len(entries) > 0 {
			demoOnce.err = errors.New("la démo a des pièces jointes : testenv doit aussi copier leur dossier")
			return
		}
		demoOnce.db, demoOnce.err = os.ReadFile(path)
	})
	return demoOnce.db, demoOnce.err
}

// Client is a cookie-keeping HTTP client that does not follow redirects,
// so tests see each 303.
type Client struct {
	HTTP *http.Client
	env  *Env
}

// NewClient returns a fresh visitor.
func (e *Env) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{env: e, HTTP: &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: plain,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// plain is the clients' transport: it asks for no compression, which the
// server then skips (a CPU cost on every page of every test; compression
// itself is checked with explicit headers).
var plain = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	t.MaxIdleConnsPerHost = 32
	return t
}()

// AcceptCompressed makes c ask for brotli or gzip, as a browser does, and
// leave what it receives compressed (load runs: what a client gets).
func (c *Client) AcceptCompressed() { c.HTTP.Transport = acceptEncoding{c.HTTP.Transport} }

type acceptEncoding struct{ rt http.RoundTripper }

func (a acceptEncoding) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept-Encoding", "br, gzip")
	return a.rt.RoundTrip(r)
}

// NewClientFrom returns a visitor whose connections leave from another
// loopback address (127.0.0.2…): another person, for per-address rules.
func (e *Env) NewClientFrom(ip string) *Client {
	c := e.NewClient()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c.HTTP.Transport = &http.Transport{DialContext: d.DialContext, DisableCompression: true}
	return c
}

// Response is a read response.
type Response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

// Get fetches a path.
func (c *Client) Get(path string) Response {
	c.env.t.Helper()
	resp, err := c.HTTP.Get(c.env.URL + path)
	if err != nil {
		c.env.t.Fatal(err)
	}
	return read(c.env.t, resp)
}

// BaseURL is the server's address.
func (c *Client) BaseURL() string { return c.env.URL }

// Do sends a prepared request.
func (c *Client) Do(req *http.Request) Response {
	c.env.t.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.env.t.Fatal(err)
	}
	return read(c.env.t, resp)
}

// Post sends a form as is (add "_csrf" yourself, or use Submit).
func (c *Client) Post(path string, form url.Values) Response {
	c.env.t.Helper()
	resp, err := c.HTTP.PostForm(c.env.URL+path, form)
	if err != nil {
		c.env.t.Fatal(err)
	}
	return read(c.env.t, resp)
}

// Submit loads the page holding the form, takes its CSRF token, and posts.
func (c *Client) Submit(formPage, action string, form url.Values) Response {
	c.env.t.Helper()
	page := c.Get(formPage)
	tok := CSRFToken(page.Body)
	if tok == "" {
		c.env.t.Fatalf("pas de jeton CSRF sur %s (statut %d)", formPage, page.Status)
	}
	form.Set("_csrf", tok)
	return c.Post(action, form)
}

// Login signs in and fails the test if it does not work.
func (c *Client) Login(login, password string) {
	c.env.t.Helper()
	r := c.Submit("/connexion", "/connexion", url.Values{"login": {login}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.env.t.Fatalf("connexion de %s : statut %d, attendu 303", login, r.Status)
	}
}

func read(t testing.TB, resp *http.Response) Response {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Body: string(b), Header: resp.Header, Location: resp.Header.Get("Location")}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRFToken extracts the first CSRF token of a page.
func CSRFToken(html string) string {
	m := csrfRe.FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	return m[1]
}

// Text strips tags and entities from HTML and turns no-break spaces into
// spaces, for assertions on what a reader sees.
func Text(page string) string {
	s := html.UnescapeString(tagRe.ReplaceAllString(page, " "))
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

var tagRe = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]+>`)

// AuditLog reads the audit log once the entries that reads queue (see
// account.Service.AuditLater) are committed.
func (e *Env) AuditLog(ctx context.Context, f account.AuditFilter) ([]account.Entry, error) {
	if err := e.Platform.Accounts.FlushAudit(ctx); err != nil {
		return nil, err
	}
	return e.Platform.Accounts.AuditLog(ctx, f)
}
