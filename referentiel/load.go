package referentiel

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"gopkg.in/yaml.v3"
)

//go:embed data/*.yaml
var dataFS embed.FS

// DefaultID is the framework version shipped and used when none is chosen.
const DefaultID = "casp-2016"

// Load reads every framework file embedded in the binary, checks it and
// indexes it.
func Load() (*Catalog, error) { return LoadFS(dataFS, "data") }

// LoadFS reads every *.yaml file of dir in fsys as one framework version.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	cat := &Catalog{byID: map[string]*Framework{}}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		fw, err := parse(raw)
		if err != nil {
			return nil, fmt.Errorf("référentiel %s : %w", path.Base(name), err)
		}
		if _, dup := cat.byID[fw.ID]; dup {
			return nil, fmt.Errorf("référentiel %s : identifiant de version %q en double", path.Base(name), fw.ID)
		}
		cat.byID[fw.ID] = fw
		cat.list = append(cat.list, fw)
	}
	if len(cat.list) == 0 {
		return nil, fmt.Errorf("aucun référentiel trouvé dans %s", dir)
	}
	return cat, nil
}

func parse(raw []byte) (*Framework, error) {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var fw Framework
	if err := dec.Decode(&fw); err != nil {
		return nil, err
	}
	if err := fw.validate(); err != nil {
		return nil, err
	}
	fw.index()
	return &fw, nil
}

// Catalog holds every loaded framework version.
type Catalog struct {
	list []*Framework
	byID map[string]*Framework
}

// Frameworks lists the loaded versions in file order.
func (c *Catalog) Frameworks() []*Framework { return c.list }

// Get returns a version by id.
func (c *Catalog) Get(id string) (*Framework, bool) { fw, ok := c.byID[id]; return fw, ok }

// Default returns the shipped version, or the first one loaded.
func (c *Catalog) Default() *Framework {
	if fw, ok := c.byID[DefaultID]; ok {
		return fw
	}
	return c.list[0]
}
