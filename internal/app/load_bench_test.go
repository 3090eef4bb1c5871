package app

import (
	"testing"

	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/content"
	"github.com/casp-cnam/casp/referentiel"
)

// BenchmarkLoadEmbeddedContent reads and checks the framework and the
// sandbox content, as each process does once at start (stems are kept
// from one iteration to the next, as within a process).
func BenchmarkLoadEmbeddedContent(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cat, err := referentiel.Load()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := casework.Load(content.Sandbox(), cat.Default()); err != nil {
			b.Fatal(err)
		}
	}
}
