// Package durable makes file-system changes survive a crash: a folder's
// entries are synced after files are created, renamed or removed in it.
package durable

import "os"

// SyncDir makes a folder's entries (files created, renamed, removed) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
