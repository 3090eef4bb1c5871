package fonds

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kljensen/snowball/french"

	fr "github.com/casp-cnam/casp/internal/french"
)

// Query is a search of the fund. Every filter left empty lets everything
// through; Text empty lists the filtered documents, newest first.
type Query struct {
	Text string
	// Kinds keeps documents of these kinds.
	Kinds []string
	// Descriptor keeps documents indexed with this descriptor or any of its
	// narrower terms, at every level.
	Descriptor string
	// From and To bound the publication date, both days included.
	From, To time.Time
	// Reliabilities keeps documents of these expected reliability levels.
	Reliabilities []string
	// CurrentOnly leaves out outdated documents.
	CurrentOnly bool
}

// Hit is a document found, with why it ranks where it does.
type Hit struct {
	Document *Document
	// TitleTerms and DescriptorTerms count the query's terms found in the
	// title and in the descriptors (labels and their non-descriptors); they
	// order the results before Score, the term-frequency score of all
	// fields.
	TitleTerms      int
	DescriptorTerms int
	Score           float64
	// Excerpt is the first sentence of the summary or the body holding a
	// query term (empty when the match is only in the title, descriptors or
	// author).
	Excerpt string
}

// Field weights of the term-frequency score.
const (
	weightTitle      = 5
	weightDescriptor = 3
	weightAuthor     = 2
	weightSummary    = 1.5
	weightBody       = 1
)

type docIndex struct {
	doc                                *Document
	title, desc, author, summary, body map[string]int
	sentences                          []string
	sentenceTerms                      []map[string]bool
}

type index struct {
	docs []*docIndex
	df   map[string]int
}

func buildIndex(f *Fonds) *index {
	ix := &index{df: map[string]int{}}
	for _, d := range f.Documents {
		var descText []string
		for _, id := range d.Descriptors {
			ds := f.Thesaurus.descriptors[id]
			descText = append(descText, ds.Label)
			descText = append(descText, ds.UsedFor...)
		}
		di := &docIndex{
			doc:     d,
			title:   counts(d.Title),
			desc:    counts(strings.Join(descText, " ; ")),
			author:  counts(d.Author),
			summary: counts(d.Summary),
			body:    counts(d.Text),
		}
		for _, s := range sentences(d.Summary + "\n" + d.Text) {
			di.sentences = append(di.sentences, s)
			set := map[string]bool{}
			for _, t := range Terms(s) {
				set[t] = true
			}
			di.sentenceTerms = append(di.sentenceTerms, set)
		}
		seen := map[string]bool{}
		for _, m := range []map[string]int{di.title, di.desc, di.author, di.summary, di.body} {
			for t := range m {
				if !seen[t] {
					seen[t] = true
					ix.df[t]++
				}
			}
		}
		ix.docs = append(ix.docs, di)
	}
	return ix
}

func counts(s string) map[string]int {
	m := map[string]int{}
	for _, t := range Terms(s) {
		m[t]++
	}
	return m
}

