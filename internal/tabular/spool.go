package tabular

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"
)

// Spool checks every row of the tables once and keeps the rows of those
// produced by a Source in a temporary file (mode 0600, in dir or the
// system's temporary folder), from which the table replays them: an export
// reads the database once, holds one row at a time, and a writer may still
// pass over the rows several times (XLSX measures its columns first).
// release removes the files; call it once the tables are written.
func Spool(dir string, tables ...*Table) (release func(), err error) {
	var sourced []*Table
	for _, t := range tables {
		if t.Source == nil {
			if err := Check(t); err != nil {
				return func() {}, err
			}
			continue
		}
		sourced = append(sourced, t)
	}
	return SpoolFilled(dir, func(emit func(int, ...any) error) error {
		for i, t := range sourced {
			if err := t.Source(func(values ...any) error { return emit(i, values...) }); err != nil {
				return err
			}
		}
		return nil
	}, sourced...)
}

// SpoolFilled is Spool for tables filled together by one pass of fill
// (one read of the database for several sheets): fill calls emit(i, …) to
// add a row to tables[i]. The tables then replay their rows as Spool's.
func SpoolFilled(dir string, fill func(emit func(i int, values ...any) error) error, tables ...*Table) (release func(), err error) {
	var paths []string
	release = func() {
		for _, p := range paths {
			os.Remove(p)
		}
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	type spooled struct {
		f     *os.File
		w     *bufio.Writer
		cells []cell
		n     int
	}
	out := make([]*spooled, len(tables))
	defer func() {
		for _, o := range out {
			if o != nil {
				o.f.Close()
			}
		}
	}()
	for i, t := range tables {
		f, err := os.CreateTemp(dir, "casp-export-*")
		if err != nil {
			return release, err
		}
		paths = append(paths, f.Name())
		out[i] = &spooled{f: f, w: bufio.NewWriterSize(f, 64<<10), cells: make([]cell, len(t.Columns))}
	}
	var scratch [binary.MaxVarintLen64]byte
	err = fill(func(i int, values ...any) error {
		if i < 0 || i >= len(tables) {
			return fmt.Errorf("relais d'export : tableau %d inconnu", i)
		}
		t, o := tables[i], out[i]
		if err := t.checkRow(o.n, values, o.cells); err != nil {
			return err
		}
		o.n++
		w := o.w
		for c, x := range o.cells {
			if x.empty {
				w.WriteByte(0)
				continue
			}
			w.WriteByte(1)
			switch t.Columns[c].Kind {
			case Integer:
				w.Write(scratch[:binary.PutVarint(scratch[:], x.i)])
			case Decimal:
				w.Write(scratch[:binary.PutUvarint(scratch[:], math.Float64bits(x.f))])
			case Date, DateTime:
				w.Write(scratch[:binary.PutVarint(scratch[:], x.t.UnixNano())])
			default:
				w.Write(scratch[:binary.PutUvarint(scratch[:], uint64(len(x.s)))])
				w.WriteString(x.s)
			}
		}
		return nil
	})
	if err != nil {
		return release, err
	}
	for i, t := range tables {
		o := out[i]
		if err := o.w.Flush(); err != nil {
			return release, err
		}
		if err := o.f.Close(); err != nil {
			return release, err
		}
		out[i] = nil
		t.Rows, t.Source = nil, replay(o.f.Name(), t.Columns, o.n)
	}
	return release, nil
}

// replay reads back the n rows a Spool wrote.
func replay(path string, cols []Column, n int) func(yield func(...any) error) error {
	return func(yield func(...any) error) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r := bufio.NewReaderSize(f, 64<<10)
		row := make([]any, len(cols))
		var buf []byte
		for range n {
			for i, c := range cols {
				set, err := r.ReadByte()
				if err != nil {
					return spoolErr(err)
				}
				if set == 0 {
					row[i] = nil
					continue
				}
				switch c.Kind {
				case Integer:
					v, err := binary.ReadVarint(r)
					if err != nil {
						return spoolErr(err)
					}
					row[i] = v
				case Decimal:
					v, err := binary.ReadUvarint(r)
					if err != nil {
						return spoolErr(err)
					}
					row[i] = math.Float64frombits(v)
				case Date, DateTime:
					v, err := binary.ReadVarint(r)
					if err != nil {
						return spoolErr(err)
					}
					row[i] = time.Unix(0, v).UTC()
				default:
					l, err := binary.ReadUvarint(r)
					if err != nil {
						return spoolErr(err)
					}
					if uint64(cap(buf)) < l {
						buf = make([]byte, l)
					}
					buf = buf[:l]
					if _, err := io.ReadFull(r, buf); err != nil {
						return spoolErr(err)
					}
					row[i] = string(buf)
				}
			}
			if err := yield(row...); err != nil {
				return err
			}
		}
		return nil
	}
}

func spoolErr(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("relecture de l'export : %w", err)
}
