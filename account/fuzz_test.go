package account_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casp-cnam/casp/account"
)

// FuzzParseLearnerCSV: any file is refused with a message or parsed into
// lines whose texts are valid UTF-8, each with an error or a login.
func FuzzParseLearnerCSV(f *testing.F) {
	for _, s := range []string{"identifiant;nom;courriel\r\nclaire.martin;Claire Martin;claire@exemple.fr\r\n",
		"\ufeffLogin,Nom complet\nx,y\n", "identifiant\tnom\n\"a;b\";\"c\"\"d\"\n", "nom\n", "\xff\xfei\x00d\x00\n\x00", "identifiant;nom\n" + strings.Repeat(";\n", 30)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := account.ParseLearnerCSV(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("refus sans message")
			}
			return
		}
		for _, r := range file.Rows {
			for _, s := range append([]string{r.Login, r.Name, r.Email}, r.Errors...) {
				if !utf8.ValidString(s) {
					t.Fatalf("ligne %d : texte non UTF-8 %q", r.Line, s)
				}
			}
			if len(r.Errors) == 0 && r.Login == "" {
				t.Fatalf("ligne %d sans erreur ni identifiant", r.Line)
			}
		}
	})
}
