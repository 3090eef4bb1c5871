-- Throttling counts attempts before the password is checked, per kind of
-- check: a login, or the current password before changing it.
ALTER TABLE login_failures ADD COLUMN kind TEXT NOT NULL DEFAULT 'connexion';
CREATE INDEX login_failures_pair ON login_failures(kind, login, address, at);
