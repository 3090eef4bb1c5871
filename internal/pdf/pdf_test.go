package pdf_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/internal/pdf/pdftext"
	"github.com/casp-cnam/casp/internal/text"
	"github.com/casp-cnam/casp/internal/text/texttest"
)

// generated is 25 November 2026, 13:30 UTC: 14 h 30 in Paris.
var generated = time.Date(2026, 11, 25, 13, 30, 0, 0, time.UTC)

func render(t testing.TB, d pdf.Doc) ([]byte, pdftext.Document) {
	t.Helper()
	var buf bytes.Buffer
	if err := pdf.Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("pas un PDF : %q", buf.Bytes()[:min(buf.Len(), 20)])
	}
	doc, err := pdftext.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), doc
}

// flat is a page's text on one line, spaces of any kind as one space.
func flat(s string) string {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

func all(doc pdftext.Document) string { return flat(strings.Join(doc.Pages, "\n")) }

// checkFooters checks « Page i sur n » on every page, and that n is the
// real number of pages.
func checkFooters(t *testing.T, doc pdftext.Document) {
	t.Helper()
	n := len(doc.Pages)
	for i, p := range doc.Pages {
		want := fmt.Sprintf("Page %d sur %d", i+1, n)
		if !strings.Contains(flat(p), want) {
			t.Errorf("page %d : pied de page %q absent de %q", i+1, want, flat(p))
		}
	}
}

func TestFrenchTextAndMetadata(t *testing.T) {
	d := pdf.Doc{
		Title:    "Évaluation de l'œuvre « Ça commence » — été",
		Subtitle: "Rapport d'expérience professionnelle",
		Meta: []pdf.Pair{{Label: "Apprenant", Value: "Françoise Lefèvre"},
			{Label: "Empreinte SHA-256", Value: strings.Repeat("ab12", 16), Mono: true}},
		Running:   "Évaluation — Françoise Lefèvre",
		Generated: generated,
		Blocks: []pdf.Block{
			pdf.Heading{Level: 1, Text: "Première partie : le cœur du sujet"},
			pdf.Paragraph{Text: "Élève déjà à l'œuvre : « ça marche », dit-elle ; où est la cédille ? Œdipe, Noël, naïf, Ÿ, 10\u202f%."},
			pdf.Heading{Level: 2, Text: "Deuxième niveau"},
			pdf.List{Items: []string{"Premier élément", "Second élément très énergique"}},
			pdf.List{Items: []string{"Un", "Deux"}, Ordered: true},
			pdf.Quote{Text: "Un retour d'évaluateur, clair et précis.", Source: "Évaluatrice"},
			pdf.Note{Text: "Une note discrète en petits caractères."},
			pdf.Fields{Pairs: []pdf.Pair{{Label: "Décision", Value: "Validé"}}},
			pdf.Heading{Level: 3, Text: "Troisième niveau"},
			pdf.Paragraph{Text: "Les accolades {nb} restent telles quelles, comme 😀 qui devient un signe visible."},
		},
	}
	raw, doc := render(t, d)
	text := all(doc)
	for _, want := range []string{
		"Évaluation de l'œuvre « Ça commence » — été", "Rapport d'expérience professionnelle",
		"Françoise Lefèvre", strings.Repeat("ab12", 16),
		"Première partie : le cœur du sujet",
		"Élève déjà à l'œuvre : « ça marche », dit-elle ; où est la cédille ? Œdipe, Noël, naïf, Ÿ, 10 %.",
		"• Premier élément", "• Second élément très énergique", "1. Un", "2. Deux",
		"Un retour d'évaluateur, clair et précis.", "— Évaluatrice", "Une note discrète en petits caractères.",
		"Décision Validé", "Troisième niveau",
		"Les accolades {nb} restent telles quelles, comme \uFFFD qui devient un signe visible.",
		"Document généré le 25 novembre 2026 à 14 h 30 (heure de Paris).",
		"Évaluation — Françoise Lefèvre · généré le 25 novembre 2026",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("absent du PDF : %q\n%s", want, text)
		}
	}
	// No-break spaces are kept as typed (the narrow one, which the fonts
	// lack, as a no-break space): « : » and « % » never start a line.
	if !strings.Contains(strings.Join(doc.Pages, ""), "10\u00a0%") {
		t.Error("l'espace fine insécable n'est pas restée insécable")
	}
	if len(doc.Pages) != 1 {
		t.Fatalf("%d pages, attendu 1", len(doc.Pages))
	}
	checkFooters(t, doc)
	if doc.Title != d.Title || doc.Author != "casp" || doc.Subject != d.Subtitle || doc.Lang != "fr" {
		t.Errorf("métadonnées : titre %q, auteur %q, sujet %q, langue %q", doc.Title, doc.Author, doc.Subject, doc.Lang)
	}
	wantOutline := []string{d.Title, "  Première partie : le cœur du sujet", "    Deuxième niveau", "      Troisième niveau"}
	if strings.Join(doc.Outline, "|") != strings.Join(wantOutline, "|") {
		t.Errorf("signets : %q, attendu %q", doc.Outline, wantOutline)
	}
	if !bytes.Contains(raw, []byte("/CreationDate (D:20261125")) {
		t.Error("date de création absente des métadonnées")
	}
}

