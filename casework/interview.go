package casework

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

// MoveLabels name the professional moves in French (the debrief names
// them; the interview shows what the professional says).
var MoveLabels = map[string]string{
	"reformuler":               "Reformuler",
	"rassurer":                 "Rassurer",
	"rappeler-confidentialite": "Rappeler la confidentialité",
	"recadrer":                 "Recadrer",
	"valoriser":                "Valoriser",
	"expliquer-le-cadre":       "Expliquer le cadre et le rôle de la structure",
	"ecoute-silencieuse":       "Laisser un silence, écouter",
	"juger":                    "Porter un jugement",
	"conseiller-trop-tot":      "Conseiller avant d'avoir compris",
	"promettre":                "Promettre une solution",
}

// BadMoves are the moves that harm an interview.
var BadMoves = map[string]bool{"juger": true, "conseiller-trop-tot": true, "promettre": true}

// defaultMoves are what a move says and does when the scenario says
// nothing more.
var defaultMoves = map[string]Move{
	"reformuler":               {Text: "Si je vous comprends bien, vous me dites que la situation est devenue difficile à tenir, c'est bien ça ?", Answer: "(La personne hoche la tête.) Oui… c'est ça.", Trust: 1},
	"rassurer":                 {Text: "Vous avez bien fait de venir : nous allons regarder tout cela ensemble, à votre rythme.", Answer: "(La personne souffle un peu.) D'accord.", Trust: 1},
	"rappeler-confidentialite": {Text: "Ce que vous me dites ici reste entre nous : je ne transmets rien à personne sans votre accord.", Answer: "(La personne vous regarde un moment.) D'accord. C'est bien de le savoir.", Trust: 1},
	"recadrer":                 {Text: "Revenons, si vous le voulez bien, à ce qui vous amène aujourd'hui.", Answer: "(La personne se reprend.) Oui, pardon.", Trust: 0},
	"valoriser":                {Text: "Vous avez déjà fait beaucoup, dans une situation qui n'est pas simple.", Answer: "(Un léger sourire.) Vous trouvez ?", Trust: 1},
	"expliquer-le-cadre":       {Text: "Je vous explique ce que nous pouvons faire ici, et ce qui relève d'autres services.", Answer: "(La personne écoute.) D'accord, je comprends mieux.", Trust: 1},
	"ecoute-silencieuse":       {Text: "(Vous laissez un silence, sans rien dire, en restant disponible.)", Answer: "(Après un moment, la personne reprend d'elle-même.)", Trust: 0},
	"juger":                    {Text: "Vous auriez quand même pu réagir plus tôt, non ?", Answer: "(La personne se raidit et baisse les yeux.) Oui… je sais. Je sais bien.", Trust: -2},
	"conseiller-trop-tot":      {Text: "Le mieux, c'est que vous fassiez tout de suite les démarches : je vous donne l'adresse.", Answer: "(La personne hoche la tête, sans conviction.) D'accord… si vous le dites.", Trust: -1},
	"promettre":                {Text: "Ne vous inquiétez pas, je vais vous trouver une solution, c'est promis.", Answer: "(Un soulagement passe sur son visage.) C'est vrai ? Merci… vraiment, merci.", Trust: 0},
}

// MoveOf returns what a move says and does in a scenario.
func (sc *Scenario) MoveOf(name string) Move {
	d := defaultMoves[name]
	m, ok := sc.Moves[name]
	if !ok {
		return d
	}
	if m.Text == "" {
		m.Text = d.Text
	}
	return m
}

// Line is one line of the interview transcript.
type Line struct {
	ID      int64
	Speaker string // pro, personne, note
	Ref     string // question id or move name
	Text    string
	Style   string // pro lines: the question's style, or « geste »
	Trust   int    // person lines: trust after the answer (-1 unknown)
	Delta   int
	Guarded bool
}

// Transcript returns the interview so far.
func (s *Store) Transcript(ctx context.Context, c Case) ([]Line, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Line, error) {
		var l Line
		err := r.Scan(&l.ID, &l.Speaker, &l.Ref, &l.Text, &l.Style, &l.Trust, &l.Delta, &l.Guarded)
		return l, err
	}, `SELECT id, speaker, ref, text, style, coalesce(trust,-1), delta, guarded FROM case_transcript WHERE case_id=? ORDER BY id`, c.ID)
}

// Interview is what the interview panel needs: which questions were asked
// (and answered openly or guardedly), the moves, the revealed and withheld
// facts, and the styles used.
type Interview struct {
	Asked    map[string]bool // answered openly
	Guarded  map[string]bool // answered guardedly: may be asked again later
	Moves    map[string]int
	Revealed map[string]bool
	// Withheld facts the person will no longer tell, and why.
	Withheld map[string]string
	// Styles counts the questions asked by style.
	Styles map[string]int
	// MoveTrust is the trust gained through moves; SinceBlunder counts the
	// questions answered since the last exchange that cost trust.
	MoveTrust    int
	SinceBlunder int
}

