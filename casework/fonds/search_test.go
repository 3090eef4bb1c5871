package fonds_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/internal/french"
)

func ids(hits []fonds.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Document.ID
	}
	return out
}

func indexOf(hits []fonds.Hit, id string) int {
	for i, h := range hits {
		if h.Document.ID == id {
			return i
		}
	}
	return -1
}

func TestTermsFoldCaseAccentsAndElisions(t *testing.T) {
	t.Parallel()
	same := [][]string{
		{"logement", "Logement", "LOGÉMENT", "logements"},
		{"éducation", "education", "ÉDUCATION"},
		{"l'hébergement", "hébergement", "l’Hébergement", "HEBERGEMENT"},
		{"d'insertion", "insertion"},
		{"qu'aide", "aide"},
		{"cœur", "coeur"},
	}
	for _, group := range same {
		want := fonds.Terms(group[0])
		if len(want) != 1 {
			t.Fatalf("Terms(%q) = %v, un terme attendu", group[0], want)
		}
		for _, w := range group[1:] {
			if got := fonds.Terms(w); !reflect.DeepEqual(got, want) {
				t.Errorf("Terms(%q) = %v, Terms(%q) = %v : identiques attendus", w, got, group[0], want)
			}
		}
	}
	if got := fonds.Terms("le RSA et la CSS du 115"); !reflect.DeepEqual(got, []string{"rsa", "css", "115"}) {
		t.Errorf("Terms = %v : mots vides retirés, sigles et nombres gardés", got)
	}
}

func TestSearchIgnoresCaseAccentsAndElisions(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	base := ids(f.Search(fonds.Query{Text: "hébergement"}))
	if len(base) == 0 {
		t.Fatal("aucun résultat pour « hébergement »")
	}
	for _, q := range []string{"Hébergement", "HEBERGEMENT", "hebergement", "l'hébergement", "L’HÉBERGEMENT"} {
		if got := ids(f.Search(fonds.Query{Text: q})); !reflect.DeepEqual(got, base) {
			t.Errorf("« %s » : %d résultats, « hébergement » : %d ; mêmes résultats attendus", q, len(got), len(base))
		}
	}
	if indexOf(f.Search(fonds.Query{Text: "LOGÉMENT des jeunes"}), "rapport-jeunes-logement-2025") < 0 {
		t.Error("« LOGÉMENT des jeunes » ne trouve pas le rapport de l'observatoire sur les jeunes et le logement")
	}
}

// Every word of the query must be found: « visale fsl » is narrower than
// « visale ».
func TestSearchNeedsEveryTerm(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	one := f.Search(fonds.Query{Text: "Visale"})
	two := f.Search(fonds.Query{Text: "Visale cotisation"})
	if len(one) == 0 || len(two) >= len(one) {
		t.Errorf("« Visale » : %d résultats ; « Visale cotisation » : %d (moins attendu)", len(one), len(two))
	}
	if hits := f.Search(fonds.Query{Text: "xyzzy"}); len(hits) != 0 {
		t.Errorf("« xyzzy » : %v", ids(hits))
	}
}

func TestSearchRanksTitleThenDescriptorsThenBody(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	hits := f.Search(fonds.Query{Text: "hébergement"})
	want := []string{"titre-hebergement", "descripteur-hebergement", "corps-hebergement"}
	if got := ids(hits); !reflect.DeepEqual(got, want) {
		t.Fatalf("ordre %v, %v attendu (titre, puis descripteur, puis texte malgré cinq occurrences)", got, want)
	}
	if hits[0].TitleTerms != 1 || hits[1].DescriptorTerms != 1 || hits[2].TitleTerms+hits[2].DescriptorTerms != 0 {
		t.Errorf("compteurs : %+v", hits)
	}
	if hits[2].Excerpt == "" {
		t.Error("pas d'extrait pour un document trouvé par son texte")
	}
	// The same rule on the real fund: a document indexed with the FSL
	// descriptor comes before one that only names it in its text.
	real := loadEmbedded(t).Search(fonds.Query{Text: "FSL"})
	indexed, body := indexOf(real, "asv-cheque-energie-2025"), indexOf(real, "depliant-ml-logement-jeunes-2025")
	if indexed < 0 || body < 0 || indexed > body {
		t.Errorf("« FSL » : article indexé FSL en position %d, dépliant qui le cite seulement en %d", indexed, body)
	}
	for i := 1; i < len(real); i++ {
		a, b := real[i-1], real[i]
		if a.TitleTerms < b.TitleTerms || (a.TitleTerms == b.TitleTerms && a.DescriptorTerms < b.DescriptorTerms) {
			t.Errorf("« FSL » : %s (%d, %d) avant %s (%d, %d)", a.Document.ID, a.TitleTerms, a.DescriptorTerms, b.Document.ID, b.TitleTerms, b.DescriptorTerms)
		}
	}
}

