// Package assessment is the certification core: learners' portfolio pieces
// and their frozen versions, the documents inside them (reports, interview
// guides, actor maps), gradings criterion by criterion, double marking and
// moderation, agreement statistics, and the rule that turns gradings into
// acquired capacities.
package assessment
