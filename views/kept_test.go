package views

import (
	"bytes"
	"compress/gzip"
	"html/template"
	"io"
	"strings"
	"testing"
)

// A page compressed around its kept parts is a gzip stream that any reader
// takes, and reads back as the page written plain; the parts are
// compressed once.
func TestGzipAroundKeptParts(t *testing.T) {
	t.Parallel()
	big := NewKept(template.HTML("<table>" + strings.Repeat("<tr><td class=a>Acquise</td><td class=p>En évaluation</td></tr>", 3000) + "</table>"))
	small := NewKept(template.HTML("<p>Deuxième partie gardée</p>"))
	for _, tc := range []struct {
		name   string
		pieces []string
		kept   []*Kept
	}{
		{"deux parties", []string{"<!DOCTYPE html><title>Carte</title><main>", "<h2>Suite</h2>", "</main><footer>fin</footer>"}, []*Kept{big, small}},
		{"morceaux vides", []string{"", "", ""}, []*Kept{small, big}},
		{"sans partie", []string{"<p>Une page sans partie gardée</p>"}, nil},
	} {
		var plain strings.Builder
		var pieces [][]byte
		for i, p := range tc.pieces {
			plain.WriteString(p)
			pieces = append(pieces, []byte(p))
			if i < len(tc.kept) {
				plain.WriteString(string(tc.kept[i].HTML))
			}
		}
		var gz bytes.Buffer
		if err := writeGzip(&gz, pieces, tc.kept); err != nil {
			t.Fatalf("%s : %v", tc.name, err)
		}
		zr, err := gzip.NewReader(&gz)
		if err != nil {
			t.Fatalf("%s : %v", tc.name, err)
		}
		got, err := io.ReadAll(zr) // checks the CRC-32 and the length
		if err != nil {
			t.Fatalf("%s : lecture : %v", tc.name, err)
		}
		if string(got) != plain.String() {
			t.Errorf("%s : %d octets relus, attendu %d", tc.name, len(got), plain.Len())
		}
	}
	d1, _ := big.deflate()
	d2, _ := big.deflate()
	if len(d1) == 0 || &d1[0] != &d2[0] || len(d1)*10 > len(big.HTML) {
		t.Errorf("partie gardée : %d octets compressés pour %d, recompressée à chaque fois : %v", len(d1), len(big.HTML), &d1[0] != &d2[0])
	}
}
