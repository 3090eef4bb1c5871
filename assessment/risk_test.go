package assessment

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/internal/french"
)

// Hand-worked risk flags: covers = acquired + pending; the median of
// {0, 3, 8, 10, 12} is 8, so under 4 is "very low".
func TestFlagRisks(t *testing.T) {
	rows := []HeatRow{
		{Name: "a", Acquired: 0},               // cover 0 < 4: low
		{Name: "b", Acquired: 2, Pending: 1},   // cover 3 < 4: low
		{Name: "c", Acquired: 8},               // fine
		{Name: "d", Acquired: 9, Pending: 1},   // returned twice
		{Name: "e", Acquired: 12, Returned: 1}, // one return is not a risk; deadline past
	}
	rows[3].Returned = 2
	nov14 := time.Date(2026, 11, 14, 0, 0, 0, 0, french.Paris)
	overdue := [][]missedDeadline{nil, nil, nil, nil, {{"Guide d'entretien", nov14}}}
	flagRisks(rows, overdue)
	want := map[string]string{
		"a": "0 capacités acquises ou en évaluation, moins de la moitié de la médiane de la promotion (8)",
		"b": "3 capacités acquises ou en évaluation, moins de la moitié de la médiane de la promotion (8)",
		"c": "",
		"d": "une pièce renvoyée 2 fois",
		"e": "échéance du 14 novembre 2026 dépassée sans dépôt : Guide d'entretien",
	}
	for _, r := range rows {
		if got := strings.Join(r.Reasons, " | "); got != want[r.Name] || r.AtRisk != (want[r.Name] != "") {
			t.Errorf("%s : %q (à risque %v), attendu %q", r.Name, got, r.AtRisk, want[r.Name])
		}
	}
	// A cohort that has barely started (median under 4) is not compared.
	early := []HeatRow{{Name: "x"}, {Name: "y", Acquired: 3}, {Name: "z", Acquired: 3}}
	flagRisks(early, nil)
	for _, r := range early {
		if r.AtRisk {
			t.Errorf("%s signalé en début de formation : %v", r.Name, r.Reasons)
		}
	}
}

func TestNameKeyFrenchOrder(t *testing.T) {
	names := []string{"Zoé Martin", "Élodie Bernard", "éric Adam", "Eva Durand", "Émile Blanc", "anne Roy"}
	slices.SortStableFunc(names, func(a, b string) int { return bytes.Compare(french.Key(a), french.Key(b)) })
	want := []string{"anne Roy", "Élodie Bernard", "Émile Blanc", "éric Adam", "Eva Durand", "Zoé Martin"}
	if !slices.Equal(names, want) {
		t.Fatalf("ordre %v, attendu %v", names, want)
	}
}
