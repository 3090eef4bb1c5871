package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/french"
)

// seedLive plans the demo's live evaluations around today: a soutenance
// already graded by evaluateur1 and evaluateur2 and published (one
// candidate excused, to reschedule), an upcoming soutenance whose
// convocations are sent (then its room changed), a mise en situation
// d'entretien and a jeu de rôle, graded.
func seedLive(ctx context.Context, as *assessment.Service, cohortID int64, manager account.User, learners []account.User, jury []account.User) error {
	today := time.Now().In(french.Paris)
	day := func(d int) time.Time {
		return time.Date(today.Year(), today.Month(), today.Day()+d, 0, 0, 0, 0, french.Paris)
	}
	at := func(d, h, m int) func() time.Time {
		t := time.Date(today.Year(), today.Month(), today.Day()+d, h, m, 0, 0, french.Paris)
		return func() time.Time { t = t.Add(3 * time.Minute); return t }
	}
	defer as.SetClock(time.Now)
	// Who deposited their report of professional experience.
	// The candidate excused at the first soutenance is one whose report is
	// already validated: its capacities of 3.6 wait for the soutenance.
	var withReport, without []account.User
	var validated *account.User
	for _, l := range learners {
		ps, err := as.LearnerPieces(ctx, l.ID)
		if err != nil {
			return err
		}
		has, graded := false, false
		for _, p := range ps {
			has = has || (p.KindID == "rapport-experience-professionnelle" && p.Versions > 0)
			graded = graded || (p.KindID == "rapport-experience-professionnelle" && p.Status == assessment.Graded)
		}
		if graded && validated == nil {
			validated = &l
			continue
		}
		if has {
			withReport = append(withReport, l)
		} else {
			without = append(without, l)
		}
	}
	ids := func(us []account.User) []int64 {
		out := make([]int64, len(us))
		for i, u := range us {
			out[i] = u.ID
		}
		return out
	}
	plan := func(clock func() time.Time, in assessment.SessionInput) (int64, error) {
		as.SetClock(clock)
		id, err := as.PlanSession(ctx, manager, cohortID, in, "")
		if err != nil {
			return 0, fmt.Errorf("session « %s » : %w", in.Kind, err)
		}
		return id, as.SendConvocations(ctx, manager, id, "")
	}
	levels := func(crit []string, base int, i int) map[string]int {
		out := map[string]int{}
		for j, c := range crit {
			out[c] = min(3, max(0, base+(i+j)%2))
		}
		return out
	}

	// 1. The soutenance of ten days ago, graded and published.
	if len(withReport) > 3 {
		withReport = withReport[:3]
	}
	if validated != nil {
		withReport = append(withReport, *validated)
	}
	if len(withReport) > 0 {
		d0 := -10
		sid, err := plan(at(d0-30, 10, 0), assessment.SessionInput{Kind: "soutenance-rapport-experience", Title: "Soutenances du rapport d'expérience — session 1",
			Date: day(d0).Format("2006-01-02"), Time: "09:00", Minutes: 40, Place: "Cnam Pays de la Loire, 25 boulevard Guist'hau, Nantes — salle 204",
			Bring: "Une pièce d'identité et votre support de présentation (10 minutes).", WrittenDue: day(d0 - 14).Format("2006-01-02"),
			Jury: ids(jury), Learners: ids(withReport)})
		if err != nil {
			return err
		}
		se, _, err := as.SessionFor(ctx, manager, sid)
		if err != nil {
			return err
		}
		for i, sl := range se.Slots {
			as.SetClock(func() time.Time { return sl.StartsAt.Add(20 * time.Minute) })
			if i == len(se.Slots)-1 && len(se.Slots) > 1 {
				if err := as.SetAttendance(ctx, manager, sl.ID, assessment.Excused, ""); err != nil {
					return err
				}
				continue
			}
			sh, err := as.LiveSheet(ctx, jury[0], sl.ID)
			if err != nil {
				return err
			}
			decision := assessment.Validated
			for k, m := range jury {
				in := assessment.LiveInput{Notes: "Présentation structurée ; réponses précises aux questions sur le partenariat.",
					Grading: assessment.GradingInput{Levels: levels(sh.Criteria, 2, i+k), Decision: decision,
						Feedback: "Analyse réflexive solide ; le bilan transmis aux partenaires gagnerait à être chiffré."}}
				if _, err := as.SaveLiveSheet(ctx, m, sl.ID, in, true, ""); err != nil {
					return fmt.Errorf("grille de %s : %w", m.Login, err)
				}
			}
			agreed := assessment.GradingInput{Levels: levels(sh.Criteria, 2, i), Decision: decision,
				Feedback: "Le jury retient une analyse réflexive solide et une présentation claire du projet. Pour aller plus loin : chiffrer le bilan transmis aux partenaires."}
			if _, err := as.AgreeLiveResult(ctx, jury[0], sl.ID, agreed, true, ""); err != nil {
				return fmt.Errorf("résultat du jury : %w", err)
			}
		}
	}

	// 2. The next soutenance, in twelve days: convocations sent, then the
	// room changed (each convocation says so).
	if len(without) >= 3 {
		in := assessment.SessionInput{Kind: "soutenance-rapport-experience", Title: "Soutenances du rapport d'expérience — session 2",
			Date: day(12).Format("2006-01-02"), Time: "14:00", Minutes: 40, Place: "Cnam Pays de la Loire, Nantes — salle 204",
			Bring: "Une pièce d'identité et votre support de présentation (10 minutes).", WrittenDue: day(5).Format("2006-01-02"),
			Jury: ids(jury), Learners: ids(without[:3])}
		sid, err := plan(at(-2, 9, 0), in)
		if err != nil {
			return err
		}
		as.SetClock(at(-1, 16, 0))
		in.Place = "Cnam Pays de la Loire, Nantes — salle 310 (2e étage)"
		if err := as.UpdateSession(ctx, manager, sid, in, ""); err != nil {
			return err
		}
	}

	// 3. A mise en situation d'entretien and 4. a jeu de rôle, graded by
	// one assessor each.
	for n, k := range []struct {
		kind  string
		title string
		d     int
		jury  account.User
		from  int
	}{
		{"mise-en-situation-entretien", "Mises en situation d'entretien d'accueil", -6, jury[0], 4},
		{"jeu-de-role-negociation", "Jeu de rôle : négocier une orientation en commission", -3, jury[1], 8},
	} {
		if len(learners) < k.from+4 {
			continue
		}
		group := learners[k.from : k.from+4]
		in := assessment.SessionInput{Kind: k.kind, Title: k.title, Date: day(k.d).Format("2006-01-02"), Time: "09:30",
			Minutes: 30, Place: "Cnam Pays de la Loire, Nantes — salle de mise en situation", Jury: []int64{k.jury.ID}, Learners: ids(group)}
		if k.kind == "jeu-de-role-negociation" {
			in.Positions, in.Minutes = []int{1, 1, 2, 2}, 45 // two groups of two negotiate in turn
		}
		sid, err := plan(at(k.d-20, 11, 0), in)
		if err != nil {
			return err
		}
		se, _, err := as.SessionFor(ctx, manager, sid)
		if err != nil {
			return err
		}
		for i, sl := range se.Slots {
			as.SetClock(func() time.Time { return sl.EndsAt })
			sh, err := as.LiveSheet(ctx, k.jury, sl.ID)
			if err != nil {
				return err
			}
			decision, base, fb := assessment.Validated, 2, "Posture d'écoute juste ; reformulations fréquentes et utiles."
			if (i+n)%4 == 3 {
				decision, base, fb = assessment.ToRework, 1, "Questions trop fermées au début de l'entretien ; la personne n'a pas pu exposer sa demande. À retravailler lors d'une prochaine mise en situation."
			}
			in := assessment.LiveInput{Notes: "Observation au fil de l'entretien.", Grading: assessment.GradingInput{Levels: levels(sh.Criteria, base, i), Decision: decision, Feedback: fb}}
			if _, err := as.SaveLiveSheet(ctx, k.jury, sl.ID, in, true, ""); err != nil {
				return err
			}
			if _, err := as.AgreeLiveResult(ctx, k.jury, sl.ID, assessment.GradingInput{}, true, ""); err != nil {
				return err
			}
		}
	}
	// 5. A collective enquiry: a group of three writes the collective part
	// (two of them wrote it), each an individual part; the collective part
	// and one individual part are graded; the third member left the group
	// and keeps their individual part.
	if len(learners) >= 11 {
		if err := seedGroup(ctx, as, cohortID, manager, learners[8:11], jury[1], at); err != nil {
			return fmt.Errorf("travail collectif de démonstration : %w", err)
		}
	}

	// 6. The knowledge examination of two weeks ago: marks entered, one
	// candidate absent, published.
	if len(learners) >= 6 {
		group := learners[:6]
		sid, err := plan(at(-40, 10, 0), assessment.SessionInput{Kind: "examen-connaissances", Title: "Examen de sociologie et de psychopathologie",
			Date: day(-15).Format("2006-01-02"), Time: "18:00", Minutes: 120, Place: "Cnam Pays de la Loire, Nantes — amphithéâtre B",
			Bring: "Une pièce d'identité ; aucun document n'est autorisé.", Jury: []int64{jury[0].ID}, Learners: ids(group)})
		if err != nil {
			return err
		}
		as.SetClock(at(-13, 9, 0))
		se, _, err := as.SessionFor(ctx, manager, sid)
		if err != nil {
			return err
		}
		marks := []string{"14,5", "9", "12", "", "16,5", "11"}
		comments := []string{"Bonne maîtrise des notions de sociologie de l'emploi.", "Les mécanismes de l'addiction sont confondus avec leurs conséquences : à revoir.", "", "", "Copie remarquable, argumentée et sourcée.", ""}
		var entries []assessment.ExamEntry
		for i, sl := range se.Slots {
			if marks[i] == "" {
				if err := as.SetAttendance(ctx, manager, sl.ID, assessment.Absent, ""); err != nil {
					return err
				}
				continue
			}
			entries = append(entries, assessment.ExamEntry{SlotID: sl.ID, Mark: marks[i], Comment: comments[i]})
		}
		if err := as.SaveExamMarks(ctx, jury[0], sid, "10", entries, ""); err != nil {
			return fmt.Errorf("notes de l'examen : %w", err)
		}
		if _, err := as.PublishExamMarks(ctx, jury[0], sid, ""); err != nil {
			return err
		}
	}
	return nil
}

