package account

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/casp-cnam/casp/internal/db"
)

// SessionStorage implements fiber's Storage interface on casp's own pools,
// so sessions live in the same SQLite file, behind the same single writer.
type SessionStorage struct{ db *db.DB }

// NewSessionStorage returns the storage.
func NewSessionStorage(d *db.DB) *SessionStorage { return &SessionStorage{db: d} }

// Get returns a live session's value, nil when absent or expired.
func (s *SessionStorage) Get(key string) ([]byte, error) {
	var v []byte
	err := s.db.Read.QueryRowContext(context.Background(), `SELECT v FROM sessions WHERE k=? AND (expires_at=0 OR expires_at>?)`, key, time.Now().Unix()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return v, err
}

// Set stores a value for exp (0: no expiry).
func (s *SessionStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	var at int64
	if exp > 0 {
		at = time.Now().Add(exp).Unix()
	}
	_, err := s.db.Write.ExecContext(context.Background(), `INSERT INTO sessions(k, v, expires_at) VALUES (?,?,?)
		ON CONFLICT(k) DO UPDATE SET v=excluded.v, expires_at=excluded.expires_at`, key, val, at)
	return err
}

// Delete removes a session.
func (s *SessionStorage) Delete(key string) error {
	_, err := s.db.Write.ExecContext(context.Background(), `DELETE FROM sessions WHERE k=?`, key)
	return err
}

// Reset removes every session.
func (s *SessionStorage) Reset() error {
	_, err := s.db.Write.ExecContext(context.Background(), `DELETE FROM sessions`)
	return err
}

// Close does nothing: the pools belong to the caller.
func (s *SessionStorage) Close() error { return nil }

// PurgeExpired deletes expired sessions; the server calls it periodically.
func (s *SessionStorage) PurgeExpired(ctx context.Context) error {
	_, err := s.db.Write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at>0 AND expires_at<=?`, time.Now().Unix())
	return err
}
