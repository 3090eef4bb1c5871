package app

import (
	"bytes"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/casp-cnam/casp"

// The layers of the README hold: the domains import no web, view or wiring
// package; the small shared packages of internal/ (internal/app aside)
// import no domain, web or view package; no hand-written Go file is over
// 1,000 lines.
func TestLayers(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	domains := []string{"referentiel", "account", "assessment", "casework"}
	under := func(pkg string, prefixes ...string) bool {
		for _, p := range prefixes {
			if pkg == module+"/"+p || strings.HasPrefix(pkg, module+"/"+p+"/") {
				return true
			}
		}
		return false
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			pkg, err := build.ImportDir(path, 0)
			if err != nil {
				return nil // no Go files here
			}
			rel, _ := filepath.Rel(root, path)
			self := module + "/" + filepath.ToSlash(rel)
			checked++
			for _, imp := range pkg.Imports { // test files may reach further
				switch {
				case under(self, domains...) && under(imp, "server", "views", "internal/app", "cmd"):
					t.Errorf("%s (domaine) importe %s", self, imp)
				case under(self, "internal") && !under(self, "internal/app") && under(imp, append(domains, "server", "views", "internal/app", "cmd", "content")...):
					t.Errorf("%s (petit paquet partagé) importe %s", self, imp)
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("// Code generated")) {
			return nil
		}
		if n := bytes.Count(b, []byte("\n")); n > 1000 {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s : %d lignes, au plus 1 000", rel, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("%d paquets vus seulement : la racine du module est-elle bien %s ?", checked, root)
	}
}