func seedGroup(ctx context.Context, as *assessment.Service, cohortID int64, manager account.User, members []account.User, assessor account.User,
	at func(d, h, m int) func() time.Time) error {
	as.SetClock(at(-50, 9, 0))
	gid, err := as.SaveGroup(ctx, manager, cohortID, 0, "Enquête collective — groupe A", []int64{members[0].ID, members[1].ID, members[2].ID}, "")
	if err != nil {
		return err
	}
	as.SetClock(at(-48, 14, 0))
	collective, err := as.NewCollectivePiece(ctx, members[0], gid, "rapport-enquete", "Le non-recours aux droits dans le quartier des Dervallières")
	if err != nil {
		return err
	}
	drafts := []string{
		"# Problématique\n\nPourquoi des habitants éligibles ne demandent-ils pas la prime d'activité ou la complémentaire santé solidaire ?\n",
		"# Problématique\n\nPourquoi des habitants éligibles ne demandent-ils pas la prime d'activité ou la complémentaire santé solidaire ?\n\n# Méthodologie\n\nVingt entretiens semi-directifs auprès d'habitants, de deux conseillères du CCAS et d'une assistante sociale de secteur ; observation de la permanence numérique.\n",
		"# Problématique\n\nPourquoi des habitants éligibles ne demandent-ils pas la prime d'activité ou la complémentaire santé solidaire ?\n\n# Méthodologie\n\nVingt entretiens semi-directifs auprès d'habitants, de deux conseillères du CCAS et d'une assistante sociale de secteur ; observation de la permanence numérique.\n\n# Résultats\n\nLa méconnaissance des droits domine, devant la complexité des démarches en ligne et la crainte d'un indu.\n\n# Limites et bilan\n\nL'échantillon ne compte que des personnes déjà en contact avec une structure.\n",
	}
	for i, body := range drafts {
		if err := as.SaveDraft(ctx, members[i%2], collective.ID, "", body); err != nil {
			return err
		}
	}
	parts := map[int64]int64{}
	for _, m := range members {
		ps, err := as.LearnerPieces(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.PartOf == collective.ID {
				parts[m.ID] = p.ID
			}
		}
	}
	individual := []string{
		"# Ma partie : les entretiens avec les professionnelles du CCAS\n\nLes conseillères décrivent un non-recours « par lassitude » après un premier refus.\n",
		"# Ma partie : l'observation de la permanence numérique\n\nSur douze passages observés, sept demandes concernaient la création d'un compte en ligne.\n",
		"# Ma partie : les entretiens avec les habitants\n\nPremières notes d'entretien.\n",
	}
	for i, m := range members {
		if err := as.SaveDraft(ctx, m, parts[m.ID], "", individual[i]); err != nil {
			return err
		}
	}
	as.SetClock(at(-30, 10, 0))
	for _, id := range []struct {
		who   account.User
		piece int64
	}{{members[0], collective.ID}, {members[0], parts[members[0].ID]}, {members[1], parts[members[1].ID]}} {
		if _, err := as.Deposit(ctx, id.who, id.piece); err != nil {
			return err
		}
	}
	// The third member leaves: their individual part stays theirs.
	as.SetClock(at(-25, 10, 0))
	if _, err := as.SaveGroup(ctx, manager, cohortID, gid, "Enquête collective — groupe A", []int64{members[0].ID, members[1].ID}, ""); err != nil {
		return err
	}
	as.SetClock(at(-20, 10, 0))
	for _, pid := range []int64{collective.ID, parts[members[0].ID]} {
		g, err := as.StartGrading(ctx, assessor, pid, "")
		if err != nil {
			return err
		}
		gv, err := as.GradingView(ctx, assessor, g.ID)
		if err != nil {
			return err
		}
		in := assessment.GradingInput{Levels: map[string]int{}, Comments: map[string]string{}, Decision: assessment.Validated,
			Feedback: "Enquête bien problématisée ; la méthodologie est explicitée et ses limites reconnues."}
		for i, c := range gv.Version.Criteria {
			in.Levels[c] = 2 + i%2
		}
		if _, err := as.SaveGrading(ctx, assessor, g.ID, in, true, ""); err != nil {
			return err
		}
		if err := as.Release(ctx, assessor, g.ID, ""); err != nil {
			return err
		}
	}
	return nil
}
