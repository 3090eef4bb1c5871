package account

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/form"
	"github.com/casp-cnam/casp/internal/french"
)

// Limits of one CSV import of learners.
const (
	MaxImportBytes = 1 << 20
	MaxImportRows  = 2000
	// ImportTTL is how long a preview may be confirmed; unconfirmed
	// previews (names and e-mails of people) are purged after it.
	ImportTTL = time.Hour
)

// Audit actions of the import.
const (
	ActionImportPreview = "aperçu d'import d'apprenants"
	ActionImport        = "import d'apprenants"
)

// ImportTemplate is the downloadable model file: UTF-8 with a byte-order
// mark, so that Excel shows the accents, and semicolons, Excel's separator
// in French.
const ImportTemplate = "\ufeffidentifiant;nom;courriel\r\n" +
	"claire.martin;Claire Martin;claire.martin@exemple.fr\r\n" +
	"karim.haddad;Karim Haddad;\r\n" +
	"lea.nguyen;Léa Nguyen;lea.nguyen@exemple.fr\r\n"

// ImportStatus is what confirming will do with one line of the file.
type ImportStatus string

// The statuses of a line.
const (
	ImportNew     ImportStatus = "nouveau"
	ImportEnrol   ImportStatus = "inscription"
	ImportAlready ImportStatus = "deja-inscrit"
	ImportError   ImportStatus = "erreur"
)

// Label is the status as the preview shows it.
func (st ImportStatus) Label() string {
	switch st {
	case ImportNew:
		return "Nouvel apprenant"
	case ImportEnrol:
		return "Compte existant inscrit"
	case ImportAlready:
		return "Déjà inscrit"
	}
	return "Erreur"
}

// ImportRow is one learner line of the file.
type ImportRow struct {
	Line   int          `json:"line"`
	Login  string       `json:"login"`
	Name   string       `json:"name"`
	Email  string       `json:"email"`
	Status ImportStatus `json:"status"`
	Errors []string     `json:"errors,omitempty"`
	Note   string       `json:"note,omitempty"`
	UserID int64        `json:"user_id,omitempty"` // the existing account
	// Doubts are possible duplicates to check before confirming: a new
	// account with the name of a learner of the cohort, or another line's,
	// or the e-mail of an existing account.
	Doubts []string `json:"doubts,omitempty"`
}

// ImportFile is a parsed file: its lines, and how it was read.
type ImportFile struct {
	Encoding  string      `json:"encoding"`
	Separator string      `json:"separator"`
	Ignored   []string    `json:"ignored,omitempty"` // columns not used
	Rows      []ImportRow `json:"rows"`
}

// Count returns the number of lines with a status.
// Doubtful counts the lines with a possible duplicate.
func (f ImportFile) Doubtful() int {
	n := 0
	for _, r := range f.Rows {
		if len(r.Doubts) > 0 {
			n++
		}
	}
	return n
}

func (f ImportFile) Count(st ImportStatus) int {
	n := 0
	for _, r := range f.Rows {
		if r.Status == st {
			n++
		}
	}
	return n
}

// fileError refuses the whole file, next to the file field.
func fileError(format string, args ...any) error {
	return apperr.Fields(map[string]string{"fichier": fmt.Sprintf(format, args...)})
}

