package account_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

func fileErr(t *testing.T, err error) string {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Fields["fichier"] == "" {
		t.Fatalf("erreur sur le fichier attendue, reçu %v", err)
	}
	return e.Fields["fichier"]
}

func TestParseLearnerCSVEncodingsAndSeparators(t *testing.T) {
	utf8Semi := "identifiant;nom;courriel\nlea.nguyen;Léa Nguyen;lea@exemple.fr\nzoe.muller;Zoé Müller;\n"
	latin1, err := charmap.Windows1252.NewEncoder().String(utf8Semi)
	if err != nil {
		t.Fatal(err)
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range strings.ReplaceAll(utf8Semi, ";", "\t") {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	cases := []struct {
		name, enc, sep string
		content        []byte
	}{
		{"UTF-8 ;", "UTF-8", "point-virgule", []byte(utf8Semi)},
		{"UTF-8 BOM ;", "UTF-8 (avec BOM)", "point-virgule", append([]byte("\xEF\xBB\xBF"), utf8Semi...)},
		{"UTF-8 ,", "UTF-8", "virgule", []byte(strings.ReplaceAll(utf8Semi, ";", ","))},
		{"Windows-1252 ; CRLF", "Windows-1252 (Excel)", "point-virgule", []byte(strings.ReplaceAll(latin1, "\n", "\r\n"))},
		{"UTF-16 tabulations", "UTF-16", "tabulation", utf16},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := account.ParseLearnerCSV(c.content)
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != c.enc || f.Separator != c.sep {
				t.Errorf("encodage %q séparateur %q, attendu %q %q", f.Encoding, f.Separator, c.enc, c.sep)
			}
			if len(f.Rows) != 2 {
				t.Fatalf("%d lignes, attendu 2 : %+v", len(f.Rows), f.Rows)
			}
			first, second := f.Rows[0], f.Rows[1]
			if first.Login != "lea.nguyen" || first.Name != "Léa Nguyen" || first.Email != "lea@exemple.fr" || first.Line != 2 || len(first.Errors) != 0 {
				t.Errorf("première ligne lue %+v", first)
			}
			if second.Name != "Zoé Müller" || second.Email != "" || second.Line != 3 || len(second.Errors) != 0 {
				t.Errorf("seconde ligne lue %+v", second)
			}
		})
	}
}

func TestParseLearnerCSVHeaderVariants(t *testing.T) {
	f, err := account.ParseLearnerCSV([]byte("Prénom,Nom,E-mail,Identifiant,Groupe\nLéa,Nguyen,LEA@exemple.fr,Lea.Nguyen,B\n\n,,,,\n\"Karim\",\"Haddad, dit « Kim »\",,karim.h,A\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Ignored) != 1 || f.Ignored[0] != "Groupe" {
		t.Errorf("colonnes ignorées %q, attendu [Groupe]", f.Ignored)
	}
	if len(f.Rows) != 2 {
		t.Fatalf("lignes vides non sautées : %+v", f.Rows)
	}
	if r := f.Rows[0]; r.Login != "lea.nguyen" || r.Name != "Léa Nguyen" || r.Email != "LEA@exemple.fr" || len(r.Errors) > 0 {
		t.Errorf("prénom + nom, identifiant en minuscules : %+v", r)
	}
	if r := f.Rows[1]; r.Name != "Karim Haddad, dit « Kim »" || r.Line != 5 || len(r.Errors) > 0 {
		t.Errorf("valeur entre guillemets contenant le séparateur : %+v", r)
	}
	for _, h := range []string{"Identifiant;Nom complet;Courriel", "login;Nom et prénom;adresse électronique", "IDENTIFIANT;NOM"} {
		if _, err := account.ParseLearnerCSV([]byte(h + "\nabc;Abc Def\n")); err != nil {
			t.Errorf("en-tête %q refusé : %v", h, err)
		}
	}
}

func TestParseLearnerCSVLineErrors(t *testing.T) {
	long := strings.Repeat("a", 41)
	content := "identifiant;nom;courriel\n" +
		";Sans Identifiant;\n" + // 2
		"jean dupont;Jean Dupont;\n" + // 3
		"élodie;Élodie Roux;\n" + // 4
		"ab;Trop Court;\n" + // 5
		long + ";Trop Long;\n" + // 6
		"sans.nom;;\n" + // 7
		"mauvais.courriel;Marc Petit;marc@\n" + // 8
		"bon.compte;Bon Compte;bon@exemple.fr\n" + // 9
		"Bon.Compte;Doublon;\n" + // 10
		"trop.de;Col;onnes@exemple.fr;en trop\n" + // 11
		"nom.long;" + strings.Repeat("N", 121) + ";\n" // 12
	f, err := account.ParseLearnerCSV([]byte(content))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		2:  "Identifiant manquant.",
		3:  "contient une espace",
		4:  "contient le caractère « é »",
		5:  "Identifiant trop court",
		6:  "Identifiant trop long (41 caractères, 40 au plus).",
		7:  "Nom manquant.",
		8:  "Adresse électronique « marc@ » non valide",
		10: "Identifiant « bon.compte » déjà présent ligne 9 du fichier.",
		11: "La ligne compte 4 colonnes, l'en-tête 3",
		12: "Nom trop long (121 caractères, 120 au plus).",
	}
	if len(f.Rows) != 11 {
		t.Fatalf("%d lignes lues, attendu 11", len(f.Rows))
	}
	for _, r := range f.Rows {
		msg, bad := want[r.Line]
		if !bad {
			if len(r.Errors) > 0 || r.Status == account.ImportError {
				t.Errorf("ligne %d valide refusée : %q", r.Line, r.Errors)
			}
			continue
		}
		if r.Status != account.ImportError || !strings.Contains(strings.Join(r.Errors, " "), msg) {
			t.Errorf("ligne %d : erreurs %q, attendu %q", r.Line, r.Errors, msg)
		}
	}
}

