package casework

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/french"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The matcher maps a question the trainee typed in their own words to the
// scenario's authored questions: French normalisation (case, accents,
// elisions, stop words), Snowball stemming, a table of everyday synonyms
// and the question's own mots_cles, then a TF-IDF overlap score. No
// external service.

// Match is the matcher's verdict.
type Match struct {
	Question *Question
	Score    float64
	// Others are the next candidates, best first.
	Others []*Question
}

// Matcher scores typed questions against one scenario's questions.
type Matcher struct {
	sc   *Scenario
	docs []matchDoc
	idf  map[string]float64
}

type matchDoc struct {
	q      *Question
	weight map[string]float64
	norm   float64
}

// MatchThreshold is the least score a match must reach (tuned on
// testdata/questions-tapees/dev.tsv; see README).
const MatchThreshold = 0.20

// NewMatcher indexes a scenario's questions.
func NewMatcher(sc *Scenario) *Matcher {
	m := &Matcher{sc: sc, idf: map[string]float64{}}
	df := map[string]int{}
	var bags []map[string]float64
	for i := range sc.Topics {
		for j := range sc.Topics[i].Questions {
			q := &sc.Topics[i].Questions[j]
			bag := map[string]float64{}
			for _, t := range Terms(q.Text) {
				bag[t] = 1
			}
			for _, k := range q.Keywords {
				for _, t := range Terms(k) {
					bag[t] = 1
				}
			}
			for _, t := range Terms(q.Answer) {
				if _, ok := bag[t]; !ok {
					bag[t] = 0.15
				}
			}
			for t := range bag {
				df[t]++
			}
			bags = append(bags, bag)
			m.docs = append(m.docs, matchDoc{q: q})
		}
	}
	n := float64(len(m.docs))
	for t, d := range df {
		m.idf[t] = math.Log(1 + n/float64(d))
	}
	for i, bag := range bags {
		w := map[string]float64{}
		var sum float64
		for t, v := range bag {
			w[t] = v * m.idf[t]
			sum += w[t] * w[t]
		}
		m.docs[i].weight, m.docs[i].norm = w, math.Sqrt(sum)
	}
	return m
}

// Match finds the authored question a typed one asks; Question is nil when
// nothing scores above the threshold.
func (m *Matcher) Match(typed string) Match {
	terms := Terms(typed)
	q := map[string]float64{}
	for _, t := range terms {
		idf, ok := m.idf[t]
		if !ok {
			idf = math.Log(1 + float64(len(m.docs))) // unknown word: as rare as can be
		}
		q[t] = idf
	}
	var qn float64
	for _, v := range q {
		qn += v * v
	}
	qn = math.Sqrt(qn)
	type scored struct {
		q *Question
		s float64
	}
	var all []scored
	for _, d := range m.docs {
		if qn == 0 || d.norm == 0 {
			continue
		}
		var dot float64
		for t, v := range q {
			dot += v * d.weight[t]
		}
		if dot > 0 {
			all = append(all, scored{d.q, dot / (qn * d.norm)})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].s > all[j].s })
	var out Match
	for i, x := range all {
		if i == 0 {
			out.Score = x.s
			if x.s >= MatchThreshold {
				out.Question = x.q
				continue
			}
		}
		if len(out.Others) < 3 && x.s >= MatchThreshold/2 {
			out.Others = append(out.Others, x.q)
		}
	}
	return out
}

var (
	elision   = regexp.MustCompile(`\b(l|d|j|qu|n|s|m|t|c|jusqu|lorsqu|puisqu)'`)
	wordSplit = regexp.MustCompile(`[^\p{L}\p{N}]+`)
)

