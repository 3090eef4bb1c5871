package casework

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/casp-cnam/casp/referentiel"
)

// contentWith copies the real content and replaces one file.
func contentWith(t *testing.T, name string, edit func(string) string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	src := os.DirFS("../content")
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if p == name {
			b = []byte(edit(string(b)))
		}
		m[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestScenarioValidationErrors(t *testing.T) {
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	fw := cat.Default()
	const sc = "scenarios/jeune-mission-locale.yaml"
	cases := []struct {
		name, file, old, new, want string
	}{
		{"structure inconnue", sc, "structure: ml-antenne-tilleuls\n", "structure: ml-inexistante\n", `structure d'accueil inconnue "ml-inexistante"`},
		{"tâche inconnue", sc, `taches: ["`, `taches: ["6.6", "`, `tâche "6.6" inconnue du référentiel`},
		{"champ inconnu", sc, "difficulte:", "niveau: 2\ndifficulte:", "niveau"},
		{"condition invalide", sc, "condition: toujours", "condition: parfois", `clause "parfois" inconnue`},
		{"événement sans garde", sc, "condition: rdv", "condition: toujours", `sa condition doit contenir « rdv… »`},
		{"champ inconnu sans type Go", sc, "difficulte:", "niveau: 2\ndifficulte:", `champ « niveau » inconnu`},
		{"téléphone réel", sc, "resume: \"", "resume: \"Appeler le 01 45 67 89 10. ", "hors des tranches réservées à la fiction"},
		{"NIR", sc, "resume: \"", "resume: \"NIR 1 85 05 78 006 084 36. ", "ressemblant à un NIR"},
		{"fait de la clé jamais révélé", sc, "  - id: sans-diplome\n", "  - id: fait-cache\n    domaine: emploi\n    situation: \"Caché\"\n    detail: \"Jamais révélé\"\n  - id: sans-diplome\n", ""},
		{"structure de fiche inconnue", "fiches/rsa.md", "structures: [", "structures: [structure-fantome, ", `structure inconnue "structure-fantome"`},
		{"typologie inconnue", "territoire/structures/pmi-valmont.yaml", "typologie: PMI", "typologie: XYZ", `typologie inconnue "XYZ"`},
		{"courriel réel", "territoire/structures/pmi-valmont.yaml", "@departement-valdeloire.example\"", "@valdeloire.fr\"", `courriel "pmi.tilleuls@valdeloire.fr" : utilisez un domaine réservé`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := os.ReadFile("../content/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(raw), tc.old) {
				t.Fatalf("motif %q absent de %s", tc.old, tc.file)
			}
			fsys := contentWith(t, tc.file, func(s string) string { return strings.Replace(s, tc.old, tc.new, 1) })
			_, err = Load(fsys, fw)
			if tc.want == "" {
				// A fact nobody reveals is fine unless the key expects it.
				if err != nil {
					t.Fatalf("refusé à tort : %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("erreur %v, attendu un message contenant %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.file[strings.LastIndex(tc.file, "/")+1:]) {
				t.Fatalf("le message ne nomme pas le fichier fautif : %v", err)
			}
		})
	}
	// The key must only expect facts the interview can reveal.
	fsys := contentWith(t, sc, func(s string) string {
		return strings.Replace(strings.Replace(s, "  - id: sans-diplome\n", "  - id: fait-cache\n    domaine: emploi\n    situation: \"Caché\"\n    detail: \"Jamais révélé\"\n  - id: sans-diplome\n", 1),
			`situations: ["sans-diplome"`, `situations: ["fait-cache", "sans-diplome"`, 1)
	})
	if _, err := Load(fsys, fw); err == nil || !strings.Contains(err.Error(), `le fait "fait-cache" n'est révélé par aucune question`) {
		t.Fatalf("fait attendu mais jamais révélé : %v", err)
	}
}
