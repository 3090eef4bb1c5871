package agreement

import (
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

const tol = 1e-9

func close(a, b float64) bool { return math.Abs(a-b) <= tol }

// pairs builds pairs from two parallel score lists.
func pairs(t *testing.T, as, bs []int) []Pair {
	t.Helper()
	if len(as) != len(bs) {
		t.Fatalf("listes de longueurs différentes : %d et %d", len(as), len(bs))
	}
	ps := make([]Pair, len(as))
	for i := range as {
		ps[i] = Pair{as[i], bs[i]}
	}
	return ps
}

// repeat appends n copies of the pair (a, b).
func repeat(ps []Pair, n, a, b int) []Pair {
	for range n {
		ps = append(ps, Pair{a, b})
	}
	return ps
}

func mustAgree(t *testing.T, ps []Pair, k int) Measure {
	t.Helper()
	a, err := Of(ps, k)
	if err != nil {
		t.Fatalf("Of : erreur inattendue : %v", err)
	}
	return a
}

// 1. Perfect agreement on varied levels (0..3 all used, k = 4).
// Every pair on the diagonal: Po_w = 1, so kappa = (1-Pe_w)/(1-Pe_w) = 1.
func TestAgreePerfect(t *testing.T) {
	ps := pairs(t, []int{0, 1, 2, 3, 1, 2, 2}, []int{0, 1, 2, 3, 1, 2, 2})
	a := mustAgree(t, ps, 4)
	if a.Pairs != 7 || !a.KappaDefined || !close(a.Kappa, 1) ||
		!close(a.PercentExact, 1) || !close(a.PercentAdjacent, 1) {
		t.Fatalf("accord parfait : %+v", a)
	}
	if got := a.KappaLabel(); got != "presque parfait" {
		t.Errorf("KappaLabel = %q", got)
	}
}

// 2. Three levels (k = 3), 10 pairs, worked by hand.
//
// Weights w_ij = 1 - (i-j)²/(3-1)²: diagonal 1, one level apart 0.75,
// two levels apart 0.
//
// Confusion matrix (rows: assessor A, columns: assessor B), counts:
//
//	A\B   0  1  2 | n_i.
//	 0    2  1  1 |  4
//	 1    1  3  0 |  4
//	 2    0  0  2 |  2
//	n_.j  3  4  3 | 10
//
// Exact    = (2+3+2)/10 = 0.7
// Adjacent = (10 - 1 pair (0,2))/10 = 0.9
// Po_w     = (7·1 + 2·0.75 + 1·0)/10 = 8.5/10 = 0.85
// Products n_i.·n_.j (rows 4,4,2 × columns 3,4,3), total 100:
//
//	      0   1   2
//	0    12  16  12
//	1    12  16  12
//	2     6   8   6
//
// diagonal 12+16+6 = 34 (w 1); one apart 16+12+12+8 = 48 (w 0.75 → 36);
// two apart 12+6 = 18 (w 0).
// Pe_w     = (34 + 36)/100 = 0.70
// kappa    = (0.85 - 0.70)/(1 - 0.70) = 0.15/0.30 = 0.5000
//
// For contrast (so the test tells the weightings apart): unweighted kappa
// would be (0.7-0.34)/(1-0.34) = 0.5455, linear weights (0.8-0.58)/0.42 =
// 0.5238.
func TestAgreeHandWorked3Levels(t *testing.T) {
	var ps []Pair
	ps = repeat(ps, 2, 0, 0)
	ps = repeat(ps, 1, 0, 1)
	ps = repeat(ps, 1, 0, 2)
	ps = repeat(ps, 1, 1, 0)
	ps = repeat(ps, 3, 1, 1)
	ps = repeat(ps, 2, 2, 2)
	a := mustAgree(t, ps, 3)
	if a.Pairs != 10 {
		t.Errorf("Pairs = %d, attendu 10", a.Pairs)
	}
	if !close(a.PercentExact, 0.7) {
		t.Errorf("PercentExact = %v, attendu 0.7", a.PercentExact)
	}
	if !close(a.PercentAdjacent, 0.9) {
		t.Errorf("PercentAdjacent = %v, attendu 0.9", a.PercentAdjacent)
	}
	if !a.KappaDefined || !close(a.Kappa, 0.5) {
		t.Errorf("Kappa = %v (défini %v), attendu 0.5000", a.Kappa, a.KappaDefined)
	}
	if got := a.KappaLabel(); got != "modéré" {
		t.Errorf("KappaLabel = %q, attendu « modéré »", got)
	}
}

// 3. Published examples, each re-derived by hand below.
//
// Useful identity for checking by hand: with D_o = Σ (i-j)² n_ij / n and
// D_e = Σ (i-j)² n_i. n_.j / n², Po_w = 1 - D_o/(k-1)² and
// Pe_w = 1 - D_e/(k-1)², so kappa = 1 - D_o/D_e: the quadratic kappa does not
// depend on k (unused levels change nothing).
func TestAgreePublishedExamples(t *testing.T) {
	t.Run("scikit-learn", func(t *testing.T) {
		// Source: scikit-learn, sklearn/metrics/tests/test_classification.py,
		// test_cohen_kappa:
		//   y1 = [0]*46 + [1]*44 + [2]*10 ; y2 = [0]*50 + [1]*40 + [2]*10
		//   cohen_kappa_score(y1, y2, weights="quadratic") ≈ 0.9541 (4 dp)
		// (same test: unweighted 0.9315, linear 0.9412).
		// Pairs, positionally: (0,0)×46, (1,0)×4, (1,1)×40, (2,2)×10; n = 100.
		// Rows n_i. = 46, 44, 10 ; columns n_.j = 50, 40, 10.
		// Po_w = (96 + 4·0.75)/100 = 0.99
		// Σ n_i.n_.j: diagonal 2300+1760+100 = 4160 ;
		//   one apart 46·40 + 44·50 + 44·10 + 10·40 = 1840+2200+440+400 = 4880
		//   (w 0.75 → 3660) ; two apart 460+500 = 960 (w 0).
		// Pe_w = (4160+3660)/10000 = 0.782
		// kappa = (0.99-0.782)/(1-0.782) = 0.208/0.218 = 104/109 = 0.954128…
		var ps []Pair
		ps = repeat(ps, 46, 0, 0)
		ps = repeat(ps, 4, 1, 0)
		ps = repeat(ps, 40, 1, 1)
		ps = repeat(ps, 10, 2, 2)
		a := mustAgree(t, ps, 3)
		if !a.KappaDefined || !close(a.Kappa, 104.0/109.0) || math.Abs(a.Kappa-0.9541) > 5e-5 {
			t.Errorf("Kappa = %.6f, attendu 0.9541 (104/109)", a.Kappa)
		}
		if !close(a.PercentExact, 0.96) || !close(a.PercentAdjacent, 1) {
			t.Errorf("parts : %+v", a)
		}
	})

	// Source: Maple help, EssayTools[QuadraticWeightedKappa], examples:
	//   QuadraticWeightedKappa([9,7,8,7,6,8,3,5,10], [8,8,6,6,7,6,1,4,8])
	//     = 0.758620689655172
	//   QuadraticWeightedKappa([9,7,8,7,6,8,3,5,10], [3,5,6,6,7,6,1,4,8])
	//     = 0.438095238095238
	// Scores used directly as levels on a 0..10 scale (k = 11; k is
	// irrelevant, see above). By hand, with Σ_ij (a_i - b_j)² =
	// n·Σa² + n·Σb² - 2·Σa·Σb over all n² cross pairs:
	//   a: Σa = 63, Σa² = 477, n = 9.
	//   b1: Σb = 54, Σb² = 366; differences a-b 1,-1,2,1,-1,2,2,1,2 → n·D_o = 21;
	//       n²·D_e = 9·477 + 9·366 - 2·63·54 = 4293+3294-6804 = 783 → n·D_e = 87;
	//       kappa = 1 - 21/87 = 66/87 = 0.7586206896…
	//   b2: Σb = 46, Σb² = 272; differences 6,2,2,1,-1,2,2,1,2 → n·D_o = 59;
	//       n²·D_e = 4293 + 9·272 - 2·63·46 = 4293+2448-5796 = 945 → n·D_e = 105;
	//       kappa = 1 - 59/105 = 46/105 = 0.4380952380…
	a := []int{9, 7, 8, 7, 6, 8, 3, 5, 10}
	for _, tc := range []struct {
		name      string
		b         []int
		want      float64
		published float64
		label     string
	}{
		{"maple-1", []int{8, 8, 6, 6, 7, 6, 1, 4, 8}, 66.0 / 87.0, 0.758620689655172, "substantiel"},
		{"maple-2", []int{3, 5, 6, 6, 7, 6, 1, 4, 8}, 46.0 / 105.0, 0.438095238095238, "modéré"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustAgree(t, pairs(t, a, tc.b), 11)
			if !got.KappaDefined || !close(got.Kappa, tc.want) || !close(got.Kappa, tc.published) {
				t.Errorf("Kappa = %.15f, attendu %.15f", got.Kappa, tc.published)
			}
			if l := got.KappaLabel(); l != tc.label {
				t.Errorf("KappaLabel = %q, attendu %q", l, tc.label)
			}
		})
	}
}

