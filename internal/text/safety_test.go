package text

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casp-cnam/casp/internal/text/texttest"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gtext "github.com/yuin/goldmark/text"
)

// hostileShapes are at full size.
var hostileShapes = texttest.Shapes(MaxBytes - 100)

// Prepare's bounds, checked on its output against literal numbers (a
// little above the limits, so that tuning them stays possible but
// dropping one fails), by counting independent of Prepare's code; and
// every hostile shape is reported as such.
func TestPrepareBounds(t *testing.T) {
	const (
		maxLine     = 10_000
		maxRun      = 4_096
		maxMarkers  = 64
		maxRefLines = 300
		maxOpen     = 64
		maxClosers  = 1_100
	)
	shapes := map[string]string{
		"deep quotes and lists": strings.Repeat("> ", 200) + "x\n" + strings.Repeat(">", 5000) + "\n" +
			strings.Repeat("- ", 200) + "x\n" + strings.Repeat("1. ", 100),
		"brackets over lines": strings.Repeat("[", 5000) + "\n" + strings.Repeat("]", 5000),
		// Runs that look like a rule or a list marker (but continue the
		// paragraph) are counted, never escaped: the closers are.
		"emphasis between rules": strings.Repeat("a_\n    ***\n", 20_000),
	}
	for name, src := range hostileShapes {
		shapes[name] = src
	}
	for name, src := range shapes {
		source, ok := Prepare(src)
		if ok {
			t.Errorf("%s: reported as an ordinary text", name)
		}
		open, refLines, closers := 0, 0, 0
		tableCols, tableCells, tableBytes := 0, 0, 0
		for _, line := range strings.Split(string(source), "\n") {
			// Escapes may lengthen a line, at most twice.
			if l := len(strings.ReplaceAll(line, `\`, "")); l > maxLine {
				t.Errorf("%s: line of %d bytes", name, l)
			}
			if l := longestRun(strings.ReplaceAll(line, `\`, "")); l > maxRun {
				t.Errorf("%s: run of %d bytes", name, l)
			}
			head, _, _ := strings.Cut(line, `\`) // markers after an escape are text
			if strings.Trim(head, "- ") == "" || strings.Trim(head, "* ") == "" {
				head = "" // a rule, however long, opens nothing
			}
			if markers := strings.Count(head, ">") + strings.Count(head, "- ") + strings.Count(head, "1. "); markers > maxMarkers {
				t.Errorf("%s: %d unescaped container markers", name, markers)
			}
			if strings.TrimSpace(line) == "" {
				open, refLines, closers = 0, 0, 0
				tableCols, tableCells, tableBytes = 0, 0, 0
				continue
			}
			if strings.HasPrefix(strings.TrimLeft(line, " >"), "[") {
				if refLines++; refLines > maxRefLines {
					t.Errorf("%s: run of %d lines starting with [", name, refLines)
					break
				}
			}
			open += strings.Count(line, "[") - 2*strings.Count(line, `\[`)
			open = max(open-strings.Count(line, "]"), 0)
			if open > maxOpen {
				t.Errorf("%s: %d open brackets", name, open)
				break
			}
			// A delimiter that may close follows a non-blank character
			// and is not escaped.
			for i := 1; i < len(line); i++ {
				if strings.IndexByte("*_~", line[i]) >= 0 && line[i-1] != line[i] && line[i-1] != ' ' && line[i-1] != '\\' {
					closers++
				}
			}
			if closers > maxClosers {
				t.Errorf("%s: %d delimiters that may close", name, closers)
				break
			}
			if body := strings.TrimLeft(line, " >"); strings.Contains(body, "|-") && strings.Trim(body, "|-: ") == "" {
				tableCols, tableCells, tableBytes = strings.Count(body, "|-"), 0, 0
			} else if tableCols > 0 {
				tableCells += tableCols
			}
			if tableBytes += len(line) + 1; tableCells > tableBytes {
				t.Errorf("%s: %d table cells in %d bytes", name, tableCells, tableBytes)
				break
			}
		}
	}
}

// What a person writes goes through Prepare unchanged (but for line
// endings), and is reported as ordinary, even long.
func TestPrepareKeepsOrdinaryText(t *testing.T) {
	var report strings.Builder
	report.WriteString("# Rapport\r\n\r\nIntroduction avec [un lien](https://exemple.fr) et `code`.\r\n\r\n" +
		"- point **un**\n  - sous-point\n1. premier\n2) second\n\n> citation\n> > imbriquée\n\n" +
		"| a | b |\n|---|--:|\n| [x] | 2 |\n\n* * *\n\n[ref]: https://exemple.fr\n\n" +
		"1|2|3\n-|-|-\n4|5|6\n\n~~~\ncode_avec_soulignés()\n~~~\n\n")
	for i := range 200 { // a long report: paragraphs, a tight list, a table
		fmt.Fprintf(&report, "Le **point %d** du _projet_, ~~barré~~, voir [ici](#titre-%d) et mon_fichier_%d.\n\n", i, i, i)
	}
	for i := range 150 {
		fmt.Fprintf(&report, "- étape **%d** : *à faire*\n", i)
	}
	report.WriteString("\n| Critère | Niveau | Commentaire |\n|:--|:-:|--:|\n")
	for i := range 150 {
		fmt.Fprintf(&report, "| C%d | **Acquis** | |\n", i)
	}
	for name, src := range map[string]string{
		"report": report.String(),
		"long definitions": strings.Repeat("[a]: https://exemple.fr\n", 200) + "\n" +
			strings.Repeat("[b]: https://exemple.fr\n", 200),
		"deep but allowed": strings.Repeat("> ", 32) + "x\n" + strings.Repeat("- ", 32) + "x\n" +
			strings.Repeat("[", 32) + strings.Repeat("]", 32) + "\n",
	} {
		want := strings.ReplaceAll(src, "\r\n", "\n")
		source, ok := Prepare(src)
		if string(source) != want {
			t.Errorf("%s: Prepare changed ordinary text:\n%.300q\nwant\n%.300q", name, source, want)
		}
		if !ok {
			t.Errorf("%s: reported as hostile", name)
		}
	}

	// A paragraph typed on one line is wrapped at blanks before a letter:
	// the same paragraph for Markdown, still ordinary.
	long := strings.Repeat("Une phrase assez longue pour le test, ", 10_000) // 380 KB
	source, ok := Prepare(long)
	if !ok || strings.ReplaceAll(string(source), "\n", " ") != long+" " {
		t.Errorf("long line: ok %v, text kept %v", ok, strings.ReplaceAll(string(source), "\n", " ") == long+" ")
	}
	for _, line := range strings.Split(string(source), "\n") {
		if len(line) > 10_000 {
			t.Fatalf("long line: a line of %d bytes left", len(line))
		}
	}
}

// Each limit lets its last allowed case through and changes the next one.
func TestPrepareLimitsBite(t *testing.T) {
	delims := func(n int) string { return strings.Repeat("*a_ ", n/2) }
	table := func(cols, rows int) string { // rows of 4 cells
		return strings.Repeat("a|", cols) + "\n" + strings.Repeat("-|", cols) + "\n" + strings.Repeat("b|b|b|b|\n", rows)
	}
	for _, c := range []struct {
		name          string
		allowed, over string
		want          string // in the prepared source of over
	}{
		{"nesting", strings.Repeat(">", 32) + " x", strings.Repeat(">", 33) + " x", strings.Repeat(">", 32) + `\> x`},
		{"ordered nesting", strings.Repeat("1. ", 32) + "x", strings.Repeat("1. ", 33) + "x", strings.Repeat("1. ", 32) + `1\. x`},
		{"brackets", strings.Repeat("[", 32), strings.Repeat("[", 33), strings.Repeat("[", 32) + `\[`},
		{"definitions", strings.Repeat("[a]: /b\n", 256), strings.Repeat("[a]: /b\n", 257), "[a]: /b\n\n[a]: /b\n"},
		{"delimiters", delims(maxDelimiters), delims(maxDelimiters + 2), `\*a\_`},
		{"long run", strings.Repeat("x", 2048), strings.Repeat("x", 2049), "x\nx"},
		{"table", table(4, 100), table(100, 2), "b|\n\nb|"},
		// A bullet or "1." opens a new paragraph, another number may not.
		{"delimiters in a list", strings.Repeat("- "+delims(20)+"\n1. "+delims(20)+"\n", 50),
			"1. " + delims(20) + "\n" + strings.Repeat("2. "+delims(20)+"\n", 60), `\*a\_`},
	} {
		if source, ok := Prepare(c.allowed); !ok || string(source) != strings.TrimSuffix(c.allowed, "\n")+"\n" {
			t.Errorf("%s: allowed case changed (ok %v): %.200q", c.name, ok, source)
		}
		source, ok := Prepare(c.over)
		if ok || !strings.Contains(string(source), c.want) {
			t.Errorf("%s: over the limit, ok %v and no %q in %.300q…", c.name, ok, c.want, source)
		}
	}
}

// Past the delimiter limit, the blocks stay: rules, fences and list
// markers are not escaped, and a new list item counts afresh.
func TestPrepareDelimitersKeepBlocks(t *testing.T) {
	src := strings.Repeat("*a_ ", 600) + "\n***\n~~~\ncode\n~~~\n*\n*fin*\n* élément *gras*"
	source, ok := Prepare(src)
	if ok {
		t.Error("reported as ordinary")
	}
	want := "\n***\n~~~\ncode\n~~~\n*\n\\*fin\\*\n* élément *gras*\n"
	if !strings.HasSuffix(string(source), want) {
		t.Errorf("got …%q, want …%q", source[len(source)-len(want)-10:], want)
	}
}

func TestPrepareNormalizes(t *testing.T) {
	source, ok := Prepare("caf\xe9\r\nligne\rfin")
	if !ok || string(source) != "caf\uFFFD\nligne\nfin\n" {
		t.Errorf("got %q, ok %v", source, ok)
	}
}

func TestTruncate(t *testing.T) {
	if s, cut := Truncate(strings.Repeat("a", MaxBytes)); cut || len(s) != MaxBytes {
		t.Errorf("a text of MaxBytes cut to %d bytes (cut %v)", len(s), cut)
	}
	s, cut := Truncate(strings.Repeat("a", MaxBytes-1) + "é")
	if !cut || s != strings.Repeat("a", MaxBytes-1) || !utf8.ValidString(s) {
		t.Errorf("cut %v to %d bytes, valid %v", cut, len(s), utf8.ValidString(s))
	}
}

func TestURLAllowlists(t *testing.T) {
	for _, c := range []struct {
		dest           string
		external, page bool
	}{
		{"https://www.cnam.fr/", true, true},
		{" http://exemple.fr/a?b=c#d ", true, true},
		{"HTTPS://EXEMPLE.FR", true, true},
		{"mailto:contact@exemple.fr", true, true},
		{"#titre-bilan", false, true},
		{"mailto:", false, false},
		{"https://", false, false},
		{"http:exemple.fr", false, false},
		{"//exemple.fr/x", false, false},
		{"/comptes/1/supprimer", false, false},
		{"rapport.pdf", false, false},
		{"javascript:alert(1)", false, false},
		{"JaVaScRiPt:alert(1)", false, false},
		{" javascript:alert(1)", false, false},
		{"vbscript:msgbox(1)", false, false},
		{"data:text/html;base64,PHNjcmlwdD4=", false, false},
		{"file:///etc/passwd", false, false},
		{"https://exemple.fr/%zz", false, false},
	} {
		if got := ExternalURL(c.dest); got != c.external {
			t.Errorf("ExternalURL(%q) = %v", c.dest, got)
		}
		if got := PageURL(c.dest); got != c.page {
			t.Errorf("PageURL(%q) = %v", c.dest, got)
		}
	}
}

// BenchmarkPrepareAndParse measures Prepare and goldmark's parse (GFM, as
// both renderers use it) on each hostile shape.
func BenchmarkPrepareAndParse(b *testing.B) {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	for name, src := range hostileShapes {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				source, _ := Prepare(src)
				md.Parser().Parse(gtext.NewReader(source))
			}
		})
	}
}