var (
	// Elided articles and pronouns, after folding (’ is already ').
	elision   = regexp.MustCompile(`\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'`)
	wordSplit = regexp.MustCompile(`[^\p{L}\p{N}]+`)
	sentence  = regexp.MustCompile(`[^.!?\n]+[.!?]*`)
)

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a au aux avec ce ces cet cette d dans de des du elle en est et il ils l la le les leur leurs ne ni ou par pas pour qu que qui sa se ses son sont sur un une vos votre y`) {
		m[w] = true
	}
	return m
}()

// Terms turns French text into search terms: case, accents and ligatures
// folded, elisions cut (« l'hébergement » → « hebergement »), function
// words dropped, words stemmed (« logements » → « log »). Numbers and
// acronyms are kept.
func Terms(s string) []string {
	s = apostrophes.Replace(fr.Fold(s))
	s = elision.ReplaceAllString(s, "")
	var out []string
	for _, w := range wordSplit.Split(s, -1) {
		if w == "" || stopWords[w] {
			continue
		}
		if isDigits(w) {
			out = append(out, w)
			continue
		}
		if len(w) < 2 {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// stem keeps short words (acronyms: rsa, cej, apl) whole; the French
// Snowball stemmer works on the folded word, the same on both sides of a
// search.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	if s, ok := stems.Load(w); ok {
		return s.(string)
	}
	s := fr.Fold(french.Stem(w, true))
	stems.Store(w, s)
	return s
}

var (
	apostrophes = strings.NewReplacer("`", "'", "ʼ", "'")
	// stems keeps each word's stem: the fund's index and the searches stem
	// the same few thousand words again and again (the stemmer was two
	// thirds of loading the content).
	stems sync.Map
)

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func sentences(s string) []string {
	var out []string
	for _, m := range sentence.FindAllString(s, -1) {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// Search runs a query over the fund.
func (f *Fonds) Search(q Query) []Hit {
	allowed := f.filter(q)
	terms := uniq(Terms(q.Text))
	var hits []Hit
	n := float64(len(f.index.docs))
	for _, di := range f.index.docs {
		if !allowed(di.doc) {
			continue
		}
		h := Hit{Document: di.doc}
		matched := true
		for _, t := range terms {
			tf := weightTitle*float64(di.title[t]) + weightDescriptor*float64(di.desc[t]) + weightAuthor*float64(di.author[t]) +
				weightSummary*float64(di.summary[t]) + weightBody*float64(di.body[t])
			if tf == 0 {
				matched = false
				break
			}
			if di.title[t] > 0 {
				h.TitleTerms++
			}
			if di.desc[t] > 0 {
				h.DescriptorTerms++
			}
			// Dampened term frequency times inverse document frequency.
			h.Score += (1 + math.Log(tf)) * math.Log(1+n/float64(f.index.df[t]))
		}
		if !matched {
			continue
		}
		h.Excerpt = di.excerpt(terms)
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		switch {
		case a.TitleTerms != b.TitleTerms:
			return a.TitleTerms > b.TitleTerms
		case a.DescriptorTerms != b.DescriptorTerms:
			return a.DescriptorTerms > b.DescriptorTerms
		case a.Score != b.Score:
			return a.Score > b.Score
		case !a.Document.PublishedOn.Equal(b.Document.PublishedOn):
			return a.Document.PublishedOn.After(b.Document.PublishedOn)
		}
		return a.Document.ID < b.Document.ID
	})
	return hits
}

func (di *docIndex) excerpt(terms []string) string {
	for i, set := range di.sentenceTerms {
		for _, t := range terms {
			if set[t] {
				return di.sentences[i]
			}
		}
	}
	return ""
}

func uniq(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (f *Fonds) filter(q Query) func(*Document) bool {
	var under map[string]bool
	if q.Descriptor != "" {
		under = map[string]bool{}
		for _, id := range f.Thesaurus.Subtree(q.Descriptor) {
			under[id] = true
		}
	}
	var to time.Time
	if !q.To.IsZero() {
		y, m, d := q.To.In(fr.Paris).Date()
		to = time.Date(y, m, d+1, 0, 0, 0, 0, fr.Paris)
	}
	var from time.Time
	if !q.From.IsZero() {
		y, m, d := q.From.In(fr.Paris).Date()
		from = time.Date(y, m, d, 0, 0, 0, 0, fr.Paris)
	}
	return func(d *Document) bool {
		if len(q.Kinds) > 0 && !contains(q.Kinds, d.Kind) {
			return false
		}
		if len(q.Reliabilities) > 0 && !contains(q.Reliabilities, d.Reliability.Level) {
			return false
		}
		if q.CurrentOnly && d.Outdated {
			return false
		}
		if !from.IsZero() && d.PublishedOn.Before(from) {
			return false
		}
		if !to.IsZero() && !d.PublishedOn.Before(to) {
			return false
		}
		if under != nil {
			found := false
			for _, id := range d.Descriptors {
				found = found || under[id]
			}
			if !found {
				return false
			}
		}
		return true
	}
}
