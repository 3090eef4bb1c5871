-- One individual part per member and collective piece: two requests at
-- once (a double click) cannot start two (IndividualPart inserts with
-- ON CONFLICT DO NOTHING, then reads the one part).
CREATE UNIQUE INDEX pieces_part_of_learner ON pieces(part_of, learner_id) WHERE part_of IS NOT NULL;
