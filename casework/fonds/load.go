package fonds

import (
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/casp-cnam/casp/internal/french"
)

// Root is the folder of the content tree the fund lives in.
const Root = "fonds"

// Today is day 0 of the exercise: the date the fund is « consulted » and
// the watch starts.
var Today = time.Date(2026, 12, 5, 0, 0, 0, 0, french.Paris)

// Oldest is the earliest publication year the fund accepts.
const Oldest = 2019

var slug = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Load reads and checks fonds/ in fsys. Fiche ids that rule changes refer
// to are read from fiches/*.md (front matter) and fiches/*.yaml of the same
// tree.
func Load(fsys fs.FS) (*Fonds, error) {
	f := &Fonds{docs: map[string]*Document{}, themes: map[string]*Theme{}, feeds: map[string]*Feed{}}
	th, err := loadThesaurus(fsys)
	if err != nil {
		return nil, err
	}
	f.Thesaurus = th
	if err := f.loadDocuments(fsys); err != nil {
		return nil, err
	}
	if err := f.loadThemes(fsys); err != nil {
		return nil, err
	}
	fiches, err := ficheIDs(fsys)
	if err != nil {
		return nil, err
	}
	if err := f.loadFeeds(fsys, fiches); err != nil {
		return nil, err
	}
	f.index = buildIndex(f)
	return f, nil
}

func sortedGlob(fsys fs.FS, pattern string) ([]string, error) {
	names, err := fs.Glob(fsys, pattern)
	sort.Strings(names)
	return names, err
}

// rel names a file as the content author sees it, below fonds/.
func rel(name string) string { return strings.TrimPrefix(name, Root+"/") }

func checkSlug(where, field, v string) error {
	if !slug.MatchString(v) {
		return fmt.Errorf("%s : champ « %s » : identifiant « %s » invalide (minuscules sans accents, chiffres et tirets : « aide-au-logement »)", where, field, v)
	}
	return nil
}

func checkExampleURL(where, field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.HasSuffix(u.Hostname(), ".example") {
		return fmt.Errorf("%s : champ « %s » : adresse « %s » : utilisez une adresse fictive en .example (https://www.valmont-solidarites.example/…)", where, field, raw)
	}
	return nil
}

func (f *Fonds) checkDescriptors(where, field string, ids []string) error {
	seen := map[string]bool{}
	for i, id := range ids {
		if _, ok := f.Thesaurus.descriptors[id]; !ok {
			return fmt.Errorf("%s : champ « %s[%d] » : descripteur « %s » inconnu du thésaurus", where, field, i, id)
		}
		if seen[id] {
			return fmt.Errorf("%s : champ « %s[%d] » : descripteur « %s » en double", where, field, i, id)
		}
		seen[id] = true
	}
	return nil
}

func (f *Fonds) loadDocuments(fsys fs.FS) error {
	names, err := sortedGlob(fsys, Root+"/documents/*.yaml")
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("%s/documents : aucun fichier de documents (*.yaml)", Root)
	}
	for _, n := range names {
		file := rel(n)
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		var df struct {
			Documents []*Document `yaml:"documents"`
		}
		if err := decodeStrict(raw, &df); err != nil {
			return fmt.Errorf("%s : %w", file, err)
		}
		if len(df.Documents) == 0 {
			return fmt.Errorf("%s : champ « documents » : au moins 1 élément(s) attendu(s)", file)
		}
		if err := checkFiction(file, string(raw)); err != nil {
			return err
		}
		for i, d := range df.Documents {
			where := fmt.Sprintf("%s : documents[%d]", file, i)
			if d.ID != "" {
				where = fmt.Sprintf("%s : document « %s »", file, d.ID)
			}
			if err := f.checkDocument(where, d); err != nil {
				return err
			}
			if prev, dup := f.docs[d.ID]; dup {
				return fmt.Errorf("%s : champ « id » : « %s » est déjà l'identifiant d'un document de %s", where, d.ID, prev.File)
			}
			d.File = file
			f.docs[d.ID] = d
			f.Documents = append(f.Documents, d)
		}
	}
	// Replacements refer to documents of any file: checked once all are read.
	for _, d := range f.Documents {
		if d.ReplacedBy == "" {
			continue
		}
		where := fmt.Sprintf("%s : document « %s »", d.File, d.ID)
		r, ok := f.docs[d.ReplacedBy]
		switch {
		case !ok:
			return fmt.Errorf("%s : champ « remplace_par » : document « %s » inconnu du fonds", where, d.ReplacedBy)
		case r == d:
			return fmt.Errorf("%s : champ « remplace_par » : « %s » ne peut pas se remplacer lui-même", where, d.ReplacedBy)
		case !d.Outdated:
			return fmt.Errorf("%s : champ « remplace_par » : « %s » donné alors que « perime » n'est pas true", where, d.ReplacedBy)
		case r.PublishedOn.Before(d.PublishedOn):
			return fmt.Errorf("%s : champ « remplace_par » : « %s » (publié le %s) est plus ancien que le document qu'il remplacerait (%s)", where, r.ID, r.Published, d.Published)
		}
		d.ReplacedByDoc = r
	}
	return nil
}

