package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
)

// Entries older than a year go, except jury decisions and erasure proofs;
// younger entries stay; the purge itself is logged.
func TestPurgeRetention(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	now := time.Now()
	entries := []struct {
		action string
		age    time.Duration
		kept   bool
	}{
		{account.ActionRead, 400 * 24 * time.Hour, false},
		{account.ActionLogin, 366 * 24 * time.Hour, false},
		{account.ActionRead, 300 * 24 * time.Hour, true},
		{account.ActionJury, 900 * 24 * time.Hour, true},
		{account.ActionErased, 900 * 24 * time.Hour, true},
		{account.ActionLogin, time.Hour, true},
	}
	for i, e := range entries {
		s.Audit(ctx, account.Entry{At: now.Add(-e.age), Action: e.action, Target: "entrée " + string(rune('A'+i))})
	}
	p, err := s.PurgeRetention(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Audit != 2 {
		t.Fatalf("%d entrées supprimées, 2 attendues", p.Audit)
	}
	log, err := s.AuditLog(ctx, account.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	left := map[string]bool{}
	purgeLogged := false
	for _, e := range log {
		left[e.Target] = true
		purgeLogged = purgeLogged || e.Action == account.ActionRetention
	}
	for i, e := range entries {
		if left["entrée "+string(rune('A'+i))] != e.kept {
			t.Errorf("entrée %c (%s, %v) : conservée %v, attendu %v", 'A'+i, e.action, e.age, !e.kept, e.kept)
		}
	}
	if !purgeLogged {
		t.Error("la purge n'est pas inscrite au journal")
	}
	// Nothing left to purge: nothing deleted, nothing logged.
	if p, err := s.PurgeRetention(ctx); err != nil || p.Audit != 0 || p.Imports != 0 {
		t.Fatalf("seconde purge : %+v %v", p, err)
	}
}
