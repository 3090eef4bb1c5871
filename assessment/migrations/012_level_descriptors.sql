-- What each level of a cohort's scale means, one text per level, shown to
-- assessors beside the rubric ('[]': none, or the defaults of the default
-- scale).
ALTER TABLE marking_settings ADD COLUMN descriptors TEXT NOT NULL DEFAULT '[]';