// ParseLearnerCSV reads a file of learners: UTF-8 (with or without a
// byte-order mark), UTF-16 or Windows-1252 (Excel's « CSV » in French),
// separated by semicolons, commas or tabs (guessed from the header), with a
// header row naming the columns. Whole-file problems are returned as an
// error on the field « fichier »; line problems are kept on each line.
func ParseLearnerCSV(content []byte) (ImportFile, error) {
	var f ImportFile
	if len(content) > MaxImportBytes {
		return f, fileError("Le fichier pèse %s : 1 Mio au plus par import. Découpez-le en plusieurs fichiers.", french.Size(int64(len(content))))
	}
	text, enc, err := decodeText(content)
	if err != nil {
		return f, err
	}
	f.Encoding = enc
	if strings.TrimSpace(text) == "" {
		return f, fileError("Le fichier est vide : il doit contenir une ligne d'en-tête (identifiant;nom;courriel) puis un apprenant par ligne.")
	}
	sep, sepName := guessSeparator(text)
	f.Separator = sepName
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return f, fileError("La première ligne est illisible : elle doit nommer les colonnes, par exemple identifiant;nom;courriel.")
	}
	cols, err := mapColumns(header, &f)
	if err != nil {
		return f, err
	}
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				f.Rows = append(f.Rows, ImportRow{Line: pe.StartLine, Status: ImportError,
					Errors: []string{"Ligne illisible : vérifiez les guillemets."}})
				continue
			}
			return f, err
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(f.Rows) >= MaxImportRows {
			return f, fileError("Le fichier compte plus de %s apprenants : importez-les en plusieurs fois.", numberFR(MaxImportRows))
		}
		f.Rows = append(f.Rows, cols.row(rec, line, sepName, seen))
	}
	if len(f.Rows) == 0 {
		return f, fileError("Le fichier ne contient que la ligne d'en-tête : ajoutez un apprenant par ligne en dessous.")
	}
	return f, nil
}

func numberFR(n int) string {
	s := fmt.Sprint(n)
	if len(s) > 3 {
		s = s[:len(s)-3] + "\u202f" + s[len(s)-3:]
	}
	return s
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// decodeText refuses what is not text (a spreadsheet, an image…), naming
// what it is, and returns the content as UTF-8 with the encoding it had.
func decodeText(content []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(content, []byte{0xFF, 0xFE}), bytes.HasPrefix(content, []byte{0xFE, 0xFF}):
		// Excel's « Texte Unicode » export.
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(content)
		if err != nil || !utf8.Valid(out) {
			return "", "", fileError("Ce fichier UTF-16 est illisible : enregistrez-le au format « CSV UTF-8 ».")
		}
		return strings.TrimPrefix(string(out), "\ufeff"), "UTF-16", nil
	case bytes.IndexByte(content, 0) >= 0 || !isText(content):
		return "", "", fileError("Ce fichier est %s, pas un fichier CSV. Dans votre tableur, choisissez « Enregistrer sous » puis le format « CSV UTF-8 » ou « CSV (séparateur : point-virgule) ».", describeType(content))
	case bytes.HasPrefix(content, []byte("\xEF\xBB\xBF")):
		if !utf8.Valid(content[3:]) {
			return "", "", fileError("Le fichier annonce l'encodage UTF-8 mais contient des caractères illisibles : enregistrez-le à nouveau au format « CSV UTF-8 ».")
		}
		return string(content[3:]), "UTF-8 (avec BOM)", nil
	case utf8.Valid(content):
		return string(content), "UTF-8", nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(content)
	if err != nil {
		return "", "", fileError("Encodage du fichier non reconnu : enregistrez-le au format « CSV UTF-8 ».")
	}
	return string(out), "Windows-1252 (Excel)", nil
}

// isText tells text from binary formats by their signature.
func isText(content []byte) bool {
	for m := mimetype.Detect(content); m != nil; m = m.Parent() {
		if strings.HasPrefix(m.String(), "text/") {
			return true
		}
	}
	return false
}

func describeType(content []byte) string {
	m := mimetype.Detect(content)
	switch {
	case m.Is("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
		return "un classeur Excel (XLSX)"
	case m.Is("application/vnd.ms-excel"), m.Is("application/x-ole-storage"):
		return "un classeur Excel ancien format (XLS)"
	case m.Is("application/vnd.oasis.opendocument.spreadsheet"):
		return "un classeur LibreOffice (ODS)"
	case m.Is("application/pdf"):
		return "un document PDF"
	case strings.HasPrefix(m.String(), "image/"):
		return "une image (" + strings.ToUpper(strings.TrimPrefix(m.Extension(), ".")) + ")"
	case m.Is("application/zip"):
		return "une archive ZIP"
	}
	return "un fichier binaire"
}

// guessSeparator counts the candidate separators outside quotes on the
// first non-empty line; a tie goes to the semicolon, Excel's in French.
func guessSeparator(text string) (rune, string) {
	line := ""
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			line = l
			break
		}
	}
	counts := map[rune]int{}
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ';' || c == ',' || c == '\t'):
			counts[c]++
		}
	}
	best := ';'
	for _, c := range []rune{',', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	switch best {
	case ',':
		return best, "virgule"
	case '\t':
		return best, "tabulation"
	}
	return best, "point-virgule"
}