// kappaDisagreement is an independent implementation, test-only, of the
// quadratic weighted kappa in its disagreement form:
//
//	kappa = 1 - Σ w'_ij O_ij / Σ w'_ij E_ij, w'_ij = (i-j)², E_ij = n_i. n_.j / n
//
// with a dense k×k confusion matrix. ok is false when Σ w' E = 0.
func kappaDisagreement(ps []Pair, k int) (kappa float64, ok bool) {
	obs := make([][]float64, k)
	for i := range obs {
		obs[i] = make([]float64, k)
	}
	rows := make([]float64, k)
	cols := make([]float64, k)
	for _, p := range ps {
		obs[p.A][p.B]++
		rows[p.A]++
		cols[p.B]++
	}
	n := float64(len(ps))
	num, den := 0.0, 0.0
	for i := range k {
		for j := range k {
			w := float64((i - j) * (i - j))
			num += w * obs[i][j]
			den += w * rows[i] * cols[j] / n
		}
	}
	if den == 0 {
		return 0, false
	}
	return 1 - num/den, true
}

// 3b. Cross-check against the disagreement form on seeded random inputs,
// including skewed ones (few levels used) and tiny samples.
func TestAgreeKappaCrossCheckRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(20240611))
	defined, undefined := 0, 0
	for iter := range 2000 {
		k := 2 + rng.Intn(5) // 2..6
		n := 1 + rng.Intn(40)
		spread := 1 + rng.Intn(k) // levels actually drawn: 0..spread-1
		ps := make([]Pair, n)
		for i := range ps {
			a := rng.Intn(spread)
			b := a
			if rng.Intn(3) > 0 { // two pairs out of three drawn independently
				b = rng.Intn(spread)
			}
			ps[i] = Pair{a, b}
		}
		got := mustAgree(t, ps, k)
		want, ok := kappaDisagreement(ps, k)
		if got.KappaDefined != ok {
			t.Fatalf("tirage %d (k=%d) %v : défini %v, attendu %v", iter, k, ps, got.KappaDefined, ok)
		}
		if !ok {
			undefined++
			continue
		}
		defined++
		if math.Abs(got.Kappa-want) > tol {
			t.Fatalf("tirage %d (k=%d) %v : kappa %.12f, forme désaccord %.12f", iter, k, ps, got.Kappa, want)
		}
	}
	if defined < 1000 || undefined == 0 {
		t.Fatalf("tirages peu variés : %d définis, %d non définis", defined, undefined)
	}
}

