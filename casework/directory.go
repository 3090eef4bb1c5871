package casework

import (
	"strings"

	"github.com/casp-cnam/casp/referentiel"
)

// ThemeLabels name the 16 themes in French.
var ThemeLabels = map[string]string{
	"choisir-un-metier": "Choisir un métier", "creer-une-entreprise": "Créer une entreprise",
	"difficultes-administratives-ou-juridiques": "Difficultés administratives ou juridiques", "difficultes-financieres": "Difficultés financières",
	"equipement-et-alimentation": "Équipement et alimentation", "famille": "Famille", "lecture-ecriture-calcul": "Lecture, écriture, calcul",
	"logement-hebergement": "Logement et hébergement", "mobilite": "Mobilité", "numerique": "Numérique", "preparer-sa-candidature": "Préparer sa candidature",
	"remobilisation": "Remobilisation", "sante": "Santé", "se-former": "Se former", "souvrir-a-linternational": "S'ouvrir à l'international",
	"trouver-un-emploi": "Trouver un emploi",
}

// PublicLabels name the publics in French.
var PublicLabels = map[string]string{
	"tous-publics": "Tous publics", "demandeurs-emploi": "Demandeurs d'emploi", "beneficiaires-des-minimas-sociaux": "Bénéficiaires des minima sociaux",
	"jeunes": "Jeunes (16–25 ans)", "familles": "Familles", "femmes": "Femmes", "seniors": "Seniors",
	"personnes-en-situation-de-handicap": "Personnes en situation de handicap", "personnes-en-situation-d-urgence": "Personnes en situation d'urgence",
	"personnes-exilees": "Personnes exilées", "sortants-de-detention": "Sortants de détention", "sans-domicile-fixe": "Sans domicile fixe",
	"residents-qpv": "Habitants des quartiers prioritaires", "salaries": "Salariés",
}

// ThemeLabel names a theme or a theme--besoin code.
func ThemeLabel(code string) string {
	theme, need, ok := strings.Cut(code, "--")
	label := ThemeLabels[theme]
	if label == "" {
		label = theme
	}
	if n, known := NeedLabels[code]; ok && known && need != "" {
		return label + " : " + n
	}
	return label
}

// DirectoryFilter narrows the directory.
type DirectoryFilter struct {
	Query   string
	Theme   string // a theme, or theme--besoin
	Public  string
	Commune string
}

// Search returns the structures matching every criterion: full text over
// names, descriptions and services (accents and case ignored), theme (a
// theme matches all its needs), public, commune.
func (l *Library) Search(f DirectoryFilter) []*Structure {
	words := strings.Fields(referentiel.Fold(f.Query))
	var out []*Structure
	for _, s := range l.Structures {
		if f.Commune != "" && s.Commune != f.Commune {
			continue
		}
		if !matchServices(s, f.Theme, f.Public) {
			continue
		}
		if len(words) > 0 {
			text := referentiel.Fold(structureText(s))
			ok := true
			for _, w := range words {
				ok = ok && strings.Contains(text, w)
			}
			if !ok {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

func matchServices(s *Structure, theme, public string) bool {
	if theme == "" && public == "" {
		return true
	}
	for _, sv := range s.Services {
		themeOK := theme == ""
		for _, th := range sv.Themes {
			themeOK = themeOK || th == theme || strings.HasPrefix(th, theme+"--")
		}
		publicOK := public == ""
		for _, p := range sv.Publics {
			publicOK = publicOK || p == public || p == "tous-publics"
		}
		if themeOK && publicOK {
			return true
		}
	}
	return false
}

func structureText(s *Structure) string {
	parts := []string{s.Name, s.Typology, s.Description, s.Address, s.Network}
	for _, sv := range s.Services {
		parts = append(parts, sv.Name, sv.Conditions, strings.Join(sv.Themes, " "))
	}
	return strings.Join(parts, " ")
}

// SearchFiches returns the fiches matching a text and a theme.
func (l *Library) SearchFiches(query, theme string) []*Fiche {
	words := strings.Fields(referentiel.Fold(query))
	var out []*Fiche
	for _, f := range l.Fiches {
		if theme != "" {
			ok := false
			for _, th := range f.Themes {
				ok = ok || th == theme || strings.HasPrefix(th, theme+"--")
			}
			if !ok {
				continue
			}
		}
		text := referentiel.Fold(f.Title + " " + f.Summary + " " + f.Body)
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(text, w)
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}

// FichesFor lists the fiches that point to a structure.
func (l *Library) FichesFor(structureID string) []*Fiche {
	var out []*Fiche
	for _, f := range l.Fiches {
		for _, s := range f.Structures {
			if s == structureID {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// CommuneName names a commune.
func (t *Territory) CommuneName(id string) string {
	for _, c := range t.Communes {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// StructureName names a structure, for templates.
func (l *Library) StructureName(id string) string {
	if s, ok := l.structures[id]; ok {
		return s.Name
	}
	return id
}
