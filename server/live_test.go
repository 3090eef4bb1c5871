package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/casp-cnam/casp/account"

	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf/pdftext"
)

var slotRE = regexp.MustCompile(`href="/epreuves/passages/(\d+)"`)

// planForm is a complete planning form for the demo cohort: a mise en
// situation on date at 9 h 00, with the given jury and candidates.
func planForm(page, date string, jury []string, order map[string]string) url.Values {
	f := url.Values{"_csrf": {testenv.CSRFToken(page)}, "kind": {"mise-en-situation-entretien"}, "title": {""}, "date": {date}, "time": {"09:00"},
		"minutes": {"30"}, "place": {"Salle 12"}, "link": {""}, "bring": {""}, "written_due": {""}, "jury": jury}
	for k, v := range order {
		f.Set(k, v)
	}
	return f
}

func ids(re, body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// Planning from the manager's form: errors in French next to the field,
// the input kept; conflicts refused; the session planned, its
// convocations sent and readable by the candidate only.
func TestLiveSessionPlanning(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	m := env.NewClient()
	m.Login("responsable", "demo")
	form := m.Get("/promotions/1/epreuves/nouvelle")
	if form.Status != http.StatusOK {
		t.Fatalf("formulaire : %d", form.Status)
	}
	jury := ids(`name="jury" value="(\d+)"`, form.Body)
	learners := ids(`name="ordre-(\d+)"`, form.Body)
	if len(jury) < 2 || len(learners) < 3 {
		t.Fatalf("jury %v, apprenants %v", jury, learners)
	}
	date := time.Now().In(french.Paris).AddDate(0, 0, 30).Format("2006-01-02")

	// Bad input: messages next to the fields, what was typed kept.
	bad := planForm(form.Body, date, nil, map[string]string{"ordre-" + learners[0]: "premier"})
	bad.Set("place", "")
	bad.Set("link", "ftp://exemple")
	bad.Set("minutes", "2")
	bad.Set("bring", "Un stylo <script>alert(1)</script>")
	r := m.Post("/promotions/1/epreuves", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("saisie invalide : statut %d", r.Status)
	}
	for _, want := range []string{"L'ordre de passage est un nombre entier", "Le lien de visioconférence commence par https://", "La durée d'un passage va de 5 à 480 minutes"} {
		if !strings.Contains(testenv.Text(r.Body), want) {
			t.Errorf("message absent : %q", want)
		}
	}
	if !strings.Contains(r.Body, `value="premier"`) || !strings.Contains(r.Body, "Un stylo &lt;script&gt;") || strings.Contains(r.Body, "<script>alert") {
		t.Error("la saisie n'est pas gardée telle quelle (et échappée)")
	}
	// Missing token: refused.
	noTok := planForm(form.Body, date, jury[:1], map[string]string{"ordre-" + learners[0]: "1"})
	noTok.Del("_csrf")
	if r := m.Post("/promotions/1/epreuves", noTok); r.Status != http.StatusForbidden {
		t.Fatalf("sans jeton CSRF : %d", r.Status)
	}
	// Planned: two candidates, then a second session that would put the
	// same jury member in two places at once.
	ok := planForm(form.Body, date, jury[:1], map[string]string{"ordre-" + learners[1]: "2", "ordre-" + learners[0]: "1"})
	r = m.Post("/promotions/1/epreuves", ok)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/epreuves/") {
		t.Fatalf("planification : %d %q %s", r.Status, r.Location, testenv.Text(r.Body))
	}
	session := r.Location
	clash := planForm(form.Body, date, jury[:1], map[string]string{"ordre-" + learners[2]: "1"})
	clash.Set("time", "09:45")
	r = m.Post("/promotions/1/epreuves", clash)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "siège déjà au jury") {
		t.Fatalf("conflit de jury : %d %s", r.Status, testenv.Text(r.Body))
	}
	page := m.Get(session)
	slots := ids(`href="/epreuves/passages/(\d+)"`, page.Body)
	if len(slots) < 2 {
		t.Fatalf("passages : %v", slots)
	}
	// Before sending, the candidate has no convocation.
	learner := env.NewClient()
	learner.Login(loginOf(t, env, learners[0]), "demo")
	if r := learner.Get("/epreuves/passages/" + slots[0] + "/convocation"); r.Status != http.StatusNotFound {
		t.Fatalf("convocation avant envoi : %d", r.Status)
	}
	// Sending asks first, then sends.
	r = m.Submit(session, session+"/convocations", url.Values{})
	if r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "Envoyer les convocations ?") {
		t.Fatalf("confirmation d'envoi : %d", r.Status)
	}
	if r = m.Submit(session, session+"/convocations", url.Values{"confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("envoi : %d", r.Status)
	}
	conv := learner.Get("/epreuves/passages/" + slots[0] + "/convocation")
	if conv.Status != http.StatusOK || !strings.Contains(testenv.Text(conv.Body), "Mise en situation d'entretien") {
		t.Fatalf("convocation : %d", conv.Status)
	}
	if home := learner.Get("/"); !strings.Contains(testenv.Text(home.Body), "Épreuves à venir") {
		t.Error("la page d'accueil de l'apprenant n'annonce pas l'épreuve")
	}
	// The other candidate's convocation, by changing the number: refused.
	if r := learner.Get("/epreuves/passages/" + slots[1] + "/convocation"); r.Status != http.StatusForbidden {
		t.Fatalf("convocation d'un autre candidat : %d", r.Status)
	}
	// A learner never reaches the sheet nor the session.
	for _, p := range []string{"/epreuves/passages/" + slots[0], session, "/epreuves/passages/" + slots[0] + "/ecrit"} {
		if r := learner.Get(p); r.Status != http.StatusForbidden {
			t.Errorf("apprenant sur %s : %d", p, r.Status)
		}
	}
	// A change after sending shows on the convocation and in its .ics.
	edit := m.Get(session + "/modifier")
	ch := planForm(edit.Body, date, jury[:1], map[string]string{"ordre-" + learners[1]: "2", "ordre-" + learners[0]: "1"})
	ch.Set("place", "Salle 310")
	if r := m.Post(session+"/modifier", ch); r.Status != http.StatusSeeOther {
		t.Fatalf("modification : %d %s", r.Status, testenv.Text(r.Body))
	}
	conv = learner.Get("/epreuves/passages/" + slots[0] + "/convocation")
	if txt := testenv.Text(conv.Body); !strings.Contains(txt, "Convocation modifiée") || !strings.Contains(txt, "lieu : Salle 12 → Salle 310") {
		t.Fatalf("changement non signalé : %s", txt)
	}
	r = learner.Get("/epreuves/passages/" + slots[0] + "/convocation.ics")
	cal, err := ics.ParseCalendar(strings.NewReader(r.Body))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("agenda : %v (%q)", err, r.Body)
	}
	ev := cal.Events()[0]
	start, err := ev.GetStartAt()
	want, _ := time.ParseInLocation("2006-01-02 15:04", date+" 09:00", french.Paris)
	if err != nil || !start.Equal(want) || ev.GetProperty(ics.ComponentPropertyLocation).Value != "Salle 310" ||
		ev.GetProperty(ics.ComponentPropertySequence) == nil || !strings.Contains(ev.GetProperty(ics.ComponentPropertyDescription).Value, "Modifiée") {
		t.Fatalf("évènement : début %v (%v), %q", start, err, r.Body)
	}
	r = learner.Get("/epreuves/passages/" + slots[0] + "/convocation?format=pdf")
	doc, err := pdftext.Read([]byte(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(strings.Fields(strings.Join(doc.Pages, " ")), " "); !strings.Contains(all, "Convocation modifiée") || !strings.Contains(all, "Salle 310") {
		t.Fatalf("PDF de la convocation : %q", all)
	}
}

func loginOf(t *testing.T, env *testenv.Env, id string) string {
	t.Helper()
	var login string
	if err := env.Platform.DB.Read.QueryRow(`SELECT login FROM users WHERE id=?`, id).Scan(&login); err != nil {
		t.Fatal(err)
	}
	return login
}

// The jury's sheet: only the jury grades; the script's saves get JSON; a
// forged piece id cannot open a live evaluation in the written queue.
func TestLiveSheetAccess(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ev1 := env.NewClient()
	ev1.Login("evaluateur1", "demo")
	// The demo's upcoming soutenance: evaluateur1 sits on its jury.
	mine := ev1.Get("/epreuves")
	sessions := ids(`href="/epreuves/(\d+)"`, mine.Body)
	if len(sessions) == 0 {
		t.Fatal("aucun jury pour evaluateur1")
	}
	var slot string
	for _, s := range sessions {
		p := ev1.Get("/epreuves/" + s)
		if strings.Contains(p.Body, "session 2") {
			slot = ids(`href="/epreuves/passages/(\d+)"`, p.Body)[0]
		}
	}
	if slot == "" {
		t.Fatal("session à venir introuvable")
	}
	sheet := ev1.Get("/epreuves/passages/" + slot)
	if sheet.Status != http.StatusOK {
		t.Fatalf("feuille : %d", sheet.Status)
	}
	crit := ids(`name="(niveau-[^"]+)"`, sheet.Body)
	if len(crit) < 2 {
		t.Fatalf("critères : %v", crit)
	}
	autosave := func(c *testenv.Client, form url.Values) testenv.Response {
		req, _ := http.NewRequest(http.MethodPost, c.BaseURL()+"/epreuves/passages/"+slot, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Enregistrement", "auto")
		return c.Do(req)
	}
	form := url.Values{"_csrf": {testenv.CSRFToken(sheet.Body)}, "notes": {"Accueil chaleureux."}, crit[0]: {"2"}}
	if r := autosave(ev1, form); r.Status != http.StatusOK || !strings.Contains(r.Body, `"enregistre":true`) {
		t.Fatalf("enregistrement automatique : %d %s", r.Status, r.Body)
	}
	form.Set(crit[1], "9")
	if r := autosave(ev1, form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choisissez un niveau") {
		t.Fatalf("niveau hors échelle : %d %s", r.Status, r.Body)
	}
	form.Del(crit[1])
	// Typed notes come back on the page (and, escaped, never as markup).
	form.Set("notes", "<b>gras</b> et suivi")
	if r := autosave(ev1, form); r.Status != http.StatusOK {
		t.Fatalf("notes : %d %s", r.Status, r.Body)
	}
	if p := ev1.Get("/epreuves/passages/" + slot); !strings.Contains(p.Body, "&lt;b&gt;gras&lt;/b&gt; et suivi") || !strings.Contains(p.Body, `value="2" id="`+crit[0]+`-2" checked`) {
		t.Fatalf("notes ou niveau non retrouvés")
	}
	// Without the token: refused.
	noTok := url.Values{"notes": {"x"}}
	if r := autosave(ev1, noTok); r.Status != http.StatusForbidden {
		t.Fatalf("sans jeton : %d", r.Status)
	}
	// An assessor of the cohort who is not on the jury reads, but cannot grade.
	other := env.NewClient()
	other.Login("responsable", "demo")
	if r := other.Get("/epreuves/passages/" + slot); r.Status != http.StatusOK || strings.Contains(r.Body, "Ma grille") {
		t.Fatalf("responsable hors jury : %d", r.Status)
	}
	if r := other.Post("/epreuves/passages/"+slot, url.Values{"_csrf": {testenv.CSRFToken(other.Get("/").Body)}, "notes": {"x"}}); r.Status != http.StatusForbidden {
		t.Fatalf("responsable hors jury qui note : %d", r.Status)
	}
	// The passage's piece cannot be opened in the written queue.
	var piece int64
	if err := env.Platform.DB.Read.QueryRow(`SELECT id FROM pieces WHERE slot_id=?`, slot).Scan(&piece); err != nil {
		t.Fatal(err)
	}
	r := ev1.Submit("/evaluation", "/evaluation/pieces/"+strconv.FormatInt(piece, 10), url.Values{})
	if r.Status < 400 || !strings.Contains(testenv.Text(r.Body), "feuille de passage") {
		t.Fatalf("pièce d'épreuve ouverte dans la file : %d", r.Status)
	}
	// Absence once the grid has begun: refused, said next to the choice.
	r = ev1.Submit("/epreuves/passages/"+slot, "/epreuves/passages/"+slot+"/presence", url.Values{"presence": {"absent"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("présence : %d", r.Status)
	}
	if p := ev1.Get(r.Location); !strings.Contains(testenv.Text(p.Body), "La notation de ce passage a commencé") {
		t.Fatal("le refus de l'absence n'est pas dit")
	}
	if n, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionGrading, Limit: 1000}); len(n) == 0 {
		t.Error("l'ouverture de la grille n'est pas journalisée")
	}
}

// An external professional's account, created from the session page, sits
// on its jury and reaches that session only: its sheets and the
// candidates' written pieces, not the cohort nor another session.
func TestExternalJury(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	m := env.NewClient()
	m.Login("responsable", "demo")
	list := m.Get("/promotions/1/epreuves")
	sessions := ids(`href="/epreuves/(\d+)"`, list.Body)
	var upcoming, other string
	for _, s := range sessions {
		if strings.Contains(m.Get("/epreuves/"+s).Body, "session 2") {
			upcoming = s
		} else if other == "" {
			other = s
		}
	}
	page := "/epreuves/" + upcoming
	r := m.Submit(page, page+"/jury-exterieur", url.Values{"nom": {""}, "email": {"pas-une-adresse"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Indiquez le nom") || !strings.Contains(r.Body, `value="pas-une-adresse"`) {
		t.Fatalf("saisie invalide : %d", r.Status)
	}
	r = m.Submit(page, page+"/jury-exterieur", url.Values{"nom": {"Claire Vasseur"}, "email": {"claire.vasseur@mission-locale.example"}})
	pw := regexp.MustCompile(`mot de passe provisoire : <code>([^<]+)</code>`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || pw == nil || !strings.Contains(r.Body, "<code>jury.claire.vasseur</code>") {
		t.Fatalf("création : %d %s", r.Status, testenv.Text(r.Body))
	}
	if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
		t.Error("la page qui montre le mot de passe peut être gardée en cache")
	}
	ext := env.NewClient()
	ext.Login("jury.claire.vasseur", pw[1])
	if r := ext.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {pw[1]}, "new": {"une phrase de passe solide"},
		"confirm": {"une phrase de passe solide"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("changement du mot de passe : %d %s", r.Status, testenv.Text(r.Body))
	}
	if r := ext.Get(page); r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "Claire Vasseur (professionnel extérieur)") {
		t.Fatalf("session du membre extérieur : %d %s", r.Status, testenv.Text(r.Body))
	}
	slot := ids(`href="/epreuves/passages/(\d+)"`, ext.Get(page).Body)[0]
	if r := ext.Get("/epreuves/passages/" + slot); r.Status != http.StatusOK {
		t.Fatalf("feuille : %d", r.Status)
	}
	for _, p := range []string{"/epreuves/" + other, "/promotions/1", "/promotions/1/couverture", "/promotions/1/epreuves"} {
		if r := ext.Get(p); r.Status != http.StatusForbidden {
			t.Errorf("membre extérieur sur %s : %d", p, r.Status)
		}
	}
}
