package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app/testenv"
)

// TestActorMapPreviewValidatesFirst sends « Prévisualiser » for an actor map
// whose thématique holds 300,000 characters: it is refused as at deposit
// (422, the French message next to the field, the input kept) instead of
// being drawn; the piece page then still answers, its map cut to size.
func TestActorMapPreviewValidatesFirst(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant07", "demo")
	piece := createPiece(t, c, "cartographie-acteurs", "Carte des acteurs")
	form := func(theme string) url.Values {
		return url.Values{"title": {"Carte des acteurs"}, "titre": {"Acteurs de l'insertion"}, "thematique": {theme},
			"territoire": {"Tours Métropole"}, "acteurs[0].nom": {"Mission locale de Tours"}, "acteurs[0].domaine": {"emploi"},
			"acteurs[1].nom": {"CCAS de Tours"}, "acteurs[1].domaine": {"social"}, "action": {"previsualiser"}}
	}
	const mapMark = `aria-labelledby="cartographie-`

	r := c.Submit(piece, piece, form("Insertion des jeunes"))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, mapMark) {
		t.Fatalf("aperçu d'une cartographie valide : statut %d, schéma présent %v", r.Status, strings.Contains(r.Body, mapMark))
	}

	hostile := strings.Repeat("Insertion des jeunes ", 300_000/21+1)[:300_000]
	r = c.Submit(piece, piece, form(hostile))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("aperçu d'une thématique de 300 000 caractères : statut %d, attendu 422", r.Status)
	}
	if text := testenv.Text(r.Body); !strings.Contains(text, "Saisissez au plus 120 caractères.") {
		t.Error("le message d'erreur de la thématique est absent")
	}
	if !strings.Contains(r.Body, `id="thematique-error"`) || !strings.Contains(r.Body, `value="`+hostile+`"`) {
		t.Error("l'erreur n'est pas liée au champ, ou la saisie n'est pas conservée")
	}
	if !strings.Contains(r.Body, "Mission locale de Tours") {
		t.Error("les acteurs saisis ne sont pas conservés")
	}
	if strings.Contains(r.Body, mapMark) {
		t.Error("la cartographie refusée par la validation est dessinée")
	}

	// The draft is kept as typed; its page answers, the map drawn from
	// texts cut to the lengths validation allows.
	r = c.Get(piece)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `value="`+hostile+`"`) {
		t.Fatalf("page de la pièce : statut %d, saisie conservée %v", r.Status, strings.Contains(r.Body, `value="`+hostile+`"`))
	}
	i := strings.Index(r.Body, mapMark)
	j := strings.Index(r.Body[max(i, 0):], "</svg>")
	if i < 0 || j < 0 || j > 100_000 {
		t.Errorf("schéma de la page : début %d, longueur %d", i, j)
	}
}

// TestEditorsNewRowsAndNewActors sends what the editors send when rows are
// added: a relation between two actors typed in the same submission
// (« ligne:N », as casp.js offers them before they have ids), relations
// to an emptied row, to a row that does not exist and to a forged value,
// with « Ajouter des lignes » (no JavaScript), which saves and comes back
// to the relations.
func TestEditorsNewRowsAndNewActors(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant07", "demo")
	piece := createPiece(t, c, "cartographie-acteurs", "Carte des acteurs")
	r := c.Submit(piece, piece, url.Values{"title": {"Carte des acteurs"}, "titre": {"Acteurs"},
		"acteurs[0].nom": {"Mission locale de Tours"}, "acteurs[0].domaine": {"emploi"}, "acteurs[0].id": {""},
		"acteurs[1].nom": {""}, "acteurs[1].id": {""},
		"acteurs[4].nom": {"CCAS de Tours"}, "acteurs[4].domaine": {"social"}, "acteurs[4].id": {""},
		"relations[0].de": {"ligne:0"}, "relations[0].vers": {"ligne:4"}, "relations[0].nature": {"orientation"}, "relations[0].sens": {"aller"},
		"relations[1].de": {"ligne:0"}, "relations[1].vers": {"ligne:1"}, "relations[1].nature": {"partenariat"}, "relations[1].sens": {"aller"},
		"relations[2].de": {"ligne:9"}, "relations[2].vers": {"ligne:4"}, "relations[2].nature": {"partenariat"}, "relations[2].sens": {"aller"},
		"relations[3].de": {"ligne:0 OR 1=1"}, "relations[3].vers": {"ligne:4"}, "relations[3].nature": {"partenariat"}, "relations[3].sens": {"aller"},
		"action": {"lignes-relations"}})
	if r.Status != http.StatusSeeOther || r.Location != piece+"#relations" {
		t.Fatalf("« Ajouter des lignes » : statut %d vers %q, attendu 303 vers %s#relations", r.Status, r.Location, piece)
	}
	r = c.Get(piece)
	if text := testenv.Text(r.Body); !strings.Contains(text, "de nouvelles lignes vides vous attendent") {
		t.Errorf("pas de message après « Ajouter des lignes »")
	}
	// The one relation kept links the two new actors, by their new ids.
	sel := regexp.MustCompile(`<option value="(a\d+)" selected>([^<]+)</option>`).FindAllStringSubmatch(r.Body, -1)
	var got []string
	for _, m := range sel {
		got = append(got, m[1]+"="+m[2])
	}
	if strings.Join(got, " ") != "a1=Mission locale de Tours a2=CCAS de Tours" {
		t.Errorf("relations enregistrées : %q, attendu une seule, de a1 (Mission locale) vers a2 (CCAS)", got)
	}
	if strings.Contains(r.Body, `value="relations[1].commentaire"`) || strings.Count(r.Body, `name="relations[`) != 5*(1+3+1) {
		t.Errorf("%d champs de relation, attendu une relation, 3 lignes vides et le modèle (5 champs chacun)", strings.Count(r.Body, `name="relations[`))
	}

	// The guide's « Ajouter des lignes » comes back to its phases.
	guide := createPiece(t, c, "guide-entretien", "Guide d'accueil")
	r = c.Submit(guide, guide, url.Values{"title": {"Guide d'accueil"}, "phases[0].nom": {"Accueil"},
		"phases[0].questions[0].question": {"Comment allez-vous ?"}, "phases[0].questions[1].question": {"Qu'est-ce qui vous amène ?"},
		"action": {"lignes-deroule"}})
	if r.Status != http.StatusSeeOther || r.Location != guide+"#deroule" {
		t.Fatalf("guide, « Ajouter des lignes » : statut %d vers %q", r.Status, r.Location)
	}
	r = c.Get(guide)
	for _, want := range []string{`name="phases[0].questions[3].question"`, `name="phases[1].nom"`, `name="phases[__i__].nom"`, `name="phases[0].questions[__j__].question"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("guide enregistré : champ %s absent", want)
		}
	}
	if strings.Contains(r.Body, `name="phases[0].questions[4].question"`) {
		t.Errorf("guide : plus de deux lignes vides après deux questions")
	}
}
