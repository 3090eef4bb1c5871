package views

import (
	"html/template"
	"testing"
)

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
		"appointmentStatus", "partnerName", "styleLabel", "typologyLabel", "mobilisationLabel", "moveLabel", "slotLabel", "serviceType", "dateISO", "kindLabel", "dayLabel", "halfLabel"} {
		stubFuncs[name] = func(string) string { return "" }
	}
	stubFuncs["appointmentStatuses"] = func() map[string]string { return nil }
	stubFuncs["productions"] = func() map[string]any { return nil }
	stubFuncs["styleOrder"] = func() []string { return nil }
	stubFuncs["clockLabel"] = func(int) string { return "" }
}