func TestParseLearnerCSVRefusesFiles(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
	if msg := fileErr(t, parse(png)); !strings.Contains(msg, "une image (PNG)") {
		t.Errorf("PNG : %q", msg)
	}
	xlsx := zipWith(t, "[Content_Types].xml", `<Types><Override PartName="/xl/workbook.xml"/></Types>`, "xl/workbook.xml", "<workbook/>")
	if msg := fileErr(t, parse(xlsx)); !strings.Contains(msg, "Excel (XLSX)") || !strings.Contains(msg, "CSV UTF-8") {
		t.Errorf("XLSX : %q", msg)
	}
	big := []byte("identifiant;nom\n" + strings.Repeat("abc;Abc\n", account.MaxImportBytes/8+1))
	if msg := fileErr(t, parse(big)); !strings.Contains(msg, "1 Mio au plus") {
		t.Errorf("fichier trop gros : %q", msg)
	}
	var many strings.Builder
	many.WriteString("identifiant;nom\n")
	for i := range account.MaxImportRows + 1 {
		many.WriteString("a" + strings.Repeat("b", i%5) + ";A\n")
	}
	if msg := fileErr(t, parse([]byte(many.String()))); !strings.Contains(msg, "plus de 2\u202f000 apprenants") {
		t.Errorf("trop de lignes : %q", msg)
	}
	if msg := fileErr(t, parse([]byte("lea.nguyen;Léa Nguyen;lea@exemple.fr\n"))); !strings.Contains(msg, "Les colonnes « identifiant » et « nom » sont absentes") {
		t.Errorf("sans en-tête : %q", msg)
	}
	if msg := fileErr(t, parse([]byte("identifiant;courriel\nabc;a@b.fr\n"))); !strings.Contains(msg, "La colonne « nom » est absente") {
		t.Errorf("sans colonne nom : %q", msg)
	}
	if msg := fileErr(t, parse([]byte("identifiant;nom\n"))); !strings.Contains(msg, "que la ligne d'en-tête") {
		t.Errorf("en-tête seul : %q", msg)
	}
	if msg := fileErr(t, parse([]byte("  \n"))); !strings.Contains(msg, "vide") {
		t.Errorf("fichier vide : %q", msg)
	}
	if _, err := account.ParseLearnerCSV([]byte(account.ImportTemplate)); err != nil {
		t.Errorf("le modèle téléchargeable est refusé : %v", err)
	}
}

