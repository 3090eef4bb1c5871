package demo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/actormap"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// SyntheticOptions size a synthetic cohort.
type SyntheticOptions struct {
	Learners         int   // 1 to MaxSyntheticLearners
	PiecesPerLearner int   // 0 means DefaultSyntheticPieces
	Assessors        int   // 2 to MaxSyntheticAssessors; 0 means max(2, Learners/40)
	Seed             int64 // same seed, same cohort (apart from ids and logins)
}

// Bounds and defaults of a synthetic cohort.
const (
	DefaultSyntheticPieces = 30
	MaxSyntheticLearners   = 100000
	MaxSyntheticPieces     = 200
	MaxSyntheticAssessors  = 1000
)

// The synthetic cohort's period: deposits and gradings fall inside it.
var (
	syntheticStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	syntheticEnd   = time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)
)

// The target mix of piece statuses over a cohort (learners' pace moves
// their own mix around it), and the other proportions.
const (
	shareDraft      = 0.15
	shareDeposited  = 0.15
	shareInGrading  = 0.15
	shareGraded     = 0.40
	shareRework     = 0.12
	shareModeration = 0.03
	// Double marking: moderation pieces always, and this share of the other
	// deposited pieces, so that about 20 % of deposited pieces are
	// double-marked.
	shareDouble = 0.17
	// Double-marked pieces whose two markers disagreed and a third settled
	// (needs a third person: a third assessor, or the cohort's manager).
	shareSettled = 0.15
	// Learners at risk: weak, many pieces returned.
	shareAtRisk = 0.06
	// Deposited pieces that are a second version (the first was returned).
	shareSecondVersion       = 0.12
	shareSecondVersionAtRisk = 0.45
	// Pieces linked by the learner to one capacity beyond their kind's.
	shareExtraLink = 0.08
	// Learners per transaction.
	syntheticChunk = 100
)

// SeedSynthetic adds one synthetic cohort and returns its id: learners
// (logins synth<id>-a0001…), assessors (synth<id>-e001…), their pieces,
// versions and gradings, with realistic mixes of states and levels, the
// cohort's marking settings (20 % sampled for double marking) and one
// deadline per deliverable kind. The login « responsable », when it is a
// manager account, manages the cohort.
//
// Everything is written straight in SQL, in one transaction per 100
// learners: the accounts share one password hash, computed once from a
// random secret that is thrown away, so synthetic accounts cannot log in.
// Stored statuses are those the assessment package derives from the
// gradings written. The learners' capacity states read by the heatmap are
// not computed here: call assessment.Service.RebuildCoverage for the cohort
// afterwards (casp seed does). On error, what was already written is
// removed.
func SeedSynthetic(ctx context.Context, d *db.DB, fw *referentiel.Framework, o SyntheticOptions) (int64, error) {
	if o.PiecesPerLearner == 0 {
		o.PiecesPerLearner = DefaultSyntheticPieces
	}
	if o.Assessors == 0 {
		o.Assessors = min(max(2, o.Learners/40), MaxSyntheticAssessors)
	}
	switch {
	case o.Learners < 1 || o.Learners > MaxSyntheticLearners:
		return 0, fmt.Errorf("le nombre d'apprenants doit être compris entre 1 et %d", MaxSyntheticLearners)
	case o.PiecesPerLearner < 1 || o.PiecesPerLearner > MaxSyntheticPieces:
		return 0, fmt.Errorf("le nombre de pièces par apprenant doit être compris entre 1 et %d", MaxSyntheticPieces)
	case o.Assessors < 2 || o.Assessors > MaxSyntheticAssessors: // double marking needs two
		return 0, fmt.Errorf("le nombre d'évaluateurs doit être compris entre 2 et %d", MaxSyntheticAssessors)
	case fw == nil || len(fw.DeliverableKinds) == 0:
		return 0, errors.New("référentiel sans type de production : rien à générer")
	}
	g, err := newSynth(fw, o)
	if err != nil {
		return 0, err
	}
	if err := d.Tx(ctx, g.createCohort(ctx)); err != nil {
		return 0, fmt.Errorf("promotion synthétique : %w", err)
	}
	for lo := 0; lo < o.Learners; lo += syntheticChunk {
		hi := min(lo+syntheticChunk, o.Learners)
		var created []int64
		if err := d.Tx(ctx, g.createLearners(ctx, lo, hi, &created)); err != nil {
			if cerr := g.remove(context.WithoutCancel(ctx), d); cerr != nil {
				return 0, fmt.Errorf("promotion synthétique : %w (et nettoyage incomplet : %v)", err, cerr)
			}
			return 0, fmt.Errorf("promotion synthétique : %w", err)
		}
		g.learners = append(g.learners, created...)
	}
	return g.cohortID, nil
}

