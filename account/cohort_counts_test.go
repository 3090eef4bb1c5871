package account_test

import (
	"context"
	"testing"

	"github.com/casp-cnam/casp/account"
)

// A cohort's numbers of learners and assessors follow its membership
// (kept by triggers, read in one row).
func TestCohortCountsFollowMembership(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	co, err := s.CreateCohort(ctx, account.NewCohort{Name: "Promo Tours", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	want := func(learners, assessors int) {
		t.Helper()
		got, err := s.Cohort(ctx, co.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Learners != learners || got.Assessors != assessors {
			t.Fatalf("%d apprenants et %d évaluateurs, attendu %d et %d", got.Learners, got.Assessors, learners, assessors)
		}
	}
	want(0, 0)
	a, b := mustUser(t, s, "ana", account.Learner), mustUser(t, s, "bruno", account.Learner)
	e, m := mustUser(t, s, "eve", account.Assessor), mustUser(t, s, "marc", account.Manager)
	for _, m := range []struct {
		u account.User
		r account.Role
	}{{a, account.Learner}, {b, account.Learner}, {e, account.Assessor}, {m, account.Manager}} {
		if err := s.AddMember(ctx, co.ID, m.u.ID, m.r); err != nil {
			t.Fatal(err)
		}
	}
	want(2, 1)
	if err := s.RemoveMember(ctx, co.ID, a.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMember(ctx, co.ID, m.ID, account.Manager); err != nil {
		t.Fatal(err)
	}
	want(1, 1)
}