var rowRe = regexp.MustCompile(`Ligne (\d{3}) `)

func TestLongTableRepeatsItsHeader(t *testing.T) {
	var rows [][]string
	for i := 1; i <= 90; i++ {
		rows = append(rows, []string{fmt.Sprintf("Ligne %03d", i),
			"Commentaire assez long pour occuper deux lignes dans une colonne étroite : l'apprenante a repéré les acteurs du territoire.",
			fmt.Sprint(i * 10)})
	}
	// One row taller than a page: its cell is cut between lines, never lost.
	var long []string
	for i := 1; i <= 80; i++ {
		long = append(long, fmt.Sprintf("fragment%02d", i))
	}
	rows = append(rows, []string{"Ligne 091", strings.Join(long, "\n"), "910"})
	d := pdf.Doc{Title: "Table longue", Generated: generated, Blocks: []pdf.Block{
		pdf.Paragraph{Text: "Avant la table."},
		pdf.Table{Caption: "Critères et niveaux", Header: []string{"Critère évalué", "Commentaire de l'évaluateur", "Points"},
			Rows: rows, Widths: []float64{1, 3, 0.8}, Align: []pdf.Align{pdf.Left, pdf.Left, pdf.Right}},
		pdf.Paragraph{Text: "Après la table."},
	}}
	_, doc := render(t, d)
	if len(doc.Pages) < 4 {
		t.Fatalf("%d pages : la table devait en occuper au moins 4", len(doc.Pages))
	}
	checkFooters(t, doc)
	seen := map[string]int{}
	for i, p := range doc.Pages {
		text := flat(p)
		if !strings.Contains(text, "Critère évalué Commentaire de l'évaluateur Points") {
			t.Errorf("page %d : en-tête de table absent", i+1)
		}
		for _, m := range rowRe.FindAllStringSubmatch(text, -1) {
			seen[m[1]]++
		}
	}
	for i := 1; i <= 90; i++ {
		if n := seen[fmt.Sprintf("%03d", i)]; n != 1 {
			t.Errorf("ligne %03d vue %d fois", i, n)
		}
	}
	text := all(doc)
	for _, f := range long {
		if strings.Count(text, f+" ") != 1 && !strings.HasSuffix(text, f) {
			t.Errorf("%s : perdu ou répété dans la cellule coupée", f)
		}
	}
	if !strings.Contains(text, "Avant la table.") || !strings.Contains(text, "Après la table.") || !strings.Contains(text, "Critères et niveaux") {
		t.Error("texte autour de la table absent")
	}
	if strings.Count(text, "Critères et niveaux") != 1 {
		t.Error("la légende de la table est répétée")
	}
}

func TestLongWordsAreCut(t *testing.T) {
	word := strings.Repeat("anticonstitutionnellement", 12)
	url := "https://exemple.fr/" + strings.Repeat("chemin/", 30)
	_, doc := render(t, pdf.Doc{Title: "Mots longs", Generated: generated, Blocks: []pdf.Block{
		pdf.Paragraph{Text: "Début " + word + " fin."},
		pdf.Table{Header: []string{"A", "B"}, Rows: [][]string{{word, "court"}}},
		pdf.Markdown{Source: "Voir <" + url + ">."},
	}})
	lines := strings.Split(doc.Pages[0], "\n")
	joined := strings.Join(lines, "")
	if !strings.Contains(joined, word) {
		t.Fatal("le mot long a perdu des lettres")
	}
	parts := 0
	for _, l := range lines {
		if strings.Contains(l, "anticonstitutionnellement") && !strings.Contains(l, "court") {
			parts++
		}
	}
	if parts < 4 {
		t.Errorf("le mot long tient sur %d lignes : il n'a pas été coupé au bord", parts)
	}
	if !strings.Contains(strings.ReplaceAll(joined, " ", ""), strings.ReplaceAll(url, " ", "")) {
		t.Error("l'adresse longue a perdu des caractères")
	}
}

