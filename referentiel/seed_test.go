package referentiel

// Fidelity of data/casp-2016.yaml to the Cnam 2016 seed (testdata/seed.txt,
// a byte-for-byte copy of the référentiel as published): every text of the
// framework must be the seed's own words, nothing dropped, nothing added,
// order kept. The seed table is parsed here independently of the YAML.

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// seedColumns names the four certification-table columns after the task cell.
var seedColumns = [4]string{"competences", "capacities", "methods", "criteria"}

// seedTaskIDs is the seed's list of tasks, in order (there is no 6.6).
var seedTaskIDs = []string{
	"1.1", "1.2", "1.3", "1.4", "1.5", "1.6",
	"2.1", "2.2", "2.3", "2.4",
	"3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8",
	"4.1", "4.2", "4.3",
	"5.1", "5.2", "5.3", "5.4", "5.5",
	"6.1", "6.2", "6.3", "6.4", "6.5", "6.7",
}

// seedNoCertification lists the tasks whose certification side is empty.
var seedNoCertification = map[string]bool{
	"3.7": true, "3.8": true, "4.2": true, "4.3": true,
	"6.1": true, "6.2": true, "6.3": true, "6.5": true, "6.7": true,
}

var (
	seedTagRE    = regexp.MustCompile(`<[^>]*>`)
	seedSpaceRE  = regexp.MustCompile(`\s+`)
	seedTaskRE   = regexp.MustCompile(`^(\d\.\d)\s`)
	seedActRE    = regexp.MustCompile(`^(\d)(?: -|\.) (.+)$`)
	seedParaRE   = regexp.MustCompile(`(?s)<p>(.*?)</p>`)
	seedSubRE    = regexp.MustCompile(`^(\d\.\d\.[a-z]) : (.+)$`)
	seedStripper = strings.NewReplacer("•", "", "-", "")
)

// seedCollapse turns every run of white space into one space and trims.
func seedCollapse(s string) string { return strings.TrimSpace(seedSpaceRE.ReplaceAllString(s, " ")) }

// seedNormalise strips the markup of a seed cell: tags, bullets, extra spaces.
func seedNormalise(s string) string {
	s = seedTagRE.ReplaceAllString(s, " ")
	s = strings.ReplaceAll(s, "•", " ")
	return seedCollapse(s)
}

// seedSqueeze keeps only the characters that carry the words: no white space,
// no bullet, no hyphen (list markers and hyphens are not told apart).
func seedSqueeze(s string) string {
	return seedSpaceRE.ReplaceAllString(seedStripper.Replace(s), "")
}

type seedTask struct {
	id        string
	titleCell string      // raw first cell
	cells     [4]string   // normalised cells, continuation rows appended
	rows      [][4]string // raw cells, one entry per table row
}

type seedTable struct {
	order      []string
	tasks      map[string]*seedTask
	activities map[string]string // activity id -> heading text without number
}

func seedRead(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatalf("lecture de la source : %v", err)
	}
	return string(raw)
}

func parseSeedTable(t *testing.T, seed string) *seedTable {
	t.Helper()
	tab := &seedTable{tasks: map[string]*seedTask{}, activities: map[string]string{}}
	var cur *seedTask
	for n, line := range strings.Split(seed, "\n") {
		cells := strings.Split(line, "\t")
		if len(cells) == 1 {
			continue
		}
		if len(cells) != 5 {
			t.Fatalf("ligne %d : %d colonnes, 5 attendues", n+1, len(cells))
		}
		first := seedNormalise(cells[0])
		rest := strings.Join(cells[1:], "")
		switch {
		case strings.HasPrefix(first, "REFERENTIEL") || strings.HasPrefix(first, "ACTIVITE et"):
			// repeated table header
		case seedTaskRE.MatchString(first):
			id := seedTaskRE.FindStringSubmatch(first)[1]
			if _, dup := tab.tasks[id]; dup {
				t.Fatalf("ligne %d : tâche %s en double dans la source", n+1, id)
			}
			cur = &seedTask{id: id, titleCell: cells[0], rows: [][4]string{[4]string(cells[1:])}}
			for i := range cur.cells {
				cur.cells[i] = seedNormalise(cells[i+1])
			}
			tab.tasks[id] = cur
			tab.order = append(tab.order, id)
		case first == "":
			if cur == nil {
				t.Fatalf("ligne %d : ligne de suite sans tâche", n+1)
			}
			for i := range cur.cells {
				cur.cells[i] = seedCollapse(cur.cells[i] + " " + seedNormalise(cells[i+1]))
			}
			cur.rows = append(cur.rows, [4]string(cells[1:]))
		case seedActRE.MatchString(first) && strings.TrimSpace(rest) == "":
			m := seedActRE.FindStringSubmatch(first)
			tab.activities[m[1]] = m[2]
		default:
			t.Fatalf("ligne %d : ligne de tableau non reconnue : %q", n+1, first)
		}
	}
	return tab
}

