package pdftext

import "testing"

func TestCMapDecode(t *testing.T) {
	m := parseCMap([]byte(`/CIDInit /ProcSet findresource begin
12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
% un commentaire <0041>
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar
<0003> <0020>
<0010> <00660069>
endbfchar
2 beginbfrange
<0000> <0FFF> <0000>
<1000> <1002> [<00E9> <0153> <00AB>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`))
	for raw, want := range map[string]string{
		"\x00\x41\x00\xe9":         "Aé",
		"\x01\x53\x00\xab":         "œ«", // beyond the first byte of the range
		"\x20\x14":                 "\uFFFD",
		"\x00\x03":                 " ",
		"\x00\x10":                 "fi",
		"\x10\x00\x10\x01\x10\x02": "éœ«",
	} {
		if got := m.decode(raw); got != want {
			t.Errorf("decode(%q) = %q, attendu %q", raw, got, want)
		}
	}
}
