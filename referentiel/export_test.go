package referentiel

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const testBase = "http://localhost:8080"

// forEachFramework runs fn on the small fixture and on the shipped data.
func forEachFramework(t *testing.T, fn func(t *testing.T, fw *Framework)) {
	t.Helper()
	t.Run("fixture", func(t *testing.T) { fn(t, loadFixture(t)) })
	t.Run("casp-2016", func(t *testing.T) {
		cat, err := Load()
		if err != nil {
			t.Fatalf("Load : %v", err)
		}
		fn(t, cat.Default())
	})
}

func loadFixture(t *testing.T) *Framework {
	t.Helper()
	cat, err := LoadFS(os.DirFS("testdata"), "fixture")
	if err != nil {
		t.Fatalf("fixture : %v", err)
	}
	return cat.Default()
}

// entry is one row the exports must carry, found by walking the framework
// through the lookups rather than through the exporters' own recursion.
type entry struct{ id, typ, text, label string }

func entries(fw *Framework) []entry {
	var out []entry
	for _, a := range fw.Activities {
		out = append(out, entry{a.ID, csvActivity, a.Title, a.TitleLabel})
		for _, t := range a.Tasks {
			out = append(out, entry{t.ID, csvTask, t.Title, t.TitleLabel})
			for _, s := range t.SubSteps {
				out = append(out, entry{s.ID, csvSubStep, s.Title, ""})
			}
			t.EachCompetence(func(it *Item) { out = append(out, entry{it.ID, csvCompetence, it.Text, it.Label}) })
			t.EachCapacity(func(it *Item) { out = append(out, entry{it.ID, csvCapacity, it.Text, it.Label}) })
			for _, m := range t.Methods {
				out = append(out, entry{m.ID, csvMethod, m.Text, m.Label})
			}
			t.EachCriterion(func(c *Criterion) { out = append(out, entry{c.ID, csvCriterion, c.Text, c.Label}) })
		}
	}
	for _, k := range fw.DeliverableKinds {
		out = append(out, entry{k.ID, csvKind, k.Label, ""})
	}
	return out
}

func TestExportJSON(t *testing.T) {
	forEachFramework(t, func(t *testing.T, fw *Framework) {
		var first bytes.Buffer
		if err := fw.WriteJSON(&first); err != nil {
			t.Fatal(err)
		}
		var back Framework
		dec := json.NewDecoder(bytes.NewReader(first.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&back); err != nil {
			t.Fatalf("relecture : %v", err)
		}
		var again bytes.Buffer
		if err := back.WriteJSON(&again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), again.Bytes()) {
			t.Error("l'export JSON relu puis réécrit diffère de l'original")
		}
		var generic any
		if err := json.Unmarshal(first.Bytes(), &generic); err != nil {
			t.Fatal(err)
		}
		texts := map[string]bool{}
		collectStrings(generic, texts)
		for _, e := range entries(fw) {
			if !texts[e.text] {
				t.Errorf("%s (%s) : texte absent de l'export JSON", e.id, e.typ)
			}
		}
	})
}

func collectStrings(v any, into map[string]bool) {
	switch v := v.(type) {
	case string:
		into[v] = true
	case []any:
		for _, x := range v {
			collectStrings(x, into)
		}
	case map[string]any:
		for _, x := range v {
			collectStrings(x, into)
		}
	}
}

