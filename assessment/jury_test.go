package assessment

import (
	"os"
	"slices"
	"testing"

	"github.com/casp-cnam/casp/referentiel"
)

// Hand-worked proposals on the mini framework: activity 1 has three
// capacities (1.1/cap/1, 1.1/cap/2 and its child 1.1/cap/2/1), activity 2
// has two (2.1/cap/1, 2.1/cap/2); the bloc « accueil » is 1.1/cap/1 alone.
func TestProposeHandWorked(t *testing.T) {
	cat, err := referentiel.LoadFS(os.DirFS("../referentiel/testdata"), "fixture")
	if err != nil {
		t.Fatal(err)
	}
	fw := cat.Default()
	all := []string{"1.1/cap/1", "1.1/cap/2", "1.1/cap/2/1", "2.1/cap/1", "2.1/cap/2"}
	cases := []struct {
		name      string
		acquired  []string
		outcome   Outcome
		validated []string
		counts    [2]int // acquired in activity 1, 2
		block     bool
	}{
		{"rien d'acquis", nil, OutcomeRefused, nil, [2]int{0, 0}, false},
		{"le bloc seul", []string{"1.1/cap/1"}, OutcomeRefused, nil, [2]int{1, 0}, true},
		{"la capacité parente sans son enfant", []string{"1.1/cap/1", "1.1/cap/2", "2.1/cap/1"}, OutcomeRefused, nil, [2]int{2, 1}, true},
		{"activité 1 entière", []string{"1.1/cap/1", "1.1/cap/2", "1.1/cap/2/1", "2.1/cap/2"}, OutcomePartial, []string{"1"}, [2]int{3, 1}, true},
		{"activité 2 entière", []string{"2.1/cap/1", "2.1/cap/2"}, OutcomePartial, []string{"2"}, [2]int{0, 2}, false},
		{"tout", all, OutcomeFull, []string{"1", "2"}, [2]int{3, 2}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Propose(fw, func(id string) bool { return slices.Contains(tc.acquired, id) })
			if p.Outcome != tc.outcome {
				t.Fatalf("proposition %q, attendu %q", p.Outcome, tc.outcome)
			}
			if got := p.Validated(); !slices.Equal(got, tc.validated) {
				t.Fatalf("activités validées %v, attendu %v", got, tc.validated)
			}
			if len(p.Activities) != 2 || p.Activities[0].Capacities != 3 || p.Activities[1].Capacities != 2 {
				t.Fatalf("capacités par activité : %+v", p.Activities)
			}
			if p.Activities[0].Acquired != tc.counts[0] || p.Activities[1].Acquired != tc.counts[1] {
				t.Fatalf("acquises %d/%d, attendu %v", p.Activities[0].Acquired, p.Activities[1].Acquired, tc.counts)
			}
			if len(p.Blocks) != 1 || p.Blocks[0].Validated != tc.block || p.Blocks[0].Capacities != 1 {
				t.Fatalf("bloc : %+v", p.Blocks)
			}
		})
	}
}
