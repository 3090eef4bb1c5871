package account

import (
	"context"
	"crypto/rand"
)

// Secret returns the server secret called name, creating it (32 random
// bytes) the first time. Called at start-up, never in a request.
func (s *Service) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := s.db.Write.ExecContext(ctx, `INSERT INTO secrets(name, value) VALUES (?, ?) ON CONFLICT(name) DO NOTHING`, name, fresh); err != nil {
		return nil, err
	}
	var v []byte
	err := s.db.Write.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name=?`, name).Scan(&v)
	return v, err
}
