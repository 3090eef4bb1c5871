package fonds

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/casp-cnam/casp/internal/french"
)

func loadThesaurus(fsys fs.FS) (*Thesaurus, error) {
	const file = "thesaurus.yaml"
	raw, err := fs.ReadFile(fsys, Root+"/"+file)
	if err != nil {
		return nil, fmt.Errorf("%s : fichier absent (%v)", file, err)
	}
	var th Thesaurus
	if err := decodeStrict(raw, &th); err != nil {
		return nil, fmt.Errorf("%s : %w", file, err)
	}
	if err := checkStruct(file, &th); err != nil {
		return nil, err
	}
	if err := th.link(file); err != nil {
		return nil, err
	}
	return &th, nil
}

// link indexes the descriptors and checks the relations: every tg and ta
// target exists, the hierarchy has no cycle, a non-descriptor leads to one
// descriptor only and is not itself a descriptor.
func (th *Thesaurus) link(file string) error {
	th.descriptors = map[string]*Descriptor{}
	th.lead = map[string]*Descriptor{}
	groups := map[string]bool{}
	for _, g := range th.Groups {
		if err := checkSlug(fmt.Sprintf("%s : micro-thésaurus « %s »", file, g.ID), "id", g.ID); err != nil {
			return err
		}
		if groups[g.ID] {
			return fmt.Errorf("%s : micro-thésaurus « %s » en double", file, g.ID)
		}
		groups[g.ID] = true
		for _, d := range g.Descriptors {
			where := fmt.Sprintf("%s : descripteur « %s »", file, d.ID)
			if err := checkSlug(where, "id", d.ID); err != nil {
				return err
			}
			if prev, dup := th.descriptors[d.ID]; dup {
				return fmt.Errorf("%s : champ « id » : « %s » déjà défini dans le micro-thésaurus « %s »", where, d.ID, prev.Group)
			}
			key := french.Fold(d.Label)
			if other, dup := th.lead[key]; dup {
				return fmt.Errorf("%s : champ « libelle » : « %s » est déjà le libellé de « %s »", where, d.Label, other.ID)
			}
			d.Group = g.ID
			th.descriptors[d.ID] = d
			th.lead[key] = d
			th.order = append(th.order, d)
		}
	}
	// Non-descriptors once every label is known, so that a synonym cannot
	// shadow a descriptor defined further down.
	for _, d := range th.order {
		where := fmt.Sprintf("%s : descripteur « %s »", file, d.ID)
		for i, ep := range d.UsedFor {
			key := french.Fold(ep)
			if other, dup := th.lead[key]; dup {
				if other.Label != "" && french.Fold(other.Label) == key {
					return fmt.Errorf("%s : champ « ep[%d] » : « %s » est un descripteur (« %s »), pas un non-descripteur", where, i, ep, other.ID)
				}
				return fmt.Errorf("%s : champ « ep[%d] » : « %s » mène déjà au descripteur « %s »", where, i, ep, other.ID)
			}
			th.lead[key] = d
		}
	}
	for _, d := range th.order {
		where := fmt.Sprintf("%s : descripteur « %s »", file, d.ID)
		if d.Broader != "" {
			p, ok := th.descriptors[d.Broader]
			if !ok {
				return fmt.Errorf("%s : champ « tg » : descripteur « %s » inconnu", where, d.Broader)
			}
			if p == d {
				return fmt.Errorf("%s : champ « tg » : « %s » ne peut pas être son propre terme générique", where, d.Broader)
			}
			p.Narrower = append(p.Narrower, d)
		}
		for i, r := range d.Related {
			o, ok := th.descriptors[r]
			switch {
			case !ok:
				return fmt.Errorf("%s : champ « ta[%d] » : descripteur « %s » inconnu", where, i, r)
			case o == d:
				return fmt.Errorf("%s : champ « ta[%d] » : « %s » ne peut pas être associé à lui-même", where, i, r)
			case r == d.Broader:
				return fmt.Errorf("%s : champ « ta[%d] » : « %s » est déjà son terme générique", where, i, r)
			}
		}
	}
	for _, d := range th.order {
		seen := map[string]bool{d.ID: true}
		for p := d.Broader; p != ""; p = th.descriptors[p].Broader {
			if seen[p] {
				return fmt.Errorf("%s : descripteur « %s » : champ « tg » : cycle dans la hiérarchie (%s)", file, d.ID, strings.Join(th.chain(d.ID), " → "))
			}
			seen[p] = true
		}
	}
	// Associated terms go both ways (ISO 25964): store them so.
	for _, d := range th.order {
		for _, r := range d.Related {
			o := th.descriptors[r]
			if !contains(o.Related, d.ID) {
				o.Related = append(o.Related, d.ID)
			}
		}
	}
	return nil
}

// chain lists id and its broader terms until one repeats.
func (th *Thesaurus) chain(id string) []string {
	out := []string{id}
	seen := map[string]bool{id: true}
	for p := th.descriptors[id].Broader; p != ""; p = th.descriptors[p].Broader {
		out = append(out, p)
		if seen[p] {
			break
		}
		seen[p] = true
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Descriptor returns a descriptor by id.
func (th *Thesaurus) Descriptor(id string) (*Descriptor, bool) {
	d, ok := th.descriptors[id]
	return d, ok
}

// Descriptors lists every descriptor in file order.
func (th *Thesaurus) Descriptors() []*Descriptor { return th.order }

// Lookup finds the descriptor a term leads to: its label, or one of its
// non-descriptors (« APL » leads to « Aide personnelle au logement »),
// ignoring case and accents. used is false when term is the label itself.
func (th *Thesaurus) Lookup(term string) (d *Descriptor, used bool, ok bool) {
	d, ok = th.lead[french.Fold(strings.TrimSpace(term))]
	if !ok {
		return nil, false, false
	}
	return d, french.Fold(d.Label) != french.Fold(strings.TrimSpace(term)), true
}

// Subtree returns id and all its narrower terms, at every level.
func (th *Thesaurus) Subtree(id string) []string {
	d, ok := th.descriptors[id]
	if !ok {
		return nil
	}
	out := []string{d.ID}
	for _, n := range d.Narrower {
		out = append(out, th.Subtree(n.ID)...)
	}
	return out
}

// Path lists the broader terms of id from the top of its hierarchy down to
// id itself.
func (th *Thesaurus) Path(id string) []*Descriptor {
	var out []*Descriptor
	for d, ok := th.descriptors[id]; ok; d, ok = th.descriptors[d.Broader] {
		out = append([]*Descriptor{d}, out...)
	}
	return out
}

// Labels returns the labels of the descriptor ids, unknown ids as given.
func (th *Thesaurus) Labels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if d, ok := th.descriptors[id]; ok {
			out[i] = d.Label
		}
	}
	return out
}
