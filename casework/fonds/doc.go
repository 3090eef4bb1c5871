// Package fonds is the documentary fund and watch exercise of the sandbox
// (framework tasks 5.1 to 5.5): a fictional collection of documents about the
// Valmont-sur-Loire territory, a thesaurus to index them, collection themes
// with the expert's key, and RSS/Atom watch feeds whose items appear day by
// day of simulated time.
//
// The content lives under fonds/ in the content tree (content.FS):
//
//	fonds/thesaurus.yaml       micro-thesaurus and descriptors (tg, ta, ep)
//	fonds/documents/*.yaml     lists of documents, one file per kind
//	fonds/themes.yaml          collection themes and their expert key
//	fonds/flux/*.yaml          one watch feed per file
//
// Load reads and checks all of it: struct rules (go-playground/validator),
// then cross-references (descriptors, replacements, themes, the fiches a rule
// change affects, the thesaurus hierarchy). Errors are French and name the
// file, the field as the YAML spells it and the bad value, because the people
// who write content read them.
//
// Search is a small in-memory full-text index: text is folded (case,
// accents, ligatures), French elisions are cut and words are stemmed, so
// « l'hébergement », « HEBERGEMENT » and « hébergements » meet. Results rank
// title matches first, then descriptor matches, then a term-frequency score
// of the summary and body; filters narrow by kind, descriptor (with its
// narrower terms), publication dates and expected reliability.
//
// RSS and Atom write a feed as it stands on a simulated day; ParseFeed reads
// RSS 2.0, RSS 1.0 and Atom 1.0 with encoding/xml, tolerating what real feeds
// do (byte-order marks, leading blanks, legacy charsets, CDATA, HTML in
// summaries, dates in several layouts or none, Atom links with or without
// rel). No feed library: the one on the approved list is flagged as not an
// approved release, and the standard library covers both formats.
package fonds