// 4. Edge cases.
func TestAgreeNegativeKappa(t *testing.T) {
	// (0,2) and (2,0), k = 3: both pairs two levels apart, w = 0 → Po_w = 0.
	// Rows = columns = (1, 0, 1): Σ n_i.n_.j = 4, of which (0,0) and (2,2)
	// have w 1, (0,2) and (2,0) w 0 → Pe_w = 2/4 = 0.5.
	// kappa = (0 - 0.5)/(1 - 0.5) = -1.
	a := mustAgree(t, []Pair{{0, 2}, {2, 0}}, 3)
	if !a.KappaDefined || !close(a.Kappa, -1) || a.PercentExact != 0 || a.PercentAdjacent != 0 {
		t.Errorf("désaccord systématique : %+v, attendu kappa -1", a)
	}
	if got := a.KappaLabel(); got != "désaccord" {
		t.Errorf("KappaLabel = %q, attendu « désaccord »", got)
	}

	// (0,2), (1,1), (2,1), k = 3. Rows (1,1,1), columns (0,2,1).
	// Po_w = (0 + 1 + 0.75)/3 = 0.583333…
	// Σ w n_i.n_.j / 9: row 0: .75·2 + 0·1 = 1.5 ; row 1: 1·2 + .75·1 = 2.75 ;
	// row 2: .75·2 + 1·1 = 2.5 → 6.75/9 = 0.75 = Pe_w.
	// kappa = (0.583333 - 0.75)/0.25 = -2/3 = -0.6667.
	a = mustAgree(t, []Pair{{0, 2}, {1, 1}, {2, 1}}, 3)
	if !a.KappaDefined || !close(a.Kappa, -2.0/3.0) {
		t.Errorf("kappa = %v, attendu -0.6667", a.Kappa)
	}
}

