package account

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/casp-cnam/casp/internal/db"
)

// SessionStorage implements fiber's Storage interface on casp's own pools,
// so sessions live in the same SQLite file, behind the same single writer.
// Reading a session writes nothing: its idle expiry is pushed back through
// a batch (see TouchThrough), at most once a minute.
type SessionStorage struct {
	db    *db.DB
	batch *db.Batch
	idle  time.Duration
}

// TouchEvery is how often a session in use has its idle expiry pushed back.
const TouchEvery = time.Minute

// TouchThrough makes a read of a live session push its expiry back to idle
// from now, through b, when the last push is over TouchEvery old.
func (s *SessionStorage) TouchThrough(b *db.Batch, idle time.Duration) {
	s.batch, s.idle = b, idle
}

// NewSessionStorage returns the storage.
func NewSessionStorage(d *db.DB) *SessionStorage { return &SessionStorage{db: d} }

// Get returns a live session's value, nil when absent or expired.
func (s *SessionStorage) Get(key string) ([]byte, error) {
	var v []byte
	var exp int64
	now := time.Now()
	err := s.db.Read.QueryRowContext(context.Background(), `SELECT v, expires_at FROM sessions WHERE k=? AND (expires_at=0 OR expires_at>?)`, key, now.Unix()).Scan(&v, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil && s.batch != nil && exp > 0 && time.Unix(exp, 0).Sub(now) < s.idle-TouchEvery {
		s.batch.Add(`UPDATE sessions SET expires_at=? WHERE k=? AND expires_at>0 AND expires_at<?`,
			now.Add(s.idle).Unix(), strings.Clone(key), now.Add(s.idle).Unix())
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