// synth holds one generation: the random source (consumed in a fixed
// order, so the same seed gives the same cohort) and what was created.
type synth struct {
	fw       *referentiel.Framework
	o        SyntheticOptions
	rng      *mrand.Rand
	hash     string
	now      string
	kinds    []*referentiel.DeliverableKind // by deadline
	due      map[string]time.Time
	base     map[string][]assessment.CapacityLink
	caps     []string // every certified capacity, for extra links
	criteria map[string][]string
	bodies   map[string][]string // editor → authored bodies (guide, cartographie)
	fb       feedbackBank

	learnerNames, assessorNames int // starts of the name sequences

	cohortID  int64
	prefix    string
	managerID int64
	assessors []int64
	learners  []int64
}

func newSynth(fw *referentiel.Framework, o SyntheticOptions) (*synth, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	hash, err := argon2id.CreateHash(hex.EncodeToString(secret), &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		return nil, err
	}
	g := &synth{fw: fw, o: o, rng: mrand.New(mrand.NewSource(o.Seed)), hash: hash, now: time.Now().UTC().Format(time.RFC3339),
		due: map[string]time.Time{}, base: map[string][]assessment.CapacityLink{}, criteria: map[string][]string{}, bodies: map[string][]string{}}
	g.learnerNames = g.rng.Intn(len(firstNames) * len(lastNames))
	g.assessorNames = g.rng.Intn(len(firstNames) * len(lastNames))
	// Deadlines: the kinds in framework order, the long reports last,
	// spread from mid-February to the end of November.
	g.kinds = append(g.kinds, fw.DeliverableKinds...)
	sort.SliceStable(g.kinds, func(i, j int) bool { return g.kinds[i].MinPages < g.kinds[j].MinPages })
	first, last := time.Date(2026, 2, 13, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i, k := range g.kinds {
		at := first
		if len(g.kinds) > 1 {
			at = first.Add(time.Duration(i) * last.Sub(first) / time.Duration(len(g.kinds)-1))
		}
		g.due[k.ID] = at.Truncate(24 * time.Hour)
		seen := map[string]bool{}
		for _, l := range fw.Links(k) {
			for _, c := range l.Capacities {
				if !seen[c.ID] {
					seen[c.ID] = true
					g.base[k.ID] = append(g.base[k.ID], assessment.CapacityLink{CapacityID: c.ID, FromKind: true})
				}
			}
		}
		g.criteria[k.ID] = assessment.CriteriaFor(fw, g.base[k.ID])
	}
	for _, t := range fw.Tasks() {
		if t.HasCertification() {
			t.EachCapacity(func(c *referentiel.Item) { g.caps = append(g.caps, c.ID) })
		}
	}
	samples, fb, err := loadSamples(fw)
	if err != nil {
		return nil, err
	}
	g.fb = fb
	for _, s := range samples {
		k, _ := fw.Kind(s.Kind)
		if k.Editor == "rapport" {
			continue // reports are generated short, to keep the file small
		}
		body, err := s.body()
		if err != nil {
			return nil, err
		}
		g.bodies[k.Editor] = append(g.bodies[k.Editor], body)
	}
	return g, nil
}

// createCohort adds the cohort, its settings and deadlines, its manager and
// its assessors.
func (g *synth) createCohort(ctx context.Context) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		base := fmt.Sprintf("Promotion synthétique %d", g.o.Learners)
		name := base
		for n := 2; ; n++ {
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cohorts WHERE name=?`, name).Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
			name = fmt.Sprintf("%s (%d)", base, n)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO cohorts(name, framework_id, starts_on, ends_on, created_at) VALUES (?,?,?,?,?)`,
			name, g.fw.ID, syntheticStart.Format(time.DateOnly), syntheticEnd.Format(time.DateOnly), g.now)
		if err != nil {
			return err
		}
		if g.cohortID, err = res.LastInsertId(); err != nil {
			return err
		}
		// Logins synth<id>-…; a cohort id reused after a deletion may find
		// them taken, so a letter is added until the prefix is free.
		g.prefix = fmt.Sprintf("synth%d", g.cohortID)
		for suffix := 'b'; ; suffix++ {
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE substr(login, 1, ?)=?`, len(g.prefix)+1, g.prefix+"-").Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
			if suffix > 'z' {
				return errors.New("aucun préfixe d'identifiant libre pour les comptes synthétiques")
			}
			g.prefix = fmt.Sprintf("synth%d%c", g.cohortID, suffix)
		}
		levels, _ := json.Marshal(assessment.DefaultLevels)
		if _, err := tx.ExecContext(ctx, `INSERT INTO marking_settings(cohort_id, levels, pass_level, double_kinds, sample_percent, discrepancy)
			VALUES (?,?,?,?,?,?)`, g.cohortID, string(levels), 2, "[]", 20, 2); err != nil {
			return err
		}
		for _, k := range g.kinds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO deadlines(cohort_id, kind_id, due_on) VALUES (?,?,?)`,
				g.cohortID, k.ID, g.due[k.ID].Format(time.DateOnly)); err != nil {
				return err
			}
		}
		err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE login='responsable' AND role='manager'`).Scan(&g.managerID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if g.managerID != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,'manager')`, g.cohortID, g.managerID); err != nil {
				return err
			}
		}
		for i := 0; i < g.o.Assessors; i++ {
			id, err := g.addUser(ctx, tx, fmt.Sprintf("%s-e%03d", g.prefix, i+1), g.name(g.assessorNames, i), "assessor")
			if err != nil {
				return err
			}
			g.assessors = append(g.assessors, id)
		}
		return nil
	}
}

