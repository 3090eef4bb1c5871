package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/french"
)

// writtenSlot finds a demo passage with a written piece: the slot, its
// session, the written piece, its learner's name and the copy's pseudonym.
func writtenSlot(t *testing.T, env *testenv.Env) (slot, session, piece int64, learner, pseudonym string) {
	t.Helper()
	err := env.Platform.DB.Read.QueryRow(`SELECT sl.id, sl.session_id, p.id, u.display_name, p.pseudonym FROM eval_slots sl
		JOIN pieces p ON p.id=sl.written_piece_id JOIN users u ON u.id=sl.learner_id ORDER BY sl.id LIMIT 1`).Scan(&slot, &session, &piece, &learner, &pseudonym)
	if err != nil {
		t.Fatal(err)
	}
	return
}

// demoUser adds an account with the demo password, member of cohort 1 in
// role (none when role is "").
func demoUser(t *testing.T, env *testenv.Env, login, name string, role account.Role, member bool) account.User {
	t.Helper()
	ctx := context.Background()
	u, err := env.Platform.Accounts.CreateDemo(ctx, account.NewUser{Login: login, DisplayName: name, Role: role, Password: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if member {
		if err := env.Platform.Accounts.AddMember(ctx, 1, u.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// The written piece of a passage: the jury and the managers read it, not
// the cohort's other assessors; under anonymous marking, a marker reads
// the copy's pseudonym, never the learner's name nor the deposit dates.
func TestLiveWrittenPieceStaysAnonymous(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	slot, session, _, learner, pseudonym := writtenSlot(t, env)
	written := "/epreuves/passages/" + strconv.FormatInt(slot, 10) + "/ecrit"
	demoUser(t, env, "evaluateur3", "Odile Garnier", account.Assessor, true)
	other := env.NewClient()
	other.Login("evaluateur3", "demo")
	if r := other.Get(written); r.Status != http.StatusForbidden {
		t.Fatalf("évaluateur de la promotion hors jury sur l'écrit : %d", r.Status)
	}
	// The cohort marks anonymously and the written piece waits for marking.
	if _, err := env.Platform.DB.Write.Exec(`UPDATE cohorts SET anonymous_marking=1 WHERE id=1`); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Platform.DB.Write.Exec(`UPDATE pieces SET status='depose' WHERE id IN (SELECT written_piece_id FROM eval_slots WHERE session_id=?)`, session); err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"evaluateur1", "responsable"} {
		c := env.NewClient()
		c.Login(login, "demo")
		r := c.Get(written)
		txt := testenv.Text(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(txt, pseudonym) {
			t.Fatalf("%s : écrit %d, pseudonyme %q absent : %s", login, r.Status, pseudonym, txt)
		}
		if strings.Contains(txt, learner) || strings.Contains(txt, "déposée le") {
			t.Errorf("%s : l'écrit anonyme nomme l'apprenant ou sa date de dépôt : %s", login, txt)
		}
		page := testenv.Text(c.Get("/epreuves/" + strconv.FormatInt(session, 10)).Body)
		if strings.Contains(page, "déposé le") {
			t.Errorf("%s : la page de session date le dépôt d'un écrit anonyme", login)
		}
	}
	admin := env.NewClient()
	admin.Login("admin", "demo")
	if r := admin.Get(written); r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), learner) {
		t.Fatalf("administrateur : %d", r.Status)
	}
}

// An external jury member's account, created by a manager from the session
// page, is flagged external: the manager cannot enrol it in the cohort as
// an assessor (which would open the learners' files to it), and the
// creation is in the audit log as such.
func TestExternalJuryCannotBeEnrolled(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	m := env.NewClient()
	m.Login("responsable", "demo")
	var session int64
	if err := env.Platform.DB.Read.QueryRow(`SELECT id FROM eval_sessions WHERE title LIKE '%session 2'`).Scan(&session); err != nil {
		t.Fatal(err)
	}
	page := "/epreuves/" + strconv.FormatInt(session, 10)
	r := m.Submit(page, page+"/jury-exterieur", url.Values{"nom": {"Claire Vasseur"}, "email": {"claire.vasseur@mission-locale.example"}})
	if r.Status != http.StatusOK {
		t.Fatalf("création : %d", r.Status)
	}
	ext, err := env.Platform.Accounts.ByLogin(context.Background(), "jury.claire.vasseur")
	if err != nil || !ext.External {
		t.Fatalf("compte extérieur : %+v %v", ext, err)
	}
	r = m.Submit("/promotions/1", "/promotions/1/membres", url.Values{"action": {"ajouter"}, "role": {"assessor"}, "user": {strconv.FormatInt(ext.ID, 10)}})
	if r.Status != http.StatusForbidden || !strings.Contains(testenv.Text(r.Body), "membre extérieur du jury") {
		t.Fatalf("inscription du membre extérieur dans la promotion : %d %s", r.Status, testenv.Text(r.Body))
	}
	if ok, _ := env.Platform.Accounts.IsMember(context.Background(), 1, ext.ID); ok {
		t.Fatal("le membre extérieur est inscrit dans la promotion")
	}
	if strings.Contains(m.Get("/promotions/1").Body, "Claire Vasseur") {
		t.Error("le membre extérieur est proposé parmi les évaluateurs à ajouter")
	}
	entries, err := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionUserCreated, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || (e.SubjectUserID == ext.ID && strings.Contains(e.Detail, "membre extérieur du jury"))
	}
	if !found {
		t.Error("la création du compte extérieur n'est pas journalisée comme telle")
	}
}

// A refused autosave says why with the right status: 403 for someone off
// the jury (the script then drops its local copy), not 409.
func TestLiveAutosaveForbiddenIs403(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	var slot int64
	if err := env.Platform.DB.Read.QueryRow(`SELECT sl.id FROM eval_slots sl JOIN eval_sessions s ON s.id=sl.session_id
		WHERE s.title LIKE '%session 2' ORDER BY sl.position LIMIT 1`).Scan(&slot); err != nil {
		t.Fatal(err)
	}
	m := env.NewClient()
	m.Login("responsable", "demo")
	sheet := "/epreuves/passages/" + strconv.FormatInt(slot, 10)
	form := url.Values{"_csrf": {testenv.CSRFToken(m.Get(sheet).Body)}, "notes": {"hors jury"}}
	req, _ := http.NewRequest(http.MethodPost, m.BaseURL()+sheet, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Enregistrement", "auto")
	if r := m.Do(req); r.Status != http.StatusForbidden || !strings.Contains(r.Body, `"enregistre":false`) {
		t.Fatalf("enregistrement automatique hors jury : %d %s", r.Status, r.Body)
	}
}

// The calendar file: lines end with CRLF, and a carriage return typed in
// the place or in « à apporter » cannot start a property of its own.
func TestConvocationICSIsSanitised(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	mgr, err := env.Platform.Accounts.ByLogin(ctx, "responsable")
	if err != nil {
		t.Fatal(err)
	}
	jury, err := env.Platform.Accounts.ByLogin(ctx, "evaluateur1")
	if err != nil {
		t.Fatal(err)
	}
	learner, err := env.Platform.Accounts.ByLogin(ctx, "apprenant01")
	if err != nil {
		t.Fatal(err)
	}
	date := time.Now().In(french.Paris).AddDate(0, 0, 90).Format("2006-01-02")
	sid, err := env.Platform.Assessment.PlanSession(ctx, mgr, 1, assessment.SessionInput{Kind: "mise-en-situation-entretien", Date: date, Time: "16:00",
		Minutes: 30, Place: "Salle 12\rATTENDEE:mailto:intrus@example.org", Bring: "Un stylo\r\nX-INTRUS:1", Jury: []int64{jury.ID}, Learners: []int64{learner.ID}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Platform.Assessment.SendConvocations(ctx, mgr, sid, ""); err != nil {
		t.Fatal(err)
	}
	var slot int64
	if err := env.Platform.DB.Read.QueryRow(`SELECT id FROM eval_slots WHERE session_id=?`, sid).Scan(&slot); err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login("apprenant01", "demo")
	r := c.Get("/epreuves/passages/" + strconv.FormatInt(slot, 10) + "/convocation.ics")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "BEGIN:VEVENT") {
		t.Fatalf("agenda : %d", r.Status)
	}
	if strings.Count(r.Body, "\n") != strings.Count(r.Body, "\r\n") || strings.Count(r.Body, "\r") != strings.Count(r.Body, "\r\n") {
		t.Fatalf("fins de ligne hors CRLF : %q", r.Body)
	}
	for _, line := range strings.Split(r.Body, "\r\n") {
		if strings.HasPrefix(line, "ATTENDEE") || strings.HasPrefix(line, "X-INTRUS") {
			t.Fatalf("propriété injectée : %q", line)
		}
	}
}