func loadSeedFramework(t *testing.T) *Framework {
	t.Helper()
	cat, err := Load()
	if err != nil {
		t.Fatalf("Load : %v", err)
	}
	fw, ok := cat.Get("casp-2016")
	if !ok {
		t.Fatal("référentiel casp-2016 absent")
	}
	if cat.Default() != fw {
		t.Error("casp-2016 n'est pas le référentiel par défaut")
	}
	return fw
}

// seedEntry is one text of a YAML list, in document order.
type seedEntry struct{ id, text string }

func seedFlattenItems(items []*Item) []seedEntry {
	var out []seedEntry
	for _, it := range items {
		out = append(out, seedEntry{it.ID, it.Text})
		out = append(out, seedFlattenItems(it.Children)...)
	}
	return out
}

func seedFlattenCriteria(cs []*Criterion) []seedEntry {
	var out []seedEntry
	for _, c := range cs {
		out = append(out, seedEntry{c.ID, c.Text})
		out = append(out, seedFlattenCriteria(c.Children)...)
	}
	return out
}

func seedTaskColumns(tk *Task) [4][]seedEntry {
	var methods []seedEntry
	for _, m := range tk.Methods {
		methods = append(methods, seedEntry{m.ID, m.Text})
	}
	return [4][]seedEntry{
		seedFlattenItems(tk.Competences),
		seedFlattenItems(tk.Capacities),
		methods,
		seedFlattenCriteria(tk.Criteria),
	}
}

// TestSeedCellsVerbatim: for every task and column, each text is a piece of
// the seed's cell, and the texts put end to end give back the whole cell.
func TestSeedCellsVerbatim(t *testing.T) {
	fw := loadSeedFramework(t)
	tab := parseSeedTable(t, seedRead(t))
	if strings.Join(tab.order, " ") != strings.Join(seedTaskIDs, " ") {
		t.Fatalf("tâches de la source : %v", tab.order)
	}
	counts := map[string]int{}
	for _, id := range seedTaskIDs {
		tk, ok := fw.Task(id)
		if !ok {
			t.Errorf("tâche %s absente du YAML", id)
			continue
		}
		st := tab.tasks[id]
		cols := seedTaskColumns(tk)
		for c, entries := range cols {
			cell := st.cells[c]
			where := id + " " + seedColumns[c]
			counts[seedColumns[c]] += len(entries)
			if (cell == "") != (len(entries) == 0) {
				t.Errorf("%s : cellule vide=%v mais %d entrées", where, cell == "", len(entries))
				continue
			}
			var all strings.Builder
			for _, e := range entries {
				if e.text != seedCollapse(e.text) {
					t.Errorf("%s : %s a des espaces superflus : %q", where, e.id, e.text)
				}
				if strings.ContainsAny(e.text, "•<>") || strings.HasPrefix(e.text, "- ") {
					t.Errorf("%s : %s garde un marqueur de liste ou une balise : %q", where, e.id, e.text)
				}
				if !strings.Contains(cell, seedCollapse(e.text)) {
					t.Errorf("%s : %s n'est pas mot pour mot dans la source :\n  texte  : %q\n  source : %q", where, e.id, e.text, cell)
				}
				all.WriteString(e.text)
			}
			if got, want := seedSqueeze(all.String()), seedSqueeze(cell); got != want {
				t.Errorf("%s : la suite des textes ne redonne pas la cellule :\n  yaml   : %q\n  source : %q", where, got, want)
			}
		}
		if seedNoCertification[id] == tk.HasCertification() {
			t.Errorf("tâche %s : volet certification présent=%v, attendu %v", id, tk.HasCertification(), !seedNoCertification[id])
		}
	}
	t.Logf("entrées : %v", counts)
}

