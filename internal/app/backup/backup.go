// Package backup writes and restores casp's backups: one ZIP archive holding
// a snapshot of the database, every attachment file the snapshot names, the
// signing keys folder if there is one, and a manifest of every entry's size
// and SHA-256 fingerprint. A restore checks all of it before putting
// anything in place.
package backup

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/durable"
)

// Layout is where one database's data lives.
type Layout struct {
	DB    string // the SQLite file
	Files string // the attachments folder
	Keys  string // the signing keys folder; backed up if it exists
}

// The archive's entries.
const (
	manifestName = "manifest.json"
	dbEntry      = "casp.db"
	filesPrefix  = "fichiers/"
	keysPrefix   = "cles/"
)

// The manifest's format: its name, and the version this code writes and
// reads.
const (
	formatName = "casp-sauvegarde"
	Version    = 1
)

// Manifest describes an archive.
type Manifest struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	Entries   []Entry   `json:"entries"`
}

// Entry is one file of the archive.
type Entry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Attachments counts the attachment files.
func (m Manifest) Attachments() int {
	n := 0
	for _, e := range m.Entries {
		if strings.HasPrefix(e.Path, filesPrefix) {
			n++
		}
	}
	return n
}

// errFileGone: an attachment the snapshot names left the folder before it
// was copied (its row deleted since); another snapshot will not name it.
var errFileGone = errors.New("pièce jointe disparue")

// attempts bounds the snapshots taken while attachments keep disappearing.
const attempts = 3

// Create writes the archive of the database d (laid out as l) to dest,
// which must not exist. The server may run meanwhile: the database is
// copied from one snapshot (VACUUM INTO), and the attachments are those the
// snapshot names. Files are written before their row commits and removed
// after it is deleted, so each named file is there, unless removed since
// the snapshot: then a new snapshot is taken, and after a few, the backup
// fails, saying which file is missing, rather than write an incomplete one.
func Create(ctx context.Context, d *db.DB, l Layout, dest string) (Manifest, error) {
	if _, err := os.Lstat(dest); err == nil {
		return Manifest{}, fmt.Errorf("%s existe déjà : choisissez un autre nom", dest)
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return Manifest{}, err
	}
	work, err := os.MkdirTemp(filepath.Dir(abs), ".casp-sauvegarde-*")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(work)
	archive := filepath.Join(work, "archive.zip")
	var m Manifest
	for i := 1; ; i++ {
		m, err = createOnce(ctx, d, l, filepath.Join(work, fmt.Sprintf("base-%d.db", i)), archive)
		if err == nil || !errors.Is(err, errFileGone) || i == attempts {
			break
		}
	}
	if err != nil {
		return Manifest{}, err
	}
	if err := os.Rename(archive, abs); err != nil {
		return Manifest{}, err
	}
	return m, durable.SyncDir(filepath.Dir(abs))
}

// createOnce takes a snapshot and writes the archive from it.
func createOnce(ctx context.Context, d *db.DB, l Layout, snapshot, archive string) (Manifest, error) {
	if err := d.Backup(ctx, snapshot); err != nil {
		return Manifest{}, err
	}
	defer os.Remove(snapshot)
	snap, err := db.OpenSnapshot(snapshot)
	if err != nil {
		return Manifest{}, err
	}
	files, err := assessment.StoredFiles(ctx, snap)
	snap.Close()
	if err != nil {
		return Manifest{}, err
	}

	out, err := os.OpenFile(archive, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Manifest{}, err
	}
	defer out.Close()
	m := Manifest{Format: formatName, Version: Version, CreatedAt: time.Now().UTC().Truncate(time.Second)}
	zw := zip.NewWriter(out)
	add := func(name, src string, method uint16) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: m.CreatedAt})
		if err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), f)
		if err != nil {
			return err
		}
		m.Entries = append(m.Entries, Entry{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	}
	if err := add(dbEntry, snapshot, zip.Deflate); err != nil {
		return Manifest{}, err
	}
	for _, f := range files {
		// PDF, ODT and DOCX are compressed already.
		err := add(filesPrefix+f.Name, filepath.Join(l.Files, f.Name), zip.Store)
		if errors.Is(err, fs.ErrNotExist) {
			return Manifest{}, fmt.Errorf("la pièce jointe %s, enregistrée dans la base, est absente de %s : sauvegarde abandonnée (%w)",
				f.Name, l.Files, errFileGone)
		}
		if err != nil {
			return Manifest{}, err
		}
	}
	err = filepath.WalkDir(l.Keys, func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == l.Keys {
			return filepath.SkipDir
		}
		if err != nil || e.IsDir() {
			return err
		}
		if !e.Type().IsRegular() {
			return fmt.Errorf("%s n'est pas un fichier ordinaire : sauvegarde abandonnée", p)
		}
		rel, err := filepath.Rel(l.Keys, p)
		if err != nil {
			return err
		}
		return add(keysPrefix+filepath.ToSlash(rel), p, zip.Deflate)
	})
	if err != nil {
		return Manifest{}, err
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: manifestName, Method: zip.Deflate, Modified: m.CreatedAt})
	if err != nil {
		return Manifest{}, err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return Manifest{}, err
	}
	if err := zw.Close(); err != nil {
		return Manifest{}, err
	}
	if err := out.Sync(); err != nil {
		return Manifest{}, err
	}
	return m, out.Close()
}

