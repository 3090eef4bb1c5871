package casework

import (
	"fmt"
	"strings"
)

// SituationMarkdown writes the production of a « mise en situation » for
// the portfolio: the learner's text, then the preparation and the scenes
// as played, for the assessor who reads it.
func (s *Store) SituationMarkdown(a Attempt) string {
	e := a.Situation
	var b strings.Builder
	name := e.Structure
	if st, ok := s.lib.Structure(e.Structure); ok {
		name = st.Name
	}
	fmt.Fprintf(&b, "*Mise en situation du bac à sable : %s — %s. Structure et personnes fictives.*\n\n", e.Title, name)
	fmt.Fprintf(&b, "## %s\n\n%s\n\n## Préparation\n\n", e.Production.Title, strings.TrimSpace(a.Played.Production))
	for _, f := range e.Preparation {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", f.Label, strings.TrimSpace(a.Played.Preparation[f.ID]))
	}
	b.WriteString("## Déroulé\n\n")
	for _, st := range e.StateOf(a.Played).Steps {
		if st.Choice != nil {
			fmt.Fprintf(&b, "- **%s** — %s\n", st.Scene.Title, st.Choice.Text)
		} else {
			fmt.Fprintf(&b, "- **%s** — tri : %d élément(s) sur %d classé(s) comme attendu\n", st.Scene.Title, st.Right, len(st.Scene.Items))
		}
	}
	return b.String()
}
