package assessment

import (
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/referentiel"
)

func g(role GradingRole, state MarkingState, decision Decision, levels map[string]int, at int) Grading {
	sc := map[string]Score{}
	for c, l := range levels {
		sc[c] = Score{Level: l}
	}
	return Grading{Role: role, State: state, Decision: decision, Scores: sc, ReleasedAt: time.Unix(int64(at), 0), Feedback: string(role)}
}

func TestResolveSingleMarking(t *testing.T) {
	o := resolve([]Grading{g(Single, Ready, Validated, map[string]int{"a": 2}, 0)}, singleMarking, 2)
	if o.result != nil || !o.started {
		t.Fatal("une évaluation prête mais non publiée ne donne pas de résultat")
	}
	o = resolve([]Grading{g(Single, Released, ToRework, map[string]int{"a": 1}, 1)}, singleMarking, 2)
	if o.result == nil || o.result.Decision != ToRework || o.result.Levels["a"] != 1 {
		t.Fatalf("résultat simple : %+v", o.result)
	}
}

func TestResolveDoubleMarking(t *testing.T) {
	first := g(First, Released, Validated, map[string]int{"a": 3, "b": 2}, 1)
	second := g(Second, Released, Validated, map[string]int{"a": 2, "b": 2}, 2)
	if o := resolve([]Grading{first}, doubleMarking, 2); o.result != nil {
		t.Fatal("une seule correction publiée ne suffit pas en double correction")
	}
	o := resolve([]Grading{first, second}, doubleMarking, 2)
	if o.result == nil || !o.result.Merged || o.result.Levels["a"] != 2 || len(o.result.Feedback) != 2 {
		t.Fatalf("corrections concordantes : %+v", o.result)
	}
	far := g(Second, Released, Validated, map[string]int{"a": 1, "b": 2}, 2)
	o = resolve([]Grading{first, far}, doubleMarking, 2)
	if o.result != nil || !o.moderation || strings.Join(o.disagree, ",") != "a" {
		t.Fatalf("écart de deux niveaux : arbitrage attendu, obtenu %+v", o)
	}
	// A threshold of 3 tolerates the same gap.
	if o := resolve([]Grading{first, far}, doubleMarking, 3); o.result == nil {
		t.Fatal("seuil à 3 : pas d'arbitrage attendu")
	}
	decision := g(Second, Released, ToRework, map[string]int{"a": 3, "b": 2}, 2)
	if o := resolve([]Grading{first, decision}, doubleMarking, 2); !o.moderation {
		t.Fatal("décisions différentes : arbitrage attendu")
	}
	third := g(Third, Released, ToRework, map[string]int{"a": 1, "b": 1}, 3)
	o = resolve([]Grading{first, far, third}, doubleMarking, 2)
	if o.result == nil || o.result.Decision != ToRework || o.result.Levels["a"] != 1 {
		t.Fatalf("l'arbitrage fixe le résultat : %+v", o.result)
	}
	fix := g(Rectification, Released, Validated, map[string]int{"a": 3, "b": 3}, 4)
	if o := resolve([]Grading{first, far, third, fix}, doubleMarking, 2); o.result.Decision != Validated || o.result.Levels["b"] != 3 {
		t.Fatal("une rectification publiée remplace le résultat")
	}
}

