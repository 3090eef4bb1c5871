package fonds_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/content"
)

func TestFixtureLoads(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	if len(f.Documents) != 4 || len(f.Feeds) != 1 || len(f.RuleChanges()) != 1 {
		t.Fatalf("fixture : %d documents, %d flux, %d changements", len(f.Documents), len(f.Feeds), len(f.RuleChanges()))
	}
}

// Every message names the file, the field as the YAML spells it, and the
// bad value: content authors fix files from these messages alone.
func TestValidationMessagesNameFileFieldAndValue(t *testing.T) {
	t.Parallel()
	const docs, th, themes, feed = "fonds/documents/lot.yaml", "fonds/thesaurus.yaml", "fonds/themes.yaml", "fonds/flux/flux-test.yaml"
	cases := []struct {
		name           string
		file, old, new string
		want           []string
	}{
		{"descripteur inconnu", docs, "descripteurs: [hebergement-d-urgence, emploi]", "descripteurs: [hebergement-d-urgence, logemnt]",
			[]string{"documents/lot.yaml", "document « descripteur-hebergement »", "« descripteurs[1] »", "« logemnt »", "inconnu du thésaurus"}},
		{"type inconnu", docs, "type: rapport", "type: brochure",
			[]string{"documents/lot.yaml", "document « titre-hebergement »", "« type »", `"brochure"`, "texte-officiel"}},
		{"date invalide", docs, "date_publication: 2025-01-10", "date_publication: 10/01/2025",
			[]string{"documents/lot.yaml", "« date_publication »", `"10/01/2025"`, "AAAA-MM-JJ"}},
		{"date hors période", docs, "date_publication: 2025-01-10", "date_publication: 2017-05-02",
			[]string{"documents/lot.yaml", "« date_publication »", "« 2017-05-02 »", "2019"}},
		{"consultation avant publication", docs, "date_publication: 2026-06-01", "date_publication: 2026-12-03",
			[]string{"documents/lot.yaml", "document « corps-hebergement »", "« date_consultation »", "« 2026-12-01 »"}},
		{"champ inconnu", docs, "    auteur: \"Service fictif\"\n", "    auteurs: \"Service fictif\"\n",
			[]string{"documents/lot.yaml", "champ « auteurs » inconnu"}},
		{"pourquoi manquant", docs, "      pourquoi: \"Source officielle datée.\"\n    perime: false\n  - id: descripteur", "    perime: false\n  - id: descripteur",
			[]string{"documents/lot.yaml", "document « titre-hebergement »", "« fiabilite.pourquoi »", "obligatoire"}},
		{"niveau de fiabilité inconnu", docs, "niveau: fiable", "niveau: douteux",
			[]string{"documents/lot.yaml", "« fiabilite.niveau »", `"douteux"`, "peu-fiable"}},
		{"trop de descripteurs", docs, "descripteurs: [hebergement-d-urgence, emploi]", "descripteurs: [hebergement-d-urgence, emploi, logement, hebergement, a, b]",
			[]string{"documents/lot.yaml", "« descripteurs »", "au plus 5", "6 donné"}},
		{"adresse réelle", docs, "url: \"https://www.valmont-solidarites.example/corps-hebergement\"", "url: \"https://www.service-public.fr/x\"",
			[]string{"documents/lot.yaml", "« source.url »", "« https://www.service-public.fr/x »", ".example"}},
		{"remplacement inconnu", docs, "    perime: false\n  - id: descripteur", "    perime: true\n    remplace_par: fantome\n  - id: descripteur",
			[]string{"documents/lot.yaml", "document « titre-hebergement »", "« remplace_par »", "« fantome »", "inconnu"}},
		{"remplacé par plus ancien", docs, "    perime: false\n  - id: descripteur", "    perime: true\n    remplace_par: descripteur-hebergement\n  - id: descripteur",
			[]string{"document « titre-hebergement »", "« remplace_par »", "« descripteur-hebergement »", "plus ancien"}},
		{"remplacement sans péremption", docs, "    perime: false\n  - id: descripteur", "    perime: false\n    remplace_par: corps-hebergement\n  - id: descripteur",
			[]string{"document « titre-hebergement »", "« remplace_par »", "« corps-hebergement »", "« perime »"}},
		{"identifiant en double", docs, "id: corps-hebergement", "id: titre-hebergement",
			[]string{"documents/lot.yaml", "« id »", "« titre-hebergement »", "déjà"}},
		{"identifiant mal formé", docs, "id: corps-hebergement", "id: Corps_Hébergement",
			[]string{"documents/lot.yaml", "« id »", "« Corps_Hébergement »"}},
		{"téléphone réel", docs, "Un texte sans rapport avec la recherche.", "Appelez le 02 41 00 00 00.",
			[]string{"documents/lot.yaml", "« 02 41 00 00 00 »", "fiction"}},
		{"tg inconnu", th, "tg: hebergement\n", "tg: hebergemnt\n",
			[]string{"thesaurus.yaml", "descripteur « hebergement-d-urgence »", "« tg »", "« hebergemnt »", "inconnu"}},
		{"ta inconnu", th, "ta: [logement]", "ta: [logement, chomage]",
			[]string{"thesaurus.yaml", "descripteur « emploi »", "« ta[1] »", "« chomage »", "inconnu"}},
		{"cycle de tg", th, "        libelle: \"Logement\"\n", "        libelle: \"Logement\"\n        tg: hebergement-d-urgence\n",
			[]string{"thesaurus.yaml", "« tg »", "cycle", "logement → hebergement-d-urgence → hebergement → logement"}},
		{"ep qui est un descripteur", th, "ep: [\"travail\"]", "ep: [\"travail\", \"Hebergement\"]",
			[]string{"thesaurus.yaml", "descripteur « emploi »", "« ep[1] »", "« Hebergement »", "est un descripteur"}},
		{"ep en double", th, "ep: [\"travail\"]", "ep: [\"travail\", \"Mise a l'abri\"]",
			[]string{"thesaurus.yaml", "descripteur « emploi »", "« ep[1] »", "« Mise a l'abri »", "« hebergement »"}},
		{"document attendu inconnu", themes, "documents_attendus: [titre-hebergement,", "documents_attendus: [fantome,",
			[]string{"themes.yaml", "thème « theme-un »", "« documents_attendus[0] »", "« fantome »"}},
		{"tâche hors activité 5", themes, `taches: ["5.1"]`, `taches: ["4.1"]`,
			[]string{"themes.yaml", "« taches[0] »", `"4.1"`}},
		{"fiche inconnue", feed, "fiche: fsl", "fiche: fsl-departement",
			[]string{"flux/flux-test.yaml", "item « regle »", "« fiche »", "« fsl-departement »", "fiches/*.md"}},
		{"thème inconnu", feed, "theme: theme-un", "theme: theme-deux",
			[]string{"flux/flux-test.yaml", "item « regle »", "« theme »", "« theme-deux »"}},
		{"avant manquant", feed, "    avant: \"700 €\"\n", "",
			[]string{"flux/flux-test.yaml", "« items[1].avant »", "obligatoire"}},
		{"date et jour simulé discordants", feed, "date: \"2026-12-08 10:00\"", "date: \"2026-12-09 10:00\"",
			[]string{"flux/flux-test.yaml", "item « regle »", "« date »", "« 2026-12-09 10:00 »", "jour simulé 3 (2026-12-08)"}},
		{"jour 0 dans le futur", feed, "date: \"2026-12-01 10:00\"", "date: \"2026-12-07 10:00\"",
			[]string{"flux/flux-test.yaml", "item « ancien »", "« date »", "« 2026-12-07 10:00 »"}},
		{"format inconnu", feed, "format: rss", "format: json",
			[]string{"flux/flux-test.yaml", "« format »", `"json"`, "rss, atom"}},
		{"jour simulé trop loin", feed, "jour_simule: 3", "jour_simule: 75",
			[]string{"flux/flux-test.yaml", "« items[1].jour_simule »", "75"}},
		{"champs de changement sur un item ordinaire", feed, "    jour_simule: 0\n", "    jour_simule: 0\n    fiche: fsl\n",
			[]string{"flux/flux-test.yaml", "item « ancien »", "« changement_regle: true »"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := fonds.Load(edit(t, c.file, c.old, c.new))
			if err == nil {
				t.Fatal("erreur attendue")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q : %q attendu", err, w)
				}
			}
			if strings.Contains(err.Error(), "fonds.") || strings.Contains(err.Error(), "string") {
				t.Errorf("message %q : nom de type Go", err)
			}
		})
	}
}

