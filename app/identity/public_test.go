package identity

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

func TestPublicCardRoundTrip(t *testing.T) {
	s, err := secrets.Open(secrets.Options{Backend: secrets.BackendKeyring, Service: "test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := LoadOrCreate(s)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), PublicFile)
	if _, err := LoadPublic(path); !errors.Is(err, ErrNoPublic) {
		t.Fatalf("before saving: %v, want ErrNoPublic", err)
	}
	want := id.Public("test store")
	if err := SavePublic(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadPublic(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.PeerID != id.PeerID.String() || got.Name != id.Name() || got.Account != id.Address().Hex() ||
		got.KeysIn != "test store" || !got.Created.Equal(id.Created) {
		t.Fatalf("card %+v, want %+v", got, want)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(strings.ToLower(string(data)), "key\"") || strings.Contains(string(data), "PRIVATE") {
		t.Fatalf("the public card holds key material: %s", data)
	}
	if err := RemovePublic(path); err != nil {
		t.Fatal(err)
	}
	if err := RemovePublic(path); err != nil {
		t.Fatalf("removing a missing card: %v", err)
	}
}

func TestLoadPublicRejectsBadCards(t *testing.T) {
	for name, body := range map[string]string{
		"not json":      "{",
		"no peer id":    `{"name":"a b c"}`,
		"name mismatch": `{"name":"wrong name here","peer_id":"QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"}`,
	} {
		path := filepath.Join(t.TempDir(), PublicFile)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadPublic(path); err == nil || errors.Is(err, ErrNoPublic) {
			t.Errorf("%s: %v, want a read error", name, err)
		}
	}
}

func FuzzLoadPublic(f *testing.F) {
	f.Add([]byte(`{"name":"a","peer_id":"b"}`))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), PublicFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := LoadPublic(path)
		if err == nil && (p.PeerID == "" || Name(p.PeerID) != p.Name) {
			t.Fatalf("accepted an inconsistent card %+v", p)
		}
	})
}
