package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// The administrator edits an account's name and e-mail (a bad address is
// said next to the field, the input kept), deactivates it after a
// confirmation (it can no longer sign in), reactivates it, and resets its
// password to a provisional one shown once; each change is audited. No one
// deactivates their own account; others than the administrator cannot.
func TestAdministratorManagesAccounts(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	sub, err := env.Platform.Accounts.ByLogin(ctx, "apprenant04")
	if err != nil {
		t.Fatal(err)
	}
	page := "/admin/comptes/" + strconv.FormatInt(sub.ID, 10)
	admin := env.NewClient()
	admin.Login("admin", "demo")
	if r := admin.Get("/admin/comptes"); !strings.Contains(r.Body, `href="`+page+`"`) {
		t.Fatal("la liste des comptes ne mène pas à la fiche")
	}
	r := admin.Submit(page, page, url.Values{"action": {"modifier"}, "display_name": {"Nina Renommée"}, "email": {"pas une adresse"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="pas une adresse"`) || !strings.Contains(r.Body, "error-message") {
		t.Fatalf("courriel invalide : %d", r.Status)
	}
	if r := admin.Submit(page, page, url.Values{"action": {"modifier"}, "display_name": {"Nina Renommée"}, "email": {"nina@exemple.fr"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("modification : %d %s", r.Status, testenv.Text(r.Body))
	}
	if u, _ := env.Platform.Accounts.ByID(ctx, sub.ID); u.DisplayName != "Nina Renommée" || u.Email != "nina@exemple.fr" {
		t.Fatalf("après modification : %q %q", u.DisplayName, u.Email)
	}

	// Deactivation: asked first, then the account cannot sign in.
	r = admin.Submit(page, page, url.Values{"action": {"desactiver"}})
	if r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "Désactiver le compte de Nina Renommée ?") {
		t.Fatalf("confirmation de la désactivation : %d", r.Status)
	}
	if u, _ := env.Platform.Accounts.ByID(ctx, sub.ID); u.Disabled {
		t.Fatal("désactivé avant la confirmation")
	}
	if r := admin.Submit(page, page, withConfirmation(r.Body)); r.Status != http.StatusSeeOther {
		t.Fatalf("désactivation : %d", r.Status)
	}
	if _, err := env.Platform.Accounts.Authenticate(ctx, "apprenant04", "demo", "192.0.2.9"); err == nil {
		t.Error("un compte désactivé se connecte")
	}
	if r := admin.Submit(page, page, url.Values{"action": {"reactiver"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("réactivation : %d", r.Status)
	}
	if _, err := env.Platform.Accounts.Authenticate(ctx, "apprenant04", "demo", "192.0.2.9"); err != nil {
		t.Errorf("réactivé, le compte ne se connecte pas : %v", err)
	}

	// Reset: confirmed, the provisional password shown once, the old one
	// refused, the new one to change at sign-in.
	r = admin.Submit(page, page, url.Values{"action": {"reinitialiser"}})
	r = admin.Submit(page, page, withConfirmation(r.Body))
	m := regexp.MustCompile(`<code class="temp-password">([^<]+)</code>`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("réinitialisation : %d, mot de passe affiché : %v", r.Status, m != nil)
	}
	if strings.Contains(admin.Get(page).Body, m[1]) {
		t.Error("le mot de passe provisoire est affiché une seconde fois")
	}
	if _, err := env.Platform.Accounts.Authenticate(ctx, "apprenant04", "demo", "192.0.2.9"); err == nil {
		t.Error("l'ancien mot de passe fonctionne encore")
	}
	if u, err := env.Platform.Accounts.Authenticate(ctx, "apprenant04", m[1], "192.0.2.9"); err != nil || !u.MustChangePassword {
		t.Errorf("mot de passe provisoire : %v, à changer : %v", err, u.MustChangePassword)
	}
	for _, action := range []string{account.ActionUserUpdated, account.ActionUserDisabled, account.ActionUserEnabled, account.ActionPasswordReset} {
		entries, err := env.AuditLog(ctx, account.AuditFilter{Action: action})
		if err != nil || len(entries) == 0 || entries[0].SubjectUserID != sub.ID {
			t.Errorf("journal « %s » : %v %+v", action, err, entries)
		}
	}

	// An account created without a password gets a provisional one, shown
	// once, to change at the first sign-in.
	r = admin.Submit("/admin/comptes/nouveau", "/admin/comptes", url.Values{"display_name": {"Paul Provisoire"}, "login": {"paul.provisoire"}, "role": {"learner"}})
	m = regexp.MustCompile(`<code class="temp-password">([^<]+)</code>`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("création sans mot de passe : %d %.300s", r.Status, testenv.Text(r.Body))
	}
	if u, err := env.Platform.Accounts.Authenticate(ctx, "paul.provisoire", m[1], "192.0.2.9"); err != nil || !u.MustChangePassword {
		t.Errorf("mot de passe provisoire à la création : %v, à changer : %v", err, u.MustChangePassword)
	}

	// Not one's own account; not without the token; not for a manager.
	me, _ := env.Platform.Accounts.ByLogin(ctx, "admin")
	own := "/admin/comptes/" + strconv.FormatInt(me.ID, 10)
	if r := admin.Submit(own, own, url.Values{"action": {"desactiver"}, "confirme": {"1"}}); r.Status != http.StatusConflict {
		t.Errorf("désactiver son propre compte : %d", r.Status)
	}
	if r := admin.Post(page, url.Values{"action": {"reactiver"}}); r.Status != http.StatusForbidden {
		t.Errorf("sans jeton : %d", r.Status)
	}
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	if r := mgr.Get(page); r.Status != http.StatusForbidden {
		t.Errorf("fiche de compte pour un responsable : %d", r.Status)
	}
}

// The audit log filters by person (what they did and what concerns them),
// action and days, names the person concerned, and pages through every
// entry, the next page starting where the last ended.
func TestAuditLogFiltersAndPages(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	lea, err := env.Platform.Accounts.ByLogin(ctx, "apprenant08")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 130 {
		env.Platform.Accounts.Audit(ctx, account.Entry{ActorLogin: "evaluateur1", Action: account.ActionRead, SubjectUserID: lea.ID,
			Target: "progression", Detail: "lecture " + strconv.Itoa(i)})
	}
	admin := env.NewClient()
	admin.Login("admin", "demo")
	rowsOf := func(body string) []string {
		return regexp.MustCompile(`<td class="detail">([^<]*)</td>`).FindAllString(body, -1)
	}
	q := "/admin/journal?personne=apprenant08&action=" + url.QueryEscape(account.ActionRead)
	first := admin.Get(q)
	if n := len(rowsOf(first.Body)); n != 100 {
		t.Fatalf("première page : %d entrées, attendu 100", n)
	}
	if !strings.Contains(testenv.Text(first.Body), lea.DisplayName+" "+lea.Login) {
		t.Error("la personne concernée n'est pas nommée")
	}
	next := regexp.MustCompile(`href="(/admin/journal\?[^"]+)" rel="next"`).FindStringSubmatch(first.Body)
	if next == nil {
		t.Fatal("pas de page suivante")
	}
	second := admin.Get(html.UnescapeString(next[1]))
	rows := rowsOf(second.Body)
	if !strings.Contains(second.Body, "Entrées les plus récentes") {
		t.Error("la seconde page ne ramène pas aux plus récentes")
	}
	if len(rows) != 30 || strings.Contains(second.Body, `rel="next"`) {
		t.Fatalf("seconde page : %d entrées, lien suivant %v", len(rows), strings.Contains(second.Body, `rel="next"`))
	}
	seen := map[string]bool{}
	for _, r := range append(rowsOf(first.Body), rows...) {
		if seen[r] {
			t.Fatalf("entrée répétée d'une page à l'autre : %s", r)
		}
		seen[r] = true
	}
	// Another person's filter leaves these out; a day without entries shows none.
	if other := admin.Get("/admin/journal?personne=apprenant09&action=" + url.QueryEscape(account.ActionRead)); strings.Contains(other.Body, "lecture 7<") {
		t.Error("le filtre par personne laisse passer les entrées d'une autre")
	}
	if old := admin.Get(q + "&du=2020-01-01&au=2020-01-31"); len(rowsOf(old.Body)) != 0 {
		t.Error("le filtre par dates laisse passer des entrées hors période")
	}
}