// Restored tells what Restore did.
type Restored struct {
	Manifest Manifest
	// Aside is the folder the replaced data was moved to (with force).
	Aside string
}

// Restore puts the archive's database, attachments and keys in place as l.
// It first extracts everything into a temporary folder beside l.DB and
// checks it: the manifest, every entry's size and fingerprint, the
// database's integrity, and a file for every attachment row. Only then does
// it rename the folders and the database into place, the database last.
// Existing data is refused unless force; then it is moved aside, not
// deleted. The server must be stopped.
func Restore(ctx context.Context, archive string, l Layout, force bool) (Restored, error) {
	existing := present(l)
	if len(existing) > 0 && !force {
		return Restored{}, fmt.Errorf("%s existe déjà : ajoutez --force pour remplacer la base (l'actuelle sera mise de côté, pas effacée)", existing[0])
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("sauvegarde %s refusée : %s. Rien n'a été restauré", archive, fmt.Sprintf(format, args...))
	}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Restored{}, fmt.Errorf("sauvegarde %s introuvable", archive)
		}
		return Restored{}, refuse("ce n'est pas une archive ZIP lisible, elle est abîmée ou a été modifiée")
	}
	defer zr.Close()
	m, byPath, err := readManifest(zr)
	if err != nil {
		return Restored{}, refuse("%s", err.Error())
	}

	parent := filepath.Dir(l.DB)
	if _, err := os.Stat(parent); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(parent, 0o700); err != nil {
			return Restored{}, err
		}
		// Refused, the restore leaves no trace, not even an empty folder.
		defer func() {
			if _, err := os.Stat(l.DB); err != nil {
				os.Remove(parent)
			}
		}()
	}
	work, err := os.MkdirTemp(parent, ".casp-restauration-*")
	if err != nil {
		return Restored{}, err
	}
	defer os.RemoveAll(work)
	for _, e := range m.Entries {
		if err := extract(byPath[e.Path], e, filepath.Join(work, filepath.FromSlash(e.Path))); err != nil {
			return Restored{}, refuse("%s", err.Error())
		}
	}
	if err := checkDB(ctx, work, byPath); err != nil {
		return Restored{}, refuse("%s", err.Error())
	}

	// The extracted files are synced; their folders too, before they move.
	err = filepath.WalkDir(work, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return err
		}
		return durable.SyncDir(p)
	})
	if err != nil {
		return Restored{}, err
	}

	res := Restored{Manifest: m}
	if existing = present(l); len(existing) > 0 {
		if !force {
			return Restored{}, fmt.Errorf("%s vient d'apparaître : restauration abandonnée", existing[0])
		}
		res.Aside = l.DB + ".remplacee-" + time.Now().Format("20060102-150405")
		if err := os.Mkdir(res.Aside, 0o700); err != nil {
			return Restored{}, err
		}
		for _, p := range existing {
			if err := os.Rename(p, filepath.Join(res.Aside, filepath.Base(p))); err != nil {
				return res, fmt.Errorf("mise de côté de %s : %w", p, err)
			}
		}
		if err := durable.SyncDir(res.Aside); err != nil {
			return res, err
		}
	}
	for _, mv := range []struct{ from, to string }{
		{filepath.Join(work, strings.TrimSuffix(filesPrefix, "/")), l.Files},
		{filepath.Join(work, strings.TrimSuffix(keysPrefix, "/")), l.Keys},
		{filepath.Join(work, dbEntry), l.DB},
	} {
		if _, err := os.Stat(mv.from); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := os.Rename(mv.from, mv.to); err != nil {
			return res, err
		}
	}
	return res, durable.SyncDir(parent)
}

