package secrets_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

const service = "io.swarmdesk.test"

func fileOpts(dir, pass string) secrets.Options {
	return secrets.FastKDF(secrets.Options{Backend: secrets.BackendFile, Service: service, Dir: dir, Passphrase: []byte(pass)})
}

func mustOpen(t *testing.T, o secrets.Options) secrets.Store {
	t.Helper()
	s, err := secrets.Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	backends := map[string]func(t *testing.T) secrets.Options{
		"file": func(t *testing.T) secrets.Options { return fileOpts(t.TempDir(), "correct horse") },
		"keyring": func(t *testing.T) secrets.Options {
			return secrets.Options{Backend: secrets.BackendKeyring, Service: service, Keyring: secrets.NewMemKeyring()}
		},
	}
	for name, opts := range backends {
		t.Run(name, func(t *testing.T) {
			s := mustOpen(t, opts(t))
			if _, err := s.Get("a"); !errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
			}
			big := bytes.Repeat([]byte{0, 1, 2, 0xff}, 600) // binary, larger than a swarm.pem
			tricky := []byte("swarmdesk-b64:not really")    // text that looks like our binary marker
			for k, v := range map[string][]byte{"a": []byte("alpha"), "b": big, "empty": {}, "t": tricky} {
				if err := s.Set(k, v); err != nil {
					t.Fatalf("Set %s: %v", k, err)
				}
			}
			for k, want := range map[string][]byte{"a": []byte("alpha"), "b": big, "empty": {}, "t": tricky} {
				got, err := s.Get(k)
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("Get %s = %x, %v; want %x", k, got, err, want)
				}
			}
			if err := s.Delete("a"); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete("a"); err != nil {
				t.Fatalf("second Delete: %v", err)
			}
			if _, err := s.Get("a"); !errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("after Delete: err = %v", err)
			}
		})
	}
}

func TestFileReopenAndPermissions(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, fileOpts(dir, "pw"))
	// A value long enough that random base64 (salt, nonce, ciphertext) cannot contain it by
	// chance; a one-letter value made this check fail whenever a field happened to end in it.
	const secret = "plaintext-canary-0123456789"
	if err := s.Set("k", []byte(secret)); err != nil {
		t.Fatal(err)
	}
	s2 := mustOpen(t, fileOpts(dir, "pw"))
	if got, err := s2.Get("k"); err != nil || string(got) != secret {
		t.Fatalf("reopen Get = %q, %v", got, err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, secrets.FileName))
	b64 := base64.StdEncoding.EncodeToString([]byte(secret))
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(b64[:len(b64)-4])) {
		t.Fatalf("plaintext visible in file: %s", raw)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(filepath.Join(dir, secrets.FileName))
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode = %v, want 0600", fi.Mode().Perm())
		}
	}
}

func TestWrongPassphrase(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, fileOpts(dir, "right"))
	if err := s.Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, secrets.FileName))
	_, err := secrets.Open(fileOpts(dir, "wrong"))
	if !errors.Is(err, secrets.ErrWrongPassphrase) {
		t.Fatalf("Open with wrong passphrase: err = %v, want ErrWrongPassphrase", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, secrets.FileName))
	if !bytes.Equal(before, after) {
		t.Fatal("file changed by a failed unlock")
	}
}

func TestNoPassphraseNoKeychain(t *testing.T) {
	o := secrets.Options{Service: service, Dir: t.TempDir(), Keyring: secrets.BrokenKeyring{Err: errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}}
	_, err := secrets.Open(o)
	if !errors.Is(err, secrets.ErrPassphraseRequired) {
		t.Fatalf("err = %v, want ErrPassphraseRequired", err)
	}
	for _, hint := range []string{"SWARMDESK_PASSPHRASE", "--passphrase-file"} {
		if !bytes.Contains([]byte(err.Error()), []byte(hint)) {
			t.Errorf("error %q does not tell the user about %s", err, hint)
		}
	}
}

func TestAutoBackendChoice(t *testing.T) {
	broken := secrets.BrokenKeyring{Err: errors.New("The name org.freedesktop.secrets was not provided by any .service files")}
	tests := []struct {
		name         string
		kr           secrets.Keyring
		pass         string
		existingFile bool
		wantFile     bool
		wantErr      error
	}{
		{name: "keychain works", kr: secrets.NewMemKeyring(), wantFile: false},
		{name: "keychain works, passphrase ignored", kr: secrets.NewMemKeyring(), pass: "x", wantFile: false},
		{name: "no keychain, passphrase", kr: broken, pass: "x", wantFile: true},
		{name: "no keychain, no passphrase", kr: broken, wantErr: secrets.ErrPassphraseRequired},
		{name: "existing file wins over keychain", kr: secrets.NewMemKeyring(), pass: "x", existingFile: true, wantFile: true},
		{name: "existing file needs its passphrase", kr: secrets.NewMemKeyring(), existingFile: true, wantErr: secrets.ErrPassphraseRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.existingFile {
				s := mustOpen(t, fileOpts(dir, "x"))
				if err := s.Set("k", []byte("v")); err != nil {
					t.Fatal(err)
				}
			}
			o := secrets.FastKDF(secrets.Options{Service: service, Dir: dir, Keyring: tt.kr, Passphrase: []byte(tt.pass)})
			s, err := secrets.Open(o)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			isFile := bytes.Contains([]byte(s.Location()), []byte("encrypted file"))
			if isFile != tt.wantFile {
				t.Fatalf("Location = %q, want file backend = %v", s.Location(), tt.wantFile)
			}
		})
	}
}

