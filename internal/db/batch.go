package db

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Batch gathers the writes that reads must record (an audit entry for a
// read of someone else's data, a session's idle expiry pushed back) and
// commits them together, in one transaction on the writer connection, at
// most every interval: a GET request itself never commits. Close (on a
// graceful shutdown) commits what is pending; a crash loses at most one
// interval's entries.
type Batch struct {
	db       *DB
	interval time.Duration
	max      int
	log      *slog.Logger

	mu      sync.Mutex
	pending []batchItem
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	closed  bool
	// flushMu serialises commits: a Flush waits for the commit in progress.
	flushMu sync.Mutex
}

type batchItem struct {
	query string
	args  []any
}

// DefaultBatchInterval is how long a recorded read waits for its commit.
const DefaultBatchInterval = time.Second

// batchMax commits early when this many writes are waiting.
const batchMax = 512

// NewBatch starts a batch writer on d, committing every interval.
func NewBatch(d *DB, interval time.Duration, log *slog.Logger) *Batch {
	if interval <= 0 {
		interval = DefaultBatchInterval
	}
	if log == nil {
		log = slog.Default()
	}
	b := &Batch{db: d, interval: interval, max: batchMax, log: log,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

// Add queues one statement; it is committed with the next batch. Arguments
// must not change afterwards (strings, numbers, copied byte slices).
func (b *Batch) Add(query string, args ...any) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		// After Close, nothing runs the batch any more: write now.
		if _, err := b.db.Write.ExecContext(context.Background(), query, args...); err != nil {
			b.log.Error("écriture différée après arrêt", "err", err)
		}
		return
	}
	if len(b.pending) >= 100*b.max {
		// Commits have been failing for long (disk full?): drop rather than
		// grow without bound.
		b.mu.Unlock()
		b.log.Error("écriture différée abandonnée : file pleine", "requête", query)
		return
	}
	b.pending = append(b.pending, batchItem{query, args})
	full := len(b.pending) >= b.max
	b.mu.Unlock()
	if full {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
}

// SetMax changes how many waiting writes make the batch commit before its
// interval (batchMax by default).
func (b *Batch) SetMax(n int) {
	b.mu.Lock()
	b.max = max(1, n)
	b.mu.Unlock()
}

// Pending is the number of statements waiting for their commit.
func (b *Batch) Pending() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

func (b *Batch) run() {
	defer close(b.done)
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		case <-b.kick:
		}
		if err := b.Flush(context.Background()); err != nil {
			b.log.Error("écritures différées", "err", err)
		}
	}
}

// Flush commits every pending statement now, in one transaction. A
// statement that fails is logged and skipped (SQLite undoes a failed
// statement alone, the transaction goes on), so one bad entry does not
// lose the others; a failed commit puts them all back in the queue.
func (b *Batch) Flush(ctx context.Context) error {
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	b.mu.Lock()
	items := b.pending
	b.pending = nil
	b.mu.Unlock()
	if len(items) == 0 {
		return nil
	}
	// Background work: not counted as any request's statements.
	ctx = Uncounted(ctx)
	err := b.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, it.query, it.args...); err != nil {
				if ctx.Err() != nil {
					return err
				}
				b.log.Error("écriture différée refusée", "err", err, "requête", it.query)
			}
		}
		return nil
	})
	if err != nil {
		b.mu.Lock()
		b.pending = append(items, b.pending...)
		b.mu.Unlock()
	}
	return err
}

// Close stops the timer and commits what is pending. Later Adds write at
// once.
func (b *Batch) Close(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	close(b.stop)
	<-b.done
	err := b.Flush(ctx)
	if n := b.Pending(); n > 0 {
		err = errors.Join(err, errors.New("écritures différées non enregistrées"))
	}
	return err
}