func TestExportCSV(t *testing.T) {
	forEachFramework(t, func(t *testing.T, fw *Framework) {
		var buf bytes.Buffer
		if err := fw.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		raw, ok := bytes.CutPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF})
		if !ok {
			t.Fatal("l'export CSV ne commence pas par le BOM UTF-8")
		}
		r := csv.NewReader(bytes.NewReader(raw))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("CSV illisible : %v", err)
		}
		want := []string{"identifiant", "type", "activité", "tâche", "parent", "modalité", "texte", "libellé corrigé"}
		if !slices.Equal(rows[0], want) {
			t.Fatalf("en-tête %q, attendu %q", rows[0], want)
		}
		es := entries(fw)
		if len(rows)-1 != len(es) {
			t.Fatalf("%d lignes, attendu %d (une par élément)", len(rows)-1, len(es))
		}
		for i, e := range es {
			row := rows[i+1]
			if row[0] != e.id || row[1] != e.typ || row[7] != e.label {
				t.Errorf("ligne %d : %q, attendu identifiant %q type %q libellé %q", i+1, row, e.id, e.typ, e.label)
			}
			// A deliverable kind's text is its label followed by its description.
			if row[6] != e.text && !(e.typ == csvKind && strings.HasPrefix(row[6], e.text+" — ")) {
				t.Errorf("ligne %d (%s) : texte %q, attendu %q", i+1, e.id, row[6], e.text)
			}
		}
	})
	t.Run("fixture-détails", func(t *testing.T) {
		var buf bytes.Buffer
		if err := loadFixture(t).WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := readCSV(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		// 2 activités, 4 tâches, 2 sous-étapes, 7 compétences, 5 capacités,
		// 5 modalités, 6 critères, 2 types de production.
		if len(rows)-1 != 33 {
			t.Errorf("%d lignes, attendu 33", len(rows)-1)
		}
		byID := map[string][]string{}
		for _, row := range rows[1:] {
			byID[row[0]] = row
		}
		if got := byID["1.1/crit/2/1"]; !slices.Equal(got, []string{"1.1/crit/2/1", "critère d'évaluation", "1", "1.1", "1.1/crit/2", "1.1/mod/2", "repérage des attentes implicites", "Repérage des attentes implicites"}) {
			t.Errorf("critère imbriqué : %q", got)
		}
		if got := byID["1.1/mod/2"][6]; got != "Étude de cas « situation d'accueil » ;\nanalyse écrite en deux pages." {
			t.Errorf("texte avec « ; » et saut de ligne abîmé : %q", got)
		}
		if got := byID["fiche-dispositif"]; got[2] != "2" || got[3] != "2.1" || got[5] != "2.1/mod/2" {
			t.Errorf("type de production : %q", got)
		}
		if !strings.Contains(buf.String(), "Réception de tout public qui s'adresse à la structure") {
			t.Error("accents abîmés dans l'export CSV")
		}
	})
}

func readCSV(b []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})))
	r.Comma = ';'
	return r.ReadAll()
}

const schemaPath = "testdata/case-v1p0-cfpackage-schema.json"

func caseSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	// The schema has no $schema and uses "definitions": the draft-07 family.
	// Formats (uri, date-time) are asserted explicitly whatever the draft.
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("schéma CASE : %v", err)
	}
	return sch
}

func exportCASE(t *testing.T, fw *Framework) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fw.WriteCASE(&buf, testBase); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeAny(t *testing.T, b []byte) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

func decodeCASE(t *testing.T, b []byte) casePackage {
	t.Helper()
	var p casePackage
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExportCASEValidates(t *testing.T) {
	sch := caseSchema(t)
	forEachFramework(t, func(t *testing.T, fw *Framework) {
		if err := sch.Validate(decodeAny(t, exportCASE(t, fw))); err != nil {
			t.Fatalf("le paquet CASE ne respecte pas le schéma : %#v", err)
		}
	})
}

// TestExportCASESchemaEnforces proves the validator bites: each mutation of a
// valid export must be rejected.
func TestExportCASESchemaEnforces(t *testing.T) {
	sch := caseSchema(t)
	valid := exportCASE(t, loadFixture(t))
	mutations := map[string]func(p map[string]any){
		"fullStatement supprimé": func(p map[string]any) {
			delete(first(p, "CFItems"), "fullStatement")
		},
		"champ inconnu dans une rubrique": func(p map[string]any) {
			first(p, "CFRubrics")["inconnu"] = "x"
		},
		"type d'association inconnu": func(p map[string]any) {
			first(p, "CFAssociations")["associationType"] = "estEnfantDe"
		},
		"date invalide": func(p map[string]any) {
			first(p, "CFItems")["lastChangeDateTime"] = "hier"
		},
		"uri relative": func(p map[string]any) {
			first(p, "CFItems")["uri"] = "CFItems/1"
		},
		"lien sans identifiant": func(p map[string]any) {
			delete(first(p, "CFAssociations")["originNodeURI"].(map[string]any), "identifier")
		},
	}
	if err := sch.Validate(decodeAny(t, valid)); err != nil {
		t.Fatalf("export de référence invalide : %#v", err)
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			p := decodeAny(t, valid)
			mutate(p)
			if sch.Validate(p) == nil {
				t.Error("le schéma accepte un paquet altéré")
			}
		})
	}
}

func first(p map[string]any, key string) map[string]any {
	return p[key].([]any)[0].(map[string]any)
}

