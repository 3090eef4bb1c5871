package casework

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/casp-cnam/casp/internal/contentcheck"

	"github.com/casp-cnam/casp/casework/fonds"

	"github.com/casp-cnam/casp/casework/reception"
	"github.com/casp-cnam/casp/casework/situation"

	"github.com/casp-cnam/casp/referentiel"
)

// Library is all the sandbox content, loaded and checked at start-up.
type Library struct {
	Territory  *Territory
	Structures []*Structure
	Fiches     []*Fiche
	Scenarios  []*Scenario
	// Receptions are the « organiser l'accueil » exercises.
	Receptions []*reception.Exercise
	// Fund is the documentary fund and its watch feeds (nil when the
	// content tree has no fonds/ folder).
	Fund *fonds.Fonds
	// Situations are the « mises en situation » (collective session,
	// partnership, synthesis meeting…).
	Situations []*situation.Exercise

	structures map[string]*Structure
	fiches     map[string]*Fiche
	scenarios  map[string]*Scenario
	receptions map[string]*reception.Exercise
	situations map[string]*situation.Exercise
	hours      map[string]Hours
}

// Reception returns an « organiser l'accueil » exercise by id.
func (l *Library) Reception(id string) (*reception.Exercise, bool) {
	e, ok := l.receptions[id]
	return e, ok
}

// Structure returns a structure by id.
func (l *Library) Structure(id string) (*Structure, bool) { s, ok := l.structures[id]; return s, ok }

// Fiche returns a fiche by id.
func (l *Library) Fiche(id string) (*Fiche, bool) { f, ok := l.fiches[id]; return f, ok }

// Scenario returns a scenario by id.
func (l *Library) Scenario(id string) (*Scenario, bool) { s, ok := l.scenarios[id]; return s, ok }

// Known vocabularies (domain notes, data·inclusion).
var (
	Typologies = []string{"ML", "FT", "CAP_EMPLOI", "MDE", "PLIE", "CCAS", "CIAS", "CD", "CAF", "CPAM", "MSA", "CS", "CHRS", "CHU",
		"CADA", "HUDA", "RS_FJT", "PIJ_BIJ", "CITMET", "OF", "E2C", "EPIDE", "ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "EA", "CSAPA",
		"CAARUD", "CMP", "PMI", "MDPH", "SPIP", "PJJ", "CIDFF", "UDAF", "PIMMS", "FS", "ASSO", "SIAO", "PCB", "REGIE", "VAE", "RESTOS",
		"CROIX_ROUGE", "SECOURS_POP", "CFA", "ADIL", "POINT_JUSTICE", "CH"}
	Themes = []string{"choisir-un-metier", "creer-une-entreprise", "difficultes-administratives-ou-juridiques", "difficultes-financieres",
		"equipement-et-alimentation", "famille", "lecture-ecriture-calcul", "logement-hebergement", "mobilite", "numerique",
		"preparer-sa-candidature", "remobilisation", "sante", "se-former", "souvrir-a-linternational", "trouver-un-emploi"}
	Publics = []string{"tous-publics", "demandeurs-emploi", "beneficiaires-des-minimas-sociaux", "jeunes", "familles", "femmes", "seniors",
		"personnes-en-situation-de-handicap", "personnes-en-situation-d-urgence", "personnes-exilees", "sortants-de-detention",
		"sans-domicile-fixe", "residents-qpv", "salaries"}
	Domains = []string{"emploi", "formation", "logement", "mobilite", "sante", "famille", "finances", "administratif", "langue",
		"savoirs-de-base", "numerique", "isolement", "justice"}
	Moves = []string{"reformuler", "rassurer", "rappeler-confidentialite", "recadrer", "valoriser", "expliquer-le-cadre", "ecoute-silencieuse",
		"juger", "conseiller-trop-tot", "promettre"}
	// Styles are the forms of a question, judged by its wording.
	Styles = []string{"ouverte", "fermee", "orientee", "jugeante", "multiple"}
	// EventKinds that presuppose an action of the trainee, and the clause
	// their condition must carry.
	eventGuards = map[string]string{"rdv-manque": "rdv", "refus-partenaire": "orientation", "silence-partenaire": "orientation",
		"reponse-partenaire": "orientation"}
)

