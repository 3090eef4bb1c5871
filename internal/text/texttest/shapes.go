// Package texttest holds the hostile Markdown texts that the tests and
// benchmarks of package text, and of every renderer of learner text,
// run on.
package texttest

import "strings"

// Shapes returns texts of at most size bytes shaped to make goldmark
// superlinear: without text.Prepare, at 400 000 bytes, each takes from
// one second to minutes, or gigabytes. text.Prepare reports every one
// as not ok from some 20 000 bytes on.
func Shapes(size int) map[string]string {
	// fill is head, then s repeated up to size, then tail.
	fill := func(head, s, tail string) string {
		return head + strings.Repeat(s, (size-len(head)-len(tail))/len(s)) + tail
	}
	rep := func(s string) string { return fill("", s, "") }
	header, delimiter := strings.Repeat("a|", 1000)+"\n", strings.Repeat("-|", 1000)+"\n"
	return map[string]string{
		"open brackets":               strings.Repeat("[", size),
		"link openers":                rep("[a]("),
		"angle link openers":          rep("[a](< "),
		"nested brackets":             strings.Repeat("[", size/2) + strings.Repeat("]", size/2),
		"nested quotes":               fill("", ">", " x"),
		"nested lists":                fill("", "- ", "x"),
		"nested lists and quotes":     fill("", "- > ", "x"),
		"reference definitions":       rep("[a]: b\n"),
		"split reference definitions": rep("[a]:\nb\n"),
		"definitions after a heading": fill("# t\n", "[a]: /b\n", ""),
		"definitions after a rule":    fill("***\n", "[a]: /b\n", ""),
		"definitions in a list item":  fill("- [a]: /b\n", "[a]: /b\n", ""),
		"definitions in a quote":      rep("> [a]: /b\n"),
		"emphasis on one line":        rep("*a_ "),
		"emphasis over lines":         rep(strings.Repeat("*a_ ", 20) + "\n"),
		"emphasis between markers":    rep("a_\n*\n"),
		"strikethrough":               rep("~a~~ "),
		"wide table":                  fill(header+delimiter, "b\n", ""),
		"wide table in a quote":       fill("> "+header+"> "+delimiter, "> b\n", ""),
		"long run":                    strings.Repeat("x", size),
	}
}
