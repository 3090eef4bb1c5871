package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/casework/situation"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/casework"
)

// seedCases gives some learners case files at different stages, played from
// each scenario's own data: an interview under way, a diagnostic with its
// orientations, an accompaniment followed over simulated weeks, and a
// closed case with its debrief.
func seedCases(ctx context.Context, cs *casework.Store, learners []account.User) error {
	lib := cs.Library()
	stages := []int{1, 2, 3, 4, 2, 4}
	for i, stage := range stages {
		if i >= len(learners) || len(lib.Scenarios) == 0 {
			break
		}
		sc := lib.Scenarios[i%len(lib.Scenarios)]
		if err := playCase(ctx, cs, learners[i], sc, stage); err != nil {
			return fmt.Errorf("dossier de démonstration %s : %w", sc.ID, err)
		}
	}
	return nil
}

// playCase plays a scenario up to a stage: 1 interview, 2 diagnostic and
// orientation, 3 plan, contract and follow-up, 4 review and closing.
func playCase(ctx context.Context, cs *casework.Store, learner account.User, sc *casework.Scenario, stage int) error {
	k, err := cs.Open(ctx, learner, sc.ID)
	if err != nil {
		return err
	}
	// As a professional would: the greeting (the first question), then
	// reassure and recall confidentiality, then the other questions.
	asked := 0
	for i, tp := range sc.Topics {
		for j, q := range tp.Questions {
			if j >= 2 || (stage == 1 && asked >= 4) {
				break
			}
			if err := cs.Ask(ctx, learner, k.ID, q.ID, ""); err != nil {
				return err
			}
			asked++
			if i == 0 && j == 0 {
				for _, m := range []string{"rassurer", "rappeler-confidentialite"} {
					if err := cs.Move(ctx, learner, k.ID, m); err != nil {
						return err
					}
				}
			}
		}
	}
	if stage < 2 {
		return nil
	}
	iv, err := cs.InterviewState(ctx, mustCase(ctx, cs, learner, k.ID))
	if err != nil {
		return err
	}
	noted := 0
	for _, f := range sc.Facts {
		if iv.Revealed[f.ID] && noted < 4 {
			source := ""
			for _, tp := range sc.Topics {
				for _, q := range tp.Questions {
					for _, r := range q.Reveals {
						if r == f.ID && iv.Asked[q.ID] {
							source = q.ID
						}
					}
				}
			}
			if err := cs.NoteSituation(ctx, learner, k.ID, casework.SituationInput{Domain: f.Domain, Label: f.Situation, Source: source}); err != nil {
				return err
			}
			noted++
		}
	}
	for _, u := range sc.Key.Urgencies {
		if err := cs.SetUrgency(ctx, learner, k.ID, u.Domain, u.Level, "Au vu de ce que la personne a exprimé pendant l'entretien."); err != nil {
			return err
		}
	}
	if err := cs.SaveDiagnostic(ctx, learner, k.ID, "premier_diagnostic", "Premier diagnostic rédigé à l'issue de l'entretien d'accueil : "+sc.Summary); err != nil {
		return err
	}
	if o, ok := firstService(cs.Library(), sc); ok {
		if err := cs.Refer(ctx, learner, k.ID, casework.ReferralInput{Target: o, Reason: sc.Key.Orientations[0].Reason, Consent: true}); err != nil {
			return err
		}
	}
	if stage < 3 {
		return nil
	}
	o := sc.Key.Orientations[0]
	if err := cs.AddGoal(ctx, learner, k.ID, themeOf(o.Theme), "Avancer sur : "+strings.TrimSuffix(o.Reason, ".")); err != nil {
		return err
	}
	// The contract a person of that age would sign: the young people's
	// one under 26 (CEJ), the RSA's otherwise.
	kind := "contrat-engagement"
	if sc.Person.Age < 26 {
		kind = "cej"
	}
	if err := cs.SaveContract(ctx, learner, k.ID, casework.Contract{Type: kind, StartDay: 0, EndDay: 180,
		PersonCommitments: "Venir aux rendez-vous, entreprendre les démarches convenues.", StructureCommitments: "Un référent unique, un rendez-vous tous les quinze jours.",
		Steps: "Diagnostic partagé, orientation, premier bilan à trois mois.", FollowUp: "Entretien tous les quinze jours."}, true); err != nil {
		return err
	}
	if err := cs.AddAppointment(ctx, learner, k.ID, 7, "Point d'étape", "presentiel"); err != nil {
		return err
	}
	if err := cs.Advance(ctx, learner, k.ID, 14); err != nil {
		return err
	}
	if stage < 4 {
		return nil
	}
	if err := cs.SaveReview(ctx, learner, k.ID, "Premier bilan : l'orientation principale est engagée, les freins périphériques restent à traiter.",
		"Transmission au référent qui poursuit l'accompagnement."); err != nil {
		return err
	}
	return cs.Close(ctx, learner, k.ID)
}

func mustCase(ctx context.Context, cs *casework.Store, u account.User, id int64) casework.Case {
	k, _ := cs.Case(ctx, u, id)
	return k
}

func themeOf(code string) string {
	t, _, _ := strings.Cut(code, "--")
	return t
}

