package main

// The administrator's account page, as a first-time admin uses it: reset a
// learner's password (confirmed in a dialog, shown once), deactivate the
// account (cancelled once, then confirmed), check that the learner can no
// longer sign in, reactivate it, and sign in with the provisional password.

import (
	"strings"
	"testing"
)

func TestBrowserAdminAccount(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	admin := j.as("admin")
	f := checkPage(t, admin, "/admin/comptes")
	href := eval[string](t, admin, `(Array.from(document.querySelectorAll('tbody tr')).find(r => r.querySelector('code').textContent === 'apprenant12') || {querySelector: () => ({getAttribute: () => ''})}).querySelector('th a').getAttribute('href')`)
	if !strings.HasPrefix(href, "/admin/comptes/") {
		t.Fatalf("%s : pas de lien vers le compte apprenant12", f.Path)
	}
	f = checkPage(t, admin, href)
	name := strings.TrimPrefix(f.h1(), "Compte de ")
	if name == f.h1() || name == "" {
		t.Fatalf("%s : h1 %q", href, f.h1())
	}

	// Reset the password: the dialog names the person and says the new one
	// is shown once.
	f = confirmInDialog(t, admin, `button[name=action][value=reinitialiser]`, "Réinitialiser le mot de passe de "+name+" ?",
		"apprenant12", "affiché une seule fois")
	temp := textOf(t, admin, "code.temp-password")
	if f.Path != href || len(temp) < 12 {
		t.Fatalf("réinitialisation : arrivé sur %s, mot de passe provisoire %q", f.URL, temp)
	}
	wantText(t, f, "Il n'est affiché qu'une fois", "mot de passe provisoire à changer")

	// Deactivate: cancelled once, then confirmed.
	cancelDialog(t, admin, `button[name=action][value=desactiver]`, "Désactiver le compte de "+name+" ?", false)
	if got := textOf(t, admin, "dl.summary"); !strings.Contains(got, "Actif") {
		t.Fatalf("désactivation annulée : état %q", got)
	}
	f = confirmInDialog(t, admin, `button[name=action][value=desactiver]`, "Désactiver le compte de "+name+" ?",
		"ne pourra plus se connecter", "Rien n'est effacé")
	wantText(t, f, "Le compte de "+name+" (apprenant12) est désactivé.", "Désactivé")

	// The learner cannot sign in, even with the right password.
	learner := newSession(t)
	login(t, learner, "apprenant12", temp)
	if f := audit(t, learner); f.Path != "/connexion" {
		t.Fatalf("compte désactivé : connexion acceptée (%s)", f.URL)
	}

	// Reactivated (no confirmation: nothing is lost), the learner signs
	// in with the provisional password and is asked to choose their own.
	f = submitForm(t, admin, `button[name=action][value=reactiver]`)
	wantText(t, f, "Le compte de "+name+" (apprenant12) est réactivé.")
	login(t, learner, "apprenant12", temp)
	if f := audit(t, learner); f.Path != "/compte/mot-de-passe" {
		t.Fatalf("connexion avec le mot de passe provisoire : arrivé sur %s (h1 %q), attendu /compte/mot-de-passe", f.URL, f.h1())
	}
}
