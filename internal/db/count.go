package db

import (
	"context"
	"database/sql/driver"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"

	"github.com/casp-cnam/casp/internal/french"
)

// Every SQL statement sent to SQLite is counted, per database, so tests and
// benchmarks can check that a page's cost does not grow with the data (a
// fixed number of statements per request) while other tests run beside them.

// Statements returns the number of statements run on this database so far.
func (d *DB) Statements() int64 { return d.statements.Load() }

// connector opens SQLite connections that count their statements.
type connector struct {
	dsn string
	n   *atomic.Int64
}

var sqliteDriver = &sqlite3.SQLiteDriver{}

func (c connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := sqliteDriver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	sc := conn.(*sqlite3.SQLiteConn)
	// A connection is used by one goroutine at a time: its own collator.
	if err := sc.RegisterCollation(French, french.NewCollator().CompareString); err != nil {
		sc.Close()
		return nil, err
	}
	return &countingConn{sc, c.n}, nil
}

// French is the SQLite collation that sorts text in French order
// (« Élodie » before « Zoé », accents after their letter): ORDER BY name
// COLLATE FRANCAIS.
const French = "FRANCAIS"

func (c connector) Driver() driver.Driver { return sqliteDriver }

type countingConn struct {
	*sqlite3.SQLiteConn
	n *atomic.Int64
}

// uncounted marks a context whose statements are background work (the
// batch of recorded reads), not a request's.
type uncounted struct{}

// Uncounted returns ctx with its statements left out of Statements.
func Uncounted(ctx context.Context) context.Context { return context.WithValue(ctx, uncounted{}, true) }

func (c *countingConn) count(ctx context.Context) {
	if ctx.Value(uncounted{}) == nil {
		c.n.Add(1)
	}
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.count(ctx)
	return c.SQLiteConn.PrepareContext(ctx, query)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.count(ctx)
	return c.SQLiteConn.ExecContext(ctx, query, args)
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.count(ctx)
	return c.SQLiteConn.QueryContext(ctx, query, args)
}
