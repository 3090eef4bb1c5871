package actormap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/apperr"
)

func example() Map {
	a := func(id, name, typ string, d Domain) Actor { return Actor{ID: id, Name: name, Type: typ, Domain: d} }
	r := func(from, to string, k RelationKind, d Direction, c string) Relation {
		return Relation{From: from, To: to, Kind: k, Direction: d, Comment: c}
	}
	return Map{
		Title:     "Insertion des jeunes — Quartier des Tilleuls",
		Theme:     "Insertion sociale et professionnelle des 16-25 ans",
		Territory: "Quartier prioritaire des Tilleuls (QPV), ville de Saint-Aubin",
		Actors: []Actor{
			a("ml", "Mission locale du Val d'Aubin", "Association loi 1901", DomainEmploi),
			a("ft", "France Travail — agence de Saint-Aubin", "Opérateur public", DomainEmploi),
			a("plie", "PLIE de l'agglomération", "Dispositif intercommunal", DomainEmploi),
			a("siae", "Tilleuls Services", "Atelier et chantier d'insertion", DomainEmploi),
			a("ddets", "DDETS", "Services de l'État", DomainEmploi),
			a("e2c", "École de la deuxième chance (E2C)", "Établissement de formation", DomainFormation),
			a("cfa", "CFA des métiers", "Centre de formation d'apprentis", DomainFormation),
			a("region", "Conseil régional", "Collectivité territoriale", DomainFormation),
			a("ccas", "Centre communal d'action sociale (CCAS)", "Établissement public communal", DomainSocial),
			a("caf", "CAF", "Sécurité sociale", DomainSocial),
			a("cd", "Conseil départemental", "Collectivité — action sociale", DomainSocial),
			a("prev", "Association de prévention spécialisée « Les Passerelles »", "Association", DomainSocial),
			a("cs", "Centre social des Tilleuls", "Association", DomainSocial),
			a("cmp", "CMP", "Centre médico-psychologique", DomainSante),
			a("mda", "Maison des adolescents", "Groupement d'intérêt public", DomainSante),
			a("ars", "ARS", "Agence régionale de santé", DomainSante),
			a("fjt", "Foyer de jeunes travailleurs (FJT)", "Résidence sociale", DomainLogement),
			a("siao", "SIAO", "Service intégré d'accueil et d'orientation", DomainLogement),
			a("pjj", "Protection judiciaire de la jeunesse (PJJ)", "Service de l'État", DomainJustice),
			a("spip", "SPIP", "Service pénitentiaire d'insertion et de probation", DomainJustice),
		},
		Relations: []Relation{
			r("ft", "ml", RelationOrientation, DirectionAller, "Jeunes orientés vers le contrat d'engagement jeune"),
			r("ml", "ft", RelationCoordination, DirectionDouble, "Comité opérationnel mensuel"),
			r("ml", "e2c", RelationOrientation, DirectionAller, ""),
			r("ml", "fjt", RelationOrientation, DirectionAller, ""),
			r("ml", "cmp", RelationOrientation, DirectionAller, "Souffrance psychique repérée en entretien"),
			r("prev", "ml", RelationOrientation, DirectionAller, ""),
			r("cd", "prev", RelationFinancement, DirectionAller, "Protection de l'enfance"),
			r("cd", "plie", RelationFinancement, DirectionAller, ""),
			r("region", "e2c", RelationFinancement, DirectionAller, ""),
			r("region", "cfa", RelationFinancement, DirectionAller, ""),
			r("plie", "siae", RelationOrientation, DirectionAller, ""),
			r("ft", "siae", RelationOrientation, DirectionAller, ""),
			r("ddets", "siae", RelationTutelle, DirectionAller, "Conventionnement IAE"),
			r("caf", "fjt", RelationFinancement, DirectionAller, ""),
			r("ccas", "ml", RelationPartenariat, DirectionDouble, ""),
			r("ccas", "siao", RelationOrientation, DirectionAller, ""),
			r("siao", "fjt", RelationOrientation, DirectionAller, ""),
			r("cmp", "mda", RelationCoordination, DirectionDouble, ""),
			r("ars", "cmp", RelationTutelle, DirectionAller, ""),
			r("pjj", "ml", RelationOrientation, DirectionAller, ""),
			r("spip", "siae", RelationPartenariat, DirectionAucune, ""),
			r("cd", "ccas", RelationCoordination, DirectionAucune, ""),
			r("caf", "cs", RelationFinancement, DirectionAller, ""),
			r("cs", "prev", RelationPartenariat, DirectionAucune, ""),
			r("ml", "cs", RelationInformation, DirectionRetour, "Permanence hebdomadaire au centre social"),
			r("e2c", "cfa", RelationPartenariat, DirectionDouble, ""),
			r("mda", "ml", RelationInformation, DirectionAller, ""),
		},
	}
}

