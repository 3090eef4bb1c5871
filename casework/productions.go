package casework

import (
	"context"
	"fmt"
	"strings"
)

// Production is a document of the case that can become a portfolio piece.
type Production struct {
	Kind  string   // deliverable kind id
	Title string   // piece title prefix
	Tasks []string // tasks whose capacities it evidences
	Label string   // button label
}

// Productions maps what can be sent to the portfolio.
var Productions = map[string]Production{
	"entretien":  {Kind: "note-ecrite", Title: "Compte rendu d'entretien et premier diagnostic", Tasks: []string{"1.4", "1.5"}, Label: "Envoyer le compte rendu d'entretien et le premier diagnostic"},
	"diagnostic": {Kind: "note-ecrite", Title: "Diagnostic et orientations", Tasks: []string{"3.1", "2.1", "2.2"}, Label: "Envoyer le diagnostic et les orientations"},
	"projet":     {Kind: "projet-accompagnement", Title: "Projet d'accompagnement et contrat", Tasks: []string{"3.3", "3.4"}, Label: "Envoyer le projet d'accompagnement"},
	"bilan":      {Kind: "note-ecrite", Title: "Bilan et note de transmission", Tasks: []string{"3.5", "3.6"}, Label: "Envoyer le bilan et la note de transmission"},
}

// ProductionMarkdown writes a production of the case as Markdown, from what
// the learner did (transcript, situations, referrals, plan, review).
func (s *Store) ProductionMarkdown(ctx context.Context, c Case, which string) (string, error) {
	var b strings.Builder
	person := c.Scenario.Person.FirstName + " " + c.Scenario.Person.LastName
	st, _ := s.lib.Structure(c.Scenario.Structure)
	fmt.Fprintf(&b, "*Cas pratique : %s — %s, %d ans, accueilli(e) à %s. Personne fictive.*\n\n", c.Scenario.Title, person, c.Scenario.Person.Age, st.Name)
	switch which {
	case "entretien":
		lines, err := s.Transcript(ctx, c)
		if err != nil {
			return "", err
		}
		b.WriteString("## Déroulé de l'entretien\n\n")
		for _, l := range lines {
			switch l.Speaker {
			case "pro":
				fmt.Fprintf(&b, "- **Professionnel·le :** %s\n", l.Text)
			case "personne":
				fmt.Fprintf(&b, "- **%s :** %s\n", c.Scenario.Person.FirstName, l.Text)
			default:
				fmt.Fprintf(&b, "- *%s*\n", l.Text)
			}
		}
		fmt.Fprintf(&b, "\n## Premier diagnostic\n\n%s\n", orDash(c.FirstDiagnostic))
	case "diagnostic":
		sits, err := s.Situations(ctx, c)
		if err != nil {
			return "", err
		}
		b.WriteString("## Situations repérées\n\n| Domaine | Situation | État |\n| --- | --- | --- |\n")
		for _, x := range sits {
			state := "repérée"
			if x.Status == "levee" {
				state = fmt.Sprintf("levée (jour %d)", x.EndedDay)
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", DomainLabels[x.Domain], cell(x.Label), state)
		}
		fmt.Fprintf(&b, "\n## Urgence\n\n%s — %s\n\n## Diagnostic approfondi\n\n%s\n\n## Orientations\n\n", UrgencyLabel(c.Urgency), orDash(c.UrgencyWhy), orDash(c.FullDiagnostic))
		refs, err := s.Referrals(ctx, c)
		if err != nil {
			return "", err
		}
		for _, r := range refs {
			name := r.StructureID
			if r.Structure != nil {
				name = r.Structure.Name
			}
			fmt.Fprintf(&b, "- %s (jour %d) : %s — %s\n", name, r.SentDay, r.Reason, ReferralStatusLabel(r.Status))
		}
	case "projet":
		goals, err := s.Plan(ctx, c)
		if err != nil {
			return "", err
		}
		b.WriteString("## Objectifs et actions\n\n")
		for _, g := range goals {
			fmt.Fprintf(&b, "### %s (%s)\n\n", g.Label, GoalStatuses[g.Status])
			for _, a := range g.Actions {
				fmt.Fprintf(&b, "- %s — %s, à partir du jour %d\n", a.Label, ActionStatusLabel(a.Status), a.StartDay)
			}
			b.WriteString("\n")
		}
		k, err := s.Contract(ctx, c)
		if err != nil {
			return "", err
		}
		if k.Exists {
			fmt.Fprintf(&b, "## Contrat : %s\n\n**Engagements de la personne.** %s\n\n**Engagements de la structure.** %s\n\n**Étapes.** %s\n\n**Modalités de suivi.** %s\n",
				ContractTypeLabel(k.Type), orDash(k.PersonCommitments), orDash(k.StructureCommitments), orDash(k.Steps), orDash(k.FollowUp))
		}
	case "bilan":
		fmt.Fprintf(&b, "## Bilan\n\n%s\n\n## Note de transmission\n\n%s\n", orDash(c.Review), orDash(c.Transmission))
	}
	return b.String(), nil
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "/") }