// columns are the positions of the useful columns (-1: absent).
type columns struct {
	login, name, first, email int
	width                     int
}

// headerAliases are the column names understood, once lowered, without
// accents, spaces or punctuation (« E-mail » → « email »).
var headerAliases = map[string]string{
	"identifiant": "login", "login": "login", "utilisateur": "login", "nomdutilisateur": "login", "compte": "login", "username": "login",
	"nom": "name", "nomcomplet": "name", "nometprenom": "name", "prenometnom": "name", "prenomnom": "name", "nomprenom": "name",
	"nomaffiche": "name", "apprenant": "name", "name": "name", "fullname": "name",
	"prenom": "first", "firstname": "first",
	"courriel": "email", "email": "email", "mail": "email", "mel": "email", "adressecourriel": "email", "adresseelectronique": "email",
	"adressemail": "email", "adresseemail": "email", "courrielelectronique": "email",
}

var foldHeader = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

func headerKey(h string) string {
	h, _, _ = transform.String(foldHeader, strings.ToLower(strings.TrimSpace(h)))
	var b strings.Builder
	for _, r := range h {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func mapColumns(header []string, f *ImportFile) (columns, error) {
	cols := columns{login: -1, name: -1, first: -1, email: -1, width: len(header)}
	for i, h := range header {
		var dst *int
		switch headerAliases[headerKey(h)] {
		case "login":
			dst = &cols.login
		case "name":
			dst = &cols.name
		case "first":
			dst = &cols.first
		case "email":
			dst = &cols.email
		}
		if dst == nil || *dst >= 0 {
			if h = strings.TrimSpace(h); h != "" {
				f.Ignored = append(f.Ignored, h)
			}
			continue
		}
		*dst = i
	}
	var missing []string
	if cols.login < 0 {
		missing = append(missing, "« identifiant »")
	}
	if cols.name < 0 {
		missing = append(missing, "« nom »")
	}
	if len(missing) > 0 {
		what := "La colonne " + missing[0] + " est absente"
		if len(missing) == 2 {
			what = "Les colonnes " + missing[0] + " et " + missing[1] + " sont absentes"
		}
		return cols, fileError("%s de la première ligne, qui doit nommer les colonnes : identifiant;nom;courriel (courriel facultatif). "+
			"Première ligne lue : « %s ».", what, clip(strings.Join(header, f.sepChar()), 80))
	}
	return cols, nil
}

func (f *ImportFile) sepChar() string {
	switch f.Separator {
	case "virgule":
		return ","
	case "tabulation":
		return " "
	}
	return ";"
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

type emailCheck struct {
	Email string `form:"email" validate:"email"`
}

// row checks one line on its own (the accounts are checked later).
func (c columns) row(rec []string, line int, sepName string, seen map[string]int) ImportRow {
	cell := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		// Control characters dropped, runs of spaces made one.
		v := strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && !unicode.IsSpace(r) {
				return -1
			}
			return r
		}, rec[i])
		return strings.Join(strings.Fields(v), " ")
	}
	r := ImportRow{Line: line, Login: strings.ToLower(cell(c.login)), Name: cell(c.name), Email: cell(c.email)}
	if first := cell(c.first); first != "" && r.Name != "" {
		r.Name = first + " " + r.Name
	}
	if len(rec) > c.width && !blank(rec[c.width:]) {
		r.Errors = append(r.Errors, fmt.Sprintf("La ligne compte %d colonnes, l'en-tête %d : une valeur qui contient une %s doit être entre guillemets.",
			len(rec), c.width, sepName))
	}
	switch n := utf8.RuneCountInString(r.Login); {
	case n == 0:
		r.Errors = append(r.Errors, "Identifiant manquant.")
	case n > 40:
		r.Errors = append(r.Errors, fmt.Sprintf("Identifiant trop long (%d caractères, 40 au plus).", n))
	case n < 3:
		r.Errors = append(r.Errors, "Identifiant trop court (3 caractères au moins).")
	case !loginRe.MatchString(r.Login):
		r.Errors = append(r.Errors, "L'identifiant « "+r.Login+" » contient "+badLoginChar(r.Login)+
			" : lettres sans accent, chiffres, point, tiret et tiret bas seulement, en commençant par une lettre ou un chiffre.")
	default:
		if prev, dup := seen[r.Login]; dup {
			r.Errors = append(r.Errors, fmt.Sprintf("Identifiant « %s » déjà présent ligne %d du fichier.", r.Login, prev))
		} else {
			seen[r.Login] = line
		}
	}
	switch n := utf8.RuneCountInString(r.Name); {
	case n == 0:
		r.Errors = append(r.Errors, "Nom manquant.")
	case n > 120:
		r.Errors = append(r.Errors, fmt.Sprintf("Nom trop long (%d caractères, 120 au plus).", n))
	}
	if r.Email != "" {
		if n := utf8.RuneCountInString(r.Email); n > 200 {
			r.Errors = append(r.Errors, fmt.Sprintf("Adresse électronique trop longue (%d caractères, 200 au plus).", n))
		} else if form.Check(emailCheck{r.Email}) != nil {
			r.Errors = append(r.Errors, "Adresse électronique « "+r.Email+" » non valide (attendu : prenom.nom@exemple.fr).")
		}
	}
	if len(r.Errors) > 0 {
		r.Status = ImportError
	}
	return r
}

