package server_test

import (
	"net/http"
	"net/url"
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
