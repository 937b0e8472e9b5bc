package signin

import (
	"crypto/ecdh"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// turnkeyVectors are produced by Turnkey's own npm packages
// (testdata/turnkey/vectors.mjs).
type turnkeyVectors struct {
	HPKE []struct {
		TargetPrivateKey, TargetPublicKey, CredentialBundle, APIPrivateKey, APIPublicKey string
	}
	Stamps []struct {
		APIPrivateKey, APIPublicKey, Body, HeaderName, HeaderValue string
	}
}

func loadTurnkeyVectors(t testing.TB) turnkeyVectors {
	data, err := os.ReadFile("testdata/turnkey/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v turnkeyVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.HPKE) == 0 || len(v.Stamps) == 0 {
		t.Fatal("vectors file has no cases")
	}
	return v
}

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenCredentialBundleTurnkeyVectors(t *testing.T) {
	for i, c := range loadTurnkeyVectors(t).HPKE {
		target, err := ecdh.P256().NewPrivateKey(unhex(t, c.TargetPrivateKey))
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(target.PublicKey().Bytes()); got != c.TargetPublicKey {
			t.Fatalf("case %d: target public key %s, Turnkey has %s", i, got, c.TargetPublicKey)
		}
		raw, err := OpenCredentialBundle(c.CredentialBundle, target)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if hex.EncodeToString(raw) != c.APIPrivateKey {
			t.Fatalf("case %d: opened %x, want %s", i, raw, c.APIPrivateKey)
		}
		k, err := NewAPIKey(raw)
		if err != nil {
			t.Fatal(err)
		}
		if k.PublicKeyHex() != c.APIPublicKey {
			t.Fatalf("case %d: API public key %s, want %s", i, k.PublicKeyHex(), c.APIPublicKey)
		}
		// Another key must not open it.
		other, _ := ecdh.P256().NewPrivateKey(unhex(t, "0000000000000000000000000000000000000000000000000000000000000007"))
		if _, err := OpenCredentialBundle(c.CredentialBundle, other); err == nil {
			t.Fatalf("case %d: opened with the wrong key", i)
		}
	}
}

func TestStampMatchesTurnkey(t *testing.T) {
	for i, c := range loadTurnkeyVectors(t).Stamps {
		if c.HeaderName != StampHeader {
			t.Fatalf("header name %q, want %q", c.HeaderName, StampHeader)
		}
		// Turnkey's stamp verifies with our verifier...
		pub, err := VerifyStamp(c.HeaderValue, []byte(c.Body))
		if err != nil || pub != c.APIPublicKey {
			t.Fatalf("case %d: verify Turnkey stamp: %v (key %s)", i, err, pub)
		}
		if _, err := VerifyStamp(c.HeaderValue, []byte(c.Body+" ")); err == nil {
			t.Fatalf("case %d: stamp verified for a changed body", i)
		}
		// ...and ours has the same shape (fields, order, encoding) and key.
		k, err := NewAPIKey(unhex(t, c.APIPrivateKey))
		if err != nil {
			t.Fatal(err)
		}
		mine, err := k.Stamp([]byte(c.Body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyStamp(mine, []byte(c.Body)); err != nil {
			t.Fatalf("case %d: our stamp: %v", i, err)
		}
		theirs, _ := base64.RawURLEncoding.DecodeString(c.HeaderValue)
		ours, _ := base64.RawURLEncoding.DecodeString(mine)
		var a, b stamp
		_ = json.Unmarshal(theirs, &a)
		_ = json.Unmarshal(ours, &b)
		a.Signature, b.Signature = "", ""
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("case %d: stamp %+v, Turnkey %+v", i, b, a)
		}
		if string(ours[:len(`{"publicKey":`)]) != `{"publicKey":` || string(theirs[:len(`{"publicKey":`)]) != `{"publicKey":` {
			t.Fatalf("case %d: field order differs: %s vs %s", i, ours, theirs)
		}
	}
}

func FuzzOpenCredentialBundle(f *testing.F) {
	v := loadTurnkeyVectors(f)
	f.Add(v.HPKE[0].CredentialBundle)
	f.Add("")
	f.Add("1111")
	target, _ := ecdh.P256().NewPrivateKey(unhex(f, v.HPKE[0].TargetPrivateKey))
	f.Fuzz(func(t *testing.T, s string) {
		if raw, err := OpenCredentialBundle(s, target); err == nil && len(raw) != 32 {
			t.Fatalf("accepted a %d-byte credential", len(raw))
		}
	})
}

func FuzzVerifyStamp(f *testing.F) {
	v := loadTurnkeyVectors(f)
	f.Add(v.Stamps[0].HeaderValue, v.Stamps[0].Body)
	f.Add("", "")
	f.Fuzz(func(t *testing.T, h, body string) {
		_, _ = VerifyStamp(h, []byte(body))
	})
}