func TestMissingFilesAreNamed(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"fonds/thesaurus.yaml", "fonds/themes.yaml"} {
		m := fixture()
		delete(m, file)
		_, err := fonds.Load(m)
		if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(file, "fonds/")) {
			t.Errorf("sans %s : erreur %v", file, err)
		}
	}
	m := fixture()
	delete(m, "fonds/documents/lot.yaml")
	if _, err := fonds.Load(m); err == nil || !strings.Contains(err.Error(), "aucun fichier de documents") {
		t.Errorf("sans documents : erreur %v", err)
	}
}

// The real content, one file broken: the loader reads the fiches of the
// same tree, so removing the fiche a rule change names must fail.
func TestRealContentRuleChangeNeedsItsFiche(t *testing.T) {
	t.Parallel()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasPrefix(p, "fonds/") || strings.HasPrefix(p, "fiches/")) {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fonds.Load(m); err != nil {
		t.Fatalf("copie du contenu : %v", err)
	}
	f := loadEmbedded(t)
	fiche := f.RuleChanges()[0].Item.Fiche
	delete(m, "fiches/"+fiche+".md")
	_, err = fonds.Load(m)
	if err == nil || !strings.Contains(err.Error(), "« fiche »") || !strings.Contains(err.Error(), "« "+fiche+" »") {
		t.Errorf("sans la fiche %s : erreur %v", fiche, err)
	}
}
