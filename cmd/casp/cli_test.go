package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/referentiel"
)

func cliRun(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

// The JSON export must hold every item of the framework, verbatim: the
// framework data itself is checked against the seed in referentiel's tests.
func TestCLIExportJSONHasEveryItem(t *testing.T) {
	t.Parallel()
	out, err := cliRun(t, "", "export", "referentiel", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got referentiel.Framework
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := cat.Default()
	texts := func(fw *referentiel.Framework) []string {
		var s []string
		for _, a := range fw.Activities {
			s = append(s, a.ID, a.Summary, a.Title)
			for _, tk := range a.Tasks {
				s = append(s, tk.ID, tk.Title)
				var items func([]*referentiel.Item)
				items = func(is []*referentiel.Item) {
					for _, it := range is {
						s = append(s, it.ID, it.Text)
						items(it.Children)
					}
				}
				items(tk.Competences)
				items(tk.Capacities)
				for _, m := range tk.Methods {
					s = append(s, m.ID, m.Text)
				}
				var crit func([]*referentiel.Criterion)
				crit = func(cs []*referentiel.Criterion) {
					for _, c := range cs {
						s = append(s, c.ID, c.Text, c.Method)
						crit(c.Children)
					}
				}
				crit(tk.Criteria)
			}
		}
		return s
	}
	a, b := texts(&got), texts(want)
	if len(a) != len(b) || len(a) < 600 {
		t.Fatalf("%d entrées exportées, %d attendues", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("entrée %d : %q exporté, %q attendu", i, a[i], b[i])
		}
	}
	for _, verbatim := range []string{"Qualité et pertinence des questions, des étapes de l'entretien.", "fond documentaire", "Observer les public et adapter"} {
		if !strings.Contains(out, verbatim) {
			t.Errorf("texte du référentiel absent de l'export : %q", verbatim)
		}
	}
}

func TestCLIExportCSVAndCASE(t *testing.T) {
	t.Parallel()
	out, err := cliRun(t, "", "export", "referentiel", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "\ufeffidentifiant;") {
		t.Fatalf("CSV sans BOM ni en-tête : %v %q", err, out[:min(40, len(out))])
	}
	a, err := cliRun(t, "", "export", "referentiel", "--format", "case", "--base-url", "https://casp.exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := cliRun(t, "", "export", "referentiel", "--format", "case", "--base-url", "https://casp.exemple.fr")
	if a != b || !strings.Contains(a, `"CFDocument"`) || !strings.Contains(a, "https://casp.exemple.fr/") {
		t.Fatal("deux exports CASE diffèrent ou ne sont pas des paquets CASE")
	}
	file := filepath.Join(t.TempDir(), "r.json")
	if _, err := cliRun(t, "", "export", "referentiel", "--format", "json", "--out", file); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(file); err != nil || st.Size() < 10000 {
		t.Fatalf("fichier d'export : %v", err)
	}
	if _, err := cliRun(t, "", "export", "referentiel", "--format", "xml"); err == nil || !strings.Contains(err.Error(), "format inconnu") {
		t.Fatalf("format inconnu accepté : %v", err)
	}
}

func TestCLIUserAddAndBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "casp.db")
	out, err := cliRun(t, "une phrase de passe solide\n", "user", "add", "--role", "admin", "--login", "chef", "--name", "Cheffe", "--db", dbPath)
	if err != nil || !strings.Contains(out, "Compte chef (Administrateur) créé.") {
		t.Fatalf("%v %q", err, out)
	}
	if _, err := cliRun(t, "court\n", "user", "add", "--role", "apprenant", "--login", "eleve", "--db", dbPath); err == nil || !strings.Contains(message(err), "12 caractères") {
		t.Fatalf("mot de passe court accepté : %v", err)
	}
	if _, err := cliRun(t, "x\n", "user", "add", "--role", "pilote", "--login", "p", "--db", dbPath); err == nil {
		t.Fatal("rôle inconnu accepté")
	}
	backup := filepath.Join(dir, "sauvegarde.zip")
	if out, err := cliRun(t, "", "backup", backup, "--db", dbPath); err != nil || !strings.Contains(out, "Sauvegarde écrite dans") {
		t.Fatalf("%v %q", err, out)
	}
	if _, err := cliRun(t, "", "backup", backup, "--db", dbPath); err == nil {
		t.Fatal("une copie a écrasé un fichier existant")
	}
	restored := filepath.Join(dir, "restauree", "casp.db")
	if out, err := cliRun(t, "", "restore", backup, "--db", restored); err != nil {
		t.Fatalf("%v %q", err, out)
	}
	ctx := context.Background()
	d, err := app.OpenDB(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	u, err := account.New(d).Authenticate(ctx, "chef", "une phrase de passe solide", "127.0.0.1")
	if err != nil || u.Role != account.Admin {
		t.Fatalf("le compte n'est pas dans la copie : %v", err)
	}
}

func TestCLIUnknownCommand(t *testing.T) {
	t.Parallel()
	if _, err := cliRun(t, "", "demarrer"); err == nil || !strings.Contains(err.Error(), "commande inconnue") {
		t.Fatalf("%v", err)
	}
	out, err := cliRun(t, "")
	if err != nil || !strings.Contains(out, "casp serve") {
		t.Fatalf("aide absente : %v", err)
	}
}