// badLoginChar names the first character a login may not hold.
func badLoginChar(login string) string {
	for i, c := range login {
		ok := c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && strings.ContainsRune("._-", c)))
		if !ok {
			if c == ' ' {
				return "une espace"
			}
			return "le caractère « " + string(c) + " »"
		}
	}
	return "un caractère non autorisé"
}

// ImportPreview is a parsed, checked file waiting for confirmation.
type ImportPreview struct {
	Token     string
	CohortID  int64
	ActorID   int64
	FileName  string
	CreatedAt time.Time
	File      ImportFile
}

// Importable tells whether confirming would change anything.
func (p ImportPreview) Importable() bool {
	return p.File.Count(ImportNew)+p.File.Count(ImportEnrol) > 0
}

// classify sets the status of every line without error from the accounts
// as they are: new, existing learner to enrol, already enrolled, or an
// account that cannot be enrolled.
func classify(ctx context.Context, q db.Querier, cohortID int64, actor User, rows []ImportRow) error {
	var logins []string
	for _, r := range rows {
		if len(r.Errors) == 0 {
			logins = append(logins, r.Login)
		}
	}
	if len(logins) == 0 {
		return nil
	}
	lj, _ := json.Marshal(logins)
	res, err := q.QueryContext(ctx, `SELECT u.id, lower(u.login), u.display_name, u.role, u.disabled,
		EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id=? AND m.user_id=u.id AND m.member_role='learner'),
		? <> 'admin' AND EXISTS (SELECT 1 FROM cohort_members l WHERE l.user_id=u.id AND l.member_role='learner' AND l.cohort_id<>?
			AND NOT EXISTS (SELECT 1 FROM cohort_members a WHERE a.cohort_id=l.cohort_id AND a.user_id=? AND a.member_role='manager'))
		FROM users u WHERE u.login IN (SELECT value FROM json_each(?))`, cohortID, string(actor.Role), cohortID, actor.ID, string(lj))
	if err != nil {
		return err
	}
	defer res.Close()
	type existing struct {
		id             int64
		name, role     string
		disabled, here bool
		foreign        bool // learns in a cohort the actor does not manage
	}
	found := map[string]existing{}
	for res.Next() {
		var e existing
		var login string
		if err := res.Scan(&e.id, &login, &e.name, &e.role, &e.disabled, &e.here, &e.foreign); err != nil {
			return err
		}
		found[login] = e
	}
	if err := res.Err(); err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		if len(r.Errors) > 0 {
			r.Status = ImportError
			continue
		}
		e, ok := found[r.Login]
		r.UserID, r.Note = 0, ""
		switch {
		case !ok:
			r.Status = ImportNew
		case Role(e.role) != Learner:
			r.Status = ImportError
			r.Errors = []string{"Un compte « " + r.Login + " » existe déjà avec le rôle " + strings.ToLower(Role(e.role).Label()) +
				" : il ne peut pas être inscrit comme apprenant. Choisissez un autre identifiant."}
		case e.disabled:
			r.Status = ImportError
			r.Errors = []string{"Le compte « " + r.Login + " » existe mais il est désactivé : un administrateur doit le réactiver avant l'inscription."}
		case e.here:
			r.Status, r.UserID = ImportAlready, e.id
		case e.foreign:
			r.Status = ImportError
			r.Errors = []string{"Le compte « " + r.Login + " » est inscrit dans une autre promotion, que vous ne gérez pas : seul un administrateur ou un responsable de cette promotion peut l'inscrire ici."}
		default:
			r.Status, r.UserID = ImportEnrol, e.id
			if e.name != r.Name {
				r.Note = "Le compte existant garde son nom (« " + e.name + " ») et son courriel."
			}
		}
	}
	return nil
}

