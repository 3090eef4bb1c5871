-- An erased account keeps its row, stripped of identity, because the audit
-- log, the jury decisions and the gradings written by others point to it;
-- erased_at says when it was erased. certified_name is set only when jury
-- decisions were taken on the learner: the certifier must still be able to
-- say whose they are (duplicates of the certificate), so the name they were
-- taken under is kept beside them, and shown nowhere but to administrators.
ALTER TABLE users ADD COLUMN erased_at TEXT;
ALTER TABLE users ADD COLUMN certified_name TEXT NOT NULL DEFAULT '';