func TestHostileMarkdownIsText(t *testing.T) {
	src := "# Mon rapport\n\n" +
		"<script>alert('piège')</script>\n\n" +
		"<div onclick=\"voler()\">\nbloc HTML caché\n</div>\n\n" +
		"Un paragraphe avec <b onmouseover=\"x()\">du gras brut</b>, **du vrai gras**, *de l'italique* et `du code`.\n\n" +
		"<iframe src=\"https://mal.example\"></iframe>\n\n" +
		"[un lien sûr](https://exemple.fr/page) et [un lien piégé](javascript:alert(1)) et <javascript:alert(2)> " +
		"et [écrire](mailto:contact@exemple.fr).\n\n" +
		"![schéma des acteurs](https://mal.example/pixel.png)\n\n" +
		"> Une citation\n> sur deux lignes.\n\n" +
		"- premier\n- second\n  - imbriqué\n\n" +
		"1. un\n2. deux\n\n" +
		"- [x] fait\n- [ ] à faire\n\n" +
		"```\nfunc main() {\n    fmt.Println(\"<script>\")\n}\n```\n\n" +
		"| Acteur | Rôle |\n| --- | ---: |\n| Mission locale | Jeunes |\n\n" +
		"---\n\n~~barré~~ fin."
	raw, doc := render(t, pdf.Doc{Title: "Markdown", Generated: generated, Blocks: []pdf.Block{pdf.Markdown{Source: src}}})
	text := all(doc)
	for _, bad := range []string{"<script>alert", "alert('piège')", "onclick", "voler()", "bloc HTML caché", "<b", "onmouseover",
		"<iframe", "mal.example", "javascript:", "alert(1)", "<div"} {
		if strings.Contains(text, bad) {
			t.Errorf("HTML brut rendu : %q\n%s", bad, text)
		}
	}
	for _, want := range []string{"Mon rapport", "Un paragraphe avec du gras brut, du vrai gras, de l'italique et du code.",
		"un lien sûr (https://exemple.fr/page) et un lien piégé et", "écrire (contact@exemple.fr)", "schéma des acteurs",
		"Une citation sur deux lignes.", "• premier", "• second", "– imbriqué", "1. un", "2. deux", "■ fait", "□ à faire",
		`fmt.Println("<script>")`, "Acteur Rôle", "Mission locale Jeunes", "barré fin."} {
		if !strings.Contains(text, want) {
			t.Errorf("absent : %q\n%s", want, text)
		}
	}
	// Code keeps its indentation.
	if !strings.Contains(doc.Pages[0], "    fmt.Println") {
		t.Error("l'indentation du code est perdue")
	}
	// Only allowed addresses become links.
	if !bytes.Contains(raw, []byte("/URI (https://exemple.fr/page)")) || !bytes.Contains(raw, []byte("/URI (mailto:contact@exemple.fr)")) {
		t.Error("les liens sûrs ne sont pas cliquables")
	}
	if bytes.Contains(raw, []byte("javascript")) || bytes.Contains(raw, []byte("mal.example")) {
		t.Error("une adresse dangereuse est devenue un lien")
	}
	if doc.Outline[1] != "  Mon rapport" {
		t.Errorf("le titre Markdown n'est pas dans les signets : %q", doc.Outline)
	}
}

