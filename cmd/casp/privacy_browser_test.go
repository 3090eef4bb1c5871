package main

// Browser journey of personal data: the administrator creates a learner's
// account (so that no other test's data is touched on the shared demo
// server), opens its « Données personnelles » page from the account list,
// reads the erasure confirmation, mistypes the login, then erases. Every
// page goes through audit (axe-core and the French UI checks).

import (
	"strconv"
	"strings"
	"testing"
)

func TestBrowserPersonalDataErasure(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	login := "efface" + j.suffix
	name := "Camille Effacée " + j.suffix

	visitor := newSession(t)
	f := checkPage(t, visitor, "/donnees-personnelles")
	wantText(t, f, "Ce qui est effacé", "Ce qui est conservé, et pourquoi", "journal-acces.json")

	ctx := j.as("admin")
	navigate(t, ctx, "/admin/comptes/nouveau")
	typeText(t, ctx, "#display_name", name)
	typeText(t, ctx, "#login", login)
	clickOn(t, ctx, "#role-learner")
	typeText(t, ctx, "#password", "une phrase de passe assez longue")
	f = submitForm(t, ctx, `main form button[type=submit]`)
	if f.Path != "/admin/comptes" || !strings.Contains(f.Text, name) {
		t.Fatalf("création du compte : arrivé sur %s", f.Path)
	}
	link := `a[href$="/donnees"]:has(.visually-hidden)`
	sel := ""
	for i := range countOf(t, ctx, link) {
		if strings.Contains(eval[string](t, ctx, `document.querySelectorAll(`+jsString(link)+`)[`+strconv.Itoa(i)+`].innerText`), name) {
			sel = `(document.querySelectorAll(` + jsString(link) + `)[` + strconv.Itoa(i) + `])`
		}
	}
	if sel == "" {
		t.Fatal("pas de lien « Données personnelles » pour le compte créé")
	}
	href := eval[string](t, ctx, sel+`.getAttribute('href')`)
	f = checkPage(t, ctx, href)
	if f.h1() != "Données personnelles de "+name {
		t.Fatalf("page des données : h1 %q", f.h1())
	}
	wantText(t, f, "Inventaire", "Télécharger l'export (ZIP)")

	clickAndWait(t, ctx, `a[href$="/effacer"]`)
	f = audit(t, ctx)
	wantText(t, f, "Ce qui sera supprimé", "Ce qui sera conservé, et pourquoi", "Identifiant à saisir : "+login)

	typeText(t, ctx, "#confirmation", "pas-le-bon")
	f = submitForm(t, ctx, `main form button[type=submit]`)
	wantText(t, f, "Le formulaire contient 1\u00a0erreur", "L'identifiant saisi ne correspond pas à ce compte")
	if v := fieldValue(t, ctx, "#confirmation"); v != "pas-le-bon" {
		t.Errorf("saisie perdue après l'erreur : %q", v)
	}
	if got := eval[string](t, ctx, `document.querySelector('#confirmation').getAttribute('aria-describedby')`); !strings.Contains(got, "confirmation-error") {
		t.Errorf("le message d'erreur n'est pas relié au champ : aria-describedby=%q", got)
	}

	replaceText(t, ctx, "#confirmation", login)
	f = submitForm(t, ctx, `main form button[type=submit]`)
	if f.Path != href {
		t.Fatalf("après l'effacement : arrivé sur %s", f.Path)
	}
	wantText(t, f, "Le compte a été effacé.", "Compte effacé le", "Ce compte est déjà effacé.")
	if strings.Contains(f.Text, name) {
		t.Error("le nom de la personne effacée reste affiché")
	}
	if list := checkPage(t, ctx, "/admin/comptes"); strings.Contains(list.Text, name) || strings.Contains(list.Text, login) {
		t.Error("la liste des comptes montre encore la personne effacée")
	}

	// The erased learner cannot sign in.
	again := newSession(t)
	navigate(t, again, "/connexion")
	typeText(t, again, "#login", login)
	typeText(t, again, "#password", "une phrase de passe assez longue")
	f = submitForm(t, again, `main form[action="/connexion"] button[type=submit]`)
	wantText(t, f, "Identifiant ou mot de passe incorrect.")
}
