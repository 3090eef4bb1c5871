package assessment

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRenderMarkdown: any text renders without panic, to HTML with no
// script, event handler or javascript: link, and its heading ids keep the
// sanitizer's pattern. Seeds in testdata/fuzz/FuzzRenderMarkdown.
func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{"# Titre\n\nTexte *accentué* : é, œ, « guillemets ».", "<script>alert(1)</script>",
		"[lien](javascript:alert(1))", "| a | b |\n|---|---|\n| 1 | 2 |", strings.Repeat("*", 500), "> " + strings.Repeat("[x]: /u\n", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r, err := RenderMarkdown(src)
		if err != nil {
			if len(src) > MaxMarkdownBytes {
				return
			}
			t.Fatalf("rendu refusé : %v", err)
		}
		html := strings.ToLower(string(r.HTML))
		for _, bad := range []string{"<script", "javascript:", " onerror=", " onclick=", " onload=", "<iframe", "<object"} {
			if strings.Contains(html, bad) {
				t.Fatalf("%q dans le rendu de %q", bad, src)
			}
		}
		if utf8.ValidString(src) && !utf8.ValidString(string(r.HTML)) {
			t.Fatalf("rendu non UTF-8 d'un texte UTF-8")
		}
	})
}

// FuzzParseActorMap: any JSON is refused or parsed; what is parsed draws an
// SVG and encodes back to JSON that parses again to the same map.
func FuzzParseActorMap(f *testing.F) {
	f.Add([]byte(`{"titre":"Carte","thematique":"Insertion","acteurs":[{"id":"a","nom":"Mission locale","domaine":"emploi"}],"relations":[]}`))
	f.Add([]byte(`{"acteurs":[{"id":"a"},{"id":"a"}],"relations":[{"de":"a","vers":"b"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"titre":"` + strings.Repeat("é", 300) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseActorMap(data)
		if err != nil {
			return
		}
		svg := m.SVG()
		if len(svg) == 0 || len(svg) > 4<<20 {
			t.Fatalf("SVG de %d octets", len(svg))
		}
		again, err := ParseActorMap(m.JSON())
		if err != nil {
			t.Fatalf("le JSON produit ne se relit pas : %v", err)
		}
		if string(again.JSON()) != string(m.JSON()) {
			t.Fatalf("aller-retour JSON instable")
		}
	})
}
