package text

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/casp-cnam/casp/internal/text/texttest"
)

// mdHostileInputs are Markdown texts a learner could use to attack the
// evaluator's browser: the brief's list, whose renderings must not even
// contain the words in mdForbidden.
var mdHostileInputs = map[string]string{
	"script block":      "<script>alert(1)</script>",
	"script inline":     "Texte <script>alert(1)</script> suite",
	"img onerror":       "<img src=x onerror=alert(1)>",
	"img onerror 2":     "avant <img src=x onerror=alert(1)> après",
	"js link":           "[a](javascript:alert(1))",
	"js link mixed":     "[a](JaVaScRiPt:alert(1))",
	"js link entity":    "[a](jav&#x61;script:alert(1))",
	"js link spaces":    "[a]( javascript:alert(1) )",
	"js link angle":     "[a](<javascript:alert(1)>)",
	"js reference link": "[a][r]\n\n[r]: javascript:alert(1)",
	"vbscript link":     "[a](vbscript:msgbox(1))",
	"data link":         "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"data image":        "![a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"js image":          "![a](javascript:alert(1))",
	"iframe":            "<iframe src=\"https://exemple.fr\"></iframe>",
	"iframe inline":     "x <iframe src=\"https://exemple.fr\"></iframe> y",
	"onclick anchor":    "<a href=\"x\" onclick=\"alert(1)\">clic</a>",
	"style block":       "<style>body{display:none}</style>",
	"style inline":      "x <style>body{display:none}</style> y",
	"js autolink":       "<javascript:alert(1)>",
	"js autolink caps":  "<JAVASCRIPT:alert(1)>",
	"data autolink":     "<data:text/html;base64,PHNjcmlwdD4=>",
	"html comment":      "<!-- <script>alert(1)</script> -->",
	"heading b onmouse": "## <b onmouseover=alert(1)>Bilan</b>",
	"svg onload":        "<svg onload=alert(1)>",
	"form":              "<form action=\"https://exemple.fr\"><input name=q></form>",
	"object":            "<object data=\"x.swf\"></object>",
	"table cell html":   "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
	"task list html":    "- [ ] <b onmouseover=alert(1)>x</b>",
}

// mdHostileInputsAsText are hostile texts whose words legitimately stay as
// visible text (or inside a quoted attribute value): only the structure of
// their rendering is checked.
var mdHostileInputsAsText = map[string]string{
	"link title quote": "[a](https://exemple.fr \"x\\\" onmouseover=\\\"alert(1)\")",
	"heading attrs":    "## Titre {#x onclick=alert(1)}",
	"text about js":    "Le protocole javascript: et l'attribut onclick=alert(1) sont dangereux.",
	"code span html":   "`<script>alert(1)</script>`",
	"fenced html":      "```html\n<img src=x onerror=alert(1)>\n```",
}

// mdForbidden must appear in no rendering of mdHostileInputs (compared in
// lower case).
var mdForbidden = []string{
	"<script", "onerror", "onclick", "javascript:", "vbscript:", "data:text/html",
	"<iframe", "<style", "onmouseover", "onload", "<svg", "<form", "<object", "<img",
	"style=", "class=",
}

// mdAllowedTags are the only elements a rendering may hold.
var mdAllowedTags = map[string]bool{
	"p": true, "br": true, "hr": true, "blockquote": true, "pre": true, "code": true,
	"em": true, "strong": true, "del": true, "ul": true, "ol": true, "li": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"a": true, "input": true,
}

var (
	mdTagPattern    = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	mdQuotedPattern = regexp.MustCompile(`"[^"]*"`)
	mdAttrPattern   = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=("[^"]*"))?`)
)

// mdAssertStructure checks every tag of a rendering: allowed element, no
// event handler, style or class attribute, href only http(s), mailto or
// #fragment, id only "titre-…", input only a disabled checkbox.
func mdAssertStructure(t *testing.T, name, html string) {
	t.Helper()
	for _, p := range mdStructureProblems(html) {
		t.Errorf("%s: %s in:\n%s", name, p, html)
	}
}

func mdStructureProblems(html string) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, m := range mdTagPattern.FindAllStringSubmatch(html, -1) {
		tag := strings.ToLower(m[2])
		if !mdAllowedTags[tag] {
			fail("element <%s>", tag)
		}
		if m[1] == "/" {
			continue
		}
		if strings.Count(m[3], `"`)%2 != 0 {
			fail("unbalanced quotes in %s", m[0])
		}
		names := mdQuotedPattern.ReplaceAllString(m[3], `""`)
		for _, a := range mdAttrPattern.FindAllStringSubmatch(names, -1) {
			attr := strings.ToLower(a[1])
			if strings.HasPrefix(attr, "on") || attr == "style" || attr == "class" || attr == "src" {
				fail("attribute %s in %s", attr, m[0])
			}
		}
		for _, a := range mdAttrPattern.FindAllStringSubmatch(m[3], -1) {
			attr, val := strings.ToLower(a[1]), strings.Trim(a[2], `"`)
			switch attr {
			case "href":
				low := strings.ToLower(val)
				if !strings.HasPrefix(low, "https://") && !strings.HasPrefix(low, "http://") &&
					!strings.HasPrefix(low, "mailto:") && !strings.HasPrefix(low, "#") {
					fail("href %q", val)
				}
			case "id":
				if !mdHeadingIDPattern.MatchString(val) || tag[0] != 'h' {
					fail("id %q on <%s>", val, tag)
				}
			case "type":
				if val != "checkbox" {
					fail("input type %q", val)
				}
			}
		}
		if tag == "input" && !strings.Contains(m[3], `disabled=""`) {
			fail("enabled input %s", m[0])
		}
	}
	return problems
}

