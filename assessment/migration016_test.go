package assessment_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/db"
)

// A database where a double click made two individual parts of one member
// upgrades: both pieces stay, the later one no longer a part, and the
// unique index stands.
func TestIndividualPartMigrationKeepsDuplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	before := fstest.MapFS{}
	names, err := fs.Glob(assessment.Migrations.FS, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.HasPrefix(filepath.Base(n), "016_") {
			continue
		}
		b, err := fs.ReadFile(assessment.Migrations.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		before["migrations/"+filepath.Base(n)] = &fstest.MapFile{Data: b}
	}
	d, err := db.Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx, account.Migrations, db.Migrations{Owner: "assessment", FS: before, Dir: "migrations"}); err != nil {
		t.Fatal(err)
	}
	const now = "2026-12-05T10:00:00Z"
	for _, q := range []string{
		`INSERT INTO users(id, login, display_name, role, password_hash, created_at, password_changed_at) VALUES (1, 'a', 'A', 'learner', 'x', '` + now + `', '` + now + `')`,
		`INSERT INTO cohorts(id, name, framework_id, starts_on, ends_on, created_at) VALUES (1, 'P', 'casp', '2026-01-01', '2026-12-31', '` + now + `')`,
		`INSERT INTO pieces(id, learner_id, cohort_id, kind_id, title, draft_saved_at, pseudonym, created_at) VALUES (10, 1, 1, 'k', 'Collective', '` + now + `', 'p10', '` + now + `')`,
		`INSERT INTO pieces(id, learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, created_at, part_of) VALUES (11, 1, 1, 'k', 'Part', 'premier clic', '` + now + `', 'p11', '` + now + `', 10)`,
		`INSERT INTO pieces(id, learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, created_at, part_of) VALUES (12, 1, 1, 'k', 'Part', 'second clic', '` + now + `', 'p12', '` + now + `', 10)`,
	} {
		if _, err := d.Write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s : %v", q, err)
		}
	}
	if err := d.Migrate(ctx, account.Migrations, assessment.Migrations); err != nil {
		t.Fatalf("migration 016 sur des doublons : %v", err)
	}
	var parts, all int
	if err := d.Read.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE part_of=10), count(*) FROM pieces WHERE id IN (11,12)`).Scan(&parts, &all); err != nil {
		t.Fatal(err)
	}
	if parts != 1 || all != 2 {
		t.Fatalf("après la migration : %d partie(s) rattachée(s), %d pièce(s) gardée(s) ; attendu 1 et 2", parts, all)
	}
	if _, err := d.Write.ExecContext(ctx, `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft_saved_at, pseudonym, created_at, part_of) VALUES (1, 1, 'k', 'Part', '`+now+`', 'p13', '`+now+`', 10)`); err == nil {
		t.Fatal("l'index unique n'empêche pas une troisième partie")
	}
}
