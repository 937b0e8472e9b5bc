package identity_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// rl-swarm's published name vectors: the first from its docs, the others its bootnodes.
func TestNameVectors(t *testing.T) {
	tests := map[string]string{
		"QmQ2gEXoPJg6iMBSUFWGzAabS2VhnzuS782Y637hGjfsRJ": "beaked fishy cat",
		"QmWhiaLrx3HRZfgXc2i7KW5nMUNK7P9tRc71yFJdGEZKkC": "masked carnivorous bison",
		"QmQa1SCfYTxx7RvU7qJJRo79Zm1RAwPpkeLueDVJuBBmFp": "elusive omnivorous clam",
	}
	for id, want := range tests {
		if got := identity.Name(id); got != want {
			t.Errorf("Name(%s) = %q, want %q", id, got, want)
		}
	}
}

func store(t *testing.T) secrets.Store {
	t.Helper()
	s, err := secrets.Open(secrets.Options{Backend: secrets.BackendKeyring, Service: "test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture is a swarm.pem written by Python the way hivemind writes it, with the peer ID and name
// computed in Python (testdata/README.md).
func fixture(t *testing.T) (pem []byte, peerID, name string) {
	t.Helper()
	pem, err := os.ReadFile("testdata/swarm.pem")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/swarm.pem.peerid")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(want)), "\n")
	return pem, lines[0], lines[1]
}

func TestImportRLSwarmFile(t *testing.T) {
	pem, wantID, wantName := fixture(t)
	s := store(t)
	id, err := identity.Import(s, pem, false)
	if err != nil {
		t.Fatal(err)
	}
	if id.PeerID.String() != wantID || id.Name() != wantName {
		t.Fatalf("imported %s (%s), want %s (%s)", id.PeerID, id.Name(), wantID, wantName)
	}
	if !strings.HasPrefix(id.PeerID.String(), "Qm") {
		t.Fatalf("peer ID %s: RSA keys give Qm… IDs", id.PeerID)
	}
	// Load from the store again: same identity, account key created once and kept.
	again, err := identity.Load(s)
	if err != nil {
		t.Fatal(err)
	}
	if again.PeerID != id.PeerID || again.Address() != id.Address() {
		t.Fatalf("reloaded %s/%s, want %s/%s", again.PeerID, again.Address(), id.PeerID, id.Address())
	}
}

func TestExportRoundTrip(t *testing.T) {
	pem, _, _ := fixture(t)
	s := store(t)
	id, err := identity.Import(s, pem, false)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "swarm.pem")
	if err := identity.Export(id, out, false); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, pem) {
		t.Fatal("exported swarm.pem differs from the imported file")
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
			t.Fatalf("export mode %v, want 0600", fi.Mode().Perm())
		}
	}
	if err := identity.Export(id, out, false); err == nil {
		t.Fatal("export over an existing file without overwrite succeeded")
	}
	// A new identity exported and imported elsewhere gives the same peer ID.
	fresh, created, err := identity.LoadOrCreate(store(t))
	if err != nil || !created {
		t.Fatalf("LoadOrCreate: %v, created=%v", err, created)
	}
	out2 := filepath.Join(t.TempDir(), "new.pem")
	if err := identity.Export(fresh, out2, false); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out2)
	if !bytes.HasPrefix(b, []byte{0x08, 0x00, 0x12}) {
		t.Fatalf("new swarm.pem starts % x, want libp2p RSA protobuf 08 00 12", b[:3])
	}
	other, err := identity.ImportFile(store(t), out2, false)
	if err != nil {
		t.Fatal(err)
	}
	if other.PeerID != fresh.PeerID {
		t.Fatalf("re-imported %s, want %s", other.PeerID, fresh.PeerID)
	}
}

func TestLoadOrCreateIsStable(t *testing.T) {
	s := store(t)
	a, created, err := identity.LoadOrCreate(s)
	if err != nil || !created {
		t.Fatal(err, created)
	}
	b, created, err := identity.LoadOrCreate(s)
	if err != nil || created {
		t.Fatal(err, created)
	}
	if a.PeerID != b.PeerID || a.Address() != b.Address() {
		t.Fatal("second start gave a different identity")
	}
	if a.Address() == ([20]byte{}) {
		t.Fatal("zero account address")
	}
}

