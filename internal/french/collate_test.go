package french

import (
	"slices"
	"testing"
)

// SortByName gives SQL's ORDER BY name COLLATE FRANCAIS, id: French order,
// same names by id.
func TestSortByName(t *testing.T) {
	type person struct {
		id   int64
		name string
	}
	ps := []person{{5, "Zoé Martin"}, {2, "Léa Moreau"}, {9, "Émile Roux"}, {1, "Léa Moreau"}, {3, "Eric Blanc"}, {4, "élodie Petit"}}
	SortByName(ps, func(p person) string { return p.name }, func(p person) int64 { return p.id })
	var got []int64
	for _, p := range ps {
		got = append(got, p.id)
	}
	if want := []int64{4, 9, 3, 1, 2, 5}; !slices.Equal(got, want) {
		t.Errorf("ordre %v, attendu %v", got, want)
	}
}
