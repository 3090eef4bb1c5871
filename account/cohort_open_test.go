package account_test

import (
	"context"
	"testing"

	"github.com/casp-cnam/casp/account"
)

// Opening a cohort, creating an account and withdrawing a member are each
// one transaction with their audit entry: a refusal records nothing.
func TestOpenCohortAndWithdrawAreAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	mgr := mustUser(t, s, "resp", account.Manager)
	admin := mustUser(t, s, "chef", account.Admin)
	learner := mustUser(t, s, "lea", account.Learner)
	count := func(action string) int {
		t.Helper()
		entries, err := s.AuditLog(ctx, account.AuditFilter{Action: action})
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}

	co, err := s.OpenCohort(ctx, mgr, account.NewCohort{Name: "Promo Lyon", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"}, "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	managers, err := s.Members(ctx, co.ID, account.Manager)
	if err != nil || len(managers) != 1 || managers[0].ID != mgr.ID {
		t.Errorf("la responsable qui ouvre la promotion n'en est pas responsable : %v %v", managers, err)
	}
	if n := count(account.ActionCohortCreated); n != 1 {
		t.Errorf("%d entrées « promotion créée », attendu 1", n)
	}
	// An administrator opens one without becoming its manager.
	co2, err := s.OpenCohort(ctx, admin, account.NewCohort{Name: "Promo Lille", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Members(ctx, co2.ID, account.Manager); len(m) != 0 {
		t.Errorf("l'administrateur est devenu responsable : %v", m)
	}
	// The same name is refused next to the field, and nothing is recorded.
	_, err = s.OpenCohort(ctx, mgr, account.NewCohort{Name: "Promo Lyon", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"}, "")
	if err == nil {
		t.Fatal("deux promotions du même nom")
	}
	if n := count(account.ActionCohortCreated); n != 2 {
		t.Errorf("%d entrées « promotion créée » après un refus, attendu 2", n)
	}

	// An edit is audited with what changed, before and after.
	if _, err := s.EditCohort(ctx, mgr, co.ID, account.NewCohort{Name: "Promo Lyon Gerland", Site: "Cnam Lyon", FrameworkID: "casp-2016",
		StartsOn: "2026-09-01", EndsOn: "2027-06-30"}, "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditCohort(ctx, mgr, co.ID, account.NewCohort{Name: "Promo Lille", FrameworkID: "casp-2016",
		StartsOn: "2026-09-01", EndsOn: "2027-06-30"}, ""); err == nil {
		t.Error("renommée comme une autre promotion")
	}
	edits, _ := s.AuditLog(ctx, account.AuditFilter{Action: account.ActionCohortEdited})
	if len(edits) != 1 || edits[0].Detail != "nom : « Promo Lyon » → « Promo Lyon Gerland » ; site : (vide) → « Cnam Lyon »" {
		t.Errorf("modification : %+v", edits)
	}

	// An account created by an administrator is audited with it, about it.
	nu, err := s.CreateBy(ctx, admin, account.NewUser{Login: "Nouvelle ", DisplayName: "Nouvelle Personne", Role: account.Learner, Password: "une phrase de passe"}, "192.0.2.8")
	if err != nil {
		t.Fatal(err)
	}
	created, _ := s.AuditLog(ctx, account.AuditFilter{Action: account.ActionUserCreated})
	if len(created) != 1 || created[0].SubjectUserID != nu.ID || created[0].Target != "compte nouvelle" || created[0].Address != "192.0.2.8" {
		t.Errorf("création de compte : %+v", created)
	}
	if _, err := s.CreateBy(ctx, admin, account.NewUser{Login: "nouvelle", DisplayName: "Doublon", Role: account.Learner, Password: "une phrase de passe"}, ""); err == nil {
		t.Error("identifiant en double accepté")
	}
	if created, _ := s.AuditLog(ctx, account.AuditFilter{Action: account.ActionUserCreated}); len(created) != 1 {
		t.Errorf("un refus a été journalisé comme une création : %d entrées", len(created))
	}

	if err := s.AddMember(ctx, co.ID, learner.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	before := count(account.ActionMembership)
	if err := s.Withdraw(ctx, mgr, co, learner.ID, account.Learner, "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Members(ctx, co.ID, account.Learner); len(m) != 0 {
		t.Errorf("apprenante toujours inscrite : %v", m)
	}
	if n := count(account.ActionMembership); n != before+1 {
		t.Errorf("retrait : %d entrées, attendu %d", n, before+1)
	}
}
