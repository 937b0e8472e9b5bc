// Package env is what every swarmdesk entry point (a CLI command, the desktop window, the headless
// node) starts from: the per-user folders, the effective configuration, and the way to the secret
// store and the identity in it.
package env

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/platform"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// PassphraseEnv is the environment variable a headless node reads its passphrase from.
const PassphraseEnv = "SWARMDESK_PASSPHRASE"

// Options are what the command line adds to the environment and the config file.
type Options struct {
	ConfigPath     string            // --config; default: <config dir>/config.toml
	Set            map[string]string // --set key=value, applied last
	PassphraseFile string            // --passphrase-file
	Getenv         func(string) string
	// Keyring replaces the OS keychain (tests).
	Keyring secrets.Keyring
}

// Setup is the resolved starting point of a run: its folders, the settings in effect and where
// they came from, and the way to the key store.
type Setup struct {
	Dirs       platform.Dirs
	ConfigPath string
	Config     config.Config
	// Sources maps each key set outside the defaults to where it came from ("file", "env", "flag").
	Sources map[string]string

	passphrase []byte
	keyring    secrets.Keyring
}

// Load resolves folders and configuration: defaults < file < environment < flags.
func Load(o Options) (*Setup, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	home, _ := os.UserHomeDir()
	dirs, err := platform.DirsFor(goos, o.Getenv, home)
	if err != nil {
		return nil, err
	}
	e := &Setup{Dirs: dirs, ConfigPath: o.ConfigPath, Sources: map[string]string{}, keyring: o.Keyring}
	if e.ConfigPath == "" {
		e.ConfigPath = o.Getenv("SWARMDESK_CONFIG")
	}
	if e.ConfigPath == "" {
		e.ConfigPath = filepath.Join(dirs.Config, config.FileName)
	}
	var fileKeys []string
	if e.Config, fileKeys, err = config.LoadFile(e.ConfigPath); err != nil {
		return nil, err
	}
	for _, k := range fileKeys {
		e.Sources[k] = "file " + e.ConfigPath
	}
	set, err := e.Config.ApplyEnv(o.Getenv)
	if err != nil {
		return nil, err
	}
	for _, k := range set {
		e.Sources[k] = "env " + config.EnvName(k)
	}
	for k, v := range o.Set {
		if err := e.Config.Set(k, v); err != nil {
			return nil, fmt.Errorf("--set %s=%s: %w", k, v, err)
		}
		e.Sources[k] = "flag"
	}
	if err := e.Config.Validate(); err != nil {
		return nil, err
	}
	if p := o.Getenv(PassphraseEnv); p != "" {
		e.passphrase = []byte(p)
	}
	if o.PassphraseFile != "" {
		b, err := os.ReadFile(o.PassphraseFile)
		if err != nil {
			return nil, fmt.Errorf("--passphrase-file: %w", err)
		}
		e.passphrase = []byte(strings.TrimRight(string(b), "\r\n"))
		if len(e.passphrase) == 0 {
			return nil, fmt.Errorf("--passphrase-file %s is empty", o.PassphraseFile)
		}
	}
	return e, nil
}

// HasPassphrase reports whether a passphrase came from the environment or a file.
func (e *Setup) HasPassphrase() bool { return len(e.passphrase) > 0 }

// SetPassphrase supplies the passphrase a person typed.
func (e *Setup) SetPassphrase(p []byte) { e.passphrase = append([]byte(nil), p...) }

// SecretsDir is where the encrypted fallback store lives.
func (e *Setup) SecretsDir() string { return e.Dirs.Data }

// NewSecretsFile reports whether opening the store would create a new encrypted file, so the
// person should choose (and confirm) a passphrase rather than type an existing one.
func (e *Setup) NewSecretsFile() bool { return !secrets.FileStoreExists(e.SecretsDir()) }

// OpenSecrets opens the secret store chosen by secrets.backend. It returns an error wrapping
// secrets.ErrPassphraseRequired when a passphrase is needed and none was given.
func (e *Setup) OpenSecrets() (secrets.Store, error) {
	if err := os.MkdirAll(e.SecretsDir(), 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", e.SecretsDir(), err)
	}
	s, err := secrets.Open(secrets.Options{
		Backend:    e.Config.Secrets.Backend,
		Service:    platform.AppID,
		Dir:        e.SecretsDir(),
		Passphrase: e.passphrase,
		Keyring:    e.keyring,
	})
	if err != nil {
		return nil, fmt.Errorf("open the key store: %w", err)
	}
	return s, nil
}

// Identity opens the store and loads the identity, creating one on first run.
func (e *Setup) Identity() (*identity.Identity, secrets.Store, bool, error) {
	s, err := e.OpenSecrets()
	if err != nil {
		return nil, nil, false, err
	}
	id, created, err := identity.LoadOrCreate(s)
	if err != nil {
		return nil, s, false, err
	}
	e.RememberPublic(id, s)
	return id, s, created, nil
}

// PublicIdentityPath is where the identity's public card is kept (see identity.Public).
func (e *Setup) PublicIdentityPath() string { return filepath.Join(e.Dirs.Data, identity.PublicFile) }

// RememberPublic keeps id's public card current, so the peer ID and name can be shown while
// the key store is locked. Failing to write it costs only that convenience, so it is not an
// error for the caller; the next unlock tries again.
func (e *Setup) RememberPublic(id *identity.Identity, s secrets.Store) {
	_ = identity.SavePublic(e.PublicIdentityPath(), id.Public(s.Location()))
}

// PublicIdentity reads the public card kept by RememberPublic (identity.ErrNoPublic before the
// first unlock).
func (e *Setup) PublicIdentity() (identity.Public, error) {
	return identity.LoadPublic(e.PublicIdentityPath())
}

// ErrNeedsPassphrase is true for errors that a passphrase prompt can fix.
func ErrNeedsPassphrase(err error) bool { return errors.Is(err, secrets.ErrPassphraseRequired) }