func in(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// themeKnown accepts « theme » or « theme--besoin » for a known theme and
// a need that has a French label.
func themeKnown(t string) bool {
	theme, _, hasNeed := strings.Cut(t, "--")
	if hasNeed {
		if _, ok := NeedLabels[t]; !ok {
			return false
		}
	}
	return in(Themes, theme)
}

// The loader's checks: strict YAML, validate tags and fiction, with French
// messages (internal/contentcheck).
var (
	decodeStrict = contentcheck.Decode
	checkStruct  = contentcheck.Struct
	fictionPhone = contentcheck.FictionPhone
	fictionEmail = contentcheck.FictionEmail
)

// CheckFiction reports real-looking personal data in a text: a NIR-like
// number, or a phone number outside the fiction ranges.
func CheckFiction(where, text string) error {
	return contentcheck.Fiction(where, text, "le bac à sable ne contient que des personnes fictives")
}

// Load reads and checks every content file of the sandbox. fw is the
// framework scenarios refer to (task ids).
func Load(fsys fs.FS, fw *referentiel.Framework) (*Library, error) {
	l := &Library{structures: map[string]*Structure{}, fiches: map[string]*Fiche{}, scenarios: map[string]*Scenario{}, receptions: map[string]*reception.Exercise{}, situations: map[string]*situation.Exercise{}, hours: map[string]Hours{}}
	raw, err := fs.ReadFile(fsys, "territoire/territoire.yaml")
	if err != nil {
		return nil, err
	}
	var t Territory
	if err := decodeStrict(raw, &t); err != nil {
		return nil, fmt.Errorf("territoire.yaml : %w", err)
	}
	if err := checkStruct("territoire.yaml", &t); err != nil {
		return nil, err
	}
	l.Territory = &t
	communes := map[string]map[string]bool{}
	for _, c := range t.Communes {
		if communes[c.ID] != nil {
			return nil, fmt.Errorf("territoire.yaml : commune %q en double", c.ID)
		}
		communes[c.ID] = map[string]bool{}
		for _, d := range c.Districts {
			communes[c.ID][d.ID] = true
		}
	}
	if err := l.loadStructures(fsys, communes); err != nil {
		return nil, err
	}
	t.Structures = l.Structures
	if err := l.loadFiches(fsys); err != nil {
		return nil, err
	}
	if err := l.loadScenarios(fsys, fw); err != nil {
		return nil, err
	}
	if err := l.loadReceptions(fsys, fw); err != nil {
		return nil, err
	}
	if _, err := fs.Stat(fsys, fonds.Root); err == nil {
		if l.Fund, err = fonds.Load(fsys); err != nil {
			return nil, err
		}
	}
	if err := l.loadSituations(fsys, fw); err != nil {
		return nil, err
	}
	return l, nil
}

// loadReceptions reads exercices/organisation-accueil/*.yaml. An exercise's
// id is unique across every kind (the catalogue's addresses are /cas/ID).
func (l *Library) loadReceptions(fsys fs.FS, fw *referentiel.Framework) error {
	names, err := sortedGlob(fsys, "exercices/"+reception.Kind+"/*.yaml")
	if err != nil {
		return err
	}
	for _, n := range names {
		where := path.Base(n)
		var e reception.Exercise
		if err := readExercise(fsys, n, &e); err != nil {
			return err
		}
		for _, c := range e.Judge(e.Key.Plan, 2, true).Checks {
			if !c.OK {
				return fmt.Errorf("%s : cle_expert.plan : le plan de l'expert ne tient pas ses propres seuils (%s : %s, borne %s)", where, c.Label, c.Yours, c.Bound)
			}
		}
		if _, ok := l.structures[e.Structure]; !ok {
			return fmt.Errorf("%s : structure : %q n'est pas une structure du territoire", where, e.Structure)
		}
		for _, t := range e.Tasks {
			if fw != nil {
				if _, ok := fw.Task(t); !ok {
					return fmt.Errorf("%s : taches : %q n'est pas une tâche du référentiel", where, t)
				}
			}
		}
		for _, a := range e.Amenities {
			if fw != nil {
				if _, ok := fw.Task(a.Task); !ok {
					return fmt.Errorf("%s : amenagements (%s).tache : %q n'est pas une tâche du référentiel", where, a.ID, a.Task)
				}
			}
		}
		if _, dup := l.scenarios[e.ID]; dup {
			return fmt.Errorf("%s : l'identifiant %q est déjà celui d'un cas", where, e.ID)
		}
		if _, dup := l.receptions[e.ID]; dup {
			return fmt.Errorf("%s : exercice %q en double", where, e.ID)
		}
		l.receptions[e.ID] = &e
		l.Receptions = append(l.Receptions, &e)
	}
	return nil
}

func sortedGlob(fsys fs.FS, pattern string) ([]string, error) {
	names, err := fs.Glob(fsys, pattern)
	sort.Strings(names)
	return names, err
}

func (l *Library) loadStructures(fsys fs.FS, communes map[string]map[string]bool) error {
	names, err := sortedGlob(fsys, "territoire/structures/*.yaml")
	if err != nil {
		return err
	}
	for _, n := range names {
		where := path.Base(n)
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		var s Structure
		if err := decodeStrict(raw, &s); err != nil {
			return fmt.Errorf("%s : %w", where, err)
		}
		if err := checkStruct(where, &s); err != nil {
			return err
		}
		if _, dup := l.structures[s.ID]; dup {
			return fmt.Errorf("%s : structure %q en double", where, s.ID)
		}
		if !in(Typologies, s.Typology) {
			return fmt.Errorf("%s : typologie inconnue %q", where, s.Typology)
		}
		districts, ok := communes[s.Commune]
		if !ok {
			return fmt.Errorf("%s : commune inconnue %q", where, s.Commune)
		}
		if s.District != "" && !districts[s.District] {
			return fmt.Errorf("%s : quartier %q inconnu dans la commune %s", where, s.District, s.Commune)
		}
		if !fictionPhone.MatchString(s.Phone) {
			return fmt.Errorf("%s : téléphone %q hors des tranches réservées à la fiction (01 99 00 xx xx)", where, s.Phone)
		}
		if !fictionEmail.MatchString(s.Email) {
			return fmt.Errorf("%s : courriel %q : utilisez un domaine réservé (.example ou .invalid)", where, s.Email)
		}
		seen := map[string]bool{}
		for _, sv := range s.Services {
			if seen[sv.ID] {
				return fmt.Errorf("%s : service %q en double", where, sv.ID)
			}
			seen[sv.ID] = true
			for _, th := range sv.Themes {
				if !themeKnown(th) {
					return fmt.Errorf("%s : service %s : thématique inconnue %q", where, sv.ID, th)
				}
			}
			for _, p := range sv.Publics {
				if !in(Publics, p) {
					return fmt.Errorf("%s : service %s : public inconnu %q", where, sv.ID, p)
				}
			}
		}
		if err := CheckFiction(where, string(raw)); err != nil {
			return err
		}
		desk, err := parseSlots(s.Opening.Desk)
		if err != nil {
			return fmt.Errorf("%s : ouverture, accueil : %v", where, err)
		}
		phone, err := parseSlots(s.Opening.Phone)
		if err != nil {
			return fmt.Errorf("%s : ouverture, téléphone : %v", where, err)
		}
		l.hours[s.ID] = Hours{desk: desk, phone: phone}
		l.structures[s.ID] = &s
		l.Structures = append(l.Structures, &s)
	}
	return nil
}

func (l *Library) loadFiches(fsys fs.FS) error {
	names, err := sortedGlob(fsys, "fiches/*.md")
	if err != nil {
		return err
	}
	for _, n := range names {
		where := path.Base(n)
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		front, body, ok := splitFrontMatter(string(raw))
		if !ok {
			return fmt.Errorf("%s : en-tête YAML (entre deux lignes ---) absent", where)
		}
		var f Fiche
		if err := decodeStrict([]byte(front), &f); err != nil {
			return fmt.Errorf("%s : %w", where, err)
		}
		if err := checkStruct(where, &f); err != nil {
			return err
		}
		if _, dup := l.fiches[f.ID]; dup {
			return fmt.Errorf("%s : fiche %q en double", where, f.ID)
		}
		for _, th := range f.Themes {
			if !themeKnown(th) {
				return fmt.Errorf("%s : thématique inconnue %q", where, th)
			}
		}
		for _, s := range f.Structures {
			if _, ok := l.structures[s]; !ok {
				return fmt.Errorf("%s : structure inconnue %q", where, s)
			}
		}
		if err := CheckFiction(where, string(raw)); err != nil {
			return err
		}
		f.Body = body
		l.fiches[f.ID] = &f
		l.Fiches = append(l.Fiches, &f)
	}
	return nil
}

func splitFrontMatter(s string) (front, body string, ok bool) {
	s = strings.TrimPrefix(s, "\ufeff")
	if !strings.HasPrefix(s, "---\n") {
		return "", "", false
	}
	rest := s[4:]
	i := strings.Index(rest, "\n---\n")
	if i < 0 {
		return "", "", false
	}
	return rest[:i], strings.TrimLeft(rest[i+5:], "\n"), true
}

func (l *Library) loadScenarios(fsys fs.FS, fw *referentiel.Framework) error {
	names, err := sortedGlob(fsys, "scenarios/*.yaml")
	if err != nil {
		return err
	}
	for _, n := range names {
		where := path.Base(n)
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		var sc Scenario
		if err := decodeStrict(raw, &sc); err != nil {
			return fmt.Errorf("%s : %w", where, err)
		}
		if err := checkStruct(where, &sc); err != nil {
			return err
		}
		if err := l.checkScenario(where, &sc, fw); err != nil {
			return err
		}
		if err := CheckFiction(where, string(raw)); err != nil {
			return err
		}
		if _, dup := l.scenarios[sc.ID]; dup {
			return fmt.Errorf("%s : scénario %q en double", where, sc.ID)
		}
		l.scenarios[sc.ID] = &sc
		l.Scenarios = append(l.Scenarios, &sc)
	}
	return nil
}

func (l *Library) checkScenario(where string, sc *Scenario, fw *referentiel.Framework) error {
	if _, ok := l.structures[sc.Structure]; !ok {
		return fmt.Errorf("%s : structure d'accueil inconnue %q", where, sc.Structure)
	}
	for _, t := range sc.Tasks {
		if _, ok := fw.Task(t); !ok {
			return fmt.Errorf("%s : tâche %q inconnue du référentiel", where, t)
		}
	}
	for _, p := range sc.Publics {
		if !in(Publics, p) {
			return fmt.Errorf("%s : public inconnu %q", where, p)
		}
	}
	facts := map[string]bool{}
	for _, f := range sc.Facts {
		if facts[f.ID] {
			return fmt.Errorf("%s : fait %q en double", where, f.ID)
		}
		if !in(Domains, f.Domain) {
			return fmt.Errorf("%s : fait %s : domaine inconnu %q", where, f.ID, f.Domain)
		}
		facts[f.ID] = true
	}
	revealed := map[string]bool{}
	ids := map[string]bool{}
	for _, tp := range sc.Topics {
		for _, q := range tp.Questions {
			if ids[q.ID] {
				return fmt.Errorf("%s : question %q en double", where, q.ID)
			}
			ids[q.ID] = true
			for _, f := range q.Reveals {
				if !facts[f] {
					return fmt.Errorf("%s : question %s : fait %q inconnu", where, q.ID, f)
				}
				revealed[f] = true
			}
			if q.MinTrust > 0 && q.Guarded == "" {
				return fmt.Errorf("%s : question %s : réponse réservée attendue (confiance_min > 0)", where, q.ID)
			}
		}
	}
	for name, m := range sc.Moves {
		if !in(Moves, name) {
			return fmt.Errorf("%s : geste professionnel inconnu %q (connus : %s)", where, name, strings.Join(Moves, ", "))
		}
		for _, f := range m.Reveals {
			if !facts[f] {
				return fmt.Errorf("%s : geste %s : fait %q inconnu", where, name, f)
			}
			revealed[f] = true
		}
	}
	for _, tp := range sc.Topics {
		for i := range tp.Questions {
			q := &tp.Questions[i]
			if q.Style == "" {
				q.Style = "ouverte"
			}
			for _, f := range q.Withholds {
				if !facts[f] {
					return fmt.Errorf("%s : question %s : retient le fait %q inconnu", where, q.ID, f)
				}
			}
			for _, r := range q.Requires {
				cs, err := l.parseCondition(sc, r)
				if err != nil {
					return fmt.Errorf("%s : question %s : requiert : %v", where, q.ID, err)
				}
				q.requires = append(q.requires, cs...)
			}
			if len(q.Requires) > 0 && q.Guarded == "" {
				return fmt.Errorf("%s : question %s : réponse réservée attendue (requiert)", where, q.ID)
			}
		}
	}
	for name, m := range sc.Moves {
		for _, f := range m.Withholds {
			if !facts[f] {
				return fmt.Errorf("%s : geste %s : retient le fait %q inconnu", where, name, f)
			}
		}
	}
	for _, f := range sc.Facts {
		if f.Fiche != "" {
			if _, ok := l.fiches[f.Fiche]; !ok {
				return fmt.Errorf("%s : fait %s : fiche %q inconnue", where, f.ID, f.Fiche)
			}
		}
		if f.Criterion != "" {
			if _, ok := fw.Criterion(f.Criterion); !ok {
				return fmt.Errorf("%s : fait %s : critère %q inconnu du référentiel", where, f.ID, f.Criterion)
			}
		}
	}
	for _, f := range sc.Key.Situations {
		if !facts[f] {
			return fmt.Errorf("%s : clé experte : fait %q inconnu", where, f)
		}
		if !revealed[f] {
			return fmt.Errorf("%s : clé experte : le fait %q n'est révélé par aucune question ni aucun geste", where, f)
		}
	}
	key := &sc.Key
	switch {
	case key.Urgency == "" && len(key.Urgencies) == 0:
		return fmt.Errorf("%s : clé experte : donnez « urgence » (toute la situation) ou « urgences » (par domaine)", where)
	case len(key.Urgencies) == 0:
		if key.UrgencyWhy == "" {
			return fmt.Errorf("%s : clé experte : « justification_urgence » manquante", where)
		}
		key.Urgencies = []DomainUrgency{{Level: key.Urgency, Why: key.UrgencyWhy}}
	default:
		seen := map[string]bool{}
		for _, u := range key.Urgencies {
			if u.Domain != "" && !in(Domains, u.Domain) {
				return fmt.Errorf("%s : clé experte : urgence du domaine %q inconnu", where, u.Domain)
			}
			if seen[u.Domain] {
				return fmt.Errorf("%s : clé experte : deux urgences pour le domaine %q", where, u.Domain)
			}
			seen[u.Domain] = true
			if urgencyRank(u.Level) > urgencyRank(key.Urgency) {
				key.Urgency, key.UrgencyWhy = u.Level, u.Why
			}
		}
	}
	for _, o := range sc.Key.Orientations {
		if !in(Typologies, o.Typology) {
			return fmt.Errorf("%s : orientation attendue : typologie inconnue %q", where, o.Typology)
		}
		if !themeKnown(o.Theme) {
			return fmt.Errorf("%s : orientation attendue : thématique inconnue %q", where, o.Theme)
		}
		if o.Structure != "" {
			if _, ok := l.structures[o.Structure]; !ok {
				return fmt.Errorf("%s : orientation attendue : structure inconnue %q", where, o.Structure)
			}
		}
		for _, a := range o.Alternatives {
			if !in(Typologies, a.Typology) {
				return fmt.Errorf("%s : orientation attendue : alternative de typologie inconnue %q", where, a.Typology)
			}
			if a.Structure != "" {
				if _, ok := l.structures[a.Structure]; !ok {
					return fmt.Errorf("%s : orientation attendue : alternative : structure inconnue %q", where, a.Structure)
				}
			}
			if a.Theme != "" && !themeKnown(a.Theme) {
				return fmt.Errorf("%s : orientation attendue : alternative : thématique inconnue %q", where, a.Theme)
			}
		}
		if o.Fiche != "" {
			if _, ok := l.fiches[o.Fiche]; !ok {
				return fmt.Errorf("%s : orientation attendue : fiche %q inconnue", where, o.Fiche)
			}
		}
		if o.Task != "" {
			if _, ok := fw.Task(o.Task); !ok {
				return fmt.Errorf("%s : orientation attendue : tâche %q inconnue du référentiel", where, o.Task)
			}
		}
		if o.Criterion != "" {
			if _, ok := fw.Criterion(o.Criterion); !ok {
				return fmt.Errorf("%s : orientation attendue : critère %q inconnu du référentiel", where, o.Criterion)
			}
		}
	}
	for _, a := range sc.Key.Avoid {
		target := a.Typology
		if a.Structure != "" {
			target = a.Structure
			if a.Service != "" {
				target += "/" + a.Service
			}
		}
		if target == "" || !l.knownTarget(target) {
			return fmt.Errorf("%s : orientation à éviter : cible %q inconnue (typologie, ou structure et service)", where, target)
		}
		if a.Fiche != "" {
			if _, ok := l.fiches[a.Fiche]; !ok {
				return fmt.Errorf("%s : orientation à éviter : fiche %q inconnue", where, a.Fiche)
			}
		}
	}
	for i := range sc.Key.Pitfalls {
		p := &sc.Key.Pitfalls[i]
		if p.If == "" {
			continue
		}
		cs, err := l.parseCondition(sc, p.If)
		if err != nil {
			return fmt.Errorf("%s : piège « %s » : %v", where, p.Text, err)
		}
		if p.Why == "" {
			return fmt.Errorf("%s : piège « %s » : « pourquoi » attendu (ce que le piège fait manquer)", where, p.Text)
		}
		p.cond = cs
	}
	for i := range sc.Timeline {
		e := &sc.Timeline[i]
		cs, err := l.parseCondition(sc, e.When)
		if err != nil {
			return fmt.Errorf("%s : événement du jour %d (« %s ») : %v", where, e.Day, e.Title, err)
		}
		if guard, ok := eventGuards[e.Kind]; ok && !hasClause(cs, guard, false) {
			return fmt.Errorf("%s : événement du jour %d (« %s », type %s) : il suppose une action du stagiaire ; sa condition doit contenir « %s… »",
				where, e.Day, e.Title, e.Kind, guard)
		}
		e.cond = cs
	}
	for _, pa := range sc.Partners {
		s, ok := l.structures[pa.Structure]
		if !ok {
			return fmt.Errorf("%s : réponse de partenaire : structure inconnue %q", where, pa.Structure)
		}
		found := false
		for _, sv := range s.Services {
			found = found || sv.ID == pa.Service
		}
		if !found {
			return fmt.Errorf("%s : réponse de partenaire : service %q inconnu dans %s", where, pa.Service, pa.Structure)
		}
	}
	return nil
}

// StaleFiches lists the fiches whose review date is more than six months
// before now: the start-up warns about them.
func (l *Library) StaleFiches(now time.Time) []*Fiche {
	var out []*Fiche
	limit := now.AddDate(0, -6, 0)
	for _, f := range l.Fiches {
		if d, err := time.Parse("2006-01-02", f.UpdatedOn); err == nil && d.Before(limit) {
			out = append(out, f)
		}
	}
	return out
}
