// Package testfixture writes small fixtures straight in a test's database,
// for tests that need a learner and a piece but not the demo.
package testfixture

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// DraftPiece adds, straight in SQL (no password hashing, no demo), a cohort,
// a learner in it and a draft piece of theirs, and returns the learner and
// the piece's id. login must be new to the database.
func DraftPiece(t testing.TB, d *db.DB, login string) (account.User, int64) {
	t.Helper()
	exec := func(q string, args ...any) int64 {
		t.Helper()
		res, err := d.Write.Exec(q, args...)
		if err != nil {
			t.Fatalf("%s : %v", q, err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	const at = "2026-01-05T09:00:00Z"
	cohort := exec(`INSERT INTO cohorts(name, framework_id, starts_on, ends_on, created_at) VALUES (?,?,'2026-01-05','2026-12-18',?)`,
		"Promotion de "+login, referentiel.DefaultID, at)
	u := account.User{Login: login, DisplayName: login, Role: account.Learner}
	u.ID = exec(`INSERT INTO users(login, display_name, role, password_hash, created_at, password_changed_at) VALUES (?,?,'learner','x',?,?)`,
		login, login, at, at)
	exec(`INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,'learner')`, cohort, u.ID)
	piece := exec(`INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft_saved_at, pseudonym, created_at)
		VALUES (?,?,'note-synthese','Note de synthèse',?,?,?)`, u.ID, cohort, at, "Copie "+login, at)
	return u, piece
}

// PDF returns a file of size bytes (100 at least) that the attachment check
// takes for a PDF, different for each seed.
func PDF(size, seed int) []byte {
	head := fmt.Sprintf("%%PDF-1.4\n%% pièce %d\n", seed)
	tail := "\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
	pad := max(0, size-len(head)-len(tail))
	return append(append([]byte(head), bytes.Repeat([]byte{'.'}, pad)...), tail...)
}
