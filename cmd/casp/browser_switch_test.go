package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Without a browser, the browser tests skip with one line saying how to run
// them; with CASP_REQUIRE_BROWSER=1 (CI) they fail instead.
func TestMissingBrowserSkipsOrFails(t *testing.T) {
	t.Parallel()
	why := errors.New("chromium introuvable")
	skip, err := missingBrowser(why, false, false)
	if err != nil || !strings.Contains(skip, "apt-get install chromium") || strings.Contains(skip, "\n") {
		t.Fatalf("sans navigateur : saut %q, erreur %v", skip, err)
	}
	skip, err = missingBrowser(why, true, false)
	if skip != "" || err == nil || !strings.Contains(err.Error(), "CASP_REQUIRE_BROWSER=1") {
		t.Fatalf("navigateur exigé : saut %q, erreur %v", skip, err)
	}
	if skip, err = missingBrowser(why, true, true); err == nil {
		t.Fatalf("CASP_REQUIRE_BROWSER=1 doit l'emporter sur CASP_SKIP_BROWSER=1 (saut %q)", skip)
	}
}

// The same switch, end to end: this test binary, run again on one browser
// test with a browser that does not exist.
func TestBrowserSwitchEndToEnd(t *testing.T) {
	t.Parallel()
	if os.Getenv("CASP_SWITCH_CHILD") == "1" {
		t.Skip("exécution enfant")
	}
	run := func(require string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestBrowserForbidden$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "CASP_SWITCH_CHILD=1", "CASP_CHROMIUM=/nonexistent/chromium",
			"CASP_REQUIRE_BROWSER="+require, "CASP_SKIP_BROWSER=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP: TestBrowserForbidden") || !strings.Contains(out, "apt-get install chromium") {
		t.Fatalf("sans navigateur, le test devrait être sauté (%v) :\n%s", err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "--- FAIL: TestBrowserForbidden") {
		t.Fatalf("avec CASP_REQUIRE_BROWSER=1, le test devrait échouer (%v) :\n%s", err, out)
	}
}
