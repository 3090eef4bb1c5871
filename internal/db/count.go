package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
)

// statements counts every SQL statement sent to SQLite by this process, so
// tests and benchmarks can check that a page's cost does not grow with the
// data (a fixed number of statements per request).
var statements atomic.Int64

// Statements returns the number of statements run so far.
func Statements() int64 { return statements.Load() }

// driverName is SQLite behind a thin counting wrapper.
const driverName = "sqlite3-casp"

func init() { sql.Register(driverName, countingDriver{&sqlite3.SQLiteDriver{}}) }

type countingDriver struct{ d *sqlite3.SQLiteDriver }

func (c countingDriver) Open(name string) (driver.Conn, error) {
	conn, err := c.d.Open(name)
	if err != nil {
		return nil, err
	}
	return &countingConn{conn.(*sqlite3.SQLiteConn)}, nil
}

type countingConn struct{ *sqlite3.SQLiteConn }

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	statements.Add(1)
	return c.SQLiteConn.PrepareContext(ctx, query)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	statements.Add(1)
	return c.SQLiteConn.ExecContext(ctx, query, args)
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	statements.Add(1)
	return c.SQLiteConn.QueryContext(ctx, query, args)
}