// ---------------------------------------------------------------------------
// Vocabulary.

func TestLabels(t *testing.T) {
	var got []string
	for _, d := range Domains {
		got = append(got, d.Label())
	}
	if want := "Emploi,Formation,Social,Santé,Logement,Justice,Autre"; strings.Join(got, ",") != want {
		t.Errorf("domaines = %s", strings.Join(got, ","))
	}
	got = nil
	for _, k := range RelationKinds {
		got = append(got, k.Label())
	}
	if want := "Orientation,Financement,Partenariat,Coordination,Tutelle,Information"; strings.Join(got, ",") != want {
		t.Errorf("natures = %s", strings.Join(got, ","))
	}
	if string(DomainSante) != "sante" || string(RelationTutelle) != "tutelle" || string(DirectionAucune) != "aucune" {
		t.Error("codes inattendus")
	}
}

// ---------------------------------------------------------------------------
// Validation.

func TestValidate(t *testing.T) {
	if errs := example().Validate(); len(errs) != 0 {
		t.Fatalf("exemple valide refusé : %v", errs)
	}
	long := strings.Repeat("é", 121)
	bad := Map{
		Title:     "   ",
		Theme:     long,
		Territory: strings.Repeat("x", 120), // exactly the limit: accepted
		Actors: []Actor{
			{ID: "a", Name: "Mission locale", Type: "Association", Domain: DomainEmploi},
			{ID: "a", Name: "", Type: strings.Repeat("t", 81), Domain: "sport"},
			{ID: "", Name: long, Domain: ""},
			{ID: "c", Name: "CCAS", Domain: DomainSocial, StructureRef: strings.Repeat("s", 65)},
		},
		Relations: []Relation{
			{From: "a", To: "c", Kind: RelationOrientation, Direction: DirectionAller},                                 // valid
			{From: "a", To: "a", Kind: RelationFinancement, Direction: DirectionDouble},                                // self-loop
			{From: "zz", To: "", Kind: "amitié", Direction: "haut"},                                                    // unknown everything
			{From: "c", To: "a", Kind: RelationTutelle, Direction: DirectionAucune, Comment: strings.Repeat("c", 501)}, // comment too long
			{From: "c", To: "a", Kind: RelationTutelle, Direction: DirectionAucune, Comment: strings.Repeat("c", 500)},
		},
	}
	want := map[string]string{
		"titre":                    "Ce champ est obligatoire.",
		"thematique":               "Saisissez au plus 120 caractères.",
		"acteurs[1].id":            "Cet identifiant est déjà celui d'un autre acteur.",
		"acteurs[1].nom":           "Ce champ est obligatoire.",
		"acteurs[1].type":          "Saisissez au plus 80 caractères.",
		"acteurs[1].domaine":       "Choisissez un domaine dans la liste.",
		"acteurs[2].id":            "Ce champ est obligatoire.",
		"acteurs[2].nom":           "Saisissez au plus 120 caractères.",
		"acteurs[2].domaine":       "Choisissez un domaine dans la liste.",
		"acteurs[3].structure":     "Saisissez au plus 64 caractères.",
		"relations[1].vers":        "Choisissez un acteur différent de l'acteur de départ.",
		"relations[2].de":          "Choisissez un acteur de la cartographie.",
		"relations[2].vers":        "Ce champ est obligatoire.",
		"relations[2].nature":      "Choisissez une nature de relation dans la liste.",
		"relations[2].sens":        "Choisissez un sens dans la liste.",
		"relations[3].commentaire": "Saisissez au plus 500 caractères.",
	}
	got := bad.Validate()
	if !reflect.DeepEqual(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s : obtenu %q, attendu %q", k, got[k], v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("message inattendu %s : %q", k, v)
			}
		}
	}
}

