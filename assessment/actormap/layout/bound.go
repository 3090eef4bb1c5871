package layout

import (
	"strings"
	"unicode"

	"github.com/casp-cnam/casp/assessment/actormap"
)

// maxCode bounds the codes (domain, kind, direction) given to the
// renderer; the known ones are far shorter.
const maxCode = 64

// clip cuts s to at most limit runes, the last one being "…" when s is
// longer, reading no more than limit+1 runes of s.
func clip(s string, limit int) string {
	n, cut := 0, 0
	for i := range s {
		if n == limit-1 {
			cut = i
		}
		if n == limit {
			return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}

// bound is the map as the layout takes it, whatever the caller: at most
// actormap.MaxActors actors and actormap.MaxRelations relations, each text cut to the
// length validation allows. A map within these limits comes back equal;
// truncated tells whether actors or relations were left out.
func bound(m actormap.Map) (b actormap.Map, truncated bool) {
	actors, relations := m.Actors, m.Relations
	if len(actors) > actormap.MaxActors {
		actors, truncated = actors[:actormap.MaxActors], true
	}
	if len(relations) > actormap.MaxRelations {
		relations, truncated = relations[:actormap.MaxRelations], true
	}
	b = actormap.Map{Title: clip(m.Title, actormap.MaxName), Theme: clip(m.Theme, actormap.MaxName),
		Territory: clip(m.Territory, actormap.MaxName)}
	if actors != nil {
		b.Actors = make([]actormap.Actor, len(actors))
	}
	for i, a := range actors {
		b.Actors[i] = actormap.Actor{ID: clip(a.ID, actormap.MaxID), Name: clip(a.Name, actormap.MaxName), Type: clip(a.Type, actormap.MaxType),
			Domain: actormap.Domain(clip(string(a.Domain), maxCode)), StructureRef: clip(a.StructureRef, actormap.MaxID)}
	}
	if relations != nil {
		b.Relations = make([]actormap.Relation, len(relations))
	}
	for i, r := range relations {
		b.Relations[i] = actormap.Relation{From: clip(r.From, actormap.MaxID), To: clip(r.To, actormap.MaxID),
			Kind: actormap.RelationKind(clip(string(r.Kind), maxCode)), Direction: actormap.Direction(clip(string(r.Direction), maxCode)),
			Comment: clip(r.Comment, actormap.MaxComment)}
	}
	return b, truncated
}
