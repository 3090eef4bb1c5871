// Command charge measures pages under load, as the README reports them:
// several signed-in clients ask for the same pages for a while, gzip
// accepted (not decoded: what a browser receives), and it prints, page by
// page, requests per second and the 50th and 99th latency percentiles.
//
//	go run ./cmd/charge -login chef -password '…' -c 16 -d 5s /healthz '/promotions/1/couverture?page={page}'
//
// {page} in an address runs through 1 to 20. It needs nothing but the
// standard library, so that it measures the server and not its own tools.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "charge :", err)
		os.Exit(1)
	}
}

// Result is one page's measure.
type Result struct {
	Path          string
	Requests      int
	PerSecond     float64
	P50, P99      time.Duration
	BytesPerReply float64
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("charge", flag.ContinueOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "adresse du serveur")
	login := fs.String("login", "", "identifiant (vide : sans connexion)")
	password := fs.String("password", "", "mot de passe")
	clients := fs.Int("c", 16, "clients simultanés")
	dur := fs.Duration("d", 5*time.Second, "durée par page")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("aucune page à mesurer")
	}
	rs, err := measure(*base, *login, *password, *clients, *dur, fs.Args())
	for _, r := range rs {
		fmt.Fprintf(out, "%-50s %8.0f req/s  p50 %6.1f ms  p99 %6.1f ms  %7.0f o/réponse\n", r.Path, r.PerSecond,
			ms(r.P50), ms(r.P99), r.BytesPerReply)
	}
	return err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// measure signs in each client, then runs the pages one after the other.
func measure(base, login, password string, clients int, dur time.Duration, paths []string) ([]Result, error) {
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: clients * 2}
	defer tr.CloseIdleConnections()
	cs := make([]*http.Client, clients)
	for i := range cs {
		jar, _ := cookiejar.New(nil)
		cs[i] = &http.Client{Jar: jar, Transport: tr, Timeout: time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if login == "" {
			continue
		}
		r, err := cs[i].Get(base + "/connexion")
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		m := csrfField.FindSubmatch(b)
		if m == nil {
			return nil, errors.New("pas de jeton CSRF sur /connexion")
		}
		r, err = cs[i].PostForm(base+"/connexion", url.Values{"_csrf": {string(m[1])}, "login": {login}, "password": {password}})
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		if r.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("connexion refusée (statut %d)", r.StatusCode)
		}
	}
	var out []Result
	for _, p := range paths {
		var mu sync.Mutex
		var lat []time.Duration
		var bytes int64
		var failed error
		var wg sync.WaitGroup
		began := time.Now()
		stop := began.Add(dur)
		for w, c := range cs {
			wg.Go(func() {
				for i := 0; time.Now().Before(stop); i++ {
					path := strings.ReplaceAll(p, "{page}", strconv.Itoa(1+(w*7+i)%20))
					req, _ := http.NewRequest(http.MethodGet, base+path, nil)
					req.Header.Set("Accept-Encoding", "br, gzip")
					t := time.Now()
					r, err := c.Do(req)
					if err == nil {
						var n int64
						n, err = io.Copy(io.Discard, r.Body)
						r.Body.Close()
						if err == nil && r.StatusCode != http.StatusOK {
							err = fmt.Errorf("%s : statut %d", path, r.StatusCode)
						}
						mu.Lock()
						bytes += n
						mu.Unlock()
					}
					d := time.Since(t)
					mu.Lock()
					if err != nil {
						failed = err
						mu.Unlock()
						return
					}
					lat = append(lat, d)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if failed != nil {
			return out, failed
		}
		if len(lat) == 0 {
			return out, fmt.Errorf("%s : aucune réponse en %s", p, dur)
		}
		slices.Sort(lat)
		out = append(out, Result{Path: p, Requests: len(lat), PerSecond: float64(len(lat)) / time.Since(began).Seconds(),
			P50: lat[len(lat)/2], P99: lat[len(lat)*99/100], BytesPerReply: float64(bytes) / float64(len(lat))})
	}
	return out, nil
}
