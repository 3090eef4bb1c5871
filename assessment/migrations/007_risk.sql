-- Risk flags: the kinds each learner has deposited (for deadlines), and
-- "returned" becomes the most returns of a single piece (a learner stuck on
-- one production), instead of returns summed over every piece.
ALTER TABLE learner_stats ADD COLUMN deposited_kinds TEXT NOT NULL DEFAULT '';
UPDATE learner_stats SET
	deposited_kinds = coalesce((SELECT group_concat(DISTINCT p.kind_id) FROM pieces p WHERE p.learner_id=learner_stats.learner_id AND p.status<>'brouillon'), ''),
	returned = coalesce((SELECT max(c) FROM (SELECT count(*) AS c FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id
		WHERE p.learner_id=learner_stats.learner_id AND g.state='publie' AND g.decision='a_retravailler' GROUP BY p.id)), 0);