// The schema lets CFDocument, CFItem and CFAssociation carry any extra field
// (its additionalProperties there is a schema, not false): check by hand that
// only the declared fields and the CASE package links are written.
func TestExportCASENoUnknownFields(t *testing.T) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Definitions map[string]struct {
			Properties           map[string]any `json:"properties"`
			AdditionalProperties any            `json:"additionalProperties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	allowed := func(def string) map[string]bool {
		d := schema.Definitions[def]
		out := map[string]bool{}
		for k := range d.Properties {
			out[k] = true
		}
		if extra, ok := d.AdditionalProperties.(map[string]any); ok {
			for k := range extra {
				out[k] = true
			}
		}
		return out
	}
	check := func(t *testing.T, def string, obj map[string]any) {
		ok := allowed(def)
		for k := range obj {
			if !ok[k] {
				t.Errorf("%s : champ %q inconnu du schéma", def, k)
			}
		}
	}
	forEachFramework(t, func(t *testing.T, fw *Framework) {
		p := decodeAny(t, exportCASE(t, fw))
		check(t, "CFPackageDocument", p["CFDocument"].(map[string]any))
		for _, it := range p["CFItems"].([]any) {
			check(t, "CFPackageItem", it.(map[string]any))
		}
		for _, a := range p["CFAssociations"].([]any) {
			check(t, "CFPackageAssociation", a.(map[string]any))
		}
	})
}

func TestExportCASEDeterministic(t *testing.T) {
	forEachFramework(t, func(t *testing.T, fw *Framework) {
		a, b := exportCASE(t, fw), exportCASE(t, fw)
		if !bytes.Equal(a, b) {
			t.Fatal("deux exports CASE successifs diffèrent")
		}
		var other bytes.Buffer
		if err := fw.WriteCASE(&other, "https://casp.example.org/"); err != nil {
			t.Fatal(err)
		}
		pa, po := decodeCASE(t, a), decodeCASE(t, other.Bytes())
		if pa.CFDocument.Identifier != po.CFDocument.Identifier || pa.CFItems[0].Identifier != po.CFItems[0].Identifier {
			t.Error("les identifiants dépendent de l'adresse de base")
		}
		if want := "https://casp.example.org" + CASEPath + "CFItems/" + po.CFItems[0].Identifier; po.CFItems[0].URI != want {
			t.Errorf("uri %q, attendu %q", po.CFItems[0].URI, want)
		}
	})
}

func TestExportCASEBadBase(t *testing.T) {
	fw := loadFixture(t)
	for _, base := range []string{"", "localhost:8080", "/api", "ftp://hote"} {
		if err := fw.WriteCASE(io.Discard, base); err == nil {
			t.Errorf("adresse de base %q acceptée", base)
		}
	}
}

// TestExportCASEStructure checks the package's content against the
// framework: identifiers, items, the tree and the rubrics.
func TestExportCASEStructure(t *testing.T) {
	caseType := map[string]string{
		csvActivity: caseActivity, csvTask: caseTask, csvSubStep: caseSubStep,
		csvCompetence: caseCompetence, csvCapacity: caseCapacity,
		csvMethod: caseMethod, csvCriterion: caseCriterion,
	}
	forEachFramework(t, func(t *testing.T, fw *Framework) {
		p := decodeCASE(t, exportCASE(t, fw))

		// Every identifier is a canonical UUID, unique in the package, and
		// every uri is the object's address on the site.
		seen := map[string]bool{}
		ident := func(kind, id, uri string) {
			if u, err := uuid.Parse(id); err != nil || u.String() != id {
				t.Errorf("%s : identifiant %q n'est pas un UUID canonique", kind, id)
			}
			if seen[id] {
				t.Errorf("%s : identifiant %q en double", kind, id)
			}
			seen[id] = true
			if uri != testBase+CASEPath+kind+"/"+id {
				t.Errorf("%s : uri %q", kind, uri)
			}
		}
		ident("CFDocuments", p.CFDocument.Identifier, p.CFDocument.URI)
		items := map[string]caseItem{}
		for _, it := range p.CFItems {
			ident("CFItems", it.Identifier, it.URI)
			items[it.Identifier] = it
		}
		for _, a := range p.CFAssociations {
			ident("CFAssociations", a.Identifier, a.URI)
		}
		for _, ty := range p.CFDefinitions.CFItemTypes {
			ident("CFItemTypes", ty.Identifier, ty.URI)
		}
		for _, r := range p.CFRubrics {
			ident("CFRubrics", r.Identifier, r.URI)
			for _, c := range r.CFRubricCriteria {
				ident("CFRubricCriteria", c.Identifier, c.URI)
			}
		}

		// One CFItem per entry but the deliverable kinds, in order, typed.
		var want []entry
		for _, e := range entries(fw) {
			if e.typ != csvKind {
				want = append(want, e)
			}
		}
		if len(p.CFItems) != len(want) {
			t.Fatalf("%d CFItems, attendu %d", len(p.CFItems), len(want))
		}
		types := map[string]string{}
		for _, ty := range p.CFDefinitions.CFItemTypes {
			types[ty.Title] = ty.Identifier
		}
		for i, e := range want {
			it := p.CFItems[i]
			if it.HumanCodingScheme != e.id || it.FullStatement != e.text || it.AlternativeLabel != e.label || it.CFItemType != caseType[e.typ] {
				t.Errorf("CFItem %d : %s %q %q, attendu %s %q %q", i, it.HumanCodingScheme, it.CFItemType, it.FullStatement, e.id, caseType[e.typ], e.text)
			}
			if it.CFItemTypeURI.Identifier != types[it.CFItemType] || it.CFItemTypeURI.Identifier == "" {
				t.Errorf("CFItem %s : CFItemTypeURI ne renvoie pas au type %q", e.id, it.CFItemType)
			}
		}

		// The tree: every item has exactly one parent, item or document; the
		// links resolve; siblings are numbered 1, 2, 3… in order.
		parents := map[string]int{}
		nextSeq := map[string]int{}
		for _, a := range p.CFAssociations {
			o, d := a.OriginNodeURI, a.DestinationNodeURI
			origin, ok := items[o.Identifier]
			if !ok || origin.URI != o.URI {
				t.Errorf("association %s : origine %q introuvable", a.Identifier, o.Identifier)
				continue
			}
			dest, isItem := items[d.Identifier]
			switch {
			case d.Identifier == p.CFDocument.Identifier:
				if origin.CFItemType != caseActivity || d.URI != p.CFDocument.URI {
					t.Errorf("%s rattaché directement au document", origin.HumanCodingScheme)
				}
			case !isItem || dest.URI != d.URI:
				t.Errorf("association %s : destination %q introuvable", a.Identifier, d.Identifier)
			case !strings.HasPrefix(origin.HumanCodingScheme, dest.HumanCodingScheme):
				t.Errorf("%s rattaché à %s", origin.HumanCodingScheme, dest.HumanCodingScheme)
			}
			parents[o.Identifier]++
			nextSeq[d.Identifier]++
			if a.AssociationType != "isChildOf" || a.SequenceNumber != nextSeq[d.Identifier] {
				t.Errorf("association %s : %s n° %d, attendu isChildOf n° %d", a.Identifier, a.AssociationType, a.SequenceNumber, nextSeq[d.Identifier])
			}
		}
		for id, it := range items {
			if parents[id] != 1 {
				t.Errorf("%s : %d parents", it.HumanCodingScheme, parents[id])
			}
		}

		// The rubrics: one per modality; every rubric criterion points at a
		// capacity of its task, unless the task has none.
		methods := 0
		for _, tk := range fw.Tasks() {
			methods += len(tk.Methods)
		}
		if len(p.CFRubrics) != methods {
			t.Errorf("%d rubriques, attendu %d (une par modalité)", len(p.CFRubrics), methods)
		}
		for _, r := range p.CFRubrics {
			for i, c := range r.CFRubricCriteria {
				if c.RubricID != r.Identifier || c.Position != i+1 {
					t.Errorf("rubrique %q, critère %d : rubricId ou position faux", r.Title, i)
				}
				task, _ := fw.Task(strings.Split(c.Category, "/")[0])
				if task == nil || task.Criterion(c.Category) == nil {
					t.Errorf("rubrique %q : catégorie %q n'est pas un critère", r.Title, c.Category)
					continue
				}
				if c.CFItemURI == nil {
					if len(task.Capacities) > 0 {
						t.Errorf("rubrique %q : critère %s sans capacité", r.Title, c.Category)
					}
					continue
				}
				target, ok := items[c.CFItemURI.Identifier]
				if !ok || target.CFItemType != caseCapacity || task.Capacity(target.HumanCodingScheme) == nil {
					t.Errorf("rubrique %q : critère %s renvoie à %q, pas à une capacité de la tâche", r.Title, c.Category, c.CFItemURI.Identifier)
				}
			}
		}
	})
	t.Run("fixture-rubriques", func(t *testing.T) {
		p := decodeCASE(t, exportCASE(t, loadFixture(t)))
		total := 0
		for _, r := range p.CFRubrics {
			total += len(r.CFRubricCriteria)
		}
		// 1.1/mod/1 : 2 ; 1.1/mod/2 : 1 + 3 ; 2.1 : 2 × 2 × 2 ; 2.2 : 1.
		if total != 15 {
			t.Errorf("%d critères de rubrique, attendu 15", total)
		}
		var got []string
		byID := map[string]string{}
		for _, it := range p.CFItems {
			byID[it.Identifier] = it.HumanCodingScheme
		}
		for _, c := range p.CFRubrics[0].CFRubricCriteria {
			got = append(got, c.Category+">"+byID[c.CFItemURI.Identifier])
		}
		if want := []string{"1.1/crit/1>1.1/cap/1", "1.1/crit/1>1.1/cap/2"}; !slices.Equal(got, want) {
			t.Errorf("rubrique 1.1/mod/1 : %q, attendu %q", got, want)
		}
	})
}