// present lists what of a layout exists, the SQLite side files included.
func present(l Layout) []string {
	var out []string
	for _, p := range []string{l.DB, l.DB + "-wal", l.DB + "-shm", l.DB + "-journal", l.Files, l.Keys} {
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// maxManifest bounds the manifest read (some 150 bytes an entry).
const maxManifest = 64 << 20

// readManifest reads and checks the manifest against the archive: known
// format, safe names, each entry once, nothing in the archive it omits.
func readManifest(zr *zip.ReadCloser) (Manifest, map[string]*zip.File, error) {
	var m Manifest
	byPath := map[string]*zip.File{}
	var mf *zip.File
	for _, f := range zr.File {
		if _, dup := byPath[f.Name]; dup || f.Name == manifestName && mf != nil {
			return m, nil, fmt.Errorf("l'archive contient deux fois %s", f.Name)
		}
		if f.Name == manifestName {
			mf = f
			continue
		}
		byPath[f.Name] = f
	}
	if mf == nil {
		return m, nil, errors.New("l'archive n'a pas de manifeste (manifest.json) : ce n'est pas une sauvegarde casp")
	}
	rc, err := mf.Open()
	if err != nil {
		return m, nil, errors.New("son manifeste est illisible")
	}
	body, err := io.ReadAll(io.LimitReader(rc, maxManifest+1))
	rc.Close()
	if err != nil || len(body) > maxManifest || json.Unmarshal(body, &m) != nil {
		return m, nil, errors.New("son manifeste est illisible")
	}
	switch {
	case m.Format != formatName:
		return m, nil, errors.New("ce n'est pas une sauvegarde casp")
	case m.Version > Version:
		return m, nil, fmt.Errorf("elle a été écrite par une version plus récente de casp (format %d) : mettez casp à jour", m.Version)
	case m.Version < 1:
		return m, nil, errors.New("son manifeste est illisible")
	}
	listed := map[string]bool{}
	for _, e := range m.Entries {
		if !validEntry(e.Path) || listed[e.Path] || e.Size < 0 {
			return m, nil, fmt.Errorf("son manifeste mentionne une entrée invalide (%q)", e.Path)
		}
		listed[e.Path] = true
		if byPath[e.Path] == nil {
			return m, nil, fmt.Errorf("%s, mentionné par le manifeste, manque à l'archive", e.Path)
		}
	}
	if !listed[dbEntry] {
		return m, nil, errors.New("elle ne contient pas de base")
	}
	for name := range byPath {
		if !listed[name] {
			return m, nil, fmt.Errorf("l'archive contient %s, que son manifeste ne mentionne pas", name)
		}
	}
	return m, byPath, nil
}

// validEntry tells an entry name the archive may hold: the database, an
// attachment named as StoredName names them, or a file under the keys
// folder that stays inside it.
func validEntry(name string) bool {
	switch {
	case name == dbEntry:
		return true
	case strings.HasPrefix(name, filesPrefix):
		return assessment.IsStoredName(strings.TrimPrefix(name, filesPrefix))
	case strings.HasPrefix(name, keysPrefix):
		rel := strings.TrimPrefix(name, keysPrefix)
		return rel != "" && !strings.Contains(rel, `\`) && path.Clean(rel) == rel && filepath.IsLocal(rel)
	}
	return false
}

// extract copies an entry to dest, synced, checking its size and
// fingerprint against the manifest as it goes.
func extract(f *zip.File, e Entry, dest string) error {
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return err
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s est illisible", e.Path)
	}
	defer rc.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(rc, e.Size+1))
	if err != nil {
		// archive/zip checks each entry's CRC-32 as it reads.
		return fmt.Errorf("%s est abîmé dans l'archive", e.Path)
	}
	if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
		return fmt.Errorf("%s ne correspond pas à son empreinte SHA-256 du manifeste : l'archive a été modifiée ou abîmée", e.Path)
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

// checkDB checks the extracted database: SQLite's integrity check, and a
// file in the archive for every attachment row.
func checkDB(ctx context.Context, work string, byPath map[string]*zip.File) error {
	snap, err := db.OpenSnapshot(filepath.Join(work, dbEntry))
	if err != nil {
		return errors.New("la base qu'elle contient ne s'ouvre pas")
	}
	defer snap.Close()
	rows, err := snap.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return errors.New("la base qu'elle contient est abîmée")
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		problems = append(problems, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("la base qu'elle contient est abîmée (contrôle d'intégrité : %s)", strings.Join(problems, " ; "))
	}
	files, err := assessment.StoredFiles(ctx, snap)
	if err != nil {
		return fmt.Errorf("les pièces jointes de la base sont illisibles (%v)", err)
	}
	for _, f := range files {
		if byPath[filesPrefix+f.Name] == nil {
			return fmt.Errorf("la pièce jointe %s, enregistrée dans la base, manque à l'archive", f.Name)
		}
	}
	return nil
}
