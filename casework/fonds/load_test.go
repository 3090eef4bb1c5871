package fonds_test

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/content"
)

var (
	embeddedOnce sync.Once
	embedded     *fonds.Fonds
	embeddedErr  error
)

// loadEmbedded loads the real content once for every test of the package.
func loadEmbedded(t *testing.T) *fonds.Fonds {
	t.Helper()
	embeddedOnce.Do(func() { embedded, embeddedErr = fonds.Load(content.FS) })
	if embeddedErr != nil {
		t.Fatalf("le fonds intégré ne se charge pas : %v", embeddedErr)
	}
	return embedded
}

func TestEmbeddedFundMeetsTheBrief(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	if n := len(f.Documents); n < 64 {
		t.Errorf("%d documents, au moins 64 attendus", n)
	}
	// The spread the exercise needs: every kind, roughly in these numbers.
	want := map[string]int{"texte-officiel": 10, "presse-professionnelle": 10, "lettre-partenaire": 8, "depliant": 6,
		"rapport": 5, "guide-pratique": 5, "page-web": 5, "compte-rendu": 4}
	got := map[string]int{}
	for _, d := range f.Documents {
		got[d.Kind]++
	}
	for k, min := range want {
		if got[k] < min {
			t.Errorf("type %s : %d documents, au moins %d attendus", k, got[k], min)
		}
	}
	unreliable, outdated, untrusted := 0, 0, 0
	for _, d := range f.Documents {
		if d.Unreliable() {
			unreliable++
		}
		if d.Outdated {
			outdated++
		}
		if d.Reliability.Level == "peu-fiable" {
			untrusted++
		}
	}
	if unreliable < 10 || outdated < 5 || untrusted < 4 {
		t.Errorf("%d documents périmés ou peu fiables (%d périmés, %d peu fiables) : au moins 10, dont 5 périmés et 4 peu fiables, attendus", unreliable, outdated, untrusted)
	}
	rss, atom := 0, 0
	for _, fd := range f.Feeds {
		switch fd.Format {
		case "rss":
			rss++
		case "atom":
			atom++
		}
		if n := len(fd.Items); n < 8 || n > 15 {
			t.Errorf("flux %s : %d items, de 8 à 15 attendus", fd.ID, n)
		}
	}
	if len(f.Feeds) < 5 || rss < 2 || atom < 2 {
		t.Errorf("%d flux (%d RSS, %d Atom) : au moins 5, dont 2 RSS et 2 Atom, attendus", len(f.Feeds), rss, atom)
	}
	if n := len(f.Themes); n < 4 || n > 6 {
		t.Errorf("%d thèmes, de 4 à 6 attendus", n)
	}
	th := f.Thesaurus
	if n := len(th.Descriptors()); n < 60 || n > 90 {
		t.Errorf("%d descripteurs, de 60 à 90 attendus", n)
	}
	if n := len(th.Groups); n < 8 || n > 10 {
		t.Errorf("%d micro-thésaurus, de 8 à 10 attendus", n)
	}
}

func TestExactlyOneRuleChange(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	changes := f.RuleChanges()
	if len(changes) != 1 {
		t.Fatalf("%d changements de règle dans les flux, exactement 1 attendu", len(changes))
	}
	c := changes[0]
	if c.Item.Day == 0 {
		t.Error("le changement de règle doit paraître pendant la veille (jour simulé > 0), pas être déjà là au jour 0")
	}
	theme, ok := f.Theme(c.Item.Theme)
	if !ok {
		t.Fatalf("thème %q du changement de règle introuvable", c.Item.Theme)
	}
	// The leaflet key states the rule as it stands on day 0: the change
	// must touch one of its points, else the trainee has nothing to update.
	shared := false
	for _, d := range c.Item.Descriptors {
		for _, td := range theme.Descriptors {
			shared = shared || d == td
		}
	}
	if !shared {
		t.Errorf("le changement de règle %s ne partage aucun descripteur avec le thème %s", c.Item.ID, theme.ID)
	}
	if c.Item.Before == c.Item.After {
		t.Error("« avant » et « apres » identiques")
	}
}