// InterviewState loads asked questions, used moves and revealed facts.
func (s *Store) InterviewState(ctx context.Context, c Case) (Interview, error) {
	iv := Interview{Asked: map[string]bool{}, Guarded: map[string]bool{}, Moves: map[string]int{}, Revealed: map[string]bool{},
		Withheld: map[string]string{}, Styles: map[string]int{}, SinceBlunder: 99}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT ref, speaker, style, delta, guarded FROM case_transcript WHERE case_id=? AND speaker<>'note' ORDER BY id`, c.ID)
	if err != nil {
		return iv, err
	}
	for rows.Next() {
		var ref, speaker, style string
		var delta int
		var guarded bool
		if err := rows.Scan(&ref, &speaker, &style, &delta, &guarded); err != nil {
			rows.Close()
			return iv, err
		}
		if speaker == "pro" {
			if style != "" && style != "geste" {
				iv.Styles[style]++
			}
			continue
		}
		if delta < 0 {
			iv.SinceBlunder = 0
		} else if _, isMove := MoveLabels[ref]; !isMove {
			iv.SinceBlunder++
		}
		if ref == "" {
			continue
		}
		if _, isMove := MoveLabels[ref]; isMove {
			iv.Moves[ref]++
			if delta > 0 {
				iv.MoveTrust += delta
			}
			continue
		}
		if guarded {
			if !iv.Asked[ref] {
				iv.Guarded[ref] = true
			}
		} else {
			iv.Asked[ref] = true
			delete(iv.Guarded, ref)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return iv, err
	}
	frows, err := s.db.Read.QueryContext(ctx, `SELECT fact_id, '' FROM case_facts WHERE case_id=?
		UNION ALL SELECT fact_id, cause FROM case_withheld WHERE case_id=?`, c.ID, c.ID)
	if err != nil {
		return iv, err
	}
	defer frows.Close()
	for frows.Next() {
		var f, cause string
		if err := frows.Scan(&f, &cause); err != nil {
			return iv, err
		}
		if cause == "" {
			iv.Revealed[f] = true
		} else {
			iv.Withheld[f] = cause
		}
	}
	return iv, frows.Err()
}

func clampTrust(t int) int { return min(max(t, 0), 5) }

// MaxMoveTrust bounds the trust moves alone can build: trust is earned
// through listening to the person, not through buttons.
const MaxMoveTrust = 2

// evasive is what the person says when they will not tell.
const evasive = "(La personne se ferme.) Je préfère ne pas parler de ça."

// hostOpen refuses an exchange once the host structure has closed.
func (s *Store) hostOpen(c Case) error {
	k := s.ClockOf(c)
	if k.HostOpen {
		return nil
	}
	st, _ := s.lib.Structure(c.Scenario.Structure)
	return apperr.New(apperr.Conflict, "Il est %s, %s : %s est fermé. Fixez un rendez-vous pour poursuivre l'entretien, puis avancez le temps.",
		k.Label, k.Weekday, st.Name)
}

// exchange is one question or move and the person's answer, written in
// one transaction.
type exchange struct {
	ref, proText, style  string
	answer               string
	delta, minutes       int
	guarded              bool
	reveals, withholds   []string
	withholdCause, entry string
}

func (s *Store) record(ctx context.Context, learner account.User, c Case, x exchange) error {
	trust := clampTrust(c.Trust + x.delta)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_transcript(case_id, speaker, ref, text, style) VALUES (?,?,?,?,?)`,
			c.ID, "pro", x.ref, x.proText, x.style); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_transcript(case_id, speaker, ref, text, trust, delta, guarded) VALUES (?,?,?,?,?,?,?)`,
			c.ID, "personne", x.ref, x.answer, trust, trust-c.Trust, x.guarded); err != nil {
			return err
		}
		for _, f := range x.reveals {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO case_facts(case_id, fact_id, sim_day) VALUES (?,?,?)`, c.ID, f, c.Day); err != nil {
				return err
			}
		}
		for _, f := range x.withholds {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO case_withheld(case_id, fact_id, cause)
				SELECT ?,?,? WHERE NOT EXISTS (SELECT 1 FROM case_facts WHERE case_id=? AND fact_id=?)`, c.ID, f, x.withholdCause, c.ID, f); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET trust=?, minutes=minutes+?, clock=clock+? WHERE id=?`, trust, x.minutes, x.minutes, c.ID); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "entretien", x.entry)
	})
}

