-- One individual part per member and collective piece: two requests at
-- once (a double click) cannot start two (IndividualPart inserts with
-- ON CONFLICT DO NOTHING, then reads the one part).
--
-- A database where a double click already made two keeps both pieces:
-- the later ones stop being parts of the collective piece (their text and
-- versions stay the learner's, as pieces of their own), so the index can
-- be created.
UPDATE pieces SET part_of = NULL
WHERE part_of IS NOT NULL
  AND id NOT IN (SELECT min(id) FROM pieces WHERE part_of IS NOT NULL GROUP BY part_of, learner_id);
CREATE UNIQUE INDEX pieces_part_of_learner ON pieces(part_of, learner_id) WHERE part_of IS NOT NULL;