// TestSeedStructure: the 32 tasks in order under their 6 activities; ids
// unique and shaped after their task; modalities referenced exist.
func TestSeedStructure(t *testing.T) {
	fw := loadSeedFramework(t)
	if fw.ID != "casp-2016" || fw.Level != "III" || fw.Version != "2016" || fw.Certifier != "Cnam" {
		t.Errorf("en-tête : %q %q %q %q", fw.ID, fw.Level, fw.Version, fw.Certifier)
	}
	if len(fw.Activities) != 6 {
		t.Fatalf("%d activités, 6 attendues", len(fw.Activities))
	}
	var ids []string
	seen := map[string]string{}
	claim := func(id, where string) {
		if prev, dup := seen[id]; dup {
			t.Errorf("identifiant %q en double (%s, %s)", id, prev, where)
		}
		seen[id] = where
	}
	for i, a := range fw.Activities {
		if want := string(rune('1' + i)); a.ID != want {
			t.Errorf("activité n°%d : id %q, attendu %q", i+1, a.ID, want)
		}
		for _, tk := range a.Tasks {
			ids = append(ids, tk.ID)
			claim(tk.ID, "tâche")
			if !strings.HasPrefix(tk.ID, a.ID+".") {
				t.Errorf("tâche %s rangée sous l'activité %s", tk.ID, a.ID)
			}
			var walkItems func(items []*Item, prefix string)
			walkItems = func(items []*Item, prefix string) {
				for n, it := range items {
					claim(it.ID, tk.ID)
					if want := prefix + seedItoa(n+1); it.ID != want {
						t.Errorf("tâche %s : id %q, attendu %q", tk.ID, it.ID, want)
					}
					walkItems(it.Children, it.ID+"/")
				}
			}
			walkItems(tk.Competences, tk.ID+"/comp/")
			walkItems(tk.Capacities, tk.ID+"/cap/")
			methods := map[string]bool{}
			for n, m := range tk.Methods {
				claim(m.ID, tk.ID)
				if want := tk.ID + "/mod/" + seedItoa(n+1); m.ID != want {
					t.Errorf("tâche %s : id %q, attendu %q", tk.ID, m.ID, want)
				}
				methods[m.ID] = true
			}
			var walkCrit func(cs []*Criterion, prefix string)
			walkCrit = func(cs []*Criterion, prefix string) {
				for n, c := range cs {
					claim(c.ID, tk.ID)
					if want := prefix + seedItoa(n+1); c.ID != want {
						t.Errorf("tâche %s : id %q, attendu %q", tk.ID, c.ID, want)
					}
					if c.Method != "" && !methods[c.Method] {
						t.Errorf("critère %s : modalité %q absente de la tâche %s", c.ID, c.Method, tk.ID)
					}
					for _, cp := range c.Capacities {
						if tk.Capacity(cp) == nil {
							t.Errorf("critère %s : capacité %q absente de la tâche %s", c.ID, cp, tk.ID)
						}
					}
					walkCrit(c.Children, c.ID+"/")
				}
			}
			walkCrit(tk.Criteria, tk.ID+"/crit/")
		}
	}
	if strings.Join(ids, " ") != strings.Join(seedTaskIDs, " ") {
		t.Errorf("tâches du YAML : %v", ids)
	}
	if len(fw.Blocks) != 0 {
		t.Errorf("la source 2016 n'a pas de blocs, le YAML en a %d", len(fw.Blocks))
	}
}

func seedItoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return seedItoa(n/10) + string(rune('0'+n%10))
}