// doubts marks the new accounts that may be people already there: same
// name (accents and case aside) as a learner of the cohort or as another
// line of the file, or same e-mail as an existing account. Two statements:
// the cohort's learners, the accounts with those e-mails.
func doubts(ctx context.Context, q db.Querier, cohortID int64, rows []ImportRow) error {
	type person struct{ login, name string }
	byName := map[string][]person{}
	res, err := q.QueryContext(ctx, `SELECT u.login, u.display_name FROM cohort_members m JOIN users u ON u.id=m.user_id
		WHERE m.cohort_id=? AND m.member_role='learner'`, cohortID)
	if err != nil {
		return err
	}
	for res.Next() {
		var p person
		if err := res.Scan(&p.login, &p.name); err != nil {
			res.Close()
			return err
		}
		byName[french.Fold(p.name)] = append(byName[french.Fold(p.name)], p)
	}
	res.Close()
	if err := res.Err(); err != nil {
		return err
	}
	var emails []string
	lines := map[string][]int{}
	for _, r := range rows {
		if r.Status == ImportError {
			continue
		}
		lines[french.Fold(r.Name)] = append(lines[french.Fold(r.Name)], r.Line)
		if r.Status == ImportNew && r.Email != "" {
			emails = append(emails, strings.ToLower(r.Email))
		}
	}
	byEmail := map[string]person{}
	if len(emails) > 0 {
		ej, _ := json.Marshal(emails)
		res, err := q.QueryContext(ctx, `SELECT lower(email), login, display_name FROM users WHERE lower(email) IN (SELECT value FROM json_each(?))`, string(ej))
		if err != nil {
			return err
		}
		for res.Next() {
			var email string
			var p person
			if err := res.Scan(&email, &p.login, &p.name); err != nil {
				res.Close()
				return err
			}
			byEmail[email] = p
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
	}
	for i := range rows {
		r := &rows[i]
		r.Doubts = nil
		if r.Status != ImportNew {
			continue
		}
		for _, p := range byName[french.Fold(r.Name)] {
			r.Doubts = append(r.Doubts, fmt.Sprintf("Même nom qu'un apprenant déjà inscrit : %s (%s). Si c'est la même personne, mettez son identifiant dans le fichier.", p.name, p.login))
		}
		for _, l := range lines[french.Fold(r.Name)] {
			if l != r.Line {
				r.Doubts = append(r.Doubts, fmt.Sprintf("Même nom qu'à la ligne %d du fichier.", l))
			}
		}
		if p, ok := byEmail[strings.ToLower(r.Email)]; ok && r.Email != "" {
			r.Doubts = append(r.Doubts, fmt.Sprintf("Même courriel que le compte %s (%s).", p.login, p.name))
		}
	}
	return nil
}

// PreviewImport parses a file, checks each line against the accounts and
// keeps the result for confirmation. Nothing else is written.
func (s *Service) PreviewImport(ctx context.Context, actor User, co Cohort, fileName string, content []byte, address string) (ImportPreview, error) {
	cohortID := co.ID
	f, err := ParseLearnerCSV(content)
	if err != nil {
		return ImportPreview{}, err
	}
	if err := classify(ctx, s.db.Read, cohortID, actor, f.Rows); err != nil {
		return ImportPreview{}, err
	}
	if err := doubts(ctx, s.db.Read, cohortID, f.Rows); err != nil {
		return ImportPreview{}, err
	}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return ImportPreview{}, err
	}
	p := ImportPreview{Token: hex.EncodeToString(tok), CohortID: cohortID, ActorID: actor.ID, FileName: clip(fileName, 120), CreatedAt: s.now(), File: f}
	body, err := json.Marshal(f)
	if err != nil {
		return ImportPreview{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cohort_imports WHERE confirmed_at IS NULL AND created_at<?`,
			importStamp(p.CreatedAt.Add(-ImportTTL))); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_imports(token, cohort_id, actor_id, file_name, rows, created_at) VALUES (?,?,?,?,?,?)`,
			p.Token, cohortID, actor.ID, p.FileName, string(body), importStamp(p.CreatedAt)); err != nil {
			return err
		}
		return AuditTx(ctx, tx, Entry{At: p.CreatedAt, ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionImportPreview,
			Target: "promotion " + co.Name, Address: address, Detail: fmt.Sprintf("fichier %s : %s", p.FileName, summary(f))})
	})
	return p, err
}

func importStamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func summary(f ImportFile) string {
	return fmt.Sprintf("%d nouveaux, %d comptes existants à inscrire, %d déjà inscrits, %d lignes en erreur",
		f.Count(ImportNew), f.Count(ImportEnrol), f.Count(ImportAlready), f.Count(ImportError))
}

var errNoPreview = apperr.New(apperr.NotFound, "Cet aperçu d'import est introuvable ou a expiré : déposez le fichier à nouveau.")

// Preview returns a preview the actor made for the cohort, neither
// confirmed nor expired; any other token is unknown.
func (s *Service) Preview(ctx context.Context, actor User, cohortID int64, token string) (ImportPreview, error) {
	return s.previewFrom(ctx, s.db.Read, actor, cohortID, token)
}

func (s *Service) previewFrom(ctx context.Context, q db.Querier, actor User, cohortID int64, token string) (ImportPreview, error) {
	p := ImportPreview{Token: token}
	var body, created string
	var confirmed sql.NullString
	err := q.QueryRowContext(ctx, `SELECT cohort_id, actor_id, file_name, rows, created_at, confirmed_at FROM cohort_imports WHERE token=?`, token).
		Scan(&p.CohortID, &p.ActorID, &p.FileName, &body, &created, &confirmed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (p.CohortID != cohortID || p.ActorID != actor.ID)) {
		return p, errNoPreview
	}
	if err != nil {
		return p, err
	}
	if confirmed.Valid {
		return p, apperr.New(apperr.Conflict, "Cet import a déjà été confirmé : rien n'a été importé une seconde fois. Les apprenants figurent dans la promotion.")
	}
	p.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	if s.now().Sub(p.CreatedAt) > ImportTTL {
		return p, errNoPreview
	}
	if err := json.Unmarshal([]byte(body), &p.File); err != nil {
		return p, err
	}
	return p, nil
}

// Credential is a new account's temporary password, shown once.
type Credential struct {
	Login, Name, Email, Password string
}

// ImportResult is what a confirmed import did.
type ImportResult struct {
	Created  []Credential
	Enrolled []ImportRow
	Already  int
	Skipped  int
}