func TestThemesReferToSuitableDocuments(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	for _, th := range f.Themes {
		for _, id := range th.Expected {
			d, ok := f.Document(id)
			if !ok {
				t.Errorf("thème %s : document attendu %q absent du fonds", th.ID, id)
				continue
			}
			// An expected document is one the expert would keep.
			if d.Outdated || d.Reliability.Level == "peu-fiable" {
				t.Errorf("thème %s : le document attendu %s est périmé ou peu fiable", th.ID, id)
			}
		}
		for _, tr := range th.Traps {
			d, ok := f.Document(tr.Document)
			if !ok {
				t.Errorf("thème %s : piège %q absent du fonds", th.ID, tr.Document)
				continue
			}
			if !d.Unreliable() {
				t.Errorf("thème %s : le piège %s n'est ni périmé ni marqué peu fiable ou à vérifier", th.ID, tr.Document)
			}
		}
	}
}

var sentenceEnd = regexp.MustCompile(`[.!?…»](\s|$)`)

func TestDocumentsAreWrittenToSize(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	for _, d := range f.Documents {
		if n := len(strings.Fields(d.Text)); n < 150 || n > 500 {
			t.Errorf("%s (%s) : texte de %d mots, de 150 à 500 attendus", d.ID, d.File, n)
		}
		if n := len(sentenceEnd.FindAllString(strings.TrimSpace(d.Summary), -1)); n < 3 || n > 6 {
			t.Errorf("%s (%s) : résumé de %d phrases, de 3 à 6 attendues", d.ID, d.File, n)
		}
		if d.Outdated && d.Reliability.Why == "" {
			t.Errorf("%s : document périmé sans explication", d.ID)
		}
		if y := d.PublishedOn.Year(); y < 2019 || y > 2026 {
			t.Errorf("%s : publié en %d, hors 2019-2026", d.ID, y)
		}
	}
}

func TestThesaurusHierarchy(t *testing.T) {
	t.Parallel()
	th := loadEmbedded(t).Thesaurus
	sub := th.Subtree("logement")
	for _, want := range []string{"logement", "acces-au-logement", "logement-des-jeunes", "impaye-de-loyer"} {
		found := false
		for _, id := range sub {
			found = found || id == want
		}
		if !found {
			t.Errorf("Subtree(logement) = %v : %s manque", sub, want)
		}
	}
	for _, id := range sub {
		if id == "hebergement" {
			t.Error("Subtree(logement) ne doit pas contenir hebergement (autre hiérarchie)")
		}
	}
	path := th.Path("logement-des-jeunes")
	if len(path) != 3 || path[0].ID != "logement" || path[2].ID != "logement-des-jeunes" {
		t.Errorf("Path(logement-des-jeunes) = %v", path)
	}
	// ta is symmetric once loaded.
	dalo, _ := th.Descriptor("dalo")
	social, _ := th.Descriptor("logement-social")
	if !contains(dalo.Related, "logement-social") || !contains(social.Related, "dalo") {
		t.Errorf("ta non réciproque : dalo %v, logement-social %v", dalo.Related, social.Related)
	}
	// Non-descriptors lead to their descriptor, ignoring case and accents.
	for term, want := range map[string]string{"apl": "aide-au-logement", "CER": "contrat-d-engagement", "Pole Emploi": "france-travail", "Hébergement": "hebergement"} {
		d, used, ok := th.Lookup(term)
		if !ok || d.ID != want {
			t.Errorf("Lookup(%q) = %v, %v ; %s attendu", term, d, ok, want)
			continue
		}
		if used != (term != "Hébergement") {
			t.Errorf("Lookup(%q) : non-descripteur = %v", term, used)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
