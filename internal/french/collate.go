package french

import (
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// A collator is not safe for concurrent use: one, behind a lock, for
// Compare and Key; NewCollator gives others their own (one per SQLite
// connection).
var (
	mu       sync.Mutex
	collator = collate.New(language.French)
	keys     sync.Map // text → []byte
)

// NewCollator returns a French collator for one goroutine at a time.
func NewCollator() *collate.Collator { return collate.New(language.French) }

// Compare orders two texts in French order: « Élodie » before « Zoé »,
// accents after their letter, case after accents.
func Compare(a, b string) int {
	mu.Lock()
	defer mu.Unlock()
	return collator.CompareString(a, b)
}

// Key is the sort key of a text in French order (bytes.Compare of two keys
// orders as Compare does). Keys are cached: computing them is the costliest
// part of sorting a thousand names, and names rarely change.
func Key(s string) []byte {
	if k, ok := keys.Load(s); ok {
		return k.([]byte)
	}
	mu.Lock()
	var buf collate.Buffer
	k := slices.Clone(collator.KeyFromString(&buf, s))
	mu.Unlock()
	keys.Store(s, k)
	return k
}
