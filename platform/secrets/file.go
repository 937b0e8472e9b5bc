package secrets

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"golang.org/x/crypto/scrypt"

	"github.com/swarmdesk/swarmdesk/platform"
)

// kdfParams are scrypt's cost parameters; they are stored in the file so that they can be raised
// later without breaking old files.
type kdfParams struct {
	N, R, P int
}

// defaultKDF takes about 100 ms and 32 MiB on a laptop: slow for guessing, quick for unlocking.
var defaultKDF = kdfParams{N: 1 << 15, R: 8, P: 1}

// fileFormat is the on-disk envelope. The ciphertext is AES-256-GCM over the JSON of the secrets
// map; the header fields are bound to it as additional data so they cannot be swapped.
type fileFormat struct {
	Format     string `json:"format"` // "swarmdesk-secrets"
	Version    int    `json:"version"`
	KDF        string `json:"kdf"` // "scrypt"
	N          int    `json:"n"`
	R          int    `json:"r"`
	P          int    `json:"p"`
	Salt       []byte `json:"salt"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

const (
	formatName    = "swarmdesk-secrets"
	formatVersion = 1
	maxFileSize   = 1 << 20 // a store of a few keys is a few KiB; anything larger is not ours
)

// fileStore is the encrypted-file backend. Every Set is a locked read-modify-write followed by an
// atomic replace, so several processes (the app and a CLI call) can share one file and a crash
// mid-write leaves the old file intact.
type fileStore struct {
	path       string
	passphrase []byte
	kdf        kdfParams

	mu   sync.Mutex // serialises this process's writers; the file lock serialises processes
	salt []byte     // salt that key was derived with
	key  []byte
}

func openFileStore(path string, passphrase []byte, k kdfParams) (*fileStore, error) {
	s := &fileStore{path: path, passphrase: bytes.Clone(passphrase), kdf: k}
	// Unlock now so a wrong passphrase is reported at once, not at the first read.
	if _, err := s.load(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return s, nil
}

func (s *fileStore) Location() string { return "encrypted file " + s.path }

func (s *fileStore) Get(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.load()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s in %s: %w", key, s.path, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	v, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("%s in %s: %w", key, s.path, ErrNotFound)
	}
	return v, nil
}

func (s *fileStore) Set(key string, value []byte) error {
	return s.update(func(m map[string][]byte) { m[key] = bytes.Clone(value) })
}

func (s *fileStore) Delete(key string) error {
	return s.update(func(m map[string][]byte) { delete(m, key) })
}

// update applies fn to the current contents under the cross-process lock. A damaged file or a
// wrong passphrase aborts the update: the file is never replaced by one that lost entries.
func (s *fileStore) update(fn func(map[string][]byte)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil { // for the lock file
		return fmt.Errorf("create %s: %w", filepath.Dir(s.path), err)
	}
	unlock, err := lockFile(s.path + ".lock")
	if err != nil {
		return fmt.Errorf("lock %s: %w", s.path, err)
	}
	defer unlock()
	m, err := s.load()
	if errors.Is(err, fs.ErrNotExist) {
		m = map[string][]byte{}
	} else if err != nil {
		return err
	}
	fn(m)
	return s.write(m)
}

// load reads and decrypts the file. It returns fs.ErrNotExist (wrapped) when there is none.
func (s *fileStore) load() (map[string][]byte, error) {
	raw, err := os.ReadFile(s.path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.path, err)
	}
	if len(raw) > maxFileSize {
		return nil, fmt.Errorf("%s is %d bytes: %w", s.path, len(raw), ErrCorrupt)
	}
	var f fileFormat
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%s (truncated or edited?): %w", s.path, ErrCorrupt)
	}
	if f.Format != formatName {
		return nil, fmt.Errorf("%s: %w", s.path, ErrCorrupt)
	}
	if f.Version != formatVersion {
		return nil, fmt.Errorf("%s has format version %d; this swarmdesk reads version %d (update swarmdesk)", s.path, f.Version, formatVersion)
	}
	if f.KDF != "scrypt" {
		return nil, fmt.Errorf("%s: unknown key derivation %q: %w", s.path, f.KDF, ErrCorrupt)
	}
	if !validKDF(kdfParams{f.N, f.R, f.P}) || len(f.Salt) < 16 || len(f.Nonce) != 12 || len(f.Ciphertext) < 16 {
		return nil, fmt.Errorf("%s: bad parameters: %w", s.path, ErrCorrupt)
	}
	key, err := s.deriveFor(f.Salt, kdfParams{f.N, f.R, f.P})
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, f.Nonce, f.Ciphertext, additionalData(f))
	if err != nil {
		// GCM cannot tell a wrong key from a flipped bit; the passphrase is by far the likelier.
		return nil, fmt.Errorf("unlock %s: %w (or the file was modified)", s.path, ErrWrongPassphrase)
	}
	m := map[string][]byte{}
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("%s: contents: %w", s.path, ErrCorrupt)
	}
	return m, nil
}

func (s *fileStore) write(m map[string][]byte) error {
	if s.key == nil {
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return fmt.Errorf("salt: %w", err)
		}
		if _, err := s.deriveFor(salt, s.kdf); err != nil {
			return err
		}
	}
	plain, err := json.Marshal(sortedMap(m))
	if err != nil {
		return fmt.Errorf("encode secrets: %w", err)
	}
	f := fileFormat{Format: formatName, Version: formatVersion, KDF: "scrypt",
		N: s.kdf.N, R: s.kdf.R, P: s.kdf.P, Salt: s.salt, Nonce: make([]byte, 12)}
	if _, err := rand.Read(f.Nonce); err != nil {
		return fmt.Errorf("nonce: %w", err)
	}
	gcm, err := newGCM(s.key)
	if err != nil {
		return err
	}
	f.Ciphertext = gcm.Seal(nil, f.Nonce, plain, additionalData(f))
	out, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", s.path, err)
	}
	return platform.WriteFileAtomic(s.path, out, 0o600)
}

// deriveFor returns the key for salt, deriving it only when the salt or cost changed (another
// process may have created the file first, with its own salt).
func (s *fileStore) deriveFor(salt []byte, k kdfParams) ([]byte, error) {
	if s.key != nil && bytes.Equal(salt, s.salt) && k == s.kdf {
		return s.key, nil
	}
	key, err := scrypt.Key(s.passphrase, salt, k.N, k.R, k.P, 32)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	s.key, s.salt, s.kdf = key, bytes.Clone(salt), k
	return key, nil
}

func validKDF(k kdfParams) bool {
	// Bounds keep a hostile file from making us allocate gigabytes or spin for minutes.
	return k.N >= 2 && k.N <= 1<<20 && k.N&(k.N-1) == 0 && k.R >= 1 && k.R <= 32 && k.P >= 1 && k.P <= 16
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

func additionalData(f fileFormat) []byte {
	return fmt.Appendf(nil, "%s/%d/%s/%d/%d/%d/%x", f.Format, f.Version, f.KDF, f.N, f.R, f.P, f.Salt)
}

// sortedMap makes the plaintext deterministic (handy when debugging a decrypted dump).
func sortedMap(m map[string][]byte) map[string][]byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string][]byte, len(m))
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}
