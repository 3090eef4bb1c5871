package assessment

import "github.com/casp-cnam/casp/referentiel"

// LinkedCapacity is a version's or a draft's link to a capacity, with the
// framework's task and capacity it names (nil when the framework version
// has no such capacity).
type LinkedCapacity struct {
	CapacityLink
	Capacity *referentiel.Item
	Task     *referentiel.Task
}

// Linked resolves a link in the framework.
func Linked(fw *referentiel.Framework, l CapacityLink) LinkedCapacity {
	lc := LinkedCapacity{CapacityLink: l}
	if t, ok := fw.Task(referentiel.TaskOf(l.CapacityID)); ok {
		lc.Task, lc.Capacity = t, t.Capacity(l.CapacityID)
	}
	return lc
}

// CriterionResult is a criterion a version claims, in the framework's
// words, with its level and the assessors' comments once a result is
// released.
type CriterionResult struct {
	Criterion *referentiel.Criterion
	Task      *referentiel.Task
	Level     int
	HasLevel  bool
	Comments  []string
}

// CriteriaResults resolves the criteria ids of a version in the framework
// (ids it does not know are left out) with their result r, if any.
func CriteriaResults(fw *referentiel.Framework, ids []string, r *Result) []CriterionResult {
	var out []CriterionResult
	for _, id := range ids {
		t, ok := fw.Task(referentiel.TaskOf(id))
		if !ok {
			continue
		}
		cr := CriterionResult{Criterion: t.Criterion(id), Task: t}
		if r != nil {
			cr.Level, cr.HasLevel = r.Levels[id]
			cr.Comments = r.Comments[id]
		}
		if cr.Criterion != nil {
			out = append(out, cr)
		}
	}
	return out
}
