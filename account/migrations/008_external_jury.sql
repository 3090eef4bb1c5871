-- An external jury member: a professional whose account reaches only the
-- live-evaluation sessions they sit on (assessment/live.go). Such an account
-- is never enrolled in a cohort (Enrol refuses it); being on no cohort is
-- not what makes it external: an assessor withdrawn from their cohort is
-- not one.
ALTER TABLE users ADD COLUMN external INTEGER NOT NULL DEFAULT 0;

-- The accounts created so far by the « jury extérieur » form: an assessor's
-- login « jury.… », in no cohort.
UPDATE users SET external=1 WHERE role='assessor' AND login LIKE 'jury.%'
	AND NOT EXISTS (SELECT 1 FROM cohort_members m WHERE m.user_id=users.id);
