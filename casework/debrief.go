package casework

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/referentiel"
)

// Debrief sets the learner's work beside the expert key, and teaches: what
// was found and on what it rests, every referral judged, the pitfalls the
// trainee fell into and why they matter, the trust the interview built or
// lost, and the framework tasks the actions worked. It is formative
// feedback, never a grade.
type Debrief struct {
	Case         Case
	Found        []FactCheck
	FoundCount   int
	Extra        []Situation // noted but not in the key
	Unsupported  int         // noted situations resting on nothing said
	Urgencies    []UrgencyCheck
	Orientations []OrientationCheck
	Referrals    []ReferralCheck
	Pitfalls     []PitfallCheck // fallen into
	Avoided      []PitfallCheck // detected traps the trainee avoided
	OtherTraps   []string       // authored, not detectable: to read
	Interview    InterviewCheck
	Trust        []TrustPoint
	TrustPath    string // SVG polyline points
	Tasks        []TaskCheck
	Questions    int
	Asked        int
	Events       int
	Revealed     int
	FactsTotal   int
}

// Link ties an item of the debrief to the framework: a task and one of its
// criteria, with the criterion's words.
type Link struct {
	Task, Criterion, Text string
}

// FactCheck is one situation of the key: found or missed.
type FactCheck struct {
	Fact     Fact
	Found    bool
	Revealed bool // the interview brought it to light
	By       string
	Withheld string // why the person no longer tells it
	Fiche    *Fiche
	Link     Link
}

// UrgencyCheck compares urgency levels, per domain.
type UrgencyCheck struct {
	Domain    string
	Expected  string
	Tolerated []string
	Given     string
	Why       string
	Right     bool
	Over      bool // rated more urgent than the key, not tolerated
	Day       int
	Link      Link
}

// OrientationCheck is one expected referral: matched or not, in time or not.
type OrientationCheck struct {
	Expected ExpectedReferral
	// Alternatives name the other answers to the same need: the structure
	// when the key gives one (two Missions locales differ by their name),
	// else the kind of structure, with the need when it differs.
	Alternatives []string
	Where        string // the expected structure's name, when the key gives one
	Matched      *Referral
	InTime       bool
	Fiche        *Fiche
	Link         Link
}

// ReferralCheck judges one referral the trainee sent.
type ReferralCheck struct {
	Referral Referral
	// Verdict: attendue, alternative, a-eviter, interne, hors-cle.
	Verdict string
	Reason  string
	Fiche   *Fiche
}

// PitfallCheck is a trap, and whether the trainee fell into it.
type PitfallCheck struct {
	Text string
	Why  string
	What string // what the trainee did
	Link Link
}

// InterviewCheck reads how the interview was led.
type InterviewCheck struct {
	Styles      map[string]int
	Total       int
	Open        int
	BadLines    []Exchange // questions of a harmful style (or closed and costly), and the answer
	BadMoves    []Exchange
	Withheld    []Withheld
	Reminded    int // exchange where confidentiality was recalled (0: never)
	SensitiveAt int // first exchange touching a sensitive fact (0: none)
	Sensitive   string
	Minutes     int
	Link        Link
}

// Exchange is a line of the trainee and the person's answer.
type Exchange struct {
	N            int
	Said, Answer string
	Style        string
	Move         string
	Delta        int
}

// Withheld is a fact the person no longer tells, and the cause.
type Withheld struct {
	Fact  Fact
	Cause string
}

// TrustPoint is the trust after an exchange that moved it.
type TrustPoint struct {
	N     int
	Said  string
	Delta int
	Trust int
}

// TaskCheck says whether the trainee's actions worked a task.
type TaskCheck struct {
	Task     *referentiel.Task
	Declared bool // the scenario is written to work it
	Worked   bool
	Evidence string
}

func (s *Store) link(crit string) Link {
	c, ok := s.fw.Criterion(crit)
	if !ok {
		return Link{}
	}
	return Link{Task: referentiel.TaskOf(crit), Criterion: crit, Text: c.Display()}
}

func (s *Store) fiche(id string) *Fiche {
	if f, ok := s.lib.Fiche(id); ok {
		return f
	}
	return nil
}

