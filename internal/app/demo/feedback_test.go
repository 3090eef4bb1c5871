package demo

import (
	"io/fs"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/casp-cnam/casp/content"
)

// An appreciation written for some kinds goes to those kinds only, and each
// decision keeps texts for any kind.
func TestFeedbackFitsTheKind(t *testing.T) {
	raw, err := fs.ReadFile(content.FS, "demo/feedback.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var fb feedbackBank
	if err := yaml.Unmarshal(raw, &fb); err != nil {
		t.Fatal(err)
	}
	var typed *feedbackText
	for _, d := range []string{"valide", "a_retravailler", "non_valide"} {
		if len(fb.general(d, "")) == 0 {
			t.Errorf("%s : aucune appréciation pour tout type", d)
		}
		for i, x := range fb.General[d] {
			if len(x.Kinds) > 0 && typed == nil {
				typed = &fb.General[d][i]
				for _, other := range fb.general(d, "note-synthese") {
					if other == x.Text && !slices.Contains(x.Kinds, "note-synthese") {
						t.Errorf("%q proposé pour une note de synthèse", x.Text[:40])
					}
				}
				if got := fb.general(d, x.Kinds[0]); !slices.Contains(got, x.Text) {
					t.Errorf("%q absent pour son type %s", x.Text[:40], x.Kinds[0])
				}
			}
		}
	}
	if typed == nil {
		t.Fatal("aucune appréciation propre à un type")
	}
}
