package views

import (
	"html/template"
	"testing"
	"time"
)

func TestFrenchDates(t *testing.T) {
	// 23:30 UTC on 24 November is already the 25th in Paris (UTC+1 in winter).
	late := time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC)
	if got := Date(late); got != "25 novembre 2026" {
		t.Errorf("Date = %q", got)
	}
	if got := DateTime(time.Date(2026, 7, 1, 12, 5, 0, 0, time.UTC)); got != "1er juillet 2026 à 14 h 05" {
		t.Errorf("DateTime été = %q", got)
	}
	if got := Date(time.Time{}); got != "—" {
		t.Errorf("date nulle = %q", got)
	}
}

func TestFrenchNumbers(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1234: "1\u202f234", 1234567: "1\u202f234\u202f567", -4500: "-4\u202f500"} {
		if got := Number(n); got != want {
			t.Errorf("Number(%d) = %q, attendu %q", n, got, want)
		}
	}
	if got := Plural(1, "tâche", "tâches"); got != "1\u00a0tâche" {
		t.Errorf("Plural(1) = %q", got)
	}
	if got := Plural(32, "tâche", "tâches"); got != "32\u00a0tâches" {
		t.Errorf("Plural(32) = %q", got)
	}
}

func TestAllPagesParse(t *testing.T) {
	r, err := New(stubFuncs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"login", "referentiel", "tache", "lacunes", "productions", "production", "error", "promotion", "home-visitor"} {
		if !r.Has(p) {
			t.Errorf("page %q absente", p)
		}
	}
}

// stubFuncs stand for the server's label functions so that pages parse.
var stubFuncs = template.FuncMap{}

func init() {
	for _, name := range []string{"themeLabel", "publicLabel", "domainLabel", "urgencyLabel", "referralStatus", "goalStatus", "actionStatus",
		"appointmentStatus", "partnerName"} {
		stubFuncs[name] = func(string) string { return "" }
	}
	stubFuncs["appointmentStatuses"] = func() map[string]string { return nil }
	stubFuncs["productions"] = func() map[string]any { return nil }
}