// Debrief computes the debrief of a case (readable by its learner and staff).
func (s *Store) Debrief(ctx context.Context, viewer account.User, caseID int64) (Debrief, error) {
	c, err := s.Case(ctx, viewer, caseID)
	if err != nil {
		return Debrief{}, err
	}
	sc := c.Scenario
	d := Debrief{Case: c}
	sits, err := s.Situations(ctx, c)
	if err != nil {
		return d, err
	}
	iv, err := s.InterviewState(ctx, c)
	if err != nil {
		return d, err
	}
	snap, err := s.snapshot(ctx, c, iv)
	if err != nil {
		return d, err
	}
	lines, err := s.Transcript(ctx, c)
	if err != nil {
		return d, err
	}
	d.Revealed, d.FactsTotal = len(iv.Revealed), len(sc.Facts)
	for _, tp := range sc.Topics {
		d.Questions += len(tp.Questions)
	}
	d.Asked = len(iv.Asked)

	// Situations: credited only when tied to the fact they rest on, and
	// that fact was revealed — never on a domain alone.
	used := map[int64]bool{}
	for _, fid := range sc.Key.Situations {
		f := sc.Facts[factIndex(sc, fid)]
		crit := f.Criterion
		if crit == "" {
			crit = "1.5/crit/1"
		}
		fc := FactCheck{Fact: f, Revealed: iv.Revealed[fid], Withheld: iv.Withheld[fid], Fiche: s.fiche(f.Fiche), Link: s.link(crit)}
		for _, x := range sits {
			if !used[x.ID] && x.FactID == fid && fc.Revealed {
				fc.Found, fc.By = true, x.Label
				used[x.ID] = true
				d.FoundCount++
				break
			}
		}
		d.Found = append(d.Found, fc)
	}
	for _, x := range sits {
		if !used[x.ID] {
			d.Extra = append(d.Extra, x)
			if x.FactID == "" {
				d.Unsupported++
			}
		}
	}

	// Urgencies, domain by domain.
	for _, u := range sc.Key.Urgencies {
		uc := UrgencyCheck{Domain: u.Domain, Expected: u.Level, Tolerated: u.Tolerated, Why: u.Why, Day: -1, Link: s.link("1.5/crit/1")}
		r, ok := snap.Urgencies[u.Domain]
		if !ok {
			r, ok = snap.Urgencies[""]
		}
		if ok {
			uc.Given, uc.Day = r.Level, r.Day
			uc.Right = r.Level == u.Level || in(u.Tolerated, r.Level)
			uc.Over = !uc.Right && urgencyRank(r.Level) > urgencyRank(u.Level)
		}
		d.Urgencies = append(d.Urgencies, uc)
	}

	// Expected orientations, alternatives included.
	refs := snap.Referrals
	taken := map[int64]string{}
	for _, o := range sc.Key.Orientations {
		crit := o.Criterion
		if crit == "" {
			crit = "3.3/crit/2"
		}
		oc := OrientationCheck{Expected: o, Fiche: s.fiche(o.Fiche), Link: s.link(crit)}
		if o.Structure != "" {
			oc.Where = s.lib.StructureName(o.Structure)
		}
		for _, a := range o.Alternatives {
			label := TypologyLabels[a.Typology]
			if label == "" {
				label = a.Typology
			}
			if a.Structure != "" {
				label = s.lib.StructureName(a.Structure)
			}
			if a.Theme != "" && a.Theme != o.Theme {
				label += " (" + ThemeLabel(a.Theme) + ")"
			}
			oc.Alternatives = append(oc.Alternatives, label)
		}
		targets := append([]AlternativeReferral{{Typology: o.Typology, Structure: o.Structure, Theme: o.Theme}}, o.Alternatives...)
		for ti, t := range targets {
			for i := range refs {
				r := &refs[i]
				if taken[r.ID] != "" || !referralFits(r, t, o.Theme) {
					continue
				}
				oc.Matched = r
				switch {
				case o.SameDay:
					oc.InTime = r.SentDay == 0
				default:
					oc.InTime = o.MaxDays == 0 || r.SentDay <= o.MaxDays
				}
				taken[r.ID] = "attendue"
				if ti > 0 {
					taken[r.ID] = "alternative"
				}
				break
			}
			if oc.Matched != nil {
				break
			}
		}
		d.Orientations = append(d.Orientations, oc)
	}
	// Every referral sent, judged.
	for _, r := range refs {
		rc := ReferralCheck{Referral: r, Verdict: taken[r.ID]}
		if a := sc.avoided(r); a != nil {
			rc.Verdict, rc.Reason, rc.Fiche = "a-eviter", a.Reason, s.fiche(a.Fiche)
		}
		if rc.Verdict == "" {
			rc.Verdict = "hors-cle"
			if r.Internal {
				rc.Verdict = "interne"
			}
		}
		d.Referrals = append(d.Referrals, rc)
	}

	// The interview: styles, harmful lines, trust, confidentiality.
	d.Interview = s.readInterview(c, lines, iv)
	n := 0
	var said string
	trust := sc.StartTrust
	pts := []TrustPoint{{N: 0, Trust: trust}}
	for _, l := range lines {
		switch l.Speaker {
		case "pro":
			n++
			said = l.Text
		case "personne":
			if l.Trust >= 0 {
				trust = l.Trust
				if l.Delta != 0 {
					d.Trust = append(d.Trust, TrustPoint{N: n, Said: said, Delta: l.Delta, Trust: l.Trust})
				}
				pts = append(pts, TrustPoint{N: n, Trust: trust})
			}
		}
	}
	d.TrustPath = trustPath(pts)

	// Pitfalls: detected from what the trainee did.
	s.detectPitfalls(&d, c, snap, iv)

	var events int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM case_events WHERE case_id=?`, c.ID).Scan(&events); err != nil {
		return d, err
	}
	d.Events = events
	d.Tasks = s.tasksWorked(&d, c, snap, iv, sits)
	return d, nil
}

// referralFits tells whether a referral meets an expected target.
func referralFits(r *Referral, t AlternativeReferral, theme string) bool {
	if r.Structure == nil {
		return false
	}
	if t.Structure != "" {
		if r.StructureID != t.Structure {
			return false
		}
	} else if r.Structure.Typology != t.Typology {
		return false
	}
	want := t.Theme
	if want == "" {
		want = theme
	}
	if r.Service == nil || want == "" {
		return true
	}
	for _, th := range r.Service.Themes {
		if themeRoot(th) == themeRoot(want) {
			return true
		}
	}
	return false
}

func (s *Store) readInterview(c Case, lines []Line, iv Interview) InterviewCheck {
	sc := c.Scenario
	ic := InterviewCheck{Styles: iv.Styles, Minutes: c.Minutes, Link: s.link("1.4/crit/2")}
	for st, k := range iv.Styles {
		ic.Total += k
		if st == "ouverte" {
			ic.Open += k
		}
	}
	sensitive := map[string]bool{}
	for _, f := range sc.Facts {
		if f.Sensitive {
			sensitive[f.ID] = true
		}
	}
	n := 0
	for i, l := range lines {
		if l.Speaker != "pro" {
			continue
		}
		n++
		answer := ""
		delta := 0
		if i+1 < len(lines) && lines[i+1].Speaker == "personne" {
			answer, delta = lines[i+1].Text, lines[i+1].Delta
		}
		x := Exchange{N: n, Said: l.Text, Answer: answer, Style: l.Style, Delta: delta}
		if l.Style == "geste" {
			x.Move = l.Ref
			if BadMoves[l.Ref] {
				ic.BadMoves = append(ic.BadMoves, x)
			}
			if l.Ref == "rappeler-confidentialite" && ic.Reminded == 0 {
				ic.Reminded = n
			}
			continue
		}
		// A closed question is no fault in itself; one that cost trust is.
		if l.Style == "orientee" || l.Style == "jugeante" || l.Style == "multiple" || (l.Style == "fermee" && delta < 0) {
			ic.BadLines = append(ic.BadLines, x)
		}
		if ic.SensitiveAt == 0 {
			if q := sc.question(l.Ref); q != nil {
				for _, f := range q.Reveals {
					if sensitive[f] {
						ic.SensitiveAt, ic.Sensitive = n, sc.Facts[factIndex(sc, f)].Situation
					}
				}
			}
		}
	}
	for _, f := range sc.Facts {
		if cause, ok := iv.Withheld[f.ID]; ok {
			ic.Withheld = append(ic.Withheld, Withheld{Fact: f, Cause: cause})
		}
	}
	return ic
}

// trustPath draws the trust curve as SVG polyline points on a 300 × 100
// box (trust 0–5 bottom to top).
func trustPath(pts []TrustPoint) string {
	if len(pts) < 2 {
		return ""
	}
	last := pts[len(pts)-1].N
	if last == 0 {
		last = 1
	}
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", 10+280*float64(p.N)/float64(last), 95-18*float64(p.Trust))
	}
	return b.String()
}

func (s *Store) detectPitfalls(d *Debrief, c Case, snap Snapshot, iv Interview) {
	sc := c.Scenario
	ic := d.Interview
	posture, questions, orient := s.link("1.4/crit/3"), s.link("1.4/crit/2"), s.link("3.3/crit/2")
	fall := func(p PitfallCheck) { d.Pitfalls = append(d.Pitfalls, p) }
	avoid := func(p PitfallCheck) { d.Avoided = append(d.Avoided, p) }
	closed := iv.Styles["fermee"]
	switch {
	case ic.Total < 3:
		fall(PitfallCheck{Text: "l'orientation sans entretien", What: fmt.Sprintf("Vous avez posé %d question(s) avant d'agir.", ic.Total),
			Why: "sans entretien, la demande exprimée tient lieu de diagnostic : les besoins implicites, ceux qui comptent, restent inconnus.", Link: questions})
	case closed >= 4 && closed > ic.Open:
		fall(PitfallCheck{Text: "l'interrogatoire", What: fmt.Sprintf("%d questions fermées pour %d ouvertes.", closed, ic.Open), Why: StyleWhy["fermee"], Link: questions})
	default:
		avoid(PitfallCheck{Text: "l'interrogatoire", What: fmt.Sprintf("%d questions ouvertes sur %d.", ic.Open, ic.Total), Link: questions})
	}
	for _, st := range []string{"orientee", "jugeante", "multiple"} {
		if k := iv.Styles[st]; k > 0 {
			fall(PitfallCheck{Text: "la question " + StyleLabels[st], What: fmt.Sprintf("%d question(s) de ce type, par exemple « %s ».", k, firstOfStyle(ic.BadLines, st)),
				Why: StyleWhy[st], Link: questions})
		}
	}
	badMoveName := map[string]string{"juger": "le jugement", "conseiller-trop-tot": "le conseil prématuré", "promettre": "la promesse"}
	badMoveWhy := map[string]string{
		"juger":               "le jugement place la personne en faute : elle se justifie au lieu de dire, et la confiance se perd plus vite qu'elle ne se gagne.",
		"conseiller-trop-tot": "un conseil donné avant d'avoir compris répond à votre hypothèse, pas à sa situation ; la personne acquiesce et ne revient pas.",
		"promettre":           "vous promettez ce que d'autres décident (un bailleur, une commission, un partenaire) : quand la promesse tombe, c'est votre crédit qui tombe avec elle.",
	}
	for _, m := range ic.BadMoves {
		fall(PitfallCheck{Text: badMoveName[m.Move], What: fmt.Sprintf("Échange %d : « %s »", m.N, m.Said), Why: badMoveWhy[m.Move], Link: posture})
	}
	if ic.SensitiveAt > 0 && (ic.Reminded == 0 || ic.Reminded > ic.SensitiveAt) {
		fall(PitfallCheck{Text: "l'intime sans cadre", What: fmt.Sprintf("Vous avez abordé « %s » à l'échange %d sans avoir rappelé la confidentialité avant.", ic.Sensitive, ic.SensitiveAt),
			Why: "la personne ne dit ce qui l'expose (dettes, santé, justice, violences) que si elle sait ce que vous en ferez : le rappel de la confidentialité vient avant ces questions.", Link: posture})
	} else if ic.SensitiveAt > 0 {
		avoid(PitfallCheck{Text: "l'intime sans cadre", What: fmt.Sprintf("Confidentialité rappelée à l'échange %d, avant les sujets sensibles.", ic.Reminded), Link: posture})
	}
	for _, w := range ic.Withheld {
		fall(PitfallCheck{Text: "la porte fermée", What: fmt.Sprintf("Après %s, la personne ne vous a plus parlé de : %s.", w.Cause, w.Fact.Situation),
			Why: "ce qu'une personne a décidé de taire ne revient pas dans le même entretien : il faudra du temps, et souvent un autre interlocuteur.", Link: posture})
	}
	for _, r := range d.Referrals {
		if r.Verdict == "a-eviter" {
			name := r.Referral.StructureID
			if r.Referral.Structure != nil {
				name = r.Referral.Structure.Name
			}
			fall(PitfallCheck{Text: "l'orientation inadaptée", What: fmt.Sprintf("Orientation vers %s (jour %d).", name, r.Referral.SentDay), Why: r.Reason, Link: orient})
		}
	}
	perDay := map[int]int{}
	for _, r := range snap.Referrals {
		if !r.Internal {
			perDay[r.SentDay]++
		}
	}
	for day, k := range perDay {
		if k >= 5 {
			fall(PitfallCheck{Text: "l'éparpillement", What: fmt.Sprintf("%d orientations le jour %d.", k, day),
				Why: "envoyer une personne vers cinq lieux le même jour, c'est lui confier la coordination que vous deviez assurer : elle n'ira nulle part, ou partout à moitié.", Link: orient})
		}
	}
	for _, u := range d.Urgencies {
		what := "toute la situation"
		if u.Domain != "" {
			what = DomainLabels[u.Domain]
		}
		switch {
		case u.Given == "":
			fall(PitfallCheck{Text: "l'urgence non évaluée", What: fmt.Sprintf("Aucun niveau d'urgence pour %s.", what), Why: u.Why, Link: u.Link})
		case !u.Right && !u.Over:
			fall(PitfallCheck{Text: "l'urgence sous-évaluée", What: fmt.Sprintf("%s : %s au lieu de %s.", what, UrgencyLabel(u.Given), UrgencyLabel(u.Expected)), Why: u.Why, Link: u.Link})
		}
	}
	for _, p := range sc.Key.Pitfalls {
		switch {
		case p.cond == nil:
			d.OtherTraps = append(d.OtherTraps, p.Text)
		case snap.holds(sc, p.cond, c.Day):
			fall(PitfallCheck{Text: "ce piège du cas : « " + strings.TrimSuffix(p.Text, ".") + " »", Why: p.Why, What: "Ce que vous avez fait, ou pas fait, dans ce dossier y correspond.", Link: posture})
		default:
			avoid(PitfallCheck{Text: p.Text})
		}
	}
}

func firstOfStyle(lines []Exchange, style string) string {
	for _, l := range lines {
		if l.Style == style {
			return l.Said
		}
	}
	return ""
}

// tasksWorked reads the tasks from what the trainee did, not from what the
// scenario declares: a thin play works few of them.
func (s *Store) tasksWorked(d *Debrief, c Case, snap Snapshot, iv Interview, sits []Situation) []TaskCheck {
	ic := d.Interview
	goalsWithActions, changed := 0, false
	for _, g := range snap.Goals {
		if len(g.Actions) > 0 {
			goalsWithActions++
		}
		if g.Status != "en_cours" {
			changed = true
		}
		for _, a := range g.Actions {
			if a.Status != "en_projet" {
				changed = true
			}
		}
	}
	honoured := 0
	for _, a := range snap.Appts {
		if a.Status == "honore" {
			honoured++
		}
	}
	matched, goodRefs, contacted := 0, 0, 0
	for _, o := range d.Orientations {
		if o.Matched != nil {
			matched++
		}
	}
	for _, r := range d.Referrals {
		if r.Verdict != "a-eviter" {
			goodRefs++
			if r.Referral.Mode == "telephone" || r.Referral.Status == "acceptee" || r.Referral.Internal {
				contacted++
			}
		}
	}
	adminGoal := false
	for _, g := range snap.Goals {
		adminGoal = adminGoal || themeRoot(g.Theme) == "difficultes-administratives-ou-juridiques"
	}
	urgent := false
	for _, u := range d.Urgencies {
		urgent = urgent || (u.Right && urgencyRank(u.Expected) >= 3)
	}
	work := map[string]string{}
	if ic.Total >= 3 {
		work["1.1"] = fmt.Sprintf("accueil et %d échanges avec la personne", ic.Total)
	}
	if iv.Moves["expliquer-le-cadre"] > 0 {
		work["1.2"] = "vous avez présenté la structure et ce qu'elle peut faire"
		work["1.3"] = "vous avez dit votre rôle et ses limites"
	}
	if ic.Total >= 6 && ic.Open*2 >= ic.Total {
		work["1.4"] = fmt.Sprintf("%d questions dont %d ouvertes", ic.Total, ic.Open)
	}
	if d.FoundCount >= 2 && (strings.TrimSpace(c.FirstDiagnostic) != "" || len(snap.Urgencies) > 0) {
		work["1.5"] = fmt.Sprintf("%d situation(s) repérée(s) sur ce que la personne a dit, urgence évaluée ou premier diagnostic écrit", d.FoundCount)
	}
	if urgent {
		work["1.6"] = "situation d'urgence reconnue à son niveau"
	}
	if matched > 0 {
		work["2.1"] = "information sur les dispositifs utiles à la personne"
	}
	if goodRefs > 0 {
		work["2.2"] = fmt.Sprintf("%d orientation(s) adaptée(s), avec le consentement de la personne", goodRefs)
	}
	if contacted > 0 {
		work["2.3"] = "prise de contact avec un partenaire ou un service interne"
	}
	if strings.TrimSpace(c.FullDiagnostic) != "" && d.FoundCount >= 2 {
		work["3.1"] = "diagnostic approfondi écrit"
	}
	if len(snap.Goals) > 0 {
		work["3.2"] = fmt.Sprintf("%d objectif(s) construits avec la personne", len(snap.Goals))
	}
	if goalsWithActions > 0 {
		work["3.3"] = "objectifs déclinés en actions"
	}
	if snap.Signed >= 0 && (honoured > 0 || c.Day > snap.Signed) {
		work["3.4"] = "contrat signé et suivi dans le temps"
	}
	if changed {
		work["3.5"] = "objectifs ou actions ajustés en cours de route"
	}
	if strings.TrimSpace(c.Review) != "" && strings.TrimSpace(c.Transmission) != "" {
		work["3.6"] = "bilan et note de transmission rédigés"
	}
	if adminGoal {
		work["3.7"] = "démarches administratives inscrites au projet"
	}
	declared := map[string]bool{}
	for _, t := range c.Scenario.Tasks {
		declared[t] = true
	}
	var out []TaskCheck
	for _, t := range s.fw.Tasks() {
		ev, ok := work[t.ID]
		if !ok && !declared[t.ID] {
			continue
		}
		out = append(out, TaskCheck{Task: t, Declared: declared[t.ID], Worked: ok, Evidence: ev})
	}
	return out
}

// SaveReview stores the bilan and the transmission note.
func (s *Store) SaveReview(ctx context.Context, learner account.User, caseID int64, review, transmission string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	review, ok1 := trimmed(review, 20000)
	transmission, ok2 := trimmed(transmission, 20000)
	if !ok1 || !ok2 {
		return apperr.Fields(map[string]string{"bilan": "Le texte tient en 20 000 caractères au plus."})
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET review=?, transmission=? WHERE id=?`, review, transmission, c.ID); err != nil {
			return err
		}
		if review != "" {
			if err := advanceState(ctx, tx, c, StateReview); err != nil {
				return err
			}
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "bilan", "Bilan et note de transmission enregistrés")
	})
}

// Close closes the case: it becomes read-only, and the debrief is final.
func (s *Store) Close(ctx context.Context, learner account.User, caseID int64) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.Review) == "" {
		return apperr.Fields(map[string]string{"bilan": "Rédigez le bilan avant de clore le dossier."})
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET state='clos', closed_at=? WHERE id=?`, stamp(s.now()), c.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "etat", "Dossier clos")
	})
}
