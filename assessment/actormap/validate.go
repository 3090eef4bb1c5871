package actormap

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The limits of a map, checked by Validate; the renderer keeps to them
// whatever its input.
const (
	MaxActors    = 60
	MaxRelations = 200
	MaxName      = 120
	MaxType      = 80
	MaxID        = 64
	MaxComment   = 500
)

func knownDomain(d Domain) bool {
	for _, x := range Domains {
		if x == d {
			return true
		}
	}
	return false
}

func knownKind(k RelationKind) bool {
	for _, x := range RelationKinds {
		if x == k {
			return true
		}
	}
	return false
}

func knownDirection(d Direction) bool {
	for _, x := range Directions {
		if x == d {
			return true
		}
	}
	return false
}

// checkText records the message for a required or too long text field.
func checkText(errs map[string]string, key, s string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		errs[key] = "Ce champ est obligatoire."
	case utf8.RuneCountInString(s) > max:
		errs[key] = fmt.Sprintf("Saisissez au plus %d caractères.", max)
	}
}

// Validate checks the map and returns one French message per form field in
// error ("titre", "acteurs[3].nom", "relations[1].vers"…); an empty map
// means the map is valid.
func (m Map) Validate() map[string]string {
	errs := map[string]string{}
	checkText(errs, "titre", m.Title, MaxName, true)
	checkText(errs, "thematique", m.Theme, MaxName, false)
	checkText(errs, "territoire", m.Territory, MaxName, false)
	if len(m.Actors) > MaxActors {
		errs["acteurs"] = fmt.Sprintf("Une cartographie compte au plus %d acteurs.", MaxActors)
	}
	if len(m.Relations) > MaxRelations {
		errs["relations"] = fmt.Sprintf("Une cartographie compte au plus %d relations.", MaxRelations)
	}
	ids := map[string]bool{}
	for i, a := range m.Actors {
		p := fmt.Sprintf("acteurs[%d].", i)
		checkText(errs, p+"id", a.ID, MaxID, true)
		if strings.TrimSpace(a.ID) != "" {
			if ids[a.ID] {
				errs[p+"id"] = "Cet identifiant est déjà celui d'un autre acteur."
			}
			ids[a.ID] = true
		}
		checkText(errs, p+"nom", a.Name, MaxName, true)
		checkText(errs, p+"type", a.Type, MaxType, false)
		if !knownDomain(a.Domain) {
			errs[p+"domaine"] = "Choisissez un domaine dans la liste."
		}
		checkText(errs, p+"structure", a.StructureRef, MaxID, false)
	}
	for i, r := range m.Relations {
		p := fmt.Sprintf("relations[%d].", i)
		endpoint := func(key, id string) {
			switch {
			case strings.TrimSpace(id) == "":
				errs[p+key] = "Ce champ est obligatoire."
			case !ids[id]:
				errs[p+key] = "Choisissez un acteur de la cartographie."
			}
		}
		endpoint("de", r.From)
		endpoint("vers", r.To)
		if _, bad := errs[p+"vers"]; !bad && r.From == r.To && ids[r.To] {
			errs[p+"vers"] = "Choisissez un acteur différent de l'acteur de départ."
		}
		if !knownKind(r.Kind) {
			errs[p+"nature"] = "Choisissez une nature de relation dans la liste."
		}
		if !knownDirection(r.Direction) {
			errs[p+"sens"] = "Choisissez un sens dans la liste."
		}
		checkText(errs, p+"commentaire", r.Comment, MaxComment, false)
	}
	return errs
}