// TestSeedHeaderVerbatim: every other text of the framework is the seed's.
func TestSeedHeaderVerbatim(t *testing.T) {
	fw := loadSeedFramework(t)
	seed := seedRead(t)
	flat := seedNormalise(seed)
	tab := parseSeedTable(t, seed)
	lines := map[string]bool{}
	for _, l := range strings.Split(seed, "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	// in: s is the seed's words; line: s, once decorated as in the seed
	// (list marker, markup), is a whole line of the seed.
	in := func(what, s string) {
		t.Helper()
		if strings.TrimSpace(s) == "" {
			t.Errorf("%s : vide", what)
			return
		}
		if s != seedCollapse(s) {
			t.Errorf("%s : espaces superflus : %q", what, s)
		}
		if !strings.Contains(flat, s) {
			t.Errorf("%s : absent de la source : %q", what, s)
		}
	}
	line := func(what, s, format string) {
		t.Helper()
		in(what, s)
		if l := strings.Replace(format, "%s", s, 1); !lines[l] {
			t.Errorf("%s : %q n'est pas une ligne entière de la source", what, l)
		}
	}
	line("heading", fw.Heading, "%s")
	line("title", fw.Title, "« %s »")
	for i, s := range fw.Intro {
		line("intro "+seedItoa(i+1), s, "%s")
	}
	for i, s := range fw.JobDesignation {
		line("job_designation "+seedItoa(i+1), s, "%s")
	}
	if len(fw.Intro) != 2 || len(fw.JobDesignation) != 1 {
		t.Errorf("intro : %d paragraphes, désignation : %d", len(fw.Intro), len(fw.JobDesignation))
	}
	line("job_titles_intro", fw.JobTitlesIntro, "%s")
	line("activities_intro", fw.ActivitiesIntro, "%s")
	if len(fw.JobTitleFamilies) != 3 {
		t.Errorf("%d familles d'intitulés, 3 attendues", len(fw.JobTitleFamilies))
	}
	for _, f := range fw.JobTitleFamilies {
		line("famille "+f.ID, f.Source, "- %s")
		rest := strings.TrimSuffix(strings.TrimSuffix(f.Source, ","), ", etc.")
		if got := strings.Join(f.Titles, ", "); got != rest {
			t.Errorf("famille %s : intitulés %q ne redonnent pas %q", f.ID, got, rest)
		}
	}
	if len(fw.RomeCodes) != 5 {
		t.Errorf("%d fiches ROME, 5 attendues", len(fw.RomeCodes))
	}
	for _, r := range fw.RomeCodes {
		line("ROME "+r.Code, r.Label, r.Code+" - %s")
	}
	if len(fw.StructureDomains) != 3 {
		t.Errorf("%d domaines de structures, 3 attendus", len(fw.StructureDomains))
	}
	nStruct := 0
	for _, d := range fw.StructureDomains {
		line("domaine "+d.ID, d.Label, "- **%s :**")
		for _, s := range d.Structures {
			line("structure "+d.ID, s, "- %s")
			nStruct++
		}
	}
	if nStruct != 23 {
		t.Errorf("%d structures, 23 attendues", nStruct)
	}
	for _, a := range fw.Activities {
		if a.ID == "6" { // the seed's last activity line lost its list marker
			line("résumé de l'activité 6", a.Summary, "6. %s")
		} else {
			line("résumé de l'activité "+a.ID, a.Summary, "- "+a.ID+". %s**")
		}
		if got := tab.activities[a.ID]; got != a.Title {
			t.Errorf("activité %s : titre %q, la source dit %q", a.ID, a.Title, got)
		}
		for _, tk := range a.Tasks {
			st := tab.tasks[tk.ID]
			if st == nil {
				continue
			}
			paras := seedParaRE.FindAllStringSubmatch(st.titleCell, -1)
			first := st.titleCell
			if len(paras) > 0 {
				first = paras[0][1]
			}
			if want := strings.TrimPrefix(seedCollapse(first), tk.ID+" "); tk.Title != want {
				t.Errorf("tâche %s : titre %q, la source dit %q", tk.ID, tk.Title, want)
			}
			var subs []SubStep
			for _, p := range paras[min(1, len(paras)):] {
				m := seedSubRE.FindStringSubmatch(seedCollapse(p[1]))
				if m == nil {
					t.Errorf("tâche %s : paragraphe de titre non reconnu %q", tk.ID, p[1])
					continue
				}
				subs = append(subs, SubStep{ID: m[1], Title: m[2]})
			}
			if len(subs) != len(tk.SubSteps) {
				t.Errorf("tâche %s : %d sous-étapes, la source en a %d", tk.ID, len(tk.SubSteps), len(subs))
				continue
			}
			for i := range subs {
				if subs[i] != tk.SubSteps[i] {
					t.Errorf("tâche %s : sous-étape %+v, la source dit %+v", tk.ID, tk.SubSteps[i], subs[i])
				}
			}
		}
	}
	// A label is a corrected display text: it must differ from the text.
	check := func(id, text, label string) {
		if label != "" && (label == text || label != seedCollapse(label)) {
			t.Errorf("%s : libellé corrigé inutile ou mal formé : %q", id, label)
		}
	}
	for _, a := range fw.Activities {
		check("activité "+a.ID, a.Summary, a.SummaryLabel)
		check("activité "+a.ID, a.Title, a.TitleLabel)
		for _, tk := range a.Tasks {
			check(tk.ID, tk.Title, tk.TitleLabel)
			walkItems(tk.Competences, func(it *Item) { check(it.ID, it.Text, it.Label) })
			walkItems(tk.Capacities, func(it *Item) { check(it.ID, it.Text, it.Label) })
			for _, m := range tk.Methods {
				check(m.ID, m.Text, m.Label)
			}
			tk.EachCriterion(func(c *Criterion) { check(c.ID, c.Text, c.Label) })
		}
	}
}

var seedKebabRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestSeedDeliverableKinds: every evidence quotes its modality word for word
// and every task that is evaluated is evidenced by at least one kind.
func TestSeedDeliverableKinds(t *testing.T) {
	fw := loadSeedFramework(t)
	if n := len(fw.DeliverableKinds); n < 10 || n > 25 {
		t.Errorf("%d types de production", n)
	}
	covered := map[string]bool{}
	editors := map[string]bool{"rapport": true, "guide": true, "cartographie": true}
	for _, k := range fw.DeliverableKinds {
		if !seedKebabRE.MatchString(k.ID) {
			t.Errorf("type %q : identifiant non kebab-case", k.ID)
		}
		if !editors[k.Editor] || k.Label == "" || k.Description == "" {
			t.Errorf("type %s : éditeur %q, libellé %q, description vide=%v", k.ID, k.Editor, k.Label, k.Description == "")
		}
		if k.MaxPages != 0 && k.MaxPages < k.MinPages {
			t.Errorf("type %s : pages %d–%d", k.ID, k.MinPages, k.MaxPages)
		}
		if len(k.Evidences) == 0 {
			t.Errorf("type %s : aucune preuve", k.ID)
		}
		for _, ev := range k.Evidences {
			tk, ok := fw.Task(ev.Task)
			if !ok {
				t.Errorf("type %s : tâche %q inconnue", k.ID, ev.Task)
				continue
			}
			m := tk.Method(ev.Method)
			if m == nil {
				t.Errorf("type %s : modalité %q absente de la tâche %s", k.ID, ev.Method, ev.Task)
				continue
			}
			if strings.TrimSpace(ev.Quote) == "" || !strings.Contains(m.Text, ev.Quote) {
				t.Errorf("type %s : citation %q absente de %s (%q)", k.ID, ev.Quote, m.ID, m.Text)
			}
			for _, c := range ev.Criteria {
				if tk.Criterion(c) == nil {
					t.Errorf("type %s : critère %q absent de la tâche %s", k.ID, c, tk.ID)
				}
			}
			for _, c := range ev.Capacities {
				if tk.Capacity(c) == nil {
					t.Errorf("type %s : capacité %q absente de la tâche %s", k.ID, c, tk.ID)
				}
			}
			covered[ev.Task] = true
		}
	}
	for _, tk := range fw.Tasks() {
		if len(tk.Methods) > 0 && !covered[tk.ID] {
			t.Errorf("tâche %s évaluée mais sans type de production", tk.ID)
		}
	}
	for id, want := range map[string][2]int{
		"rapport-experience-professionnelle": {30, 50},
		"rapport-enquete":                    {20, 40},
	} {
		k, ok := fw.Kind(id)
		if !ok {
			t.Errorf("type %s absent", id)
			continue
		}
		if k.MinPages != want[0] || k.MaxPages != want[1] {
			t.Errorf("type %s : pages %d–%d, la source dit %d–%d", id, k.MinPages, k.MaxPages, want[0], want[1])
		}
	}
	for id, editor := range map[string]string{"guide-entretien": "guide", "cartographie-acteurs": "cartographie"} {
		if k, ok := fw.Kind(id); !ok || k.Editor != editor {
			t.Errorf("type %s : absent ou éditeur différent de %q", id, editor)
		}
	}
}

// seedParas cuts a raw cell at its <p> paragraphs (a list following a
// paragraph belongs to it); a cell without <p> is one paragraph.
func seedParas(raw string) []string {
	if !strings.Contains(raw, "<p>") {
		return []string{seedNormalise(raw)}
	}
	var out []string
	for _, seg := range strings.Split(raw, "<p>")[1:] {
		out = append(out, seedNormalise(seg))
	}
	return out
}

type seedLoc struct{ row, para int }

// seedLocate places each text, in order, in the row and paragraph of the
// column where it is found.
func seedLocate(t *testing.T, st *seedTask, col int, entries []seedEntry) map[string]seedLoc {
	t.Helper()
	loc := map[string]seedLoc{}
	i := 0
	for r, row := range st.rows {
		for k, para := range seedParas(row[col]) {
			for i < len(entries) && strings.Contains(para, entries[i].text) {
				loc[entries[i].id] = seedLoc{r, k}
				i++
			}
		}
	}
	if i != len(entries) {
		t.Errorf("tâche %s : %s non situé dans la source", st.id, entries[i].id)
	}
	return loc
}

// TestSeedCriteriaMethods: a criterion names a modality only when the seed
// pairs them. Where a row's modality and criteria cells have the same number
// (> 1) of paragraphs, each criterion belongs to the modality of the same
// rank; otherwise a criterion may only name a modality of its own table row
// (3.3, whose two rows each have one modality), or none.
func TestSeedCriteriaMethods(t *testing.T) {
	fw := loadSeedFramework(t)
	tab := parseSeedTable(t, seedRead(t))
	for _, id := range seedTaskIDs {
		tk, ok := fw.Task(id)
		if !ok {
			continue
		}
		st := tab.tasks[id]
		cols := seedTaskColumns(tk)
		mloc := seedLocate(t, st, 2, cols[2])
		cloc := seedLocate(t, st, 3, cols[3])
		tk.EachCriterion(func(c *Criterion) {
			l, ok := cloc[c.ID]
			if !ok {
				return
			}
			row := st.rows[l.row]
			nm, nc := len(seedParas(row[2])), len(seedParas(row[3]))
			paired := nm > 1 && nm == nc
			if c.Method == "" {
				if paired {
					t.Errorf("critère %s : la source l'aligne sur la modalité n°%d, method vide", c.ID, l.para+1)
				}
				return
			}
			ml, ok := mloc[c.Method]
			switch {
			case !ok:
				t.Errorf("critère %s : modalité %q inconnue", c.ID, c.Method)
			case ml.row != l.row:
				t.Errorf("critère %s : modalité %s d'une autre ligne du tableau", c.ID, c.Method)
			case paired && ml.para != l.para:
				t.Errorf("critère %s : modalité %s, la source l'aligne sur la n°%d", c.ID, c.Method, l.para+1)
			}
		})
	}
}

// seedSplits pins how each cell was cut into entries (top level only):
// competences, capacities, methods, criteria. A reading of the seed, kept
// here so that an edit merging or splitting entries is a deliberate one.
var seedSplits = map[string][4]int{
	"1.1": {5, 1, 1, 4}, "1.2": {2, 1, 1, 3}, "1.3": {3, 1, 2, 2}, "1.4": {6, 3, 3, 6},
	"1.5": {8, 4, 1, 1}, "1.6": {6, 3, 1, 2},
	"2.1": {3, 1, 1, 1}, "2.2": {4, 3, 2, 2}, "2.3": {3, 1, 1, 1}, "2.4": {9, 1, 2, 2},
	"3.1": {3, 1, 1, 2}, "3.2": {2, 1, 1, 1}, "3.3": {12, 5, 2, 6}, "3.4": {4, 2, 1, 1},
	"3.5": {3, 1, 1, 3}, "3.6": {3, 3, 1, 2}, "3.7": {1, 0, 0, 0}, "3.8": {2, 0, 0, 0},
	"4.1": {12, 3, 3, 3}, "4.2": {3, 0, 0, 0}, "4.3": {4, 0, 0, 0},
	"5.1": {2, 4, 1, 1}, "5.2": {5, 2, 3, 2}, "5.3": {5, 1, 3, 3}, "5.4": {3, 1, 1, 1}, "5.5": {3, 1, 2, 2},
	"6.1": {3, 0, 0, 0}, "6.2": {2, 0, 0, 0}, "6.3": {3, 0, 0, 0}, "6.4": {2, 2, 1, 1},
	"6.5": {2, 0, 0, 0}, "6.7": {6, 0, 0, 0},
}

func TestSeedSplits(t *testing.T) {
	fw := loadSeedFramework(t)
	for id, want := range seedSplits {
		tk, ok := fw.Task(id)
		if !ok {
			t.Errorf("tâche %s absente", id)
			continue
		}
		got := [4]int{len(tk.Competences), len(tk.Capacities), len(tk.Methods), len(tk.Criteria)}
		if got != want {
			t.Errorf("tâche %s : découpage %v, attendu %v (%v)", id, got, want, seedColumns)
		}
	}
}

// TestSeedLiveKinds: the framework's live evaluations (soutenances, oral
// presentations, situations, exposés, examinations) are declared with the
// modalities' own words; a written piece and its oral form one evaluation
// exactly where the modality associates them.
func TestSeedLiveKinds(t *testing.T) {
	fw := loadSeedFramework(t)
	want := map[string]string{ // modality → form expected among its live kinds
		"3.6/mod/1": "soutenance", "4.1/mod/2": "soutenance",
		"1.3/mod/1": "presentation-orale", "2.2/mod/1": "presentation-orale", "4.1/mod/1": "presentation-orale", "5.2/mod/3": "expose",
		"1.4/mod/1": "mise-en-situation", "2.3/mod/1": "jeu-de-role", "2.4/mod/1": "mise-en-situation", "2.4/mod/2": "mise-en-situation",
		"1.1/mod/1": "expose", "5.4/mod/1": "expose", "1.3/mod/2": "examen",
	}
	got := map[string][]string{}
	for _, k := range fw.LiveKinds {
		if !seedKebabRE.MatchString(k.ID) || k.Label == "" || k.FormLabel() == k.Form {
			t.Errorf("épreuve %q : identifiant, libellé ou forme (%q)", k.ID, k.Form)
		}
		if kind, ok := fw.Kind(k.ID); !ok || !kind.Live() || kind.Label != k.Label {
			t.Errorf("épreuve %s : absente des types de pièce", k.ID)
		}
		for _, ev := range k.Evidences {
			tk, _ := fw.Task(ev.Task)
			if m := tk.Method(ev.Method); m == nil || !strings.Contains(m.Text, ev.Quote) {
				t.Errorf("épreuve %s : citation %q absente de %s", k.ID, ev.Quote, ev.Method)
			}
			got[ev.Method] = append(got[ev.Method], k.Form)
		}
		if k.Form == "soutenance" && k.Jury < 2 {
			t.Errorf("épreuve %s : une soutenance demande un jury d'au moins deux membres", k.ID)
		}
	}
	for m, form := range want {
		if !slices.Contains(got[m], form) {
			t.Errorf("modalité %s : aucune épreuve « %s » (trouvé %v)", m, form, got[m])
		}
	}
	for _, k := range fw.DeliverableKinds {
		if k.Live() {
			t.Errorf("type de production %s : éditeur réservé aux épreuves", k.ID)
		}
	}
	// The report and its soutenance are one evaluation on 3.6/mod/1 only:
	// the report stands alone for 3.2, 3.3, 3.5 and 5.3.
	if j := fw.JointMethods("rapport-experience-professionnelle"); !slices.Equal(j["soutenance-rapport-experience"], []string{"3.6/mod/1"}) || len(j) != 1 {
		t.Errorf("rapport d'expérience : épreuves associées %v", j)
	}
	if j := fw.JointMethods("soutenance-rapport-experience"); !slices.Equal(j["rapport-experience-professionnelle"], []string{"3.6/mod/1"}) {
		t.Errorf("soutenance : écrit associé %v", j)
	}
	if j := fw.JointMethods("mise-en-situation-entretien"); len(j) != 0 {
		t.Errorf("une mise en situation seule n'a pas d'écrit associé : %v", j)
	}
	if j := fw.JointMethods("presentation-orale-enquete-professionnels"); !slices.Equal(j["enquete-professionnels"], []string{"2.2/mod/1", "4.1/mod/1"}) {
		t.Errorf("présentation de l'enquête : %v", j)
	}
}
