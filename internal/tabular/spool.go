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
	for _, t := range tables {
		if t.Source == nil {
			if err := Check(t); err != nil {
				return release, err
			}
			continue
		}
		f, err := os.CreateTemp(dir, "casp-export-*")
		if err != nil {
			return release, err
		}
		paths = append(paths, f.Name())
		w := bufio.NewWriterSize(f, 64<<10)
		var scratch [binary.MaxVarintLen64]byte
		n := 0
		err = t.each(func(_ int, row []cell) error {
			n++
			for i, x := range row {
				if x.empty {
					w.WriteByte(0)
					continue
				}
				w.WriteByte(1)
				switch t.Columns[i].Kind {
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
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return release, err
		}
		t.Source = replay(f.Name(), t.Columns, n)
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
