package views

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"html/template"
	"io"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/flate"
)

// Kept is a large part of a page rendered once and kept while its data
// stays the same (a heatmap table): pages put it in with {{keep . $kept}}.
// It is written as it is, and, for a client that takes gzip, compressed
// once: a page is then compressed around it (RenderGzip), its own bytes
// never again.
type Kept struct {
	HTML template.HTML

	once     sync.Once
	deflated []byte // raw deflate blocks ending in a sync flush: byte-aligned, not final
	err      error
}

// NewKept keeps h.
func NewKept(h template.HTML) *Kept { return &Kept{HTML: h} }

func (k *Kept) bytes() []byte { return unsafe.Slice(unsafe.StringData(string(k.HTML)), len(k.HTML)) }

// deflate compresses the part once, at the default level (it is done once
// for every reader of the part).
func (k *Kept) deflate() ([]byte, error) {
	k.once.Do(func() {
		var buf bytes.Buffer
		fw, err := flate.NewWriter(&buf, flate.DefaultCompression)
		if err == nil {
			_, err = fw.Write(k.bytes())
		}
		if err == nil {
			err = fw.Flush()
		}
		k.deflated, k.err = buf.Bytes(), err
	})
	return k.deflated, k.err
}

// keptMarker stands for a kept part in a page being rendered: a comment no
// escaped text can produce.
var keptMarker = []byte("<!--casp-kept-->")

// keep is {{keep . $kept}}.
func keep(p *Page, k *Kept) template.HTML {
	p.kept = append(p.kept, k)
	return template.HTML(keptMarker)
}

// split cuts a rendered page at its kept parts' markers: len(kept)+1
// pieces of the page's own text.
func split(out []byte, kept []*Kept) ([][]byte, bool) {
	pieces := make([][]byte, 0, len(kept)+1)
	for range kept {
		i := bytes.Index(out, keptMarker)
		if i < 0 {
			return nil, false
		}
		pieces = append(pieces, out[:i])
		out = out[i+len(keptMarker):]
	}
	return append(pieces, out), true
}

var (
	flateWriters = sync.Pool{New: func() any {
		fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
		return fw
	}}
	gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // no name, no time, unknown OS
)

// writeGzip writes a gzip member: the page's pieces compressed now (level
// 1), each kept part's deflate blocks as compressed once, then the CRC-32
// and the length of the whole. Deflate allows it: every piece but the last
// ends in a sync flush, on a byte boundary, and no piece refers back to
// another's text.
func writeGzip(w io.Writer, pieces [][]byte, kept []*Kept) error {
	if _, err := w.Write(gzipHeader); err != nil {
		return err
	}
	fw := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(fw)
	crc, size := uint32(0), uint32(0)
	for i, piece := range pieces {
		fw.Reset(w)
		if _, err := fw.Write(piece); err != nil {
			return err
		}
		crc, size = crc32.Update(crc, crc32.IEEETable, piece), size+uint32(len(piece))
		if i == len(pieces)-1 {
			if err := fw.Close(); err != nil {
				return err
			}
			break
		}
		if err := fw.Flush(); err != nil {
			return err
		}
		d, err := kept[i].deflate()
		if err != nil {
			return err
		}
		if _, err := w.Write(d); err != nil {
			return err
		}
		b := kept[i].bytes()
		crc, size = crc32.Update(crc, crc32.IEEETable, b), size+uint32(len(b))
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], size)
	_, err := w.Write(trailer[:])
	return err
}
