// Package content holds casp's authored content as embedded files: the
// territory, the fiches dispositifs, the scenarios and the demo portfolio.
// Content is data: it is validated where it is loaded.
package content

import (
	"embed"
	"io/fs"
)

// FS is every content file.
//
//go:embed demo territoire fiches scenarios exercices fonds
var FS embed.FS

// Sandbox is the tree the casework loader reads (territoire/, fiches/,
// scenarios/).
func Sandbox() fs.FS { return FS }
