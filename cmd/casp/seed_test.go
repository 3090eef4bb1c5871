package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// seededID reads the new cohort's id: the last word of the last line.
func seededID(t *testing.T, out string) int64 {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "créée : identifiant") {
		t.Fatalf("dernière ligne inattendue : %q", last)
	}
	words := strings.Fields(last)
	id, err := strconv.ParseInt(words[len(words)-1], 10, 64)
	if err != nil {
		t.Fatalf("identifiant illisible dans %q : %v", last, err)
	}
	return id
}

func TestSeedCommandAddsCohort(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "casp.db")
	args := []string{"seed", "--learners", "20", "--pieces-per-learner", "5", "--db", path}
	out, err := cliRun(t, "", args...)
	if err != nil {
		t.Fatal(message(err))
	}
	t.Log(out)
	id := seededID(t, out)
	if !strings.Contains(out, "Promotion synthétique 20 créée : identifiant "+strconv.FormatInt(id, 10)) {
		t.Errorf("sortie : %q", out)
	}
	if !strings.Contains(out, "mot de passe utilisable") {
		t.Error("la sortie ne dit pas que les comptes synthétiques ne peuvent pas se connecter")
	}
	// A second run adds another cohort.
	out2, err := cliRun(t, "", args...)
	if err != nil {
		t.Fatal(message(err))
	}
	id2 := seededID(t, out2)
	if id2 == id {
		t.Fatalf("même identifiant %d deux fois", id)
	}
	d, err := app.OpenDB(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, c := range []int64{id, id2} {
		var learners, pieces int
		if err := d.Read.QueryRow(`SELECT (SELECT count(*) FROM cohort_members WHERE cohort_id=? AND member_role='learner'),
			(SELECT count(*) FROM pieces WHERE cohort_id=?)`, c, c).Scan(&learners, &pieces); err != nil {
			t.Fatal(err)
		}
		if learners != 20 || pieces != 100 {
			t.Errorf("promotion %d : %d apprenants, %d pièces", c, learners, pieces)
		}
	}
}

// Beside the demo data, the demo's responsable manages the new cohort.
func TestSeedCommandBesideDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "casp.db")
	// The demo database, seeded once for the test binary (cheap hashing):
	// seeding it here again cost 1.7 CPU-s, argon2 included.
	demo, err := testenv.DemoDatabase()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, demo, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cliRun(t, "", "seed", "--learners", "20", "--pieces-per-learner", "5", "--db", path)
	if err != nil {
		t.Fatal(message(err))
	}
	id := seededID(t, out)
	if !strings.Contains(out, "Le compte « responsable » gère la promotion.") {
		t.Errorf("sortie : %q", out)
	}
	d, err := app.OpenDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var managed, demoPieces int
	if err := d.Read.QueryRow(`SELECT count(*) FROM cohort_members m JOIN users u ON u.id=m.user_id
		WHERE m.cohort_id=? AND m.member_role='manager' AND u.login='responsable'`, id).Scan(&managed); err != nil {
		t.Fatal(err)
	}
	if managed != 1 {
		t.Error("le responsable de la démonstration ne gère pas la promotion synthétique")
	}
	if err := d.Read.QueryRow(`SELECT count(*) FROM pieces p JOIN cohorts c ON c.id=p.cohort_id WHERE c.name='Promotion 2026'`).Scan(&demoPieces); err != nil || demoPieces == 0 {
		t.Errorf("pièces de la démonstration : %d, %v", demoPieces, err)
	}
}

func TestSeedCommandRefusesBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "casp.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"seed", "--learners", "0", "--db", path}, "--learners attend un nombre d'apprenants"},
		{[]string{"seed", "--db", path}, "--learners attend un nombre d'apprenants"},
		{[]string{"seed", "--learners", "-5", "--db", path}, "--learners attend un nombre d'apprenants"},
		{[]string{"seed", "--learners", "20"}, "indiquez la base"},
		{[]string{"seed", "--learners", "20", "--pieces-per-learner", "0", "--db", path}, "--pieces-per-learner attend"},
		{[]string{"seed", "--learners", "20", "--assessors", "-1", "--db", path}, "--assessors attend"},
		{[]string{"seed", "--learners", "20", "--assessors", "1", "--db", path}, "--assessors attend"},
		{[]string{"seed", "--learners", "vingt", "--db", path}, "option invalide"},
		{[]string{"seed", "--apprenants", "20", "--db", path}, "option invalide"},
		{[]string{"seed", "--learners", "20", "--db", path, "en trop"}, "argument inattendu"},
	} {
		_, err := cliRun(t, "", c.args...)
		if err == nil {
			t.Errorf("%v accepté", c.args)
			continue
		}
		if msg := message(err); !strings.Contains(msg, c.want) {
			t.Errorf("%v : %q, attendu %q", c.args, msg, c.want)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("la base a été créée malgré des options invalides")
	}
	out, err := cliRun(t, "", "seed", "-h")
	if err != nil || !strings.Contains(out, "casp seed --learners N") {
		t.Errorf("aide : %q, %v", out, err)
	}
	out, _ = cliRun(t, "")
	if !strings.Contains(out, "casp seed --learners N") {
		t.Error("l'aide générale ne mentionne pas casp seed")
	}
}