// zipWith builds a ZIP of name, content pairs (an XLSX is one).
func zipWith(t *testing.T, kv ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i < len(kv); i += 2 {
		f, err := w.Create(kv[i])
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(kv[i+1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func parse(b []byte) error { _, err := account.ParseLearnerCSV(b); return err }

func TestTempPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		pw, err := account.TempPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != 23 || strings.Count(pw, "-") != 3 || strings.ContainsAny(pw, "ilo01") || seen[pw] {
			t.Fatalf("mot de passe provisoire %q", pw)
		}
		seen[pw] = true
	}
}

func newStore(t *testing.T) *account.Service {
	t.Helper()
	d, err := db.Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background(), account.Migrations); err != nil {
		t.Fatal(err)
	}
	s := account.New(d)
	// Cheap hashing: the throttle test alone checks ~100 passwords.
	s.UseHashParams(account.TestHashParams)
	return s
}

func mustUser(t *testing.T, s *account.Service, login string, role account.Role) account.User {
	t.Helper()
	u, err := s.Create(context.Background(), account.NewUser{Login: login, DisplayName: "Compte " + login, Role: role, Password: "une phrase de passe"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// promo creates the cohort the import tests enrol into.
func promo(t *testing.T, s *account.Service) account.Cohort {
	t.Helper()
	co, err := s.CreateCohort(context.Background(), account.NewCohort{Name: "Promo", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	return co
}

func TestImportPreviewThenConfirm(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mgr := mustUser(t, s, "resp", account.Manager)
	co := promo(t, s)
	mustUser(t, s, "eva", account.Assessor)
	mustUser(t, s, "ancien", account.Learner)
	here := mustUser(t, s, "deja", account.Learner)
	if err := s.AddMember(ctx, co.ID, here.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	csv := "identifiant;nom;courriel\nnouvelle;Nouvelle Apprenante;n@exemple.fr\nancien;Autre Nom;\ndeja;Déjà Là;\neva;Évaluatrice;\n;Sans identifiant;\n"
	before, _ := s.Count(ctx)
	p, err := s.PreviewImport(ctx, mgr, co, "promo.csv", []byte(csv), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := s.Count(ctx); after != before {
		t.Fatalf("l'aperçu a créé des comptes : %d → %d", before, after)
	}
	got := map[string]account.ImportStatus{}
	for _, r := range p.File.Rows {
		got[r.Login] = r.Status
	}
	want := map[string]account.ImportStatus{"nouvelle": account.ImportNew, "ancien": account.ImportEnrol, "deja": account.ImportAlready,
		"eva": account.ImportError, "": account.ImportError}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%q : statut %q, attendu %q", k, got[k], v)
		}
	}
	if r := p.File.Rows[3]; !strings.Contains(strings.Join(r.Errors, ""), "existe déjà avec le rôle évaluateur") {
		t.Errorf("compte d'un autre rôle : %q", r.Errors)
	}
	if r := p.File.Rows[1]; !strings.Contains(r.Note, "garde son nom") {
		t.Errorf("compte existant au nom différent : note %q", r.Note)
	}

	// Another manager cannot confirm this preview, nor can it be used for another cohort.
	other := mustUser(t, s, "autre", account.Manager)
	if _, err := s.ConfirmImport(ctx, other, co, p.Token, ""); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("confirmation par un autre : %v", err)
	}
	co2, _ := s.CreateCohort(ctx, account.NewCohort{Name: "Promo 2", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
	if _, err := s.ConfirmImport(ctx, mgr, co2, p.Token, ""); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("confirmation pour une autre promotion : %v", err)
	}

	res, err := s.ConfirmImport(ctx, mgr, co, p.Token, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 1 || len(res.Enrolled) != 1 || res.Already != 1 || res.Skipped != 2 {
		t.Fatalf("résultat %+v", res)
	}
	imported, _ := s.Count(ctx)
	if imported != before+2 { // « autre » and « nouvelle »
		t.Fatalf("%d comptes après l'import, attendu %d", imported, before+2)
	}
	learners, _ := s.Members(ctx, co.ID, account.Learner)
	if len(learners) != 3 {
		t.Fatalf("%d apprenants inscrits, attendu 3", len(learners))
	}
	nu, err := s.Authenticate(ctx, "nouvelle", res.Created[0].Password, "127.0.0.1")
	if err != nil {
		t.Fatalf("connexion avec le mot de passe provisoire : %v", err)
	}
	if !nu.MustChangePassword || nu.Email != "n@exemple.fr" || nu.DisplayName != "Nouvelle Apprenante" || nu.Role != account.Learner {
		t.Fatalf("compte créé %+v", nu)
	}
	if err := s.ChangePassword(ctx, nu.ID, account.PasswordChange{Current: res.Created[0].Password, New: "ma propre phrase", Confirm: "ma propre phrase"}); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.ByID(ctx, nu.ID); u.MustChangePassword {
		t.Fatal("le changement de mot de passe ne lève pas l'obligation")
	}
	// Twice: refused, nothing more.
	if _, err := s.ConfirmImport(ctx, mgr, co, p.Token, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("seconde confirmation : %v", err)
	}
	if n, _ := s.Count(ctx); n != imported {
		t.Fatalf("%d comptes après la seconde confirmation, attendu %d", n, imported)
	}
	log, _ := s.AuditLog(ctx, account.AuditFilter{Action: account.ActionImport})
	if len(log) != 1 || !strings.Contains(log[0].Detail, "1 comptes créés") {
		t.Fatalf("journal de l'import : %+v", log)
	}
}

func TestImportRefusedWhenAccountsChanged(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mgr := mustUser(t, s, "resp", account.Manager)
	co, _ := s.CreateCohort(ctx, account.NewCohort{Name: "Promo", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
	p, err := s.PreviewImport(ctx, mgr, co, "a.csv", []byte("identifiant;nom\nsophie;Sophie\nmarc;Marc\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	// Someone creates « marc » as an assessor before the confirmation.
	mustUser(t, s, "marc", account.Assessor)
	before, _ := s.Count(ctx)
	_, err = s.ConfirmImport(ctx, mgr, co, p.Token, "")
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Conflict || !strings.Contains(e.Message, "ligne 3") {
		t.Fatalf("confirmation après changement : %v", err)
	}
	if after, _ := s.Count(ctx); after != before {
		t.Fatalf("import partiel : %d → %d comptes", before, after)
	}
	if learners, _ := s.Members(ctx, co.ID, account.Learner); len(learners) != 0 {
		t.Fatalf("import partiel : %d inscrits", len(learners))
	}
}

func TestUpdateCohort(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	co, err := s.CreateCohort(ctx, account.NewCohort{Name: "Promo", Site: " Cnam Lyon ", FrameworkID: "casp-2016", StartsOn: "01/09/2026", EndsOn: "2027-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	if co.Site != "Cnam Lyon" || co.StartsOn.Format("2006-01-02") != "2026-09-01" {
		t.Fatalf("promotion créée %+v", co)
	}
	if _, err := s.CreateCohort(ctx, account.NewCohort{Name: "Autre", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"}); err != nil {
		t.Fatal(err)
	}
	up, err := s.UpdateCohort(ctx, co.ID, account.NewCohort{Name: "Promo Lyon", Site: "Cnam Lyon — Gerland", FrameworkID: "casp-2016", StartsOn: "2026-09-15", EndsOn: "2027-07-01"})
	if err != nil || up.Name != "Promo Lyon" || up.Site != "Cnam Lyon — Gerland" || up.EndsOn.Format("2006-01-02") != "2027-07-01" {
		t.Fatalf("modification : %+v %v", up, err)
	}
	for _, c := range []struct {
		nc    account.NewCohort
		field string
		msg   string
	}{
		{account.NewCohort{Name: "Autre", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"}, "name", "Une autre promotion porte déjà ce nom."},
		{account.NewCohort{Name: "X", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2026-08-01"}, "ends_on", "La date de fin doit suivre la date de début."},
		{account.NewCohort{Name: "X", FrameworkID: "casp-2016", StartsOn: "31/02/2026", EndsOn: "2027-08-01"}, "starts_on", "Saisissez une date valide"},
		{account.NewCohort{Name: "X", FrameworkID: "casp-2016", StartsOn: "", EndsOn: "2027-08-01"}, "starts_on", "Saisissez la date de début."},
		{account.NewCohort{Name: "X", FrameworkID: "", StartsOn: "2026-09-01", EndsOn: "2027-08-01"}, "framework", "Choisissez une version du référentiel"},
		{account.NewCohort{Name: "X", Site: strings.Repeat("s", 121), FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-08-01"}, "site", "au plus 120"},
	} {
		_, err := s.UpdateCohort(ctx, co.ID, c.nc)
		e, ok := apperr.As(err)
		if !ok || !strings.Contains(e.Fields[c.field], c.msg) {
			t.Errorf("%+v : %v (champs %v), attendu %q sur %s", c.nc, err, e, c.msg, c.field)
		}
	}
	if _, err := s.UpdateCohort(ctx, 999, account.NewCohort{Name: "Y", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-08-01"}); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("promotion inexistante : %v", err)
	}
}

// BenchmarkImportMaxRows previews and confirms a file of the largest size
// allowed: 2 000 new learners.
func BenchmarkImportMaxRows(b *testing.B) {
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("identifiant;nom;courriel\n")
	for i := range account.MaxImportRows {
		fmt.Fprintf(&csv, "apprenant.%04d;Apprenant %d;a%d@exemple.fr\n", i, i, i)
	}
	for b.Loop() {
		b.StopTimer()
		d, err := db.Open(filepath.Join(b.TempDir(), "casp.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Migrate(ctx, account.Migrations); err != nil {
			b.Fatal(err)
		}
		s := account.New(d)
		mgr, _ := s.Create(ctx, account.NewUser{Login: "resp", DisplayName: "Resp", Role: account.Manager, Password: "une phrase de passe"})
		co, _ := s.CreateCohort(ctx, account.NewCohort{Name: "P", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
		b.StartTimer()
		p, err := s.PreviewImport(ctx, mgr, co, "grand.csv", []byte(csv.String()), "")
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.ConfirmImport(ctx, mgr, co, p.Token, "")
		if err != nil || len(res.Created) != account.MaxImportRows {
			b.Fatalf("%d comptes créés : %v", len(res.Created), err)
		}
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
}

// A new account that may be someone already there is flagged, with whom:
// same name as a learner of the cohort (accents and case aside), as another
// line of the file, or same e-mail as an existing account. Others are not.
func TestImportPreviewFlagsPossibleDuplicates(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mgr := mustUser(t, s, "resp", account.Manager)
	co := promo(t, s)
	lea, err := s.Create(ctx, account.NewUser{Login: "lea.moreau", DisplayName: "Léa Moreau", Email: "lea@exemple.fr", Role: account.Learner, Password: "une phrase de passe"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddMember(ctx, co.ID, lea.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	csv := "identifiant;nom;courriel\nlmoreau;LEA MOREAU;\nhugo1;Hugo Lefèvre;\nhugo2;Hugo Lefevre;\nautre;Autre Personne;LEA@exemple.fr\nseule;Seule Personne;\n"
	p, err := s.PreviewImport(ctx, mgr, co, "promo.csv", []byte(csv), "")
	if err != nil {
		t.Fatal(err)
	}
	doubts := map[string]string{}
	for _, r := range p.File.Rows {
		doubts[r.Login] = strings.Join(r.Doubts, " | ")
		if r.Status != account.ImportNew {
			t.Errorf("%s : statut %q, attendu nouveau", r.Login, r.Status)
		}
	}
	for login, want := range map[string]string{"lmoreau": "Léa Moreau (lea.moreau)", "hugo1": "ligne 4", "hugo2": "ligne 3", "autre": "Même courriel que le compte lea.moreau"} {
		if !strings.Contains(doubts[login], want) {
			t.Errorf("%s : doutes %q, attendu %q", login, doubts[login], want)
		}
	}
	if doubts["seule"] != "" || p.File.Doubtful() != 4 {
		t.Errorf("doutes de trop : %q, %d lignes à vérifier", doubts["seule"], p.File.Doubtful())
	}
	// Kept with the preview: the page shown again still says it.
	again, err := s.Preview(ctx, mgr, co.ID, p.Token)
	if err != nil || again.File.Doubtful() != 4 {
		t.Errorf("aperçu relu : %v, %d lignes à vérifier", err, again.File.Doubtful())
	}
}