func TestAgreeKappaUndefined(t *testing.T) {
	// Everything « Acquis » (level 2) on both sides: no disagreement is
	// expected by chance (1 - Pe_w = 0), kappa undefined, though agreement
	// is total.
	a := mustAgree(t, []Pair{{2, 2}, {2, 2}, {2, 2}, {2, 2}, {2, 2}}, 4)
	if a.KappaDefined || a.Kappa != 0 || a.Pairs != 5 || a.PercentExact != 1 || a.PercentAdjacent != 1 {
		t.Errorf("catégorie unique : %+v", a)
	}
	if got := a.KappaLabel(); got != "non calculable" {
		t.Errorf("KappaLabel = %q, attendu « non calculable »", got)
	}

	// Each assessor constant but on different levels (A always 0, B always 1),
	// k = 3: Po_w = 0.75 and Pe_w = w_01 = 0.75, so kappa = 0 — defined.
	a = mustAgree(t, []Pair{{0, 1}, {0, 1}, {0, 1}, {0, 1}}, 3)
	if !a.KappaDefined || !close(a.Kappa, 0) {
		t.Errorf("constantes distinctes : %+v, attendu kappa 0 défini", a)
	}
}

func TestAgreeNoPairs(t *testing.T) {
	for _, ps := range [][]Pair{nil, {}} {
		a, err := Of(ps, 4)
		if err != nil {
			t.Fatalf("aucune paire : erreur %v", err)
		}
		if a != (Measure{}) {
			t.Errorf("aucune paire : %+v, attendu la valeur zéro", a)
		}
		if got := a.KappaLabel(); got != "non calculable" {
			t.Errorf("KappaLabel = %q", got)
		}
	}
}

func TestAgreeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		ps   []Pair
		k    int
		want string
	}{
		{"A négatif", []Pair{{0, 0}, {-1, 0}}, 3, "hors de l'échelle"},
		{"B trop grand", []Pair{{0, 0}, {1, 3}}, 3, "hors de l'échelle"},
		{"A égal à k", []Pair{{4, 0}}, 4, "hors de l'échelle"},
		{"k = 1", []Pair{{0, 0}}, 1, "au moins 2 niveaux"},
		{"k = 0 sans paire", nil, 0, "au moins 2 niveaux"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Of(tc.ps, tc.k)
			if err == nil {
				t.Fatalf("erreur attendue, obtenu %+v", a)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q ne contient pas %q", err, tc.want)
			}
			if a != (Measure{}) {
				t.Errorf("résultat non nul avec une erreur : %+v", a)
			}
		})
	}
	// The highest valid level, k-1, is accepted.
	if _, err := Of([]Pair{{3, 0}, {0, 3}}, 4); err != nil {
		t.Errorf("niveau k-1 refusé : %v", err)
	}
}