// A non-descriptor finds the documents indexed with its descriptor, even
// when their text never uses the word.
func TestSearchUsesNonDescriptors(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	hits := f.Search(fonds.Query{Text: "mise à l'abri"})
	if len(hits) != 0 {
		// « mise à l'abri » leads to hebergement; no fixture document is
		// indexed with hebergement itself, only with a narrower term.
		t.Errorf("« mise à l'abri » : %v", ids(hits))
	}
	hits = f.Search(fonds.Query{Text: "115"})
	if got := ids(hits); !reflect.DeepEqual(got, []string{"descripteur-hebergement"}) {
		t.Errorf("« 115 » (non-descripteur d'hébergement d'urgence) : %v", got)
	}
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	for _, h := range f.Search(fonds.Query{Text: "RSA", Kinds: []string{"depliant"}}) {
		if h.Document.Kind != "depliant" {
			t.Errorf("filtre type : %s est un %s", h.Document.ID, h.Document.Kind)
		}
	}
	all := f.Search(fonds.Query{Text: "RSA", Kinds: []string{"depliant"}})
	if indexOf(all, "depliant-rsa-2025") < 0 || indexOf(all, "depliant-rsa-2022") < 0 {
		t.Errorf("dépliants sur le RSA : %v", ids(all))
	}
	current := f.Search(fonds.Query{Text: "RSA", Kinds: []string{"depliant"}, CurrentOnly: true})
	if indexOf(current, "depliant-rsa-2025") < 0 || indexOf(current, "depliant-rsa-2022") >= 0 || len(current) != len(all)-1 {
		t.Errorf("dépliants à jour sur le RSA : %v (tous sauf celui de 2022 attendus)", ids(current))
	}
	untrusted := f.Search(fonds.Query{Reliabilities: []string{"peu-fiable"}})
	if len(untrusted) < 4 {
		t.Errorf("%d documents peu fiables", len(untrusted))
	}
	for _, h := range untrusted {
		if h.Document.Reliability.Level != "peu-fiable" {
			t.Errorf("filtre fiabilité : %s est %s", h.Document.ID, h.Document.Reliability.Level)
		}
	}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, french.Paris)
	to := time.Date(2025, 6, 30, 0, 0, 0, 0, french.Paris)
	dated := f.Search(fonds.Query{From: from, To: to})
	if len(dated) == 0 {
		t.Fatal("aucun document publié au premier semestre 2025")
	}
	seenLastDay := false
	for _, h := range dated {
		p := h.Document.PublishedOn
		if p.Before(from) || p.After(to) {
			t.Errorf("filtre dates : %s publié le %s", h.Document.ID, h.Document.Published)
		}
		seenLastDay = seenLastDay || h.Document.Published == "2025-06-30"
	}
	// The upper bound is a whole day, included.
	if !seenLastDay {
		t.Error("le document publié le 30 juin 2025 (borne incluse) manque")
	}
	// Without text, newest first.
	for i := 1; i < len(dated); i++ {
		if dated[i-1].Document.PublishedOn.Before(dated[i].Document.PublishedOn) {
			t.Errorf("sans texte : %s avant %s, du plus récent au plus ancien attendu", dated[i-1].Document.ID, dated[i].Document.ID)
		}
	}
}

// Filtering by a descriptor takes its narrower terms, at every level.
func TestSearchDescriptorFilterFollowsHierarchy(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	if got := ids(f.Search(fonds.Query{Descriptor: "hebergement"})); !reflect.DeepEqual(got, []string{"descripteur-hebergement"}) {
		t.Errorf("descripteur hebergement : %v (document indexé avec le terme spécifique hebergement-d-urgence attendu)", got)
	}
	if got := f.Search(fonds.Query{Descriptor: "logement"}); len(got) != 4 {
		t.Errorf("descripteur logement (tête de hiérarchie) : %v, les 4 documents attendus", ids(got))
	}
	// « familles » is in a title, but not under hebergement.
	if got := f.Search(fonds.Query{Descriptor: "hebergement", Text: "familles"}); len(got) != 0 {
		t.Errorf("« familles » sous hebergement : %v", ids(got))
	}
	real := loadEmbedded(t)
	withNarrower := real.Search(fonds.Query{Descriptor: "acces-au-logement"})
	exact := 0
	for _, h := range withNarrower {
		if contains(h.Document.Descriptors, "acces-au-logement") {
			exact++
		}
	}
	if exact == len(withNarrower) {
		t.Errorf("filtre acces-au-logement : %d documents, tous indexés avec le terme lui-même ; les termes spécifiques (logement-des-jeunes, dalo…) manquent", exact)
	}
	if got := real.Search(fonds.Query{Descriptor: "inexistant"}); len(got) != 0 {
		t.Errorf("descripteur inconnu : %v", ids(got))
	}
}