// fold lowercases and strips accents.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// Terms turns French text into the matcher's terms: folded, elisions cut,
// stop words dropped, stemmed, synonyms merged.
func Terms(s string) []string {
	s = strings.NewReplacer("’", "'", "`", "'", "œ", "oe", "Œ", "oe").Replace(strings.ToLower(s))
	s = elision.ReplaceAllString(s, "")
	var out []string
	for _, w := range wordSplit.Split(s, -1) {
		if w == "" {
			continue
		}
		f := fold(w)
		if stopWords[f] || len([]rune(f)) < 2 {
			continue
		}
		if canon, ok := synonyms[f]; ok {
			out = append(out, canon)
			continue
		}
		st := fold(french.Stem(w, false))
		if canon, ok := synonyms[st]; ok {
			st = canon
		}
		out = append(out, st)
	}
	return out
}

var stopWords = setOf(`a ai aie as au aux avec avez avons avoir ben bah bon bonjour c ca ce ceci cela celle celles celui ces cet cette chez ci comme comment d dans de des deja depuis dire dis dit dites donc du elle elles en encore es est est-ce et etait ete etes etre eu eux fait faire faites fois hein il ils j je juste la le les leur leurs lui m ma madame mais me meme mes moi mon monsieur n ne ni non nos notre nous on ont ou oui par parce pas peu peut peux plus pour pourquoi pourriez pouvez pouvons qu quand que quel quelle quelles quels qui quoi s sa sans se ses si son sont sur t ta te tes toi ton tous tout toute toutes tres tu un une vos votre vous y alors voila bien aussi ici maintenant aujourd hui actuellement moment svp stp dac ok merci racontez raconter expliquez expliquer parlez parler decrivez decrire dites-moi savoir sais saviez pensez penser croyez croire quoi-que enfin vraiment peut-etre`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// synonyms map everyday words (folded, or their stems) to one canonical
// term. Groups are kept narrow: a word belongs to one need only.
var synonyms = func() map[string]string {
	groups := [][]string{
		{"logement", "log", "appartement", "appart", "domicile", "habit", "habitat", "maison", "studio", "f2", "t2", "t3", "t4", "vivre", "viv", "habitez", "vivez", "dormez", "dorm"},
		{"loyer", "loyers", "lo", "bailleur", "proprietair", "proprio", "bail"},
		{"argent", "ressourc", "revenu", "revenus", "sous", "fric", "thune", "budget", "financ", "finan", "gagn", "salair", "payes", "pay"},
		{"travail", "travaill", "emploi", "boulot", "job", "taf", "bosser", "boss", "metier", "poste", "embauch", "chomag", "chom"},
		{"enfant", "enfants", "gamin", "gamins", "gosse", "gosses", "petit", "petits", "fill", "fils", "bebe", "gamine"},
		{"sant", "malad", "medecin", "docteur", "soign", "soin", "hopital", "medic", "trait", "douleur", "mal"},
		{"dett", "credit", "credits", "impay", "rembours", "creanc", "decouvert", "doit", "devez", "dev"},
		{"mang", "nourritur", "repas", "aliment", "faim", "frigo", "colis"},
		{"conjoint", "mari", "epoux", "compagnon", "copain", "copin", "epous", "concubin"},
		{"papi", "document", "demarch", "dossi", "administr", "formulair", "courri", "lettr", "enveloppe"},
		{"voitur", "vehicul", "auto", "bagnol"},
		{"transport", "bus", "deplac", "deplacer", "mobilit", "tram", "train"},
		{"format", "etud", "diplom", "qualif", "apprentissag", "stag"},
		{"famill", "proch", "entourag", "parent", "parents"},
		{"ami", "amis", "copains", "pot", "pote", "potes", "connaiss"},
		{"peur", "inquiet", "inquiet", "angoiss", "stress", "crain"},
		{"alcool", "boir", "boit", "bois", "bu", "biere", "alcoolis", "consomm"},
		{"franc", "francais", "langu", "lir", "ecrir", "ecrit"},
		{"caf", "allocat", "apl", "aid", "aides", "prestat", "droit", "droits"},
		{"inscrit", "inscript", "inscrir", "pole", "ft", "travel"},
	}
	m := map[string]string{}
	for _, g := range groups {
		for _, w := range g {
			m[w] = g[0]
		}
	}
	return m
}()
