package fonds_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/casp-cnam/casp/casework/fonds"
)

// A small but complete fund: three descriptors in a hierarchy, three
// documents, one theme, one feed with a rule change, one fiche. Tests
// break one thing at a time.
const fixtureThesaurus = `micro_thesaurus:
  - id: logement
    libelle: "Logement"
    descripteurs:
      - id: logement
        libelle: "Logement"
        ep: ["habitat"]
      - id: hebergement
        libelle: "Hébergement"
        tg: logement
        ep: ["mise à l'abri"]
      - id: hebergement-d-urgence
        libelle: "Hébergement d'urgence"
        tg: hebergement
        ep: ["115"]
  - id: emploi
    libelle: "Emploi"
    descripteurs:
      - id: emploi
        libelle: "Emploi"
        ta: [logement]
        ep: ["travail"]
`

func fixtureDoc(id, title, kind, date string, descriptors, summary, text string) string {
	if summary == "" {
		summary = "Un résumé. Deux phrases. Trois phrases."
	}
	if text == "" {
		text = "Un texte sans rapport avec la recherche."
	}
	return fmt.Sprintf(`  - id: %s
    titre: "%s"
    type: %s
    auteur: "Service fictif"
    source:
      nom: "Bulletin fictif"
      url: "https://www.valmont-solidarites.example/%s"
    date_publication: %s
    date_consultation: 2026-12-01
    resume: "%s"
    texte: "%s"
    descripteurs: [%s]
    public_vise: "Professionnels"
    fiabilite:
      niveau: fiable
      pourquoi: "Source officielle datée."
    perime: false
`, id, title, kind, id, date, summary, text, descriptors)
}

func fixtureDocuments() string {
	return "documents:\n" +
		fixtureDoc("titre-hebergement", "L'hébergement des familles", "rapport", "2025-01-10", "emploi, logement", "", "") +
		fixtureDoc("descripteur-hebergement", "Une note sur les places", "texte-officiel", "2024-03-01", "hebergement-d-urgence, emploi", "", "") +
		fixtureDoc("corps-hebergement", "Un bulletin sans rapport", "presse-professionnelle", "2026-06-01", "emploi, logement", "",
			"Hébergement, hébergement, hébergement : l'hébergement revient dans tout le texte, hébergement encore.") +
		fixtureDoc("piege-ancien", "Un vieux dépliant", "depliant", "2020-02-01", "logement, emploi", "", "")
}

const fixtureThemes = `themes:
  - id: theme-un
    titre: "Un thème"
    consigne: "Constituez un dossier."
    taches: ["5.1"]
    public_du_document: "Tout public"
    documents_attendus: [titre-hebergement, descripteur-hebergement, corps-hebergement]
    documents_pieges:
      - document: piege-ancien
        pourquoi: "Piège."
    descripteurs_attendus: [logement, emploi]
    cle_depliant:
      titre: "Dépliant"
      points:
        - texte: "Un."
          mots_cles: [un]
        - texte: "Deux."
          mots_cles: [deux]
        - texte: "Trois."
          mots_cles: [trois]
`

const fixtureFeed = `id: flux-test
titre: "Flux de test"
format: rss
emetteur: "Service fictif"
lien: "https://www.valmont-solidarites.example/actualites"
description: "Un flux pour les tests."
items:
  - id: ancien
    titre: "Un item déjà là"
    lien: "https://www.valmont-solidarites.example/actualites/ancien"
    date: "2026-12-01 10:00"
    resume: "Déjà publié."
    jour_simule: 0
    descripteurs: [logement]
  - id: regle
    titre: "Une règle change"
    lien: "https://www.valmont-solidarites.example/actualites/regle"
    date: "2026-12-08 10:00"
    resume: "Le plafond change."
    jour_simule: 3
    descripteurs: [logement]
    changement_regle: true
    fiche: fsl
    theme: theme-un
    avant: "700 €"
    apres: "900 €"
`

const fixtureFiche = "---\nid: fsl\ntitre: \"FSL\"\n---\nCorps.\n"

func fixture() fstest.MapFS {
	return fstest.MapFS{
		"fonds/thesaurus.yaml":      {Data: []byte(fixtureThesaurus)},
		"fonds/documents/lot.yaml":  {Data: []byte(fixtureDocuments())},
		"fonds/themes.yaml":         {Data: []byte(fixtureThemes)},
		"fonds/flux/flux-test.yaml": {Data: []byte(fixtureFeed)},
		"fiches/fsl.md":             {Data: []byte(fixtureFiche)},
	}
}

func loadFixture(t *testing.T) *fonds.Fonds {
	t.Helper()
	f, err := fonds.Load(fixture())
	if err != nil {
		t.Fatalf("le fonds de test ne se charge pas : %v", err)
	}
	return f
}

// edit returns the fixture with one replacement in one file; the test
// fails if old is not there (the case would test nothing).
func edit(t *testing.T, file, old, new string) fstest.MapFS {
	t.Helper()
	m := fixture()
	data := string(m[file].Data)
	if !strings.Contains(data, old) {
		t.Fatalf("%s ne contient pas %q", file, old)
	}
	m[file] = &fstest.MapFile{Data: []byte(strings.Replace(data, old, new, 1))}
	return m
}
