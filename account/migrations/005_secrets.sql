-- Server secrets (the key that derives CSRF tokens): created once, at
-- start-up, kept with the database so that a restart or a restored backup
-- keeps the forms already on screen valid.
CREATE TABLE IF NOT EXISTS secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL CHECK (length(value) >= 32)
);