func TestPagesAndBreaks(t *testing.T) {
	var blocks []pdf.Block
	blocks = append(blocks, pdf.Paragraph{Text: "Page un."}, pdf.PageBreak{}, pdf.PageBreak{}, pdf.Paragraph{Text: "Page deux."}, pdf.PageBreak{})
	for i := 0; i < 60; i++ {
		blocks = append(blocks, pdf.Paragraph{Text: fmt.Sprintf("Paragraphe %02d : du texte courant pour remplir la page.", i)})
	}
	// A heading at the foot of a page goes with its text to the next one.
	blocks = append(blocks, pdf.Heading{Level: 1, Text: "Section finale"}, pdf.Paragraph{Text: "Corps de la section finale."})
	_, doc := render(t, pdf.Doc{Title: "Sauts", Generated: generated, Blocks: blocks})
	if len(doc.Pages) < 4 {
		t.Fatalf("%d pages", len(doc.Pages))
	}
	checkFooters(t, doc)
	if !strings.Contains(doc.Pages[0], "Page un.") || strings.Contains(doc.Pages[0], "Page deux.") || !strings.Contains(doc.Pages[1], "Page deux.") {
		t.Error("les sauts de page ne tombent pas où il faut (deux sauts de suite = un seul)")
	}
	for i, p := range doc.Pages {
		if strings.Contains(p, "Section finale") && !strings.Contains(p, "Corps de la section finale.") {
			t.Errorf("page %d : titre séparé de son texte", i+1)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	var blocks []pdf.Block
	for i := 0; i < 20; i++ {
		blocks = append(blocks, pdf.Heading{Level: 2, Text: fmt.Sprintf("Section %d", i)},
			pdf.Markdown{Source: strings.Repeat("Un paragraphe **accentué** : été, œuvre, « guillemets ».\n\n", 10)},
			pdf.Table{Header: []string{"Critère", "Niveau"}, Rows: [][]string{{"Identifier les acteurs", "Acquis"}, {"Analyser la demande", "Maîtrisé"}}})
	}
	d := pdf.Doc{Title: "Banc", Generated: generated, Blocks: blocks}
	b.ReportAllocs()
	for b.Loop() {
		if err := pdf.Render(&bytes.Buffer{}, d); err != nil {
			b.Fatal(err)
		}
	}
}

// Texts of a shape no person types, which text.Prepare would have to
// reshape, are set as typed.
func TestHostileShapesAreSetAsText(t *testing.T) {
	for name, src := range texttest.Shapes(20_000) {
		_, doc := render(t, pdf.Doc{Title: "Forme hostile", Generated: generated, Blocks: []pdf.Block{pdf.Markdown{Source: src}}})
		// Blanks aside: a line may break at one.
		noBlanks := strings.NewReplacer("\n", "", " ", "")
		head := noBlanks.Replace(src[:40])
		if !strings.Contains(noBlanks.Replace(strings.Join(doc.Pages, "")), head) {
			t.Errorf("%s : le texte n'est pas repris tel quel", name)
		}
		checkFooters(t, doc)
	}
	// A long paragraph typed on one line is still Markdown: it is wrapped
	// before parsing, which changes nothing to what is read.
	long := strings.Repeat("Un mot **important** et la suite. ", 400)
	_, doc := render(t, pdf.Doc{Title: "Paragraphe long", Generated: generated, Blocks: []pdf.Block{pdf.Markdown{Source: long}}})
	text := all(doc)
	if strings.Contains(text, "**") || strings.Count(text, "Un mot important et la suite.") < 395 || strings.Count(text, "important") != 400 {
		t.Error("un long paragraphe n'est plus lu comme du Markdown")
	}
}

func BenchmarkHostileMarkdown(b *testing.B) {
	for name, src := range texttest.Shapes(text.MaxBytes - 100) {
		b.Run(name, func(b *testing.B) {
			d := pdf.Doc{Title: "Banc", Generated: generated, Blocks: []pdf.Block{pdf.Markdown{Source: src}}}
			for b.Loop() {
				if err := pdf.Render(&bytes.Buffer{}, d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestNoLineStartsWithClosingPunctuation(t *testing.T) {
	text := strings.Repeat("Elle dit « oui » : puis ; enfin ! vraiment ? « Non » dit-il. ", 60)
	_, doc := render(t, pdf.Doc{Title: "Ponctuation", Generated: generated, Blocks: []pdf.Block{
		pdf.Paragraph{Text: text}, pdf.Markdown{Source: text}}})
	lines := 0
	for _, p := range doc.Pages {
		for _, l := range strings.Split(p, "\n") {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			lines++
			if strings.HasSuffix(l, "«") || strings.ContainsAny(l[:1], "»:;!?") {
				t.Errorf("ligne coupée contre la ponctuation française : %q", l)
			}
		}
	}
	if lines < 20 || strings.Count(all(doc), "« oui »") != 120 || strings.Count(all(doc), "vraiment ?") != 120 {
		t.Fatalf("texte incomplet (%d lignes)", lines)
	}
}
