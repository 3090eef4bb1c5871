// Command casp runs the platform and its administration tasks. It only
// wires packages together.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/backup"
	"github.com/casp-cnam/casp/internal/app/demo"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/referentiel"
)

const usage = `casp — plateforme de formation et de certification du titre CASP

Utilisation :
  casp serve [--addr 127.0.0.1:8080] [--db casp.db] [--demo] [--contenus DOSSIER] [--base-url URL] [--secure-cookies] [--trusted-proxy ADRESSES]
  casp content check DOSSIER
  casp user add --role ROLE --login IDENTIFIANT [--name "Nom Prénom"] [--email ADRESSE] [--cohort "Promotion"] [--db casp.db]
  casp backup FICHIER.zip [--db casp.db]
  casp restore FICHIER.zip [--db casp.db] [--force]
  casp seed --learners N [--pieces-per-learner 30] [--assessors K] [--seed 1] --db FICHIER
  casp export referentiel --format json|csv|case [--base-url URL] [--out FICHIER]
  casp export couverture --cohorte ID --format csv|xlsx|json [--db casp.db] [--out FICHIER]

Rôles : admin, responsable, evaluateur, apprenant.

La sauvegarde est une archive ZIP : la base, ses pièces jointes et un
manifeste d'empreintes ; restore vérifie tout avant de rien écrire.
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "casp :", message(err))
		os.Exit(1)
	}
}

func message(err error) string {
	if e, ok := apperr.As(err); ok {
		if len(e.Fields) > 0 {
			var parts []string
			for k, v := range e.Fields {
				parts = append(parts, k+" : "+v)
			}
			return e.Message + " " + strings.Join(parts, " ; ")
		}
		return e.Message
	}
	return err.Error()
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return errors.New("sous-commande attendue : casp user add …")
		}
		return userAdd(ctx, args[2:], stdin, stdout)
	case "backup":
		return backupDB(ctx, args[1:], stdout)
	case "restore":
		return restoreDB(ctx, args[1:], stdout)
	case "seed":
		return seed(ctx, args[1:], stdout)
	case "export":
		if len(args) >= 2 && args[1] == "couverture" {
			return exportCoverage(ctx, args[2:], stdout)
		}
		if len(args) < 2 || args[1] != "referentiel" {
			return errors.New("sous-commande attendue : casp export referentiel … ou casp export couverture …")
		}
		return exportFramework(args[2:], stdout)
	case "content", "contenus":
		if len(args) < 3 || (args[1] != "check" && args[1] != "verifier") {
			return errors.New("sous-commande attendue : casp content check DOSSIER")
		}
		return contentCheck(args[2], stdout)
	case "help", "-h", "--help", "aide":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("commande inconnue %q\n\n%s", args[0], usage)
}

// serveMemoryLimit is the server's default soft memory limit for Go.
const serveMemoryLimit = 48 << 20

func serve(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "adresse d'écoute")
	path := fs.String("db", "casp.db", "fichier de la base SQLite")
	withDemo := fs.Bool("demo", false, "données de démonstration sur une base vide")
	secure := fs.Bool("secure-cookies", false, "cookies réservés à HTTPS (derrière un proxy TLS)")
	baseURL := fs.String("base-url", "", "adresse publique (par défaut http://ADDR) ; en https://, les cookies sont réservés à HTTPS")
	contentDir := fs.String("contenus", "", "dossier de contenus (cas, fiches, territoire) lu par-dessus les contenus intégrés")
	proxies := fs.String("trusted-proxy", "", "mandataires inverses dont l'en-tête X-Forwarded-For donne l'adresse du client (adresses ou réseaux, séparés par des virgules)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A soft ceiling for Go's memory (SQLite's page caches and the mapped
	// program come on top): the collector works harder near it instead of
	// letting the heap double. GOMEMLIMIT, when set, decides instead.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	if *baseURL == "" {
		*baseURL = "http://" + *addr
	}
	url := strings.TrimRight(*baseURL, "/")
	p, err := app.New(ctx, app.Options{DBPath: *path, Demo: *withDemo, Secure: *secure, BaseURL: url, TrustedProxies: *proxies, ContentDir: *contentDir,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		return err
	}
	defer p.Close()
	if *withDemo {
		if p.Seeded {
			fmt.Fprintln(stdout, "Données de démonstration créées.")
		}
		fmt.Fprintf(stdout, "Mode démonstration — comptes : admin, responsable, evaluateur1, evaluateur2, apprenant01 … apprenant12 ; mot de passe : %s\n", demo.Password)
	} else if n, err := p.Accounts.Count(ctx); err != nil {
		return err
	} else if n == 0 {
		fmt.Fprintf(stdout, "Aucun compte n'existe. Créez l'administrateur :\n  casp user add --role admin --login admin --name \"Votre nom\" --db %s\n", *path)
	}
	fmt.Fprintf(stdout, "casp écoute sur %s (base %s)\n", url, p.DB.Path())
	return p.Server.Listen(ctx, *addr)
}

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	roleName := fs.String("role", "", "admin, responsable, evaluateur ou apprenant")
	login := fs.String("login", "", "identifiant")
	name := fs.String("name", "", "nom affiché (par défaut l'identifiant)")
	email := fs.String("email", "", "adresse électronique")
	cohort := fs.String("cohort", "", "promotion à laquelle rattacher le compte")
	path := fs.String("db", "casp.db", "fichier de la base SQLite")
	if err := fs.Parse(args); err != nil {
		return err
	}
	role, ok := account.ParseRole(*roleName)
	if !ok {
		return errors.New("--role attendu : admin, responsable, evaluateur ou apprenant")
	}
	if *name == "" {
		*name = *login
	}
	password, err := readPassword(stdin, stdout)
	if err != nil {
		return err
	}
	d, err := app.OpenDB(ctx, *path)
	if err != nil {
		return err
	}
	defer d.Close()
	acc := account.New(d)
	u, err := acc.Create(ctx, account.NewUser{Login: *login, DisplayName: *name, Email: *email, Role: role, Password: password})
	if err != nil {
		return err
	}
	acc.Audit(ctx, account.Entry{ActorLogin: "ligne de commande", Action: account.ActionUserCreated, SubjectUserID: u.ID, Target: "compte " + u.Login})
	if *cohort != "" {
		cohorts, err := acc.Cohorts(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, c := range cohorts {
			if c.Name == *cohort {
				found = true
				if err := acc.AddMember(ctx, c.ID, u.ID, role); err != nil {
					return err
				}
			}
		}
		if !found {
			return fmt.Errorf("compte créé, mais la promotion %q n'existe pas", *cohort)
		}
	}
	fmt.Fprintf(stdout, "Compte %s (%s) créé.\n", u.Login, u.Role.Label())
	return nil
}

// readPassword asks twice on a terminal (without echo), or reads one line
// from a pipe, so scripts can provision accounts.
func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "Mot de passe (12 caractères au moins) : ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stdout, "Confirmez : ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("les deux saisies ne correspondent pas")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func backupDB(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	path := fs.String("db", "casp.db", "fichier de la base SQLite")
	dest, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if dest == "" {
		return errors.New("indiquez le fichier de destination : casp backup FICHIER")
	}
	if _, err := os.Stat(*path); err != nil {
		return fmt.Errorf("base %s introuvable", *path)
	}
	d, err := app.OpenDB(ctx, *path)
	if err != nil {
		return err
	}
	defer d.Close()
	m, err := backup.Create(ctx, d, layout(*path), dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sauvegarde écrite dans %s : la base et %s, empreintes SHA-256 dans manifest.json.\n",
		dest, french.Plural(m.Attachments(), "pièce jointe", "pièces jointes"))
	return nil
}

func restoreDB(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	path := fs.String("db", "casp.db", "fichier de la base SQLite à recréer")
	force := fs.Bool("force", false, "remplacer la base existante (mise de côté, pas effacée)")
	archive, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if archive == "" {
		return errors.New("indiquez la sauvegarde à restaurer : casp restore ARCHIVE --db casp.db")
	}
	r, err := backup.Restore(ctx, archive, layout(*path), *force)
	if err != nil {
		return err
	}
	if r.Aside != "" {
		fmt.Fprintf(stdout, "L'ancienne base et ses fichiers sont mis de côté dans %s.\n", r.Aside)
	}
	fmt.Fprintf(stdout, "Sauvegarde du %s restaurée dans %s, avec %s ; tout a été vérifié.\n",
		french.DateTime(r.Manifest.CreatedAt), *path, french.Plural(r.Manifest.Attachments(), "pièce jointe", "pièces jointes"))
	return nil
}

// parseWithFile parses flags around one file argument, before or after them.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	return file, nil
}

// layout is where the database at path keeps its data.
func layout(path string) backup.Layout {
	return backup.Layout{DB: path, Files: app.FilesDir(path), Keys: app.KeysDir(path)}
}

const seedUsage = "casp seed --learners N [--pieces-per-learner 30] [--assessors K] [--seed 1] --db FICHIER"

// seed adds a synthetic cohort (benchmarks, demonstrations) beside what the
// database holds, and prints its id as the last word of its last line.
func seed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	learners := fs.Int("learners", 0, "nombre d'apprenants")
	pieces := fs.Int("pieces-per-learner", demo.DefaultSyntheticPieces, "pièces par apprenant")
	assessors := fs.Int("assessors", 0, "évaluateurs (par défaut un pour 40 apprenants, deux au moins)")
	seedValue := fs.Int64("seed", 1, "graine du tirage : même graine, même promotion")
	path := fs.String("db", "", "fichier de la base SQLite")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Utilisation : %s\n", seedUsage)
			return nil
		}
		return fmt.Errorf("option invalide (%v)\nUtilisation : %s", err, seedUsage)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("argument inattendu %q\nUtilisation : %s", fs.Arg(0), seedUsage)
	case *path == "":
		return fmt.Errorf("indiquez la base à compléter avec --db FICHIER\nUtilisation : %s", seedUsage)
	case *learners < 1 || *learners > demo.MaxSyntheticLearners:
		return fmt.Errorf("--learners attend un nombre d'apprenants entre 1 et %d", demo.MaxSyntheticLearners)
	case *pieces < 1 || *pieces > demo.MaxSyntheticPieces:
		return fmt.Errorf("--pieces-per-learner attend un nombre de pièces entre 1 et %d", demo.MaxSyntheticPieces)
	case *assessors == 1 || *assessors < 0 || *assessors > demo.MaxSyntheticAssessors:
		return fmt.Errorf("--assessors attend un nombre d'évaluateurs entre 2 et %d (0 : un pour 40 apprenants)", demo.MaxSyntheticAssessors)
	}
	cat, err := referentiel.Load()
	if err != nil {
		return err
	}
	d, err := app.OpenDB(ctx, *path)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	id, err := demo.SeedSynthetic(ctx, d, cat.Default(), demo.SyntheticOptions{Learners: *learners, PiecesPerLearner: *pieces,
		Assessors: *assessors, Seed: *seedValue})
	if err != nil {
		return err
	}
	// The learners' capacity states, which the cohort heatmap reads.
	if err := assessment.New(d, cat, app.FilesDir(*path)).RebuildCoverage(ctx, id); err != nil {
		return fmt.Errorf("promotion %d créée, mais le calcul des capacités acquises a échoué : %w", id, err)
	}
	elapsed := time.Since(start)
	var name, firstLearner, lastLearner, firstAssessor, lastAssessor string
	var nLearners, nAssessors, managed int
	if err := d.Read.QueryRowContext(ctx, `SELECT c.name,
		(SELECT count(*) FROM cohort_members WHERE cohort_id=c.id AND member_role='learner'),
		(SELECT count(*) FROM cohort_members WHERE cohort_id=c.id AND member_role='assessor'),
		(SELECT count(*) FROM cohort_members WHERE cohort_id=c.id AND member_role='manager'),
		(SELECT min(u.login) FROM users u JOIN cohort_members m ON m.user_id=u.id AND m.cohort_id=c.id AND m.member_role='learner'),
		(SELECT max(u.login) FROM users u JOIN cohort_members m ON m.user_id=u.id AND m.cohort_id=c.id AND m.member_role='learner'),
		(SELECT min(u.login) FROM users u JOIN cohort_members m ON m.user_id=u.id AND m.cohort_id=c.id AND m.member_role='assessor'),
		(SELECT max(u.login) FROM users u JOIN cohort_members m ON m.user_id=u.id AND m.cohort_id=c.id AND m.member_role='assessor')
		FROM cohorts c WHERE c.id=?`, id).Scan(&name, &nLearners, &nAssessors, &managed, &firstLearner, &lastLearner, &firstAssessor, &lastAssessor); err != nil {
		return err
	}
	byStatus := map[assessment.Status]int{}
	rows, err := d.Read.QueryContext(ctx, `SELECT status, count(*) FROM pieces WHERE cohort_id=? GROUP BY status`, id)
	if err != nil {
		return err
	}
	total := 0
	for rows.Next() {
		var st assessment.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return err
		}
		byStatus[st] = n
		total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var mix []string
	for _, st := range []assessment.Status{assessment.Draft, assessment.Deposited, assessment.InGrading, assessment.Moderation, assessment.Graded, assessment.Rework} {
		mix = append(mix, fmt.Sprintf("%s %d", strings.ToLower(st.Label()), byStatus[st]))
	}
	account.New(d).Audit(ctx, account.Entry{ActorLogin: "ligne de commande", Action: account.ActionMembership, Target: "promotion " + name,
		Detail: fmt.Sprintf("promotion synthétique : %d apprenants, %d évaluateurs, %d pièces, graine %d", nLearners, nAssessors, total, *seedValue)})
	fmt.Fprintf(stdout, "%d apprenants (%s … %s), %d évaluateurs (%s … %s), %d pièces, en %.1f s.\n",
		nLearners, firstLearner, lastLearner, nAssessors, firstAssessor, lastAssessor, total, elapsed.Seconds())
	fmt.Fprintf(stdout, "Pièces : %s.\n", strings.Join(mix, ", "))
	if managed > 0 {
		fmt.Fprintln(stdout, "Le compte « responsable » gère la promotion.")
	} else {
		fmt.Fprintln(stdout, "Aucun compte gestionnaire « responsable » : la promotion n'a pas de responsable.")
	}
	fmt.Fprintln(stdout, "Les comptes synthétiques n'ont pas de mot de passe utilisable : on ne peut pas s'y connecter.")
	fmt.Fprintf(stdout, "%s créée : identifiant %d\n", name, id)
	return nil
}

func exportFramework(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export referentiel", flag.ContinueOnError)
	format := fs.String("format", "json", "json, csv ou case")
	base := fs.String("base-url", "http://127.0.0.1:8080", "adresse publique, pour les URI du paquet CASE")
	out := fs.String("out", "", "fichier de sortie (par défaut la sortie standard)")
	version := fs.String("version", referentiel.DefaultID, "version du référentiel")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cat, err := referentiel.Load()
	if err != nil {
		return err
	}
	fw, ok := cat.Get(*version)
	if !ok {
		return fmt.Errorf("version de référentiel inconnue : %s", *version)
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "json":
		return fw.WriteJSON(w)
	case "csv":
		return fw.WriteCSV(w)
	case "case":
		return fw.WriteCASE(w, strings.TrimRight(*base, "/"))
	}
	return fmt.Errorf("format inconnu %q : json, csv ou case", *format)
}

// contentCheck validates a folder of sandbox content over the embedded one,
// with the start-up's French messages.
func contentCheck(dir string, stdout io.Writer) error {
	lib, err := app.LoadContent(dir)
	if err != nil {
		return err
	}
	fund := ""
	if lib.Fund != nil {
		fund = fmt.Sprintf(", fonds documentaire de %d documents et %d flux", len(lib.Fund.Documents), len(lib.Fund.Feeds))
	}
	fmt.Fprintf(stdout, "Contenus valides : %d cas, %s, %s, %d fiches, %d structures%s.\n", len(lib.Scenarios), french.Plural(len(lib.Receptions), "autre exercice", "autres exercices"),
		french.Plural(len(lib.Situations), "mise en situation", "mises en situation"), len(lib.Fiches), len(lib.Structures), fund)
	for _, f := range lib.StaleFiches(time.Now()) {
		fmt.Fprintf(stdout, "À relire : la fiche %s (%s) a été revue le %s, il y a plus de six mois.\n", f.ID, f.Title, f.UpdatedOn)
	}
	return nil
}
