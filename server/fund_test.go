package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// The documentary fund and its watch: search folds accents; a document
// shows as published to learners and visitors, with the expert's reading
// for staff only; each feed is served for a simulated day, and the rule
// change appears on its day, in the XML and on the watch page that reads
// it back.
func TestFundAndWatch(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	f := env.Platform.Cases.Library().Fund
	if f == nil {
		t.Fatal("fonds documentaire non chargé")
	}
	visitor := env.NewClient()
	all := testenv.Text(visitor.Get("/fonds").Body)
	if !strings.Contains(all, strconv.Itoa(len(f.Documents))+"\u00a0documents") && !strings.Contains(all, strconv.Itoa(len(f.Documents))+" documents") {
		t.Fatalf("/fonds : le compte des documents manque : %.300s", all)
	}
	a, b := testenv.Text(visitor.Get("/fonds?q=hebergement").Body), testenv.Text(visitor.Get("/fonds?q=L%27H%C3%89BERGEMENT").Body)
	if a != b || strings.Contains(a, "Aucun document ne répond") {
		t.Error("« hebergement » et « l'HÉBERGEMENT » ne trouvent pas les mêmes documents")
	}
	if r := visitor.Get("/fonds?type=inconnu"); !strings.Contains(testenv.Text(r.Body), "Type de document inconnu.") {
		t.Error("type inconnu sans message")
	}

	// An unreliable document: its reading is the trainee's work.
	var doc *fonds.Document
	for _, d := range f.Documents {
		if d.Outdated {
			doc = d
			break
		}
	}
	if doc == nil {
		t.Fatal("aucun document périmé dans le fonds")
	}
	learner := env.NewClient()
	learner.Login("apprenant05", "demo")
	staff := env.NewClient()
	staff.Login("evaluateur1", "demo")
	for who, c := range map[string]*testenv.Client{"visiteur": visitor, "apprenant": learner, "évaluateur": staff} {
		r := c.Get("/fonds/" + doc.ID)
		page := testenv.Text(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(page, doc.Title) {
			t.Fatalf("%s : /fonds/%s %d", who, doc.ID, r.Status)
		}
		if got, want := strings.Contains(page, doc.Reliability.Why), who == "évaluateur"; got != want {
			t.Errorf("%s : lecture de l'expert affichée = %v, attendu %v", who, got, want)
		}
	}
	if r := visitor.Get("/fonds/nulle-part"); r.Status != http.StatusNotFound {
		t.Errorf("document inconnu : %d", r.Status)
	}

	// The rule change, day by day.
	var feed *fonds.Feed
	var change *fonds.Item
	for _, fd := range f.Feeds {
		for i := range fd.Items {
			if fd.Items[i].RuleChange {
				feed, change = fd, &fd.Items[i]
			}
		}
	}
	if change == nil || change.Day == 0 {
		t.Fatal("aucun changement de règle à un jour simulé")
	}
	url := "/veille/" + feed.ID + ".xml?jour="
	before, on := visitor.Get(url+strconv.Itoa(change.Day-1)), visitor.Get(url+strconv.Itoa(change.Day))
	if before.Status != http.StatusOK || on.Status != http.StatusOK {
		t.Fatalf("flux : %d, %d", before.Status, on.Status)
	}
	xmlTitle := strings.ReplaceAll(change.Title, "'", "&#39;")
	if strings.Contains(before.Body, change.Title) || !(strings.Contains(on.Body, change.Title) || strings.Contains(on.Body, xmlTitle)) {
		t.Errorf("le changement de règle du jour %d : avant %v, le jour même %v", change.Day, strings.Contains(before.Body, change.Title), strings.Contains(on.Body, change.Title))
	}
	items, err := fonds.ParseFeed(strings.NewReader(on.Body))
	if err != nil || len(items) == 0 {
		t.Fatalf("le flux servi ne se relit pas : %v", err)
	}
	watch := testenv.Text(visitor.Get("/veille?jour=" + strconv.Itoa(change.Day)).Body)
	if !strings.Contains(watch, change.Title) || strings.Contains(testenv.Text(visitor.Get("/veille").Body), change.Title) {
		t.Error("la page de veille ne montre pas le changement de règle à son jour seulement")
	}
	if r := visitor.Get("/veille?jour=99"); !strings.Contains(testenv.Text(r.Body), "Un jour simulé de 0 à 60.") {
		t.Error("jour hors bornes sans message")
	}
	if r := visitor.Get("/veille/nulle-part.xml"); r.Status != http.StatusNotFound {
		t.Errorf("flux inconnu : %d", r.Status)
	}
}
