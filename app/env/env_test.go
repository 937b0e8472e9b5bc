package env

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

func TestLoadPrecedenceAndPassphrase(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"SWARMDESK_HOME": home, "SWARMDESK_LOG_LEVEL": "warn", PassphraseEnv: "from env"}
	getenv := func(k string) string { return vars[k] }
	cfgDir := filepath.Join(home, "config")
	os.MkdirAll(cfgDir, 0o700)
	os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte("[log]\nlevel = \"debug\"\n[resources]\nthreads = 2\n"), 0o600)
	pf := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pf, []byte("from file\n"), 0o600)

	e, err := Load(Options{Getenv: getenv, Set: map[string]string{"resources.threads": "5"}, PassphraseFile: pf})
	if err != nil {
		t.Fatal(err)
	}
	if e.Config.Log.Level != "warn" || e.Config.Resources.Threads != 5 {
		t.Fatalf("precedence: %+v", e.Config)
	}
	if e.Sources["log.level"] != "env SWARMDESK_LOG_LEVEL" || e.Sources["resources.threads"] != "flag" {
		t.Fatalf("sources: %v", e.Sources)
	}
	if string(e.passphrase) != "from file" {
		t.Fatalf("passphrase file must win over the environment and lose its newline: %q", e.passphrase)
	}
	if e.Dirs.Data != filepath.Join(home, "data") {
		t.Fatalf("data dir %s", e.Dirs.Data)
	}
}

func TestIdentityNeedsPassphraseWithoutKeychain(t *testing.T) {
	vars := map[string]string{"SWARMDESK_HOME": t.TempDir()}
	e, err := Load(Options{Getenv: func(k string) string { return vars[k] }, Keyring: secrets.BrokenKeyring{Err: errors.New("no dbus")}})
	if err != nil {
		t.Fatal(err)
	}
	if !e.NewSecretsFile() {
		t.Fatal("fresh home: NewSecretsFile should be true")
	}
	if _, _, _, err := e.Identity(); !ErrNeedsPassphrase(err) {
		t.Fatalf("err = %v, want a passphrase request", err)
	}
	e.SetPassphrase([]byte("typed by a person"))
	id, _, created, err := e.Identity()
	if err != nil || !created || id == nil {
		t.Fatalf("after the passphrase: %v created=%v", err, created)
	}
	if e.NewSecretsFile() {
		t.Fatal("the encrypted store should exist now")
	}
}

func TestEmptyPassphraseFileRefused(t *testing.T) {
	pf := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(pf, []byte("\n"), 0o600)
	vars := map[string]string{"SWARMDESK_HOME": t.TempDir()}
	if _, err := Load(Options{Getenv: func(k string) string { return vars[k] }, PassphraseFile: pf}); err == nil {
		t.Fatal("an empty passphrase file was accepted")
	}
}
