package signin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// StampHeader is the HTTP header (and stampHeaderName) that carries a stamp.
const StampHeader = "X-Stamp"

// stampScheme is Turnkey's name for ECDSA P-256 / SHA-256 API-key stamps.
const stampScheme = "SIGNATURE_SCHEME_TK_API_P256"

// APIKey is the P-256 key the credential bundle unlocks; it proves the
// signed-in user to the signer for later requests. It lives in memory and in
// the secret store only.
type APIKey struct {
	priv *ecdsa.PrivateKey
}

// NewAPIKey wraps a 32-byte P-256 private key.
func NewAPIKey(raw []byte) (*APIKey, error) {
	if len(raw) != 32 {
		return nil, fmt.Errorf("API key: %d bytes, want 32", len(raw))
	}
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
	if err != nil {
		return nil, fmt.Errorf("API key: %w", err)
	}
	return &APIKey{priv: priv}, nil
}

// Bytes is the raw private key, for the secret store only.
func (k *APIKey) Bytes() []byte {
	b, _ := k.priv.Bytes()
	return b
}

// PublicKeyHex is the compressed public key in hex, as Turnkey names API keys.
func (k *APIKey) PublicKeyHex() string {
	pub, _ := k.priv.PublicKey.Bytes()
	x, y := elliptic.Unmarshal(elliptic.P256(), pub) //nolint:staticcheck // only to compress a known-good point
	return hex.EncodeToString(elliptic.MarshalCompressed(elliptic.P256(), x, y))
}

// stamp is the JSON inside the X-Stamp header.
type stamp struct {
	PublicKey string `json:"publicKey"`
	Scheme    string `json:"scheme"`
	Signature string `json:"signature"`
}

// Stamp signs body (the exact bytes that will be sent) and returns the
// X-Stamp value: base64url, unpadded, of {publicKey, scheme, signature}
// where signature is the hex DER ECDSA-SHA256 signature of body.
func (k *APIKey) Stamp(body []byte) (string, error) {
	h := sha256.Sum256(body)
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, h[:])
	if err != nil {
		return "", fmt.Errorf("stamp request: %w", err)
	}
	js, err := json.Marshal(stamp{PublicKey: k.PublicKeyHex(), Scheme: stampScheme, Signature: hex.EncodeToString(sig)})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(js), nil
}

// VerifyStamp checks a stamp against body and returns the stamping key's
// compressed public key in hex. The signer does this on its side; the app
// uses it in tests and to check its own stamps.
func VerifyStamp(header string, body []byte) (string, error) {
	js, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return "", fmt.Errorf("stamp: not base64url: %w", err)
	}
	var s stamp
	if err := json.Unmarshal(js, &s); err != nil {
		return "", fmt.Errorf("stamp: not JSON: %w", err)
	}
	if s.Scheme != stampScheme {
		return "", fmt.Errorf("stamp: scheme %q, want %s", s.Scheme, stampScheme)
	}
	pubC, err := hex.DecodeString(s.PublicKey)
	if err != nil {
		return "", fmt.Errorf("stamp: public key: %w", err)
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), pubC)
	if x == nil {
		return "", errors.New("stamp: public key is not a compressed P-256 point")
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), elliptic.Marshal(elliptic.P256(), x, y)) //nolint:staticcheck // see above
	if err != nil {
		return "", fmt.Errorf("stamp: public key: %w", err)
	}
	sig, err := hex.DecodeString(s.Signature)
	if err != nil {
		return "", fmt.Errorf("stamp: signature: %w", err)
	}
	h := sha256.Sum256(body)
	if !ecdsa.VerifyASN1(pub, h[:], sig) {
		return "", errors.New("stamp: signature does not match the body")
	}
	return s.PublicKey, nil
}
