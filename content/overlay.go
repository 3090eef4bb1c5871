package content

import (
	"errors"
	"io/fs"
	"os"
	"sort"
)

// Overlay reads the folder dir over the embedded content: a file of dir
// replaces the embedded file of the same path, and a new file adds to it.
// Training teams write or try a case without rebuilding casp.
func Overlay(dir string) (fs.FS, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, errors.New(dir + " n'est pas un dossier")
	}
	return overlay{top: os.DirFS(dir), base: FS}, nil
}

type overlay struct{ top, base fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.base.Open(name)
}

// ReadDir merges both folders, the top one winning on a name.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	base, errBase := fs.ReadDir(o.base, name)
	for _, e := range base {
		seen[e.Name()] = e
	}
	top, errTop := fs.ReadDir(o.top, name)
	for _, e := range top {
		seen[e.Name()] = e
	}
	if errBase != nil && errTop != nil {
		return nil, errBase
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
