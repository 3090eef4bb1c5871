package casework

import (
	"os"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/referentiel"
)

func loadContent(t *testing.T) *Library {
	t.Helper()
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := Load(os.DirFS("../content"), cat.Default())
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestContentLoads(t *testing.T) {
	lib := loadContent(t)
	if n := len(lib.Structures); n < 40 {
		t.Errorf("%d structures, au moins 40 attendues", n)
	}
	if n := len(lib.Fiches); n < 25 {
		t.Errorf("%d fiches dispositifs, au moins 25 attendues", n)
	}
	if n := len(lib.Scenarios); n < 10 {
		t.Errorf("%d scénarios, au moins 10 attendus", n)
	}
	// The typologies the territory must cover (issue: the seed's three domains).
	have := map[string]bool{}
	for _, s := range lib.Structures {
		have[s.Typology] = true
	}
	for _, typ := range []string{"ML", "FT", "CAP_EMPLOI", "MDE", "PLIE", "CCAS", "CD", "CAF", "CPAM", "CS", "CHRS", "SIAO", "RS_FJT",
		"PIJ_BIJ", "CITMET", "OF", "VAE", "ACI", "AI", "EI", "ETTI", "CSAPA", "CMP", "PMI", "MDPH", "SPIP", "CIDFF", "PCB", "REGIE"} {
		if !have[typ] {
			t.Errorf("aucune structure de typologie %s", typ)
		}
	}
}

// Every orientation the expert key expects must be possible on the
// territory: a structure of that typology offering a service on the theme.
func TestExpectedReferralsExistOnTheTerritory(t *testing.T) {
	lib := loadContent(t)
	for _, sc := range lib.Scenarios {
		for _, o := range sc.Key.Orientations {
			ok := false
			for _, s := range lib.Structures {
				if s.Typology != o.Typology || (o.Structure != "" && s.ID != o.Structure) {
					continue
				}
				for _, sv := range s.Services {
					for _, th := range sv.Themes {
						theme, _, _ := strings.Cut(th, "--")
						want, _, _ := strings.Cut(o.Theme, "--")
						ok = ok || theme == want
					}
				}
			}
			if !ok {
				t.Errorf("%s : aucune structure %s du territoire ne propose la thématique %s", sc.ID, o.Typology, o.Theme)
			}
		}
	}
}

func TestFictionChecks(t *testing.T) {
	for _, bad := range []string{"NIR 1 85 05 78 006 084 36", "Appelez le 01 45 67 89 10", "06.12.34.56.78"} {
		if CheckFiction("test", bad) == nil {
			t.Errorf("%q accepté", bad)
		}
	}
	for _, good := range []string{"Appelez le 01 99 00 12 34", "Portable 06 39 98 00 11", "Né en 1985, 3 enfants"} {
		if err := CheckFiction("test", good); err != nil {
			t.Errorf("%q refusé : %v", good, err)
		}
	}
}