func (f *Fonds) checkDocument(where string, d *Document) error {
	if err := checkStruct(where, d); err != nil {
		return err
	}
	if err := checkSlug(where, "id", d.ID); err != nil {
		return err
	}
	var err error
	if d.PublishedOn, err = time.ParseInLocation("2006-01-02", d.Published, french.Paris); err != nil {
		return fmt.Errorf("%s : champ « date_publication » : date « %s » invalide", where, d.Published)
	}
	if d.ConsultedOn, err = time.ParseInLocation("2006-01-02", d.Consulted, french.Paris); err != nil {
		return fmt.Errorf("%s : champ « date_consultation » : date « %s » invalide", where, d.Consulted)
	}
	if y := d.PublishedOn.Year(); y < Oldest || d.PublishedOn.After(Today) {
		return fmt.Errorf("%s : champ « date_publication » : « %s » hors de la période du fonds (%d au %s)", where, d.Published, Oldest, Today.Format("2006-01-02"))
	}
	if d.ConsultedOn.Before(d.PublishedOn) {
		return fmt.Errorf("%s : champ « date_consultation » : « %s » précède la date de publication (%s)", where, d.Consulted, d.Published)
	}
	if d.ConsultedOn.After(Today) {
		return fmt.Errorf("%s : champ « date_consultation » : « %s » est postérieure au jour de l'exercice (%s)", where, d.Consulted, Today.Format("2006-01-02"))
	}
	if err := checkExampleURL(where, "source.url", d.Source.URL); err != nil {
		return err
	}
	return f.checkDescriptors(where, "descripteurs", d.Descriptors)
}

func (f *Fonds) loadThemes(fsys fs.FS) error {
	const file = "themes.yaml"
	raw, err := fs.ReadFile(fsys, Root+"/"+file)
	if err != nil {
		return fmt.Errorf("%s : fichier absent (%v)", file, err)
	}
	var tf struct {
		Themes []*Theme `yaml:"themes"`
	}
	if err := decodeStrict(raw, &tf); err != nil {
		return fmt.Errorf("%s : %w", file, err)
	}
	if len(tf.Themes) == 0 {
		return fmt.Errorf("%s : champ « themes » : au moins 1 élément(s) attendu(s)", file)
	}
	if err := checkFiction(file, string(raw)); err != nil {
		return err
	}
	for i, t := range tf.Themes {
		where := fmt.Sprintf("%s : themes[%d]", file, i)
		if t.ID != "" {
			where = fmt.Sprintf("%s : thème « %s »", file, t.ID)
		}
		if err := checkStruct(where, t); err != nil {
			return err
		}
		if err := checkSlug(where, "id", t.ID); err != nil {
			return err
		}
		if _, dup := f.themes[t.ID]; dup {
			return fmt.Errorf("%s : champ « id » : thème « %s » en double", where, t.ID)
		}
		expected := map[string]bool{}
		for j, id := range t.Expected {
			if _, ok := f.docs[id]; !ok {
				return fmt.Errorf("%s : champ « documents_attendus[%d] » : document « %s » inconnu du fonds", where, j, id)
			}
			if expected[id] {
				return fmt.Errorf("%s : champ « documents_attendus[%d] » : document « %s » en double", where, j, id)
			}
			expected[id] = true
		}
		for j, tr := range t.Traps {
			if _, ok := f.docs[tr.Document]; !ok {
				return fmt.Errorf("%s : champ « documents_pieges[%d].document » : document « %s » inconnu du fonds", where, j, tr.Document)
			}
			if expected[tr.Document] {
				return fmt.Errorf("%s : champ « documents_pieges[%d].document » : « %s » est aussi un document attendu", where, j, tr.Document)
			}
		}
		if err := f.checkDescriptors(where, "descripteurs_attendus", t.Descriptors); err != nil {
			return err
		}
		f.themes[t.ID] = t
		f.Themes = append(f.Themes, t)
	}
	return nil
}