func mdAssertInert(t *testing.T, name, html string) {
	t.Helper()
	low := strings.ToLower(html)
	for _, bad := range mdForbidden {
		if strings.Contains(low, bad) {
			t.Errorf("%s: output contains %q:\n%s", name, bad, html)
		}
	}
	mdAssertStructure(t, name, html)
}

func TestMarkdownHostileInputsRenderInert(t *testing.T) {
	var all strings.Builder
	for name, src := range mdHostileInputs {
		r, err := Render(src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mdAssertInert(t, name, string(r.HTML))
		all.WriteString(src + "\n\n")
	}
	r, err := Render(all.String())
	if err != nil {
		t.Fatal(err)
	}
	mdAssertInert(t, "all together", string(r.HTML))
	for name, src := range mdHostileInputsAsText {
		r, err := Render(src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mdAssertStructure(t, name, string(r.HTML))
		all.WriteString(src + "\n\n")
	}
	r, err = Render(all.String())
	if err != nil {
		t.Fatal(err)
	}
	mdAssertStructure(t, "all together, with texts", string(r.HTML))
}

// The structural check itself catches what it should.
func TestMarkdownStructureCheckBites(t *testing.T) {
	for _, bad := range []string{
		`<p onclick="x">a</p>`, `<img src="x">`, `<a href="javascript:x">a</a>`, `<p style="color:red">a</p>`,
		`<h2 id="main">a</h2>`, `<input type="text" disabled="">`, `<input type="checkbox">`, `<script>x</script>`,
	} {
		if len(mdStructureProblems(bad)) == 0 {
			t.Errorf("structure check accepted %s", bad)
		}
	}
}

// The first wall alone: goldmark (no WithUnsafe) plus the link allowlist
// already make every hostile input inert, before bluemonday runs.
func TestMarkdownHostileInputsInertBeforeSanitizer(t *testing.T) {
	for name, src := range mdHostileInputs {
		source, _ := Prepare(src)
		var buf bytes.Buffer
		if err := mdEngine().Renderer().Render(&buf, source, mdParse(source)); err != nil {
			t.Fatal(err)
		}
		mdAssertInert(t, name+" (goldmark only)", buf.String())
	}
}

// The second wall alone: the sanitizer policy on raw hostile HTML, as if
// goldmark had let everything through.
func TestMarkdownSanitizerPolicyAlone(t *testing.T) {
	raw := `<script>alert(1)</script><img src=x onerror=alert(1)>` +
		`<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(1)">b</a>` +
		`<a href="data:text/html;base64,PHNjcmlwdD4=">c</a><a href="vbscript:x">d</a>` +
		`<iframe src="https://exemple.fr"></iframe><a href="https://exemple.fr" onclick="alert(1)">e</a>` +
		`<style>body{}</style><h2 id="titre-ok" onmouseover="alert(1)">f</h2><svg onload=alert(1)></svg>` +
		`<p style="color:red" class="alerte">g</p><form><input type="text" name="q"></form>` +
		`<h3 id="main">h</h3><p id="titre-p">i</p><!-- commentaire -->`
	out := mdPolicy().Sanitize(raw)
	mdAssertInert(t, "policy", out)
	for _, bad := range []string{`id="main"`, `id="titre-p"`, `type="text"`, "<input", "commentaire"} {
		if strings.Contains(out, bad) {
			t.Errorf("policy let %q through:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, `<h2 id="titre-ok">f</h2>`) {
		t.Errorf("policy dropped a valid heading id:\n%s", out)
	}
}

func TestMarkdownHostileLinksKeepTheirText(t *testing.T) {
	for _, src := range []string{"[texte](javascript:alert(1))", "[texte](/comptes/1/supprimer)", "[texte](rapport.pdf)"} {
		r, err := Render(src)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(r.HTML)); got != "<p>texte</p>" {
			t.Errorf("%q rendered %q, want the link unwrapped to <p>texte</p>", src, got)
		}
	}
}

func TestMarkdownLinks(t *testing.T) {
	r, err := Render("[CNAM](https://www.cnam.fr/ \"Le site\"), " +
		"<contact@exemple.fr>, [plus bas](#titre-bilan) et www.exemple.fr.")
	if err != nil {
		t.Fatal(err)
	}
	html := string(r.HTML)
	for _, want := range []string{
		`<a href="https://www.cnam.fr/" title="Le site" rel="nofollow noreferrer noopener" target="_blank">CNAM</a>`,
		`<a href="mailto:contact@exemple.fr" rel="nofollow">contact@exemple.fr</a>`,
		`<a href="#titre-bilan" rel="nofollow">plus bas</a>`,
		`<a href="http://www.exemple.fr" rel="nofollow noreferrer noopener" target="_blank">www.exemple.fr</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
}

func TestMarkdownImagesBecomeTheirAltText(t *testing.T) {
	r, err := Render("Voir ![le schéma *des* acteurs](https://exemple.fr/pixel.png) ci-dessus.")
	if err != nil {
		t.Fatal(err)
	}
	html := string(r.HTML)
	if strings.Contains(html, "<img") || strings.Contains(html, "pixel.png") {
		t.Errorf("image rendered: %s", html)
	}
	if !strings.Contains(html, "Voir le schéma <em>des</em> acteurs ci-dessus.") {
		t.Errorf("alt text lost: %s", html)
	}
}

func TestMarkdownTooLong(t *testing.T) {
	_, err := Render(strings.Repeat("a", MaxBytes+1))
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("err = %v, want ErrTooLong", err)
	}
	if err.Error() != "Le texte dépasse 400 000 caractères." {
		t.Errorf("message %q", err.Error())
	}
	if _, err := Render(strings.Repeat("a ", MaxBytes/2)); err != nil {
		t.Errorf("exactly MaxBytes refused: %v", err)
	}
}

// Big but allowed inputs, including the shapes that make goldmark slow
// (quadratic) without Prepare: each took from 1 s to several
// minutes at this size before, about 0.5 s at most now (see
// BenchmarkRenderHostile). The test does not time them; a
// regression shows as a test that no longer finishes.
func TestMarkdownBigInputsComplete(t *testing.T) {
	n := MaxBytes - 100
	rep := func(s string) string { return strings.Repeat(s, n/len(s)) }
	nested := func() string {
		var b strings.Builder
		for i := 0; b.Len() < 300_000; i++ {
			b.WriteString(strings.Repeat("  ", i%40) + "- *élément* **gras** _x_ ***y*** [lien](https://exemple.fr)\n")
		}
		return b.String()
	}()
	shapes := texttest.Shapes(n)
	for name, src := range map[string]string{
		"300 KB nested lists with emphasis": nested,
		"emphasis stars":                    rep("*a **b ***c "),
		"equal headings":                    rep("# a\n"),
		"intraword underscores":             " " + rep("a_"),
	} {
		shapes[name] = src
	}
	for name, src := range shapes {
		r, err := Render(src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name != "reference definitions" && name != "split reference definitions" && len(r.HTML) == 0 {
			t.Errorf("%s: empty output", name)
		}
	}
}

// A long one-line paragraph, which Prepare wraps, renders as one
// paragraph.
func TestMarkdownLongLineIsOneParagraph(t *testing.T) {
	long := strings.Repeat("Une phrase assez longue pour le test, ", 1000) // 38 KB, one line
	r, err := Render(long)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(r.HTML), "<p>") != 1 {
		t.Errorf("long paragraph split into %d paragraphs", strings.Count(string(r.HTML), "<p>"))
	}
	if r.Words != 7000 {
		t.Errorf("long paragraph: %d words, want 7000", r.Words)
	}
}

func TestHeadingIDs(t *testing.T) {
	src := "# Évaluation de l'accompagnement\n\n" +
		"## Évaluation de l'accompagnement\n\n" +
		"### ÉVALUATION DE L’ACCOMPAGNEMENT\n\n" +
		"## Œuvre, cœur et Æther : 2 × ça\n\n" +
		"## Bilan\n\n## Bilan 2\n\n## Bilan\n\n" +
		"## Le **cadre** [légal](https://exemple.fr/loi)\n\n" +
		"## <b onmouseover=alert(1)>Synthèse</b>\n\n" +
		"##\n\n## !!! ???\n\n## 日本語\n\n" +
		"Titre souligné\n==============\n\n" +
		"##### Niveau cinq\n"
	r, err := Render(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"titre-evaluation-de-l-accompagnement",
		"titre-evaluation-de-l-accompagnement-2",
		"titre-evaluation-de-l-accompagnement-3",
		"titre-oeuvre-coeur-et-aether-2-ca",
		"titre-bilan", "titre-bilan-2", "titre-bilan-3",
		"titre-le-cadre-legal",
		"titre-synthese",
		"titre-section", "titre-section-2", "titre-section-3",
		"titre-titre-souligne",
	}
	var got []string
	for _, h := range r.Outline {
		got = append(got, h.ID)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ids\n got %q\nwant %q", got, want)
	}
	html := string(r.HTML)
	for _, id := range append(want, "titre-niveau-cinq") {
		if !strings.Contains(html, ` id="`+id+`">`) {
			t.Errorf("id %q missing from the HTML", id)
		}
	}
	if slug := mdSlug(strings.Repeat("très long titre ", 20)); len(slug) > mdMaxSlugBytes || strings.HasSuffix(slug, "-") {
		t.Errorf("long slug %q", slug)
	}
}

func TestHeadingOutline(t *testing.T) {
	r, err := Render("# Rapport\n\nTexte.\n\n## Contexte *général*\n\n### Le `public`\n\n" +
		"#### Détail\n\n##### Trop fin\n\n###### Encore\n\nSuite\n---\n\n- ## Dans une liste\n\n> # Dans une citation\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Heading{
		{1, "titre-rapport", "Rapport"},
		{2, "titre-contexte-general", "Contexte général"},
		{3, "titre-le-public", "Le public"},
		{4, "titre-detail", "Détail"},
		{2, "titre-suite", "Suite"},
		{2, "titre-dans-une-liste", "Dans une liste"},
		{1, "titre-dans-une-citation", "Dans une citation"},
	}
	if fmt.Sprint(r.Outline) != fmt.Sprint(want) {
		t.Errorf("outline\n got %v\nwant %v", r.Outline, want)
	}
}

func TestWordCount(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{"**gras**", 1},
		{"du **gr**as", 2},
		{"[le texte du lien](https://exemple.fr/une/tres/longue/adresse)", 4},
		{"Voir https://exemple.fr/page et www.cnam.fr ou <https://exemple.fr>.", 3},
		{"l'équipe d'accueil, aujourd'hui", 3},
		{"l’équipe", 1},
		{"peut-être", 1},
		{"Pourquoi ? Parce que ! Voilà : « fin » — 12 %", 6},
		{"<b>gras</b> <!-- commentaire caché --> fin", 2},
		{"<script>\nalert('un deux trois')\n</script>", 0},
		{"| a | b |\n|---|---|\n| c d | e |", 5},
		{"- [x] fait\n- [ ] à faire", 3},
		{"![Schéma des acteurs](x.png)", 3},
		{"`code en ligne`", 3},
		{"# Titre\n\nUn paragraphe\nsur deux lignes.", 6},
		{"&eacute;t&eacute; 2024", 2},
		{"\\*pas\\* d'emphase", 2},
		{"", 0},
	} {
		r, err := Render(c.src)
		if err != nil {
			t.Fatal(err)
		}
		if r.Words != c.want {
			t.Errorf("%q: %d words, want %d (plain text %q)", c.src, r.Words, c.want, PlainText(c.src))
		}
	}
}

func TestWordCountPages(t *testing.T) {
	for _, c := range []struct {
		words int
		pages float64
	}{{0, 0}, {350, 1}, {700, 2}, {437, 1.2}, {438, 1.3}, {35, 0.1}, {17, 0}} {
		r, err := Render(strings.Repeat("mot ", c.words))
		if err != nil {
			t.Fatal(err)
		}
		if r.Words != c.words || r.Pages != c.pages {
			t.Errorf("%d words: got %d words, %v pages, want %v pages", c.words, r.Words, r.Pages, c.pages)
		}
	}
}

func TestMarkdownPlainText(t *testing.T) {
	src := "# Le *titre*\n\nUn [lien](https://exemple.fr) et <b>du</b> `code`.\n\n" +
		"| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] fait\n\n![alt](x.png)\n\n<div>caché</div>\n\n```\nbloc\n```\n"
	want := "Le titre\nUn lien et du code.\na\tb\n1\t2\nfait\nalt\nbloc"
	if got := PlainText(src); got != want {
		t.Errorf("PlainText\n got %q\nwant %q", got, want)
	}
	// Over-long: cut (on a rune boundary) rather than refused.
	if got := PlainText(strings.Repeat("mot ", MaxBytes/4) + "é"); !utf8.ValidString(got) ||
		strings.Count(got, "mot") != MaxBytes/4 || strings.Contains(got, "é") {
		t.Errorf("PlainText of an over-long text: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

func TestMarkdownTables(t *testing.T) {
	r, err := Render("| Critère | Note |\n|:--------|-----:|\n| Analyse | 4 |\n| *Synthèse* | 3 |\n")
	if err != nil {
		t.Fatal(err)
	}
	html := string(r.HTML)
	for _, want := range []string{
		"<table>", "<thead>", `<th align="left">Critère</th>`, `<th align="right">Note</th>`,
		"<tbody>", `<td align="left"><em>Synthèse</em></td>`, `<td align="right">3</td>`, "</table>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
	if strings.Contains(html, "style=") {
		t.Errorf("inline style (blocked by the CSP) in:\n%s", html)
	}
}

func TestMarkdownGFMAndCSP(t *testing.T) {
	r, err := Render("~~barré~~\n\n- [x] fait\n- [ ] à faire\n\n```go\nfmt.Println(\"<b>\")\n```\n\n---\n\nfin  \nligne")
	if err != nil {
		t.Fatal(err)
	}
	html := string(r.HTML)
	for _, want := range []string{
		"<del>barré</del>",
		`<input checked="" disabled="" type="checkbox"> fait`,
		`<input disabled="" type="checkbox"> à faire`,
		"<pre><code>fmt.Println(&#34;&lt;b&gt;&#34;)\n</code></pre>",
		"<hr>", "fin<br>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
	for _, bad := range []string{"style=", "class=", "<script"} {
		if strings.Contains(html, bad) {
			t.Errorf("%s in:\n%s", bad, html)
		}
	}
}

func TestMarkdownInvalidUTF8(t *testing.T) {
	r, err := Render("caf\xe9 \xff\xfe ok")
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(string(r.HTML)) || !strings.Contains(string(r.HTML), "ok") {
		t.Errorf("got %q", r.HTML)
	}
}

// The engine and the policy are shared: renderings in parallel must not
// mix their headings (run with -race).
func TestMarkdownConcurrentRenderings(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := fmt.Sprintf("# Titre\n\n# Titre\n\n## Partie %d\n", i)
			r, err := Render(src)
			if err != nil {
				errs <- err.Error()
				return
			}
			got := fmt.Sprint(r.Outline)
			want := fmt.Sprintf("[{1 titre-titre Titre} {1 titre-titre-2 Titre} {2 titre-partie-%d Partie %d}]", i, i)
			if got != want {
				errs <- got + " != " + want
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// BenchmarkRenderHostile renders each hostile shape at full size.
func BenchmarkRenderHostile(b *testing.B) {
	for name, src := range texttest.Shapes(MaxBytes - 100) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