// firstService finds a service for the scenario's first expected orientation.
func firstService(lib *casework.Library, sc *casework.Scenario) (string, bool) {
	o := sc.Key.Orientations[0]
	want := themeOf(o.Theme)
	for _, st := range lib.Structures {
		if st.Typology != o.Typology || (o.Structure != "" && st.ID != o.Structure) {
			continue
		}
		for _, sv := range st.Services {
			for _, th := range sv.Themes {
				if themeOf(th) == want {
					return st.ID + "/" + sv.ID, true
				}
			}
		}
	}
	return "", false
}

// seedExercises gives learners attempts at the other kinds of exercise: a
// first week run and left there (the second learner), two weeks, an
// analysis and the debrief (the first).
func seedExercises(ctx context.Context, cs *casework.Store, learners []account.User) error {
	lib := cs.Library()
	if len(lib.Receptions) == 0 || len(learners) < 3 {
		return nil
	}
	e := lib.Receptions[0]
	// A first try: every half-day alike, no triage.
	first := e.Key.Plan
	first.Triage = false
	first.Amenities = nil
	for i, l := range []account.User{learners[0], learners[2]} {
		id, err := cs.StartReception(ctx, l, e.ID)
		if err != nil {
			return err
		}
		if err := cs.SavePlan(ctx, l, id, first, true); err != nil {
			return fmt.Errorf("exercice de démonstration %s : %w", e.ID, err)
		}
		if i > 0 {
			continue
		}
		if err := cs.SavePlan(ctx, l, id, e.Key.Plan, true); err != nil {
			return err
		}
		if err := cs.SaveAnalysis(ctx, l, id, "La première semaine, sans tri, deux urgences ont attendu leur tour. Avec un pré-accueil et trois agents le lundi matin, l'attente tombe et les urgences passent d'abord."); err != nil {
			return err
		}
		if err := cs.Finish(ctx, l, id); err != nil {
			return err
		}
	}
	return seedDossiers(ctx, cs, learners)
}

// seedDossiers gives the first learner a finished documentary file (the
// expected documents, a trap kept, a short leaflet) and the third one begun.
func seedDossiers(ctx context.Context, cs *casework.Store, learners []account.User) error {
	f := cs.Library().Fund
	if f == nil || len(f.Themes) < 2 {
		return nil
	}
	for i, l := range []account.User{learners[0], learners[2]} {
		th := f.Themes[i]
		id, err := cs.StartDossier(ctx, l, fonds.ExerciseID(th.ID))
		if err != nil {
			return err
		}
		var w fonds.Work
		for _, did := range th.Expected[:min(2, len(th.Expected))] {
			if d, ok := f.Document(did); ok {
				w.Documents = append(w.Documents, fonds.Choice{Document: did, Reliability: d.Reliability.Level})
			}
		}
		w.Documents = append(w.Documents, fonds.Choice{Document: th.Traps[0].Document, Reliability: "fiable"})
		w.Descriptors = th.Descriptors[:1]
		if i == 0 {
			w.Leaflet = "Un document d'information court pour le public du thème, rédigé à partir des documents retenus."
			w.Diffusion = "Affichage en salle d'attente et présentation en réunion d'équipe."
		}
		if err := cs.SaveWork(ctx, l, id, w); err != nil {
			return fmt.Errorf("dossier documentaire de démonstration %s : %w", th.ID, err)
		}
		if i == 0 {
			if err := cs.Finish(ctx, l, id); err != nil {
				return err
			}
		}
	}
	return seedSituations(ctx, cs, learners)
}

// seedSituations puts learners at several stages of the « mises en
// situation »: the first learner has finished the first one (mixed
// responses: the expert's, then one to avoid), the third is in the
// middle of the second (preparation validated, one scene played), the
// fifth has only drafted the preparation of the third.
func seedSituations(ctx context.Context, cs *casework.Store, learners []account.User) error {
	list := cs.Library().Situations
	if len(list) < 3 || len(learners) < 5 {
		return nil
	}
	for i, l := range []account.User{learners[0], learners[2], learners[4]} {
		e := list[i]
		id, err := cs.StartSituation(ctx, l, e.ID)
		if err != nil {
			return err
		}
		expert := e.Expert()
		err = cs.UpdateSituation(ctx, l, id, func(e *situation.Exercise, w *situation.Work) map[string]string {
			w.Preparation = expert.Preparation
			if i == 2 {
				return nil // a draft
			}
			w.Prepared = true
			for j, sc := range e.Scenes {
				if i == 1 && j == 1 {
					break
				}
				choice := expert.Answers[sc.ID]
				if j == 1 && !sc.Sorting() {
					for _, c := range sc.Choices {
						if c.Quality == situation.Avoid {
							choice = c.ID
						}
					}
				}
				if errs := e.Play(w, sc.ID, choice, expert.Sorting[sc.ID]); len(errs) > 0 {
					return errs
				}
			}
			if i == 0 {
				w.Production = expert.Production
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("mise en situation de démonstration %s : %w", e.ID, err)
		}
		if i == 0 {
			if err := cs.Finish(ctx, l, id); err != nil {
				return err
			}
		}
	}
	return nil
}
