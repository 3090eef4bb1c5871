package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// TestServeChild is `casp serve` run by TestSIGTERMKeepsQueuedAudit in a
// process of its own, so that it can be sent SIGTERM.
func TestServeChild(t *testing.T) {
	db, addr := os.Getenv("CASP_SERVE_CHILD_DB"), os.Getenv("CASP_SERVE_CHILD_ADDR")
	if db == "" {
		t.Skip("exécuté par TestSIGTERMKeepsQueuedAudit")
	}
	if err := run(context.Background(), []string{"serve", "--db", db, "--addr", addr}, strings.NewReader(""), io.Discard, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// The reads that are journaled wait for their batch (a second at most);
// SIGTERM, the graceful stop, commits them before the process ends: none is
// lost.
func TestSIGTERMKeepsQueuedAudit(t *testing.T) {
	t.Parallel()
	b, err := testenv.DemoDatabase()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "casp.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	child := exec.Command(os.Args[0], "-test.run", "^TestServeChild$", "-test.count=1")
	child.Env = append(os.Environ(), "CASP_SERVE_CHILD_DB="+path, "CASP_SERVE_CHILD_ADDR="+addr)
	var logs strings.Builder
	child.Stdout, child.Stderr = &logs, &logs
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	t.Cleanup(func() { child.Process.Kill() })

	base := "http://" + addr
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) (int, string) {
		resp, err := c.Get(base + p)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if st, _ := get("/healthz"); st == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("le serveur n'a pas démarré :\n%s", logs.String())
		}
	}
	_, page := get("/connexion")
	tok := testenv.CSRFToken(page)
	resp, err := c.PostForm(base+"/connexion", url.Values{"_csrf": {tok}, "login": {"admin"}, "password": {"demo"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("connexion : %v %v", resp, err)
	}
	resp.Body.Close()

	// Reads of others' data, each journaled, then SIGTERM at once.
	const reads = 7
	for range reads {
		if st, _ := get("/admin/comptes"); st != http.StatusOK {
			t.Fatalf("liste des comptes : statut %d", st)
		}
	}
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("arrêt : %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("le serveur ne s'est pas arrêté en 20 s après SIGTERM")
	}

	d, err := app.OpenDB(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	es, err := account.New(d).AuditLog(context.Background(), account.AuditFilter{Action: account.ActionRead, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.ActorLogin == "admin" && e.Target == "liste des comptes" {
			n++
		}
	}
	if n != reads {
		t.Fatalf("%d lectures journalisées après SIGTERM, %d faites", n, reads)
	}
}
