// Package content holds casp's authored content as embedded files: the
// demo portfolio today; scenarios, the territory and the fiches dispositifs
// as they arrive. Content is data: it is validated where it is loaded.
package content

import "embed"

// FS is every content file.
//
//go:embed demo
var FS embed.FS
