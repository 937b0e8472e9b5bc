package devchain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

func TestListenAddr(t *testing.T) {
	tests := []struct {
		in   string
		host string
		port int
		ok   bool
	}{
		{"", "127.0.0.1", 0, true},
		{"127.0.0.1:8545", "127.0.0.1", 8545, true},
		{"[::1]:9000", "::1", 9000, true},
		{"localhost:1", "localhost", 1, true},
		{"0.0.0.0:8545", "", 0, false},
		{"10.1.2.3:8545", "", 0, false},
		{"127.0.0.1:99999", "", 0, false},
		{"127.0.0.1", "", 0, false},
	}
	for _, tt := range tests {
		h, p, err := listenAddr(tt.in)
		if (err == nil) != tt.ok || (tt.ok && (h != tt.host || p != tt.port)) {
			t.Errorf("listenAddr(%q) = %q, %d, %v; want %q, %d, ok=%v", tt.in, h, p, err, tt.host, tt.port, tt.ok)
		}
	}
}

func TestHostKeyPersists(t *testing.T) {
	dir := t.TempDir()
	k1, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if crypto.PubkeyToAddress(k1.PublicKey) != crypto.PubkeyToAddress(k2.PublicKey) {
		t.Fatal("host key changed between starts")
	}
	info, err := os.Stat(filepath.Join(dir, hostKeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("host key file mode %v, %v; want 0600", info.Mode().Perm(), err)
	}
	if err := os.WriteFile(filepath.Join(dir, hostKeyFile), []byte("zz"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreateKey(dir); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("corrupt key: %v", err)
	}
}

func TestDeploymentRecord(t *testing.T) {
	dir := t.TempDir()
	if _, ok := readDeployment(dir); ok {
		t.Fatal("empty dir has a deployment")
	}
	want := deployment{Contract: common.HexToAddress("0x1111111111111111111111111111111111111111"), Block: 7}
	if err := writeDeployment(dir, want); err != nil {
		t.Fatal(err)
	}
	if got, ok := readDeployment(dir); !ok || got != want {
		t.Fatalf("read back %+v, %v", got, ok)
	}
}

// FuzzDecodeDeployment: the record lives on disk and may be damaged.
func FuzzDecodeDeployment(f *testing.F) {
	f.Add([]byte(`{"contract":"0x1111111111111111111111111111111111111111","block":7}`))
	f.Add([]byte(`{"contract":"0x0000000000000000000000000000000000000000"}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := decodeDeployment(data)
		if err == nil && d.Contract == (common.Address{}) {
			t.Fatal("accepted a record without a contract")
		}
	})
}

func memStore(t *testing.T) secrets.Store {
	t.Helper()
	s, err := secrets.Open(secrets.Options{Backend: "keyring", Service: "swarmdesk-test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHostKeyMovesIntoTheStore: an existing plain host.key is moved into the secret store
// (same key, file gone), later starts read it from there, and a chain whose key is in neither
// place is refused rather than given a new owner.
func TestHostKeyMovesIntoTheStore(t *testing.T) {
	dir := t.TempDir()
	old, err := loadOrCreateKey(dir) // written as plain file, like older versions did
	if err != nil {
		t.Fatal(err)
	}
	s := memStore(t)
	steps := []struct {
		name string
		s    secrets.Store
		want common.Address
		err  string
	}{
		{"migrates the file", s, crypto.PubkeyToAddress(old.PublicKey), ""},
		{"reads the store", s, crypto.PubkeyToAddress(old.PublicKey), ""},
		{"another store cannot invent a key for an existing chain", memStore(t), common.Address{}, "has a chain but its host key"},
	}
	if err := os.MkdirAll(filepath.Join(dir, nodeName, "chaindata"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		k, err := loadOrCreateKeyIn(st.s, dir)
		if st.err != "" {
			if err == nil || !strings.Contains(err.Error(), st.err) {
				t.Fatalf("%s: err %v, want %q", st.name, err, st.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := crypto.PubkeyToAddress(k.PublicKey); got != st.want {
			t.Fatalf("%s: host %s, want %s", st.name, got, st.want)
		}
		if _, err := os.Stat(filepath.Join(dir, hostKeyFile)); !os.IsNotExist(err) {
			t.Fatalf("%s: plain host key still on disk (%v)", st.name, err)
		}
	}
	// A fresh data dir gets a new key, in the store only.
	fresh := t.TempDir()
	if _, err := loadOrCreateKeyIn(s, fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(fresh, hostKeyFile)); !os.IsNotExist(err) {
		t.Fatalf("new host key written as a plain file (%v)", err)
	}
}