func TestExplicitKeyringUnavailable(t *testing.T) {
	_, err := secrets.Open(secrets.Options{Backend: secrets.BackendKeyring, Service: service, Keyring: secrets.BrokenKeyring{Err: errors.New("no dbus")}})
	if !errors.Is(err, secrets.ErrKeychainUnavailable) {
		t.Fatalf("err = %v", err)
	}
	_, err = secrets.Open(secrets.Options{Backend: "vault", Service: service})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("auto, keyring, file")) {
		t.Fatalf("unknown backend: err = %v, want the allowed values listed", err)
	}
}

// A file cut short at any point (a full disk, a copy interrupted) is reported, never treated as
// empty, and never overwritten by a later Set.
func TestTruncatedFile(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, fileOpts(dir, "pw"))
	if err := s.Set("identity", bytes.Repeat([]byte("k"), 1200)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, secrets.FileName)
	full, _ := os.ReadFile(path)
	for _, n := range []int{0, 1, 10, len(full) / 3, len(full) / 2, len(full) - 40, len(full) - 2} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			if err := os.WriteFile(path, full[:n], 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := secrets.Open(fileOpts(dir, "pw"))
			if !errors.Is(err, secrets.ErrCorrupt) && !errors.Is(err, secrets.ErrWrongPassphrase) {
				t.Fatalf("Open of %d/%d bytes: err = %v, want ErrCorrupt", n, len(full), err)
			}
			if err == nil {
				return
			}
			// A store opened before the damage must refuse to write over it.
			if err := s.Set("other", []byte("x")); err == nil {
				t.Fatal("Set over a damaged file succeeded")
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, full[:n]) {
				t.Fatal("damaged file was overwritten")
			}
		})
	}
}

func TestHostileFileParameters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, secrets.FileName)
	hostile := `{"format":"swarmdesk-secrets","version":1,"kdf":"scrypt","n":1073741824,"r":8,"p":1,` +
		`"salt":"AAAAAAAAAAAAAAAAAAAAAA==","nonce":"AAAAAAAAAAAAAAAA","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}`
	if err := os.WriteFile(path, []byte(hostile), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.Open(fileOpts(dir, "pw")); !errors.Is(err, secrets.ErrCorrupt) {
		t.Fatalf("huge scrypt N: err = %v, want ErrCorrupt", err)
	}
	if err := os.WriteFile(path, []byte(`{"format":"swarmdesk-secrets","version":9}`), 0o600); err == nil {
		if _, err := secrets.Open(fileOpts(dir, "pw")); err == nil || !bytes.Contains([]byte(err.Error()), []byte("update swarmdesk")) {
			t.Fatalf("future version: err = %v", err)
		}
	}
}

func TestBitFlipDetected(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, fileOpts(dir, "pw"))
	if err := s.Set("k", []byte("value")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, secrets.FileName)
	raw, _ := os.ReadFile(path)
	i := bytes.Index(raw, []byte(`"ciphertext": "`)) + len(`"ciphertext": "`)
	raw[i] ^= 'A' ^ 'B'
	if raw[i] == '"' {
		raw[i] = 'C'
	}
	os.WriteFile(path, raw, 0o600)
	if _, err := secrets.Open(fileOpts(dir, "pw")); err == nil {
		t.Fatal("modified ciphertext accepted")
	}
}

// Writers in separate stores (separate file handles, as separate processes have) must not lose
// each other's updates.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	const writers, each = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := secrets.Open(fileOpts(dir, "pw"))
			if err != nil {
				errs <- err
				return
			}
			for i := range each {
				if err := s.Set(fmt.Sprintf("w%d-%d", w, i), []byte{byte(w), byte(i)}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checkAllKeys(t, dir, writers, each)
}

func checkAllKeys(t *testing.T, dir string, writers, each int) {
	t.Helper()
	s := mustOpen(t, fileOpts(dir, "pw"))
	for w := range writers {
		for i := range each {
			got, err := s.Get(fmt.Sprintf("w%d-%d", w, i))
			if err != nil || !bytes.Equal(got, []byte{byte(w), byte(i)}) {
				t.Fatalf("w%d-%d = %v, %v: an update was lost", w, i, got, err)
			}
		}
	}
}

// The same across real processes: this test re-runs its own binary as the writers.
func TestConcurrentWriterProcesses(t *testing.T) {
	if dir := os.Getenv("SECRETS_TEST_WRITER_DIR"); dir != "" {
		w, _ := strconv.Atoi(os.Getenv("SECRETS_TEST_WRITER"))
		s := mustOpen(t, fileOpts(dir, "pw"))
		for i := range 5 {
			if err := s.Set(fmt.Sprintf("w%d-%d", w, i), []byte{byte(w), byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	dir := t.TempDir()
	const procs = 4
	cmds := make([]*exec.Cmd, procs)
	for w := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentWriterProcesses$")
		cmd.Env = append(os.Environ(), "SECRETS_TEST_WRITER_DIR="+dir, "SECRETS_TEST_WRITER="+strconv.Itoa(w))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[w] = cmd
	}
	for w, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}
	checkAllKeys(t, dir, procs, 5)
}

func FuzzFileStore(f *testing.F) {
	dir := f.TempDir()
	s, _ := secrets.Open(fileOpts(dir, "pw"))
	s.Set("k", []byte("v"))
	valid, _ := os.ReadFile(filepath.Join(dir, secrets.FileName))
	f.Add(valid)
	f.Add([]byte("{}"))
	f.Add([]byte(`{"format":"swarmdesk-secrets","version":1,"kdf":"scrypt","n":0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, secrets.FileName), data, 0o600)
		s, err := secrets.Open(fileOpts(d, "pw"))
		if err != nil {
			return
		}
		s.Get("k")
	})
}
