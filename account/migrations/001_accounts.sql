CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE COLLATE NOCASE,
	display_name TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL CHECK (role IN ('admin','manager','assessor','learner')),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	password_changed_at TEXT NOT NULL
);

CREATE TABLE cohorts (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	framework_id TEXT NOT NULL,
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL,
	anonymous_marking INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);

CREATE TABLE cohort_members (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	member_role TEXT NOT NULL CHECK (member_role IN ('learner','assessor','manager')),
	PRIMARY KEY (cohort_id, user_id, member_role)
);
CREATE INDEX cohort_members_user ON cohort_members(user_id);

-- fiber session storage: opaque values keyed by session id.
CREATE TABLE sessions (
	k TEXT PRIMARY KEY,
	v BLOB NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- failed logins, per account and per address, for throttling.
CREATE TABLE login_failures (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL COLLATE NOCASE,
	address TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at);
CREATE INDEX login_failures_address ON login_failures(address, at);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	actor_id INTEGER,
	actor_login TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	subject_user_id INTEGER,
	target TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_subject ON audit_log(subject_user_id, at);