// 5. Discrepant.
func TestDiscrepant(t *testing.T) {
	for _, tc := range []struct {
		name       string
		a, b       map[string]int
		decA, decB string
		threshold  int
		want       bool
		ids        []string
	}{
		{"0 contre 2 signalé (seuil 2)",
			map[string]int{"C1": 0, "C2": 1}, map[string]int{"C1": 2, "C2": 1}, "acquis", "acquis", 2, true, []string{"C1"}},
		{"1 contre 2 non signalé (seuil 2)",
			map[string]int{"C1": 1, "C2": 3}, map[string]int{"C1": 2, "C2": 2}, "acquis", "acquis", 2, false, []string{}},
		{"seuil 0 = défaut 2",
			map[string]int{"C1": 1, "C2": 3}, map[string]int{"C1": 2, "C2": 1}, "acquis", "acquis", 0, true, []string{"C2"}},
		{"seuil 1 : tout écart",
			map[string]int{"C1": 1, "C2": 3}, map[string]int{"C1": 2, "C2": 3}, "acquis", "acquis", 1, true, []string{"C1"}},
		{"seuil 3 : 0 contre 2 toléré",
			map[string]int{"C1": 0}, map[string]int{"C1": 2}, "acquis", "acquis", 3, false, []string{}},
		{"décisions différentes, niveaux égaux",
			map[string]int{"C1": 2, "C2": 2}, map[string]int{"C1": 2, "C2": 2}, "acquis", "non acquis", 2, true, []string{}},
		{"décisions égales à la casse et aux espaces près",
			map[string]int{"C1": 2}, map[string]int{"C1": 2}, "Acquis", " acquis ", 2, false, []string{}},
		{"critère noté par A seulement",
			map[string]int{"C1": 2, "C2": 2}, map[string]int{"C1": 2}, "acquis", "acquis", 2, true, []string{"C2"}},
		{"critère noté par B seulement, tri",
			map[string]int{"C3": 0}, map[string]int{"C1": 2, "C3": 3, "C2": 1}, "acquis", "acquis", 2, true, []string{"C1", "C2", "C3"}},
		{"niveau -1 (non renseigné) contre 0 : critère sauté",
			map[string]int{"C1": -1, "C2": 2}, map[string]int{"C1": 0, "C2": 2}, "acquis", "acquis", 2, true, []string{"C1"}},
		{"0 contre -1 : critère sauté par B",
			map[string]int{"C1": 0}, map[string]int{"C1": -1}, "acquis", "acquis", 2, true, []string{"C1"}},
		{"-1 des deux côtés ou absent d'un côté : ignoré",
			map[string]int{"C1": -1, "C2": -1, "C3": 1}, map[string]int{"C1": -1, "C3": 1, "C4": -1}, "acquis", "acquis", 2, false, []string{}},
		{"deux grilles vides",
			nil, map[string]int{}, "", "", 2, false, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ids := Discrepant(tc.a, tc.b, tc.decA, tc.decB, tc.threshold)
			if got != tc.want {
				t.Errorf("Discrepant = %v, attendu %v", got, tc.want)
			}
			if ids == nil || !slices.Equal(ids, tc.ids) {
				t.Errorf("critères = %#v, attendu %#v", ids, tc.ids)
			}
		})
	}
}

// 6. KappaLabel boundaries (Landis & Koch, upper bounds inclusive).
func TestKappaLabel(t *testing.T) {
	for _, tc := range []struct {
		kappa   float64
		defined bool
		want    string
	}{
		{0.9, false, "non calculable"},
		{-1, true, "désaccord"},
		{-0.01, true, "désaccord"},
		{0, true, "faible"},
		{0.20, true, "faible"},
		{0.2001, true, "passable"},
		{0.21, true, "passable"},
		{0.40, true, "passable"},
		{0.41, true, "modéré"},
		{0.60, true, "modéré"},
		{0.1 + 0.2 + 0.3, true, "modéré"}, // 0.6000000000000001
		{0.61, true, "substantiel"},
		{0.80, true, "substantiel"},
		{0.81, true, "presque parfait"},
		{1, true, "presque parfait"},
	} {
		got := Measure{Pairs: 10, Kappa: tc.kappa, KappaDefined: tc.defined}.KappaLabel()
		if got != tc.want {
			t.Errorf("KappaLabel(%v, défini %v) = %q, attendu %q", tc.kappa, tc.defined, got, tc.want)
		}
	}
}
