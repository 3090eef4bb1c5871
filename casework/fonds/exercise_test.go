package fonds_test

import (
	"strings"
	"testing"

	"github.com/casp-cnam/casp/casework/fonds"
)

// The theme whose leaflet the watch's rule change affects, worked as the
// expert would and then naively: the debriefs differ in every task.
func TestThemeDebriefTeaches(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	var change *fonds.Item
	for _, fd := range f.Feeds {
		for i := range fd.Items {
			if fd.Items[i].RuleChange {
				change = &fd.Items[i]
			}
		}
	}
	th, ok := f.Theme(change.Theme)
	if !ok {
		t.Fatalf("thème %q du changement de règle absent", change.Theme)
	}
	// As the expert: the expected documents with their reliability, the
	// expected descriptors, a leaflet carrying every point and the new rule.
	var good fonds.Work
	for _, id := range th.Expected {
		d, _ := f.Document(id)
		good.Documents = append(good.Documents, fonds.Choice{Document: id, Reliability: d.Reliability.Level})
	}
	var labels []string
	for _, id := range th.Descriptors {
		d, _ := f.Thesaurus.Descriptor(id)
		labels = append(labels, d.Label)
	}
	ids, unknown := f.DescriptorsOf(strings.Join(labels, " ; ") + "\n")
	if len(unknown) != 0 || len(ids) != len(th.Descriptors) {
		t.Fatalf("descripteurs relus : %v, inconnus %v", ids, unknown)
	}
	good.Descriptors = ids
	var leaflet []string
	for _, p := range th.Key.Points {
		leaflet = append(leaflet, p.Keywords[0])
	}
	good.Leaflet = strings.Join(leaflet, ". ") + ". " + change.After
	good.Records = strings.Repeat("Auteur. Titre. Source, date. ", 3)
	good.Diffusion = "Affichage en salle d'attente, lettre d'information des partenaires, présentation en réunion d'équipe."
	d := f.Judge(th, good)
	if len(d.Pitfalls) != 0 || !d.Carried || d.Found != len(th.Expected) {
		t.Errorf("travail d'expert : pièges %v, règle reprise %v, %d/%d documents", d.Pitfalls, d.Carried, d.Found, len(th.Expected))
	}
	for _, tv := range d.Tasks {
		if !tv.Worked {
			t.Errorf("travail d'expert : tâche %s non travaillée (%s)", tv.TaskID, tv.Evidence)
		}
	}

	// Naively: the traps kept as reliable, an unknown descriptor, the
	// rule before the change, nothing on diffusion.
	var naive fonds.Work
	for _, tr := range th.Traps {
		naive.Documents = append(naive.Documents, fonds.Choice{Document: tr.Document, Reliability: "fiable"})
	}
	if _, unknown := f.DescriptorsOf("logement, truc inventé"); len(unknown) != 1 || unknown[0] != "truc inventé" {
		t.Errorf("descripteur inconnu non signalé : %v", unknown)
	}
	naive.Leaflet = change.Before
	d = f.Judge(th, naive)
	if d.TrapsKept != len(th.Traps) || d.Carried || len(d.Pitfalls) < 2 {
		t.Errorf("travail naïf : %d pièges gardés, règle reprise %v, pièges nommés %v", d.TrapsKept, d.Carried, d.Pitfalls)
	}
	for _, tv := range d.Tasks {
		if tv.Worked {
			t.Errorf("travail naïf : tâche %s comptée travaillée (%s)", tv.TaskID, tv.Evidence)
		}
	}
}
