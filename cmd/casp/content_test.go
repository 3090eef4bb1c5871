package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app"
)

// The example of content/README.md loads as is, and a folder of content
// is checked with French messages naming the file and the field, never a
// Go type.
func TestContentCheck(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"content", "check", "../../content/exemple"}, nil, &out, &out); err != nil {
		t.Fatalf("l'exemple du guide ne se charge pas : %v", err)
	}
	if !strings.Contains(out.String(), "Contenus valides") || !strings.Contains(out.String(), "1\u00a0autre exercice") || !strings.Contains(out.String(), "fonds documentaire de") ||
		!strings.Contains(out.String(), "en situation") {
		t.Fatalf("sortie inattendue : %q", out.String())
	}
	lib, err := app.LoadContent("../../content/exemple")
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := lib.Scenario("exemple-bon-alimentaire")
	if !ok || sc.Key.Urgencies[0].Level != "immediate" || len(lib.Scenarios) < 2 {
		t.Fatalf("le dossier ne s'ajoute pas aux contenus intégrés : %v", ok)
	}
	raw, err := os.ReadFile("../../content/exemple/scenarios/exemple-bon-alimentaire.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, old, new, want string }{
		{"champ inconnu", "difficulte: 1", "niveau: 1\ndifficulte: 1", "champ « niveau » inconnu"},
		{"événement non gardé", "condition: rdv }", "condition: toujours }", "sa condition doit contenir « rdv… »"},
		{"cible inconnue", "sans-orientation:PCB@9", "sans-orientation:XYZ@9", `cible "XYZ" inconnue`},
		{"valeur manquante", `texte: "Depuis quand est-ce difficile ?"`, `texte: ""`, "champ « themes[0].questions[1].texte » : valeur obligatoire manquante"},
		{"type incorrect", "effet_confiance: -2\n        retient", "effet_confiance: beaucoup\n        retient", "du mauvais type (un nombre attendu)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(raw), tc.old) {
				t.Fatalf("motif %q absent de l'exemple", tc.old)
			}
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "scenarios"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "scenarios", "mon-cas.yaml"), []byte(strings.Replace(string(raw), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			err := run(context.Background(), []string{"content", "check", dir}, nil, &out, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "mon-cas.yaml") {
				t.Fatalf("erreur %v, attendu %q et le nom du fichier", err, tc.want)
			}
			for _, goName := range []string{"casework.", "[]string", "Scenario.", "struct {"} {
				if strings.Contains(err.Error(), goName) {
					t.Fatalf("message avec un nom de type Go (%s) : %v", goName, err)
				}
			}
		})
	}
}