// Hand-worked acquisition fixtures: the capacity has criteria c1 and c2,
// the pass level is 2 (« Acquis »).
func TestLatestValidatedRule(t *testing.T) {
	rule := LatestValidatedRule{}
	crit := []string{"c1", "c2"}
	cases := []struct {
		name     string
		evidence []Evidence
		want     bool
	}{
		{"aucune preuve", nil, false},
		{"les deux critères acquis", []Evidence{{Decision: Validated, Levels: map[string]int{"c1": 2, "c2": 3}}}, true},
		{"un critère en cours", []Evidence{{Decision: Validated, Levels: map[string]int{"c1": 2, "c2": 1}}}, false},
		{"une pièce suffit", []Evidence{{Decision: ToRework, Levels: map[string]int{"c1": 1, "c2": 1}}, {Decision: Validated, Levels: map[string]int{"c1": 3, "c2": 2}}}, true},
		{"critères répartis sur deux pièces", []Evidence{{Decision: Validated, Levels: map[string]int{"c1": 2, "c2": 0}}, {Decision: Validated, Levels: map[string]int{"c1": 0, "c2": 2}}}, false},
		{"seul le critère demandé compte", []Evidence{{Decision: Validated, Levels: map[string]int{"c1": 2}}}, true},
		{"aucun critère de la capacité évalué", []Evidence{{Decision: Validated, Levels: map[string]int{"x": 3}}}, false},
		// The hole this rule closes: levels all at the pass level, but the
		// piece was returned « à retravailler » (or not validated).
		{"à retravailler, niveaux acquis", []Evidence{{Decision: ToRework, Levels: map[string]int{"c1": 2, "c2": 2}}}, false},
		{"non validée, niveaux maîtrisés", []Evidence{{Decision: NotValidated, Levels: map[string]int{"c1": 3, "c2": 3}}}, false},
		{"écrit validé, soutenance à venir", []Evidence{{Decision: Validated, Awaiting: "l'épreuve orale", Levels: map[string]int{"c1": 3, "c2": 3}}}, false},
	}
	for _, tc := range cases {
		if got := rule.Acquired(crit, 2, tc.evidence); got != tc.want {
			t.Errorf("%s : %v, attendu %v", tc.name, got, tc.want)
		}
	}
	if txt := rule.Text("Acquis"); !strings.Contains(txt, "« Acquis »") || !strings.Contains(txt, "À retravailler") || !strings.Contains(txt, "soutenance") {
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
	cp.Evidence = []Evidence{{Decision: Validated, Levels: map[string]int{"c": 2}}}
	if s := capacityState(cp, 2); s != CapAcquired {
		t.Fatalf("acquise : %s", s)
	}
	// Returned for rework with every level at the pass level: evaluated,
	// not acquired.
	cp = CapacityProgress{Criteria: []string{"c"}, Pieces: []Piece{{Status: Rework}}, Evidence: []Evidence{{Decision: ToRework, Levels: map[string]int{"c": 2}}}}
	if s := capacityState(cp, 2); s != CapRework {
		t.Fatalf("à retravailler aux niveaux acquis : %s", s)
	}
	// The written half validated, its soutenance not passed yet: pending.
	cp = CapacityProgress{Criteria: []string{"c"}, Pieces: []Piece{{Status: Graded}}, Evidence: []Evidence{{Decision: Validated, Awaiting: "l'épreuve orale", Levels: map[string]int{"c": 3}}}}
	if s := capacityState(cp, 2); s != CapPending {
		t.Fatalf("écrit sans sa soutenance : %s", s)
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

// Hand-worked: the report and its soutenance on a capacity of 3.6 (one
// evaluation, 3.6/mod/1), with the real framework. Levels: pass is 2.
func TestJointReportAndSoutenance(t *testing.T) {
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	fw := cat.Default()
	const capa = "3.6/cap/1"
	report := Evidence{PieceID: 10, KindID: "rapport-experience-professionnelle", Decision: Validated,
		Levels: map[string]int{"3.6/crit/1": 3, "3.6/crit/2": 2}, Released: time.Unix(100, 0)}
	oral := Evidence{PieceID: 20, KindID: "soutenance-rapport-experience", WrittenPieceID: 10, Decision: Validated,
		Levels: map[string]int{"3.6/crit/1": 2, "3.6/crit/2": 3}, Released: time.Unix(200, 0)}
	crit := []string{"3.6/crit/1", "3.6/crit/2"}
	rule := LatestValidatedRule{}

	// The report alone: awaiting its soutenance, not acquired.
	ev := joint(fw, capa, []Evidence{report})
	if len(ev) != 1 || !strings.Contains(ev[0].Awaiting, "Soutenance du rapport") || rule.Acquired(crit, 2, ev) {
		t.Fatalf("rapport seul : %+v", ev)
	}
	// The soutenance alone: awaiting the written report.
	if ev := joint(fw, capa, []Evidence{oral}); len(ev) != 1 || ev[0].Awaiting != "l'écrit" || rule.Acquired(crit, 2, ev) {
		t.Fatalf("soutenance seule : %+v", ev)
	}
	// Both: one evidence, the lower level per criterion (2 and 2), acquired.
	ev = joint(fw, capa, []Evidence{report, oral})
	if len(ev) != 1 || ev[0].Awaiting != "" || len(ev[0].Parts) != 2 || ev[0].Levels["3.6/crit/1"] != 2 || ev[0].Levels["3.6/crit/2"] != 2 {
		t.Fatalf("rapport et soutenance : %+v", ev)
	}
	if !rule.Acquired(crit, 2, ev) {
		t.Fatal("rapport et soutenance validés aux niveaux acquis : capacité acquise")
	}
	// A soutenance under the pass level on one criterion: the pair fails.
	weak := oral
	weak.Levels = map[string]int{"3.6/crit/1": 1, "3.6/crit/2": 3}
	if ev := joint(fw, capa, []Evidence{report, weak}); rule.Acquired(crit, 2, ev) || ev[0].Levels["3.6/crit/1"] != 1 {
		t.Fatalf("soutenance insuffisante : %+v", ev)
	}
	// The report returned for rework: the pair is not validated, whatever
	// the levels.
	rework := report
	rework.Decision = ToRework
	if ev := joint(fw, capa, []Evidence{rework, oral}); rule.Acquired(crit, 2, ev) || ev[0].Decision != ToRework {
		t.Fatalf("rapport à retravailler : %+v", ev)
	}
	// The soutenance is paired with the report its slot names, not another.
	other := report
	other.PieceID = 11
	other.Decision = NotValidated
	if ev := joint(fw, capa, []Evidence{other, report, oral}); len(ev) != 2 || !rule.Acquired(crit, 2, ev) {
		t.Fatalf("deux rapports : %+v", ev)
	}
	// On 3.2 the report stands alone (3.2/mod/1 has no oral).
	alone := report
	alone.Levels = map[string]int{"3.2/crit/1": 2}
	if ev := joint(fw, "3.2/cap/1", []Evidence{alone}); ev[0].Awaiting != "" {
		t.Fatalf("3.2 : le rapport suffit, %+v", ev)
	}
	// A mise en situation has no written half.
	mes := Evidence{KindID: "mise-en-situation-entretien", Decision: Validated, Levels: map[string]int{"1.4/crit/1": 2}}
	if ev := joint(fw, "1.4/cap/1", []Evidence{mes}); ev[0].Awaiting != "" {
		t.Fatalf("mise en situation : %+v", ev)
	}
}

// Absence: an absent candidate has no result, so the capacity is not
// failed — it stays where it was (to cover, or pending on another piece).
func TestAbsenceIsNotAFail(t *testing.T) {
	cp := CapacityProgress{Criteria: []string{"c"}}
	if s := capacityState(cp, 2); s != CapMissing {
		t.Fatalf("absent à l'épreuve, sans autre pièce : %s", s)
	}
}

// Hand-worked: a mark becomes a level (scale of four, pass level 2 « Acquis »).
func TestMarkLevel(t *testing.T) {
	st := Settings{Levels: []string{"Non acquis", "En cours d'acquisition", "Acquis", "Maîtrisé"}, PassLevel: 2}
	for _, c := range []struct {
		mark, pass float64
		want       int
	}{{16, 10, 3}, {15.5, 10, 2}, {10, 10, 2}, {9.99, 10, 1}, {5, 10, 1}, {4.5, 10, 0}, {0, 10, 0}, {17, 18, 1}, {12, 12, 2}} {
		if got := MarkLevel(st, c.mark, c.pass, 20); got != c.want {
			t.Errorf("note %v, barre %v : niveau %d, attendu %d", c.mark, c.pass, got, c.want)
		}
	}
	for in, ok := range map[string]bool{"12,5": true, "12.5": true, " 20 ": true, "0": true, "20,5": false, "-1": false, "douze": false, "12,345": false, "NaN": false} {
		if _, err := ParseMark(in); (err == nil) != ok {
			t.Errorf("note %q : erreur %v", in, err)
		}
	}
	if !strings.Contains(ConversionText(st, 10), "« Acquis » à partir de la barre (10/20)") {
		t.Error(ConversionText(st, 10))
	}
}

func TestParseExamCSV(t *testing.T) {
	se := Session{Slots: []Slot{{ID: 1, Login: "apprenant01", Learner: "Léa Moreau"}, {ID: 2, Login: "apprenant02", Learner: "Yanis Petit"}}}
	lines, err := ParseExamCSV(strings.NewReader("\ufeffidentifiant;note;commentaire\napprenant01;12,5;Bien\r\nyanis petit;douze;\ninconnu;10;\nAPPRENANT01;8;\n\n"), se)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lignes : %+v", len(lines), lines)
	}
	if l := lines[0]; l.SlotID != 1 || l.Mark != "12,5" || l.Comment != "Bien" || l.Problem != "" || l.Line != 2 {
		t.Errorf("ligne 2 : %+v", l)
	}
	if l := lines[1]; l.SlotID != 2 || !strings.Contains(l.Problem, "Note illisible") {
		t.Errorf("nom sans accents ni majuscules, note illisible : %+v", l)
	}
	if l := lines[2]; l.SlotID != 0 || !strings.Contains(l.Problem, "Aucun candidat") {
		t.Errorf("inconnu : %+v", l)
	}
	if l := lines[3]; l.SlotID != 0 || !strings.Contains(l.Problem, "déjà présent ligne 2") {
		t.Errorf("doublon : %+v", l)
	}
	if _, err := ParseExamCSV(strings.NewReader("apprenant01,14,Très bien\n"), se); err != nil {
		t.Errorf("séparateur virgule : %v", err)
	}
	if _, err := ParseExamCSV(strings.NewReader("\n\n"), se); err == nil {
		t.Error("fichier vide accepté")
	}
}

// Hand-worked: a collective enquiry report (3.4): the group's collective
// part and a member's individual part make one result; each alone awaits
// the other; a member who left has only their individual part.
func TestJointCollective(t *testing.T) {
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	fw := cat.Default()
	const capa = "3.4/cap/1"
	crit := []string{"3.4/crit/1"}
	rule := LatestValidatedRule{}
	group := Evidence{PieceID: 30, KindID: "rapport-enquete", GroupID: 7, Title: "Enquête collective", Decision: Validated, Levels: map[string]int{"3.4/crit/1": 3}}
	mine := Evidence{PieceID: 31, KindID: "rapport-enquete", PartOf: 30, Decision: Validated, Levels: map[string]int{"3.4/crit/1": 2}}
	ev := joint(fw, capa, []Evidence{group, mine})
	if len(ev) != 1 || !ev[0].Collective || ev[0].Levels["3.4/crit/1"] != 2 || !rule.Acquired(crit, 2, ev) || !strings.Contains(ev[0].Note(), "partie collective") {
		t.Fatalf("les deux parties validées : %+v", ev)
	}
	weak := mine
	weak.Levels = map[string]int{"3.4/crit/1": 1}
	if ev := joint(fw, capa, []Evidence{group, weak}); rule.Acquired(crit, 2, ev) || ev[0].Levels["3.4/crit/1"] != 1 {
		t.Fatalf("partie individuelle insuffisante : %+v", ev)
	}
	rework := group
	rework.Decision = ToRework
	if ev := joint(fw, capa, []Evidence{rework, mine}); rule.Acquired(crit, 2, ev) || ev[0].Decision != ToRework {
		t.Fatalf("partie collective à retravailler : %+v", ev)
	}
	if ev := joint(fw, capa, []Evidence{group}); rule.Acquired(crit, 2, ev) || ev[0].Awaiting == "" {
		t.Fatalf("partie collective seule : %+v", ev)
	}
	// A member who left: their individual part is theirs, alone.
	if ev := joint(fw, capa, []Evidence{mine}); len(ev) != 1 || rule.Acquired(crit, 2, ev) || !strings.Contains(ev[0].Note(), "en attente de la partie collective") {
		t.Fatalf("membre parti : %+v", ev)
	}
	// An individual report of the same kind, outside any group, stands alone.
	alone := Evidence{PieceID: 40, KindID: "rapport-enquete", Decision: Validated, Levels: map[string]int{"3.4/crit/1": 2}}
	if ev := joint(fw, capa, []Evidence{alone}); !rule.Acquired(crit, 2, ev) {
		t.Fatalf("rapport individuel : %+v", ev)
	}
}