func TestValidateLimits(t *testing.T) {
	m := Map{Title: "Limites"}
	for i := 0; i < 61; i++ {
		m.Actors = append(m.Actors, Actor{ID: fmt.Sprintf("a%d", i), Name: "Acteur", Domain: DomainAutre})
	}
	for i := 0; i < 201; i++ {
		m.Relations = append(m.Relations, Relation{From: "a0", To: "a1", Kind: RelationInformation, Direction: DirectionAucune})
	}
	want := map[string]string{
		"acteurs":   "Une cartographie compte au plus 60 acteurs.",
		"relations": "Une cartographie compte au plus 200 relations.",
	}
	if got := m.Validate(); !reflect.DeepEqual(got, want) {
		t.Errorf("obtenu %v", got)
	}
	m.Actors, m.Relations = m.Actors[:60], m.Relations[:200]
	if got := m.Validate(); len(got) != 0 {
		t.Errorf("60 acteurs et 200 relations doivent passer : %v", got)
	}
}

// ---------------------------------------------------------------------------
// JSON.

func TestJSONRoundTrip(t *testing.T) {
	m := example()
	m.Actors[0].StructureRef = "structure-42"
	m.Actors[1].Name = "Centre communal d'action sociale (CCAS) & co <test> \"guillemets\""
	data := m.JSON()
	if !bytes.Contains(data, []byte("\n  \"titre\": ")) || !bytes.Contains(data, []byte("& co <test>")) {
		t.Errorf("JSON non indenté ou échappé pour le HTML :\n%s", data[:200])
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("aller-retour JSON différent :\n%+v\n%+v", back, m)
	}
	if !bytes.Equal(back.JSON(), data) {
		t.Error("deuxième export différent")
	}
	empty := Map{Title: "Vide"}.JSON()
	if !bytes.Contains(empty, []byte(`"acteurs": []`)) || !bytes.Contains(empty, []byte(`"relations": []`)) {
		t.Errorf("listes vides attendues : %s", empty)
	}
	// A byte order mark from a Windows editor is tolerated.
	if _, err := Parse(append([]byte("\xef\xbb\xbf"), data...)); err != nil {
		t.Errorf("BOM refusé : %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "Le fichier est vide."},
		{"  \n", "Le fichier est vide."},
		{`[1, 2]`, "Le fichier doit contenir une cartographie au format JSON : un objet entre accolades { }."},
		{`{"titre": "x", "auteur": "moi"}`, "Le champ « auteur » est inconnu : une cartographie ne contient que les champs prévus (titre, thematique, territoire, acteurs, relations…)."},
		{`{"acteurs": [{"id": "a", "couleur": "rouge"}]}`, "Le champ « couleur » est inconnu : une cartographie ne contient que les champs prévus (titre, thematique, territoire, acteurs, relations…)."},
		{"{\n  \"titre\": \"x\",\n  \"acteurs\": [,]\n}", "Le fichier n'est pas un JSON valide (ligne 3, colonne 15)."},
		{`{"titre": "x"`, "Le fichier JSON est incomplet : il se termine avant la fin de la cartographie."},
		{`{"titre": 12}`, "Le champ « titre » doit contenir du texte."},
		{`{"acteurs": {"id": "a"}}`, "Le champ « acteurs » doit contenir une liste [ ]."},
		{`{"titre": "x"} {"titre": "y"}`, "Le fichier contient des données après la cartographie."},
	} {
		_, err := Parse([]byte(c.in))
		if err == nil {
			t.Errorf("%q accepté", c.in)
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.Invalid {
			t.Errorf("%q : erreur %T %v, apperr.Invalid attendu", c.in, err, err)
			continue
		}
		if e.Message != c.want {
			t.Errorf("%q :\n obtenu  %q\n attendu %q", c.in, e.Message, c.want)
		}
	}
	var syn *json.SyntaxError
	if _, err := Parse([]byte(`{"titre": }`)); errors.As(err, &syn) {
		t.Error("l'erreur technique ne doit pas fuiter")
	}
}
