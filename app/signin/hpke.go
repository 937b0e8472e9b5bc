package signin

import (
	"crypto/ecdh"
	"crypto/elliptic"
	"crypto/hpke"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
)

// hpkeInfo is the HPKE info string Turnkey binds its credential bundles to.
var hpkeInfo = []byte("turnkey_hpke")

// ErrBadBundle means the credential bundle could not be decoded or opened.
var ErrBadBundle = errors.New("the sign-in code was accepted but the credential it unlocked could not be read; start the sign-in again to get a new code")

// decodeBase58Check decodes Bitcoin-style base58check (4-byte double-SHA-256
// checksum), the encoding of Turnkey credential bundles.
func decodeBase58Check(s string) ([]byte, error) {
	raw, err := base58.Decode(s)
	if err != nil {
		return nil, fmt.Errorf("base58: %w", err)
	}
	if len(raw) < 4 {
		return nil, errors.New("base58check: too short for a checksum")
	}
	body, sum := raw[:len(raw)-4], raw[len(raw)-4:]
	h1 := sha256.Sum256(body)
	h2 := sha256.Sum256(h1[:])
	if string(h2[:4]) != string(sum) {
		return nil, errors.New("base58check: checksum mismatch")
	}
	return body, nil
}

// OpenCredentialBundle decrypts a credential bundle addressed to target and
// returns the 32-byte P-256 API private key inside. The bundle is
// base58check(compressed sender key (33 bytes) || AES-256-GCM ciphertext),
// sealed with RFC 9180 base-mode HPKE (DHKEM(P-256, HKDF-SHA256),
// HKDF-SHA256, AES-256-GCM), info "turnkey_hpke" and the associated data
// uncompressed sender key || uncompressed target key.
func OpenCredentialBundle(bundle string, target *ecdh.PrivateKey) ([]byte, error) {
	raw, err := decodeBase58Check(bundle)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrBadBundle, err)
	}
	if len(raw) <= 33 {
		return nil, fmt.Errorf("%w (bundle of %d bytes holds no ciphertext)", ErrBadBundle, len(raw))
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), raw[:33])
	if x == nil {
		return nil, fmt.Errorf("%w (sender key is not a P-256 point)", ErrBadBundle)
	}
	enc := elliptic.Marshal(elliptic.P256(), x, y) //nolint:staticcheck // uncompressed SEC1 form, as HPKE wants
	priv, err := hpke.NewDHKEMPrivateKey(target)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrBadBundle, err)
	}
	r, err := hpke.NewRecipient(enc, priv, hpke.HKDFSHA256(), hpke.AES256GCM(), hpkeInfo)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrBadBundle, err)
	}
	aad := append(append([]byte(nil), enc...), target.PublicKey().Bytes()...)
	pt, err := r.Open(aad, raw[33:])
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrBadBundle, err)
	}
	if len(pt) != 32 {
		return nil, fmt.Errorf("%w (credential of %d bytes, want a 32-byte key)", ErrBadBundle, len(pt))
	}
	return pt, nil
}