// Ask puts a question of the scenario to the person, in the scenario's
// words or in the trainee's own (typed): the typed form's style then
// counts. Below the question's trust threshold, or without what it
// requires, the person answers guardedly and reveals nothing; the question
// can be asked again later. A judging question closes the topic for good;
// a leading one gets mere assent.
func (s *Store) Ask(ctx context.Context, learner account.User, caseID int64, questionID, typed string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	q := c.Scenario.question(questionID)
	if q == nil {
		return apperr.New(apperr.Invalid, "Cette question n'existe pas dans ce cas.")
	}
	iv, err := s.InterviewState(ctx, c)
	if err != nil {
		return err
	}
	if iv.Asked[q.ID] {
		return apperr.New(apperr.Conflict, "Vous avez déjà posé cette question : la personne y a répondu plus haut.")
	}
	if err := s.hostOpen(c); err != nil {
		return err
	}
	x := exchange{ref: q.ID, proText: q.Text, style: q.Style, answer: q.Answer, delta: q.Trust, minutes: q.Minutes,
		withholds: q.Withholds, entry: "Question : « " + q.Text + " »"}
	if x.minutes == 0 {
		x.minutes = 2
	}
	if typed = strings.TrimSpace(typed); typed != "" {
		t, ok := trimmed(typed, 500)
		if !ok {
			return apperr.Fields(map[string]string{"tapee": "Votre question tient en 500 caractères au plus."})
		}
		x.proText, x.style, x.entry = t, ClassifyStyle(t), "Question : « "+t+" »"
	}
	open := c.Trust >= q.MinTrust
	if open && len(q.requires) > 0 {
		snap, err := s.snapshot(ctx, c, iv)
		if err != nil {
			return err
		}
		open = snap.holds(c.Scenario, q.requires, c.Day)
	}
	for _, f := range q.Reveals {
		if _, gone := iv.Withheld[f]; !gone {
			x.reveals = append(x.reveals, f)
		}
	}
	guardedAnswer := q.Guarded
	if guardedAnswer == "" {
		guardedAnswer = evasive
	}
	switch {
	case !open:
		x.answer, x.delta, x.guarded, x.reveals = guardedAnswer, min(q.Trust, 0), true, nil
	case len(x.reveals) == 0 && len(q.Reveals) > 0:
		x.answer, x.delta, x.guarded = guardedAnswer, min(q.Trust, 0), true
	}
	if typed != "" && x.style != q.Style && !x.guarded {
		switch x.style {
		case "fermee", "multiple":
			x.delta = min(x.delta, 0)
		case "orientee":
			x.answer, x.delta, x.guarded, x.reveals = "(La personne acquiesce, sans rien ajouter.) Oui… c'est un peu ça.", min(x.delta, 0)-1, true, nil
		case "jugeante":
			x.answer, x.delta, x.guarded = guardedAnswer, min(x.delta, 0)-2, true
			x.withholds, x.withholdCause = append(append([]string{}, x.withholds...), x.reveals...), "question jugeante : « "+x.proText+" »"
			x.reveals = nil
		}
	}
	if len(x.withholds) > 0 && x.withholdCause == "" {
		x.withholdCause = "« " + x.proText + " »"
	}
	return s.record(ctx, learner, c, x)
}

// AskFree records a typed question that matches nothing of the scenario:
// the person does not see what is meant. Its style still counts.
func (s *Store) AskFree(ctx context.Context, learner account.User, caseID int64, typed string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	t, ok := trimmed(typed, 500)
	if t == "" || !ok {
		return apperr.Fields(map[string]string{"tapee": "Écrivez votre question (500 caractères au plus)."})
	}
	if err := s.hostOpen(c); err != nil {
		return err
	}
	x := exchange{proText: t, style: ClassifyStyle(t), answer: "(La personne hésite.) Pardon… je ne vois pas bien ce que vous voulez dire.",
		minutes: 1, guarded: true, entry: "Question : « " + t + " »"}
	switch x.style {
	case "jugeante":
		x.delta, x.answer = -2, "(La personne se raidit.) … Je ne sais pas quoi vous répondre."
	case "orientee":
		x.delta = -1
	}
	return s.record(ctx, learner, c, x)
}

// Move makes a professional move. A move builds trust once, moves alone
// build at most MaxMoveTrust, and right after a blunder a move repairs
// nothing: trust comes back through questions the person can answer.
func (s *Store) Move(ctx context.Context, learner account.User, caseID int64, move string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	label, ok := MoveLabels[move]
	if !ok {
		return apperr.New(apperr.Invalid, "Geste professionnel inconnu.")
	}
	iv, err := s.InterviewState(ctx, c)
	if err != nil {
		return err
	}
	if err := s.hostOpen(c); err != nil {
		return err
	}
	m := c.Scenario.MoveOf(move)
	x := exchange{ref: move, proText: m.Text, style: "geste", answer: m.Answer, delta: m.Trust, minutes: 1, reveals: m.Reveals,
		withholds: m.Withholds, entry: fmt.Sprintf("Geste professionnel : %s — « %s »", label, m.Text)}
	if x.delta > 0 && (iv.Moves[move] > 0 || iv.MoveTrust+x.delta > MaxMoveTrust || iv.SinceBlunder < 2) {
		x.delta = 0
	}
	var kept []string
	for _, f := range x.reveals {
		if _, gone := iv.Withheld[f]; !gone {
			kept = append(kept, f)
		}
	}
	x.reveals = kept
	if len(x.withholds) > 0 {
		x.withholdCause = label + " : « " + m.Text + " »"
	}
	return s.record(ctx, learner, c, x)
}