func (f *Fonds) loadFeeds(fsys fs.FS, fiches map[string]bool) error {
	names, err := sortedGlob(fsys, Root+"/flux/*.yaml")
	if err != nil {
		return err
	}
	for _, n := range names {
		file := rel(n)
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		var fd Feed
		if err := decodeStrict(raw, &fd); err != nil {
			return fmt.Errorf("%s : %w", file, err)
		}
		if err := checkStruct(file, &fd); err != nil {
			return err
		}
		if err := checkFiction(file, string(raw)); err != nil {
			return err
		}
		if err := checkSlug(file, "id", fd.ID); err != nil {
			return err
		}
		if prev, dup := f.feeds[fd.ID]; dup {
			return fmt.Errorf("%s : champ « id » : flux « %s » déjà défini dans %s", file, fd.ID, prev.File)
		}
		if err := checkExampleURL(file, "lien", fd.Link); err != nil {
			return err
		}
		seen := map[string]bool{}
		for i := range fd.Items {
			it := &fd.Items[i]
			where := fmt.Sprintf("%s : item « %s »", file, it.ID)
			if err := checkSlug(where, "id", it.ID); err != nil {
				return err
			}
			if seen[it.ID] {
				return fmt.Errorf("%s : champ « id » : item « %s » en double dans le flux", where, it.ID)
			}
			seen[it.ID] = true
			if err := f.checkItem(where, it, fiches); err != nil {
				return err
			}
		}
		fd.File = file
		f.feeds[fd.ID] = &fd
		f.Feeds = append(f.Feeds, &fd)
	}
	return nil
}

func (f *Fonds) checkItem(where string, it *Item, fiches map[string]bool) error {
	if err := checkExampleURL(where, "lien", it.Link); err != nil {
		return err
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", it.Date, french.Paris)
	if err != nil {
		return fmt.Errorf("%s : champ « date » : date « %s » invalide (format attendu AAAA-MM-JJ HH:MM)", where, it.Date)
	}
	it.Published = t
	day := Today.AddDate(0, 0, it.Day)
	switch {
	case it.Day == 0 && !t.Before(Today.AddDate(0, 0, 1)):
		return fmt.Errorf("%s : champ « date » : « %s » est postérieure au jour 0 (%s) alors que jour_simule vaut 0", where, it.Date, Today.Format("2006-01-02"))
	case it.Day > 0 && t.Format("2006-01-02") != day.Format("2006-01-02"):
		return fmt.Errorf("%s : champ « date » : « %s » ne tombe pas le jour simulé %d (%s) : un item paraît le jour de sa publication", where, it.Date, it.Day, day.Format("2006-01-02"))
	}
	if err := f.checkDescriptors(where, "descripteurs", it.Descriptors); err != nil {
		return err
	}
	if !it.RuleChange {
		if it.Fiche != "" || it.Theme != "" || it.Before != "" || it.After != "" {
			return fmt.Errorf("%s : champs « fiche », « theme », « avant », « apres » réservés à un item marqué « changement_regle: true »", where)
		}
		return nil
	}
	if !fiches[it.Fiche] {
		return fmt.Errorf("%s : champ « fiche » : fiche « %s » inconnue (fiches/*.md)", where, it.Fiche)
	}
	if _, ok := f.themes[it.Theme]; !ok {
		return fmt.Errorf("%s : champ « theme » : thème « %s » inconnu (themes.yaml)", where, it.Theme)
	}
	return nil
}

// ficheIDs reads the ids of the fiches dispositifs of the same content tree.
func ficheIDs(fsys fs.FS) (map[string]bool, error) {
	ids := map[string]bool{}
	md, err := sortedGlob(fsys, "fiches/*.md")
	if err != nil {
		return nil, err
	}
	ym, err := sortedGlob(fsys, "fiches/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, n := range append(md, ym...) {
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		front := string(raw)
		if path.Ext(n) == ".md" {
			front = frontMatter(front)
		}
		var head struct {
			ID string `yaml:"id"`
		}
		// Only the id matters here; casework's loader checks the rest.
		if err := yamlUnmarshalLoose([]byte(front), &head); err == nil && head.ID != "" {
			ids[head.ID] = true
		}
	}
	return ids, nil
}

func frontMatter(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	if !strings.HasPrefix(s, "---\n") {
		return ""
	}
	rest := s[4:]
	if i := strings.Index(rest, "\n---"); i >= 0 {
		return rest[:i]
	}
	return ""
}
