// Package demo seeds a living demonstration on an empty database: the
// « Promotion 2026 » cohort, its team and twelve learners, all with the
// password « demo ». It runs only with `casp serve --demo`.
package demo

import (
	"context"
	"fmt"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/referentiel"
)

// Password is every demo account's password.
const Password = "demo"

// Learner names are fictional.
var learnerNames = []string{
	"Inès Bernard", "Yanis Petit", "Camille Robert", "Mamadou Diallo", "Léa Moreau", "Thomas Laurent",
	"Sarah Benali", "Hugo Lefèvre", "Amina Traoré", "Julien Garnier", "Chloé Nguyen", "Karim Haddad",
}

// Seed fills an empty database. It does nothing when accounts exist, so a
// restart with --demo never duplicates or resets anything.
func Seed(ctx context.Context, acc *account.Service, as *assessment.Service, cs *casework.Store, fw *referentiel.Framework) (bool, error) {
	n, err := acc.Count(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	mk := func(login, name string, role account.Role) (account.User, error) {
		return acc.CreateDemo(ctx, account.NewUser{Login: login, DisplayName: name, Role: role, Password: Password,
			Email: login + "@demo.casp.invalid"})
	}
	if _, err := mk("admin", "Administratrice casp", account.Admin); err != nil {
		return false, err
	}
	manager, err := mk("responsable", "Nadia Fontaine", account.Manager)
	if err != nil {
		return false, err
	}
	ass1, err := mk("evaluateur1", "Olivier Marchand", account.Assessor)
	if err != nil {
		return false, err
	}
	ass2, err := mk("evaluateur2", "Sophie Lambert", account.Assessor)
	if err != nil {
		return false, err
	}
	co, err := acc.CreateCohort(ctx, account.NewCohort{Name: "Promotion 2026", FrameworkID: fw.ID,
		StartsOn: "2026-01-05", EndsOn: "2026-12-18"})
	if err != nil {
		return false, err
	}
	for _, m := range []struct {
		u    account.User
		role account.Role
	}{{manager, account.Manager}, {ass1, account.Assessor}, {ass2, account.Assessor}} {
		if err := acc.AddMember(ctx, co.ID, m.u.ID, m.role); err != nil {
			return false, err
		}
	}
	var learners []account.User
	for i, name := range learnerNames {
		u, err := mk(fmt.Sprintf("apprenant%02d", i+1), name, account.Learner)
		if err != nil {
			return false, err
		}
		if err := acc.AddMember(ctx, co.ID, u.ID, account.Learner); err != nil {
			return false, err
		}
		learners = append(learners, u)
	}
	if err := seedPortfolio(ctx, acc, as, fw, co.ID, learners, []account.User{ass1, ass2}); err != nil {
		return false, fmt.Errorf("portfolio de démonstration : %w", err)
	}
	if err := seedLive(ctx, as, co.ID, manager, learners, []account.User{ass1, ass2}); err != nil {
		return false, fmt.Errorf("épreuves de démonstration : %w", err)
	}
	if err := seedCases(ctx, cs, learners); err != nil {
		return false, err
	}
	if err := seedExercises(ctx, cs, learners); err != nil {
		return false, fmt.Errorf("exercices de démonstration : %w", err)
	}
	return true, nil
}