func TestImportRefusesBadFilesAndKeepsIdentity(t *testing.T) {
	pem, _, _ := fixture(t)
	s := store(t)
	orig, _, err := identity.LoadOrCreate(s)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string][]byte{
		"empty":       {},
		"text PEM":    []byte("-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n"),
		"ssh key":     []byte("ssh-ed25519 AAAAC3Nza..."),
		"truncated":   pem[:len(pem)/2],
		"trailing":    append(append([]byte(nil), pem...), 0, 0),
		"random":      bytes.Repeat([]byte{0x5a}, 300),
		"huge":        make([]byte, 1<<20),
		"flipped DER": flip(pem, 40),
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := identity.Import(s, b, true)
			if !errors.Is(err, identity.ErrForeignKey) {
				t.Fatalf("err = %v, want ErrForeignKey", err)
			}
			now, err := identity.Load(s)
			if err != nil || now.PeerID != orig.PeerID {
				t.Fatalf("identity changed after a refused import: %v", err)
			}
		})
	}
	// A good file does not replace an existing identity unless asked; with replace the account stays.
	if _, err := identity.Import(s, pem, false); !errors.Is(err, identity.ErrExists) {
		t.Fatalf("import over existing: err = %v, want ErrExists", err)
	}
	id, err := identity.Import(s, pem, true)
	if err != nil {
		t.Fatal(err)
	}
	if id.Address() != orig.Address() {
		t.Fatal("replacing the peer key changed the on-chain account")
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0xff
	return c
}

func TestReset(t *testing.T) {
	s := store(t)
	if _, _, err := identity.LoadOrCreate(s); err != nil {
		t.Fatal(err)
	}
	if err := identity.Reset(s); err != nil {
		t.Fatal(err)
	}
	if _, err := identity.Load(s); !errors.Is(err, identity.ErrNoIdentity) {
		t.Fatalf("after reset: %v", err)
	}
}

func TestDamagedStoredIdentity(t *testing.T) {
	s := store(t)
	if err := s.Set(identity.SecretKey, []byte(`{"version":1,"swarm_pem":"AAAA","account_key":"zz"}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := identity.LoadOrCreate(s); err == nil || errors.Is(err, identity.ErrNoIdentity) {
		t.Fatalf("damaged identity: err = %v, want a clear error (and no silent new identity)", err)
	}
	if b, _ := s.Get(identity.SecretKey); !bytes.Contains(b, []byte("AAAA")) {
		t.Fatal("damaged identity was overwritten")
	}
}

// With the encrypted file backend the identity survives a reopen with the passphrase.
func TestIdentityInEncryptedFile(t *testing.T) {
	dir := t.TempDir()
	open := func(pass string) (secrets.Store, error) {
		return secrets.Open(secrets.Options{Backend: secrets.BackendFile, Service: "test", Dir: dir, Passphrase: []byte(pass)})
	}
	s, err := open("pw")
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := identity.LoadOrCreate(s)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := open("pw")
	if err != nil {
		t.Fatal(err)
	}
	got, err := identity.Load(s2)
	if err != nil || got.PeerID != id.PeerID {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := open("nope"); !errors.Is(err, secrets.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
}

func FuzzParseSwarmPEM(f *testing.F) {
	pem, err := os.ReadFile("testdata/swarm.pem")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pem)
	f.Add([]byte{0x08, 0x01, 0x12, 0x40})
	f.Add([]byte("-----BEGIN"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := identity.ParseSwarmPEM(b)
		if err != nil {
			return
		}
		again, err := identity.MarshalSwarmPEM(k)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted key does not round-trip")
		}
	})
}

// The stored identity must fit the smallest keychain item limit (Windows Credential Manager:
// 2560 bytes) with room to spare.
func TestStoredIdentityFitsKeychains(t *testing.T) {
	kr := secrets.NewMemKeyring()
	s, _ := secrets.Open(secrets.Options{Backend: secrets.BackendKeyring, Service: "io.swarmdesk.app", Keyring: kr})
	if _, _, err := identity.LoadOrCreate(s); err != nil {
		t.Fatal(err)
	}
	v, err := kr.Get("io.swarmdesk.app", identity.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(v) > 2000 {
		t.Fatalf("stored identity is %d bytes; Windows allows 2560 and macOS about 2900", len(v))
	}
}
