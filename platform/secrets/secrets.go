// Package secrets keeps small secrets (the peer key, the on-chain account key, session keys) in
// the OS keychain, or — where no keychain service exists, as on a headless Linux server — in a
// file encrypted with a key derived from the user's passphrase. Nothing is ever stored in the
// clear: a machine with neither a keychain nor a passphrase gets an error that says how to
// provide one.
package secrets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Store is a key-value store for secrets. Keys are short ASCII names; values are small
// (a few KiB at most, which is what every OS keychain accepts).
type Store interface {
	// Get returns ErrNotFound when the key has never been set.
	Get(key string) ([]byte, error)
	Set(key string, value []byte) error
	// Delete is not an error when the key is absent.
	Delete(key string) error
	// Location says, for a person, where the secrets are kept.
	Location() string
}

// Errors a caller acts on. They are wrapped with context; test with errors.Is.
var (
	ErrNotFound = errors.New("secret not found")
	// ErrPassphraseRequired: no keychain service is reachable and no passphrase was given.
	ErrPassphraseRequired = errors.New("no OS keychain is available and no passphrase was given: " +
		"set SWARMDESK_PASSPHRASE, pass --passphrase-file, or run in a terminal to be asked for one")
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrCorrupt: the encrypted file is damaged or not ours. It is never overwritten.
	ErrCorrupt = errors.New("secret file is damaged or not a swarmdesk secret file")
	// ErrKeychainUnavailable: the keychain backend was asked for explicitly and does not work here.
	ErrKeychainUnavailable = errors.New("the OS keychain is not available")
)

// Backend names, as in the config file's secrets.backend.
const (
	BackendAuto    = "auto"
	BackendKeyring = "keyring"
	BackendFile    = "file"
)

// FileName is the encrypted fallback store inside Options.Dir.
const FileName = "secrets.enc"

// Options choose and configure a backend.
type Options struct {
	Backend string // auto (default), keyring or file
	Service string // keychain service name, e.g. io.swarmdesk.app
	Dir     string // folder of the encrypted file
	// Passphrase unlocks (or, the first time, creates) the encrypted file.
	Passphrase []byte
	// Keyring is the keychain to use; nil means the OS keychain. Tests pass a fake.
	Keyring Keyring
	// kdf overrides the key-derivation cost; only tests lower it.
	kdf *kdfParams
}

// Open picks the backend. In auto mode an existing encrypted file wins (a node that started
// without a keychain keeps its secrets where they are); otherwise the keychain is used when it
// answers, and the encrypted file when it does not.
func Open(opt Options) (Store, error) {
	if opt.Service == "" {
		return nil, errors.New("secrets: no service name")
	}
	if opt.Keyring == nil {
		opt.Keyring = osKeyring{}
	}
	switch opt.Backend {
	case "", BackendAuto:
		if fileExists(filepath.Join(opt.Dir, FileName)) {
			return openFile(opt)
		}
		if err := probe(opt.Keyring, opt.Service); err == nil {
			return &keyringStore{kr: opt.Keyring, service: opt.Service}, nil
		}
		return openFile(opt)
	case BackendKeyring:
		if err := probe(opt.Keyring, opt.Service); err != nil {
			return nil, fmt.Errorf("%w: %v (use secrets.backend = \"file\" with a passphrase instead)", ErrKeychainUnavailable, err)
		}
		return &keyringStore{kr: opt.Keyring, service: opt.Service}, nil
	case BackendFile:
		return openFile(opt)
	default:
		return nil, fmt.Errorf("secrets backend %q: allowed values are auto, keyring, file", opt.Backend)
	}
}

func openFile(opt Options) (Store, error) {
	if opt.Dir == "" {
		return nil, errors.New("secrets: no folder for the encrypted file")
	}
	if len(opt.Passphrase) == 0 {
		return nil, ErrPassphraseRequired
	}
	k := defaultKDF
	if opt.kdf != nil {
		k = *opt.kdf
	}
	return openFileStore(filepath.Join(opt.Dir, FileName), opt.Passphrase, k)
}

// FileStoreExists reports whether dir holds an encrypted store, so a UI can ask "unlock" rather
// than "choose a passphrase".
func FileStoreExists(dir string) bool { return fileExists(filepath.Join(dir, FileName)) }

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