func (g *synth) addUser(ctx context.Context, tx *sql.Tx, login, name, role string) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO users(login, display_name, role, password_hash, created_at, password_changed_at) VALUES (?,?,?,?,?,?)`,
		login, name, role, g.hash, g.now, g.now)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,?)`, g.cohortID, id, role)
	return id, err
}

// remove deletes what a failed generation left: learners first (their
// pieces, versions and gradings go with them), then assessors, then the
// cohort (its members, settings and deadlines go with it).
func (g *synth) remove(ctx context.Context, d *db.DB) error {
	if g.cohortID == 0 {
		return nil
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pieces WHERE cohort_id=?`, g.cohortID); err != nil {
			return err
		}
		for _, ids := range [][]int64{g.learners, g.assessors} {
			for _, id := range ids {
				if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id=?`, id); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM cohorts WHERE id=?`, g.cohortID)
		return err
	})
}

// createLearners writes learners lo to hi-1 with their pieces.
// Their ids go to created, which the caller keeps once the transaction is
// committed (ids of a rolled-back transaction may be reused by others).
func (g *synth) createLearners(ctx context.Context, lo, hi int, created *[]int64) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		w, err := newSynthWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		width := max(4, len(strconv.Itoa(g.o.Learners)))
		for i := lo; i < hi; i++ {
			uid, err := g.addUser(ctx, tx, fmt.Sprintf("%s-a%0*d", g.prefix, width, i+1), g.name(g.learnerNames, i), "learner")
			if err != nil {
				return err
			}
			*created = append(*created, uid)
			lp := g.plan()
			a, b, c := g.markers(lp)
			for _, p := range g.pieces(lp) {
				if err := g.writePiece(w, uid, lp, p, a, b, c); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

func (g *synth) writePiece(w *synthWriter, learnerID int64, lp learnerPlan, p piecePlan, a, b, c int64) error {
	r := g.rng
	title := p.kind.Label + " — " + themes[r.Intn(len(themes))]
	links := g.base[p.kind.ID]
	criteria := g.criteria[p.kind.ID]
	just := ""
	if p.extra != "" {
		just = justifications[r.Intn(len(justifications))]
		links = append(append([]assessment.CapacityLink(nil), links...), assessment.CapacityLink{CapacityID: p.extra, Justification: just})
		criteria = assessment.CriteriaFor(g.fw, links)
	}
	body1, body := g.body(p.kind, title)
	if p.v2 && p.kind.Editor == "rapport" {
		body = body1 + reworkedSection
	}
	// Dates: v1 deposited some weeks before v2, the piece started before.
	v1At := p.at
	if p.v2 {
		v1At = maxTime(syntheticStart.Add(24*time.Hour), p.at.AddDate(0, 0, -(12+r.Intn(30))))
	}
	created := maxTime(syntheticStart, v1At.AddDate(0, 0, -(2+r.Intn(18)))).Truncate(time.Second)
	pid, err := w.piece(learnerID, g.cohortID, p.kind.ID, title, body, p.at, pseudonym(r), p.double, p.status, created, p.status != assessment.Draft, p.v2)
	if err != nil {
		return err
	}
	if p.extra != "" {
		if err := w.link(pid, p.extra, just); err != nil {
			return err
		}
	}
	if p.status == assessment.Draft {
		return nil
	}
	lj, _ := json.Marshal(links)
	cj, _ := json.Marshal(criteria)
	skill := lp.ability + p.quality
	if p.v2 {
		v1, err := w.version(pid, 1, title, body1, string(lj), string(cj), fingerprint(p.kind.ID, title, body1), v1At)
		if err != nil {
			return err
		}
		for _, gr := range g.gradings(assessment.Rework, p.double, len(criteria), skill-0.4, a, b, c, v1At, p.at.Add(-time.Hour)) {
			if err := g.writeGrading(w, v1, criteria, gr); err != nil {
				return err
			}
		}
	}
	number := 1
	if p.v2 {
		number = 2
	}
	vid, err := w.version(pid, number, title, body, string(lj), string(cj), fingerprint(p.kind.ID, title, body), p.at)
	if err != nil {
		return err
	}
	for _, gr := range g.gradings(p.status, p.double, len(criteria), skill, a, b, c, p.at, minTime(p.at.AddDate(0, 0, 21), syntheticEnd)) {
		if err := g.writeGrading(w, vid, criteria, gr); err != nil {
			return err
		}
	}
	return nil
}

func (g *synth) writeGrading(w *synthWriter, versionID int64, criteria []string, gr grading) error {
	feedback := ""
	if gr.decision != "" {
		feedback = g.pick(g.fb.general(string(gr.decision), ""))
	}
	var released any
	if gr.state == assessment.Released {
		released = stampOf(gr.updated)
	}
	gid, err := w.grading(versionID, gr.assessor, string(gr.role), string(gr.state), string(gr.decision), feedback,
		stampOf(gr.created), stampOf(gr.updated), released)
	if err != nil {
		return err
	}
	comments := make([]string, len(criteria))
	for i, l := range gr.levels {
		if l >= 0 && g.rng.Intn(3) == 0 {
			comments[i] = g.pick(g.fb.Comments[strconv.Itoa(l)])
		}
	}
	return w.scores(gid, criteria, gr.levels, comments)
}

func (g *synth) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[g.rng.Intn(len(list))]
}

// body returns a piece's first version and its current text. Reports are
// generated, a few hundred words at most; guides and actor maps are the
// authored demo pieces, since their editors check their structure.
func (g *synth) body(k *referentiel.DeliverableKind, title string) (string, string) {
	if list := g.bodies[k.Editor]; len(list) > 0 {
		b := list[g.rng.Intn(len(list))]
		return b, b
	}
	switch k.Editor {
	case "guide":
		b := string(assessment.NewGuide().JSON())
		return b, b
	case "cartographie":
		b := string(actormap.Map{Actors: []actormap.Actor{}, Relations: []actormap.Relation{}}.JSON())
		return b, b
	}
	r := g.rng
	var sb strings.Builder
	sb.WriteString("# " + title + "\n\n")
	for _, sec := range reportSections {
		sb.WriteString("## " + sec.title + "\n\n")
		n := 2 + r.Intn(2)
		for j := 0; j < n; j++ {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(sec.sentences[r.Intn(len(sec.sentences))])
		}
		sb.WriteString("\n\n")
	}
	b := strings.TrimRight(sb.String(), "\n") + "\n"
	return b, b
}

const reworkedSection = "\n## Compléments apportés à la suite de l'évaluation\n\n" +
	"J'ai repris l'analyse en distinguant ce que j'ai observé de ce que j'en déduis, et j'ai précisé pour chaque proposition le partenaire mobilisé, l'échéance et la manière dont la personne y a pris part.\n"

// fingerprint mirrors the assessment package's canonical fingerprint of a
// version without attachments.
func fingerprint(kind, title, body string) string {
	canon, _ := json.Marshal(struct {
		Kind  string   `json:"type"`
		Title string   `json:"titre"`
		Body  string   `json:"contenu"`
		Files []string `json:"fichiers"`
	}{kind, title, body, []string{}})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

const pseudonymAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func pseudonym(r *mrand.Rand) string {
	b := []byte("Copie ")
	for i := 0; i < 5; i++ {
		b = append(b, pseudonymAlphabet[r.Intn(len(pseudonymAlphabet))])
	}
	return string(b)
}

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// name gives the i-th display name « Prénom Nom » of a sequence starting
// at start: the step, a prime that does not divide the number of
// combinations, visits every first name × last name once before any
// repeats.
func (g *synth) name(start, i int) string {
	total := len(firstNames) * len(lastNames)
	idx := (start + i*7919) % total
	return firstNames[idx%len(firstNames)] + " " + lastNames[idx/len(firstNames)]
}

// Fictional names, combined first name × last name.
var firstNames = []string{
	"Adèle", "Agathe", "Aïcha", "Alice", "Amandine", "Anaïs", "Awa", "Camille", "Céline", "Chloé", "Clara", "Élodie",
	"Emma", "Fatima", "Hélène", "Inès", "Jade", "Julie", "Laura", "Léa", "Leïla", "Lina", "Louise", "Manon",
	"Marie", "Mathilde", "Myriam", "Nadia", "Nora", "Pauline", "Rose", "Sarah", "Sophie", "Yasmine", "Zoé", "Maëlle",
	"Adam", "Alexandre", "Antoine", "Arthur", "Bastien", "Benjamin", "Bilal", "Clément", "David", "Enzo", "Florian", "Gabriel",
	"Hugo", "Ibrahima", "Jules", "Julien", "Karim", "Kevin", "Louis", "Lucas", "Mamadou", "Mathis", "Maxime", "Mehdi",
	"Nathan", "Nicolas", "Olivier", "Paul", "Pierre", "Rayan", "Samuel", "Sofiane", "Théo", "Thomas", "Yanis", "Youssef",
}

var lastNames = []string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Simon", "Michel",
	"Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
	"Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
	"François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu",
	"Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
	"Diallo", "Traoré", "Benali", "Haddad", "Nguyen", "Da Silva", "Ferreira", "Cissé", "Belkacem", "Kone", "Mendy", "Lopez",
}

// Themes make titles: a deliverable kind on one public or setting.
var themes = []string{
	"accueil des jeunes en Mission locale", "accompagnement des allocataires du RSA", "permanence du CCAS",
	"hébergement d'urgence et accès au logement", "non-recours aux droits", "insertion par l'activité économique",
	"public en situation de handicap (Cap emploi)", "contrat d'engagement jeune", "familles monoparentales",
	"seniors en recherche d'emploi", "personnes sous main de justice", "réfugiés et demandeurs d'asile",
	"illettrisme et accès au numérique", "mobilité en territoire rural", "santé et freins périphériques",
	"jeunes sortants de l'aide sociale à l'enfance", "Point information jeunesse", "quartier prioritaire de la ville",
	"chantier d'insertion", "information collective", "création d'activité", "reconversion professionnelle",
	"décrochage scolaire", "travailleurs pauvres",
}

var justifications = []string{
	"La pièce montre aussi comment j'ai mobilisé les partenaires du territoire autour de la situation.",
	"J'y analyse ma posture professionnelle, ce qui relève aussi de cette capacité.",
	"Une partie du travail porte sur la recherche et la mise à jour de l'information, au-delà du type de production.",
	"La restitution à l'équipe décrite en fin de pièce illustre cette capacité.",
}

var reportSections = []struct {
	title     string
	sentences []string
}{
	{"Contexte", []string{
		"La structure d'accueil accompagne chaque année plusieurs centaines de personnes sur un territoire marqué par un chômage de longue durée.",
		"J'ai effectué mon stage au sein d'une équipe de cinq conseillers, sous la responsabilité d'une coordinatrice.",
		"Le dispositif étudié s'adresse à un public éloigné de l'emploi, orienté par les services sociaux du département.",
		"Les situations présentées ont été anonymisées : les prénoms et les lieux ont été modifiés.",
		"La commande initiale venait de l'équipe, qui souhaitait mieux comprendre les ruptures de parcours.",
	}},
	{"Démarche", []string{
		"J'ai conduit des entretiens semi-directifs à partir d'un guide préparé avec ma tutrice.",
		"J'ai croisé les observations faites à l'accueil avec les données d'activité du service.",
		"Chaque rencontre a fait l'objet d'une prise de notes, relue et complétée le jour même.",
		"J'ai présenté une première version de mon analyse à l'équipe avant de la compléter.",
		"Les partenaires rencontrés ont été choisis pour couvrir l'emploi, le logement, la santé et la formation.",
	}},
	{"Analyse", []string{
		"Les freins à l'emploi ne se cumulent pas seulement : ils se renforcent les uns les autres.",
		"La relation de confiance s'est construite progressivement, à partir de demandes très concrètes.",
		"Plusieurs personnes ne sollicitent pas les aides auxquelles elles ont droit, faute d'information ou par crainte d'être jugées.",
		"Le travail en réseau suppose de connaître les missions et les limites de chaque partenaire.",
		"Ma posture a évolué : j'ai appris à laisser la personne formuler elle-même ses priorités.",
		"Les outils du service facilitent le suivi, mais ne rendent pas compte de tout le travail d'accompagnement.",
	}},
	{"Perspectives", []string{
		"Je propose de formaliser une fiche de liaison avec les partenaires du logement.",
		"Un temps d'échange régulier entre conseillers permettrait de partager les situations complexes.",
		"Cette expérience confirme mon intérêt pour l'accompagnement global des personnes.",
		"Il faudrait évaluer ces propositions après six mois de mise en œuvre.",
	}},
}
