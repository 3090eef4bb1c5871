package assessment

import (
	"strings"
	"testing"
	"time"
)

func g(role GradingRole, state MarkingState, decision Decision, levels map[string]int, at int) Grading {
	sc := map[string]Score{}
	for c, l := range levels {
		sc[c] = Score{Level: l}
	}
	return Grading{Role: role, State: state, Decision: decision, Scores: sc, ReleasedAt: time.Unix(int64(at), 0), Feedback: string(role)}
}

func TestResolveSingleMarking(t *testing.T) {
	o := resolve([]Grading{g(Single, Ready, Validated, map[string]int{"a": 2}, 0)}, false, 2)
	if o.result != nil || !o.started {
		t.Fatal("une évaluation prête mais non publiée ne donne pas de résultat")
	}
	o = resolve([]Grading{g(Single, Released, ToRework, map[string]int{"a": 1}, 1)}, false, 2)
	if o.result == nil || o.result.Decision != ToRework || o.result.Levels["a"] != 1 {
		t.Fatalf("résultat simple : %+v", o.result)
	}
}

func TestResolveDoubleMarking(t *testing.T) {
	first := g(First, Released, Validated, map[string]int{"a": 3, "b": 2}, 1)
	second := g(Second, Released, Validated, map[string]int{"a": 2, "b": 2}, 2)
	if o := resolve([]Grading{first}, true, 2); o.result != nil {
		t.Fatal("une seule correction publiée ne suffit pas en double correction")
	}
	o := resolve([]Grading{first, second}, true, 2)
	if o.result == nil || !o.result.Merged || o.result.Levels["a"] != 2 || len(o.result.Feedback) != 2 {
		t.Fatalf("corrections concordantes : %+v", o.result)
	}
	far := g(Second, Released, Validated, map[string]int{"a": 1, "b": 2}, 2)
	o = resolve([]Grading{first, far}, true, 2)
	if o.result != nil || !o.moderation || strings.Join(o.disagree, ",") != "a" {
		t.Fatalf("écart de deux niveaux : arbitrage attendu, obtenu %+v", o)
	}
	// A threshold of 3 tolerates the same gap.
	if o := resolve([]Grading{first, far}, true, 3); o.result == nil {
		t.Fatal("seuil à 3 : pas d'arbitrage attendu")
	}
	decision := g(Second, Released, ToRework, map[string]int{"a": 3, "b": 2}, 2)
	if o := resolve([]Grading{first, decision}, true, 2); !o.moderation {
		t.Fatal("décisions différentes : arbitrage attendu")
	}
	third := g(Third, Released, ToRework, map[string]int{"a": 1, "b": 1}, 3)
	o = resolve([]Grading{first, far, third}, true, 2)
	if o.result == nil || o.result.Decision != ToRework || o.result.Levels["a"] != 1 {
		t.Fatalf("l'arbitrage fixe le résultat : %+v", o.result)
	}
	fix := g(Rectification, Released, Validated, map[string]int{"a": 3, "b": 3}, 4)
	if o := resolve([]Grading{first, far, third, fix}, true, 2); o.result.Decision != Validated || o.result.Levels["b"] != 3 {
		t.Fatal("une rectification publiée remplace le résultat")
	}
}

// Hand-worked acquisition fixtures: the capacity has criteria c1 and c2,
// the pass level is 2 (« Acquis »).
func TestLatestReleasedRule(t *testing.T) {
	rule := LatestReleasedRule{}
	crit := []string{"c1", "c2"}
	cases := []struct {
		name     string
		evidence []Evidence
		want     bool
	}{
		{"aucune preuve", nil, false},
		{"les deux critères acquis", []Evidence{{Levels: map[string]int{"c1": 2, "c2": 3}}}, true},
		{"un critère en cours", []Evidence{{Levels: map[string]int{"c1": 2, "c2": 1}}}, false},
		{"une pièce suffit", []Evidence{{Levels: map[string]int{"c1": 1, "c2": 1}}, {Levels: map[string]int{"c1": 3, "c2": 2}}}, true},
		{"critères répartis sur deux pièces", []Evidence{{Levels: map[string]int{"c1": 2, "c2": 0}}, {Levels: map[string]int{"c1": 0, "c2": 2}}}, false},
		{"seul le critère demandé compte", []Evidence{{Levels: map[string]int{"c1": 2}}}, true},
		{"aucun critère de la capacité évalué", []Evidence{{Levels: map[string]int{"x": 3}}}, false},
	}
	for _, tc := range cases {
		if got := rule.Acquired(crit, 2, tc.evidence); got != tc.want {
			t.Errorf("%s : %v, attendu %v", tc.name, got, tc.want)
		}
	}
	if !strings.Contains(rule.Text("Acquis"), "« Acquis »") {
		t.Error("l'énoncé de la règle doit citer le niveau")
	}
}

func TestCapacityState(t *testing.T) {
	cp := CapacityProgress{Criteria: []string{"c"}, Pieces: []Piece{{Status: Deposited}}}
	if s := capacityState(cp, 2); s != CapPending {
		t.Fatalf("pièce déposée : %s", s)
	}
	cp = CapacityProgress{Criteria: []string{"c"}, Pieces: []Piece{{Status: Rework}}, Evidence: []Evidence{{Levels: map[string]int{"c": 1}}}}
	if s := capacityState(cp, 2); s != CapRework {
		t.Fatalf("évaluée non acquise : %s", s)
	}
	cp.Evidence = []Evidence{{Levels: map[string]int{"c": 2}}}
	if s := capacityState(cp, 2); s != CapAcquired {
		t.Fatalf("acquise : %s", s)
	}
	if s := capacityState(CapacityProgress{}, 2); s != CapMissing {
		t.Fatalf("sans pièce : %s", s)
	}
}

// A version deposited after its deadline says by how many days, counted in
// Paris; on time, or without a deadline, nothing.
func TestQueueItemLateDays(t *testing.T) {
	due := time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		deposited time.Time
		due       time.Time
		want      int
	}{
		{time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC), due, 20},
		{time.Date(2026, 11, 14, 22, 30, 0, 0, time.UTC), due, 0}, // 23 h 30 in Paris, still the 14th
		{time.Date(2026, 11, 14, 23, 30, 0, 0, time.UTC), due, 1}, // 0 h 30 on the 15th in Paris
		{time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), due, 0},
		{time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC), time.Time{}, 0},
	} {
		if got := (QueueItem{DepositedAt: c.deposited, Due: c.due}).LateDays(); got != c.want {
			t.Errorf("déposée %s, échéance %s : %d jours de retard, attendu %d", c.deposited, c.due.Format(time.DateOnly), got, c.want)
		}
	}
}