// tempHashParams hash the temporary passwords. The slow parameters of
// HashParams protect passwords people choose; a temporary password is 20
// random characters (99 bits), which no amount of guessing reaches, so a
// light hash lets 2 000 accounts be created in a second or two instead of
// minutes. Their owner must replace it at first login (hashed with
// HashParams then).
var tempHashParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// tempAlphabet has no look-alike characters (no i, l, o, 0, 1).
const tempAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// TempPassword returns a random password like « k3mdz-8qwhe-t2rxa-p9fcu ».
func TempPassword() (string, error) {
	var b strings.Builder
	size := big.NewInt(int64(len(tempAlphabet)))
	for i := range 20 {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, size)
		if err != nil {
			return "", err
		}
		b.WriteByte(tempAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// ConfirmImport imports exactly the previewed lines, in one transaction:
// new accounts (temporary password, to change at first login) enrolled in
// the cohort, existing learners enrolled; lines in error are skipped. If an
// account changed since the preview, nothing is imported. A preview is
// confirmed once: a second confirmation is refused.
func (s *Service) ConfirmImport(ctx context.Context, actor User, co Cohort, token, address string) (ImportResult, error) {
	cohortID := co.ID
	var res ImportResult
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res = ImportResult{}
		p, err := s.previewFrom(ctx, tx, actor, cohortID, token)
		if err != nil {
			return err
		}
		now := s.now()
		// The accounts must be as they were previewed.
		check := make([]ImportRow, len(p.File.Rows))
		for i, r := range p.File.Rows {
			check[i] = r
			if r.Status == ImportError {
				continue
			}
			check[i].Errors = nil
		}
		if err := classify(ctx, tx, cohortID, actor, check); err != nil {
			return err
		}
		for i, r := range p.File.Rows {
			if c := check[i]; c.Status != r.Status || c.UserID != r.UserID {
				return apperr.New(apperr.Conflict, "Les comptes ont changé depuis l'aperçu (ligne %d, identifiant « %s ») : rien n'a été importé. Déposez le fichier à nouveau.", r.Line, r.Login)
			}
		}
		target := "promotion " + co.Name
		for _, r := range p.File.Rows {
			switch r.Status {
			case ImportError:
				res.Skipped++
			case ImportAlready:
				res.Already++
			case ImportEnrol:
				if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,'learner')`, cohortID, r.UserID); err != nil {
					return err
				}
				if err := AuditTx(ctx, tx, Entry{At: now, ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionMembership, SubjectUserID: r.UserID,
					Target: target, Address: address, Detail: "ajouter learner (import CSV)"}); err != nil {
					return err
				}
				res.Enrolled = append(res.Enrolled, r)
			case ImportNew:
				pw, err := TempPassword()
				if err != nil {
					return err
				}
				hash, err := argon2id.CreateHash(pw, tempHashParams)
				if err != nil {
					return err
				}
				at := now.UTC().Format(time.RFC3339)
				ins, err := tx.ExecContext(ctx, `INSERT INTO users(login, display_name, email, role, password_hash, created_at, password_changed_at, must_change_password)
					VALUES (?,?,?,'learner',?,?,?,1)`, r.Login, r.Name, r.Email, hash, at, at)
				if err != nil {
					return err
				}
				id, _ := ins.LastInsertId()
				if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,'learner')`, cohortID, id); err != nil {
					return err
				}
				if err := AuditTx(ctx, tx, Entry{At: now, ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionUserCreated, SubjectUserID: id,
					Target: "compte " + r.Login, Address: address, Detail: "import CSV dans la " + target}); err != nil {
					return err
				}
				res.Created = append(res.Created, Credential{Login: r.Login, Name: r.Name, Email: r.Email, Password: pw})
			}
		}
		done, err := tx.ExecContext(ctx, `UPDATE cohort_imports SET confirmed_at=?, rows='{}', created=?, enrolled=? WHERE token=? AND confirmed_at IS NULL`,
			importStamp(now), len(res.Created), len(res.Enrolled), token)
		if err != nil {
			return err
		}
		if n, _ := done.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Cet import a déjà été confirmé : rien n'a été importé une seconde fois.")
		}
		return AuditTx(ctx, tx, Entry{At: now, ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionImport, Target: target, Address: address,
			Detail: fmt.Sprintf("fichier %s : %d comptes créés, %d comptes existants inscrits, %d déjà inscrits, %d lignes en erreur ignorées",
				p.FileName, len(res.Created), len(res.Enrolled), res.Already, res.Skipped)})
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}
