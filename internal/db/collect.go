package db

import "context"

// Row is what a row reader receives: *sql.Rows or *sql.Row.
type Row interface {
	Scan(dest ...any) error
}

// Collect runs a query and reads each row with read: the loop over the
// rows, their closing and their error, written once.
func Collect[T any](ctx context.Context, q Querier, read func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := read(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Column runs a query of one column and returns its values.
func Column[T any](ctx context.Context, q Querier, query string, args ...any) ([]T, error) {
	return Collect(ctx, q, func(r Row) (T, error) {
		var v T
		err := r.Scan(&v)
		return v, err
	}, query, args...)
}
