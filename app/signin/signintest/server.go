// Package signintest is a local stand-in for Alchemy's signer API
// (/signer/v1/auth, /otp, /whoami, /sign-payload) that speaks the documented
// requests and answers, so the sign-in can be tested without the network:
// it emails nothing (the code is read with Code), seals real HPKE credential
// bundles, checks stamps, and signs with a real secp256k1 owner key.
package signintest

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/mr-tron/base58"

	"github.com/swarmdesk/swarmdesk/app/signin"
)

// Server is a running fake signer. Its base URL goes in signin.Client.BaseURL.
type Server struct {
	*httptest.Server
	// Owner is the user's signer key; Address is what whoami returns.
	Owner *ecdsa.PrivateKey

	mu        sync.Mutex
	otps      map[string]*otp // otpId → pending code
	apiKeys   map[string]bool // compressed hex API public keys that may stamp
	Attempts  int             // wrong codes allowed before rate limiting (default 3)
	CodeTTL   time.Duration   // default 10 min
	BadBundle bool            // send a bundle sealed to another key
	Now       func() time.Time
	// FixedCode, when set, is the code of every sign-in (for tests that
	// must type it before it is sent, like a CLI fed from a string).
	FixedCode string
	Signed    []common.Hash // digests signed via sign-payload
}

type otp struct {
	email, code, target string
	issued              time.Time
	wrong               int
}

// OrgID is the organization every user of this server belongs to.
const OrgID = "a3b0c2d4-0000-4000-8000-00000000beef"

// New starts a server with a fresh owner key.
func New() *Server {
	owner, err := crypto.GenerateKey()
	if err != nil {
		panic(err)
	}
	s := &Server{Owner: owner, otps: map[string]*otp{}, apiKeys: map[string]bool{}, Attempts: 3, CodeTTL: 10 * time.Minute, Now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/auth", s.auth)
	mux.HandleFunc("POST /v1/otp", s.otp)
	mux.HandleFunc("POST /v1/whoami", s.whoami)
	mux.HandleFunc("POST /v1/sign-payload", s.signPayload)
	s.Server = httptest.NewServer(mux)
	return s
}

// Address is the owner's address.
func (s *Server) Address() common.Address { return crypto.PubkeyToAddress(s.Owner.PublicKey) }

// Code returns the code "emailed" to email most recently.
func (s *Server) Code(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *otp
	for _, o := range s.otps {
		if o.email == email && (best == nil || o.issued.After(best.issued)) {
			best = o
		}
	}
	if best == nil {
		return ""
	}
	return best.code
}

// Revoke forgets every API key, so later stamped requests fail as an
// expired session does.
func (s *Server) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKeys = map[string]bool{}
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func ok(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) auth(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") == "" {
		fail(w, 401, "missing api key")
		return
	}
	var in struct{ Email, EmailMode, TargetPublicKey string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.EmailMode != "otp" || !strings.Contains(in.Email, "@") {
		fail(w, 400, "invalid request")
		return
	}
	if _, err := parseTarget(in.TargetPublicKey); err != nil {
		fail(w, 400, "invalid targetPublicKey")
		return
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	code := fmt.Sprintf("%06d", (int(b[0])<<16|int(b[1])<<8|int(b[2]))%1000000)
	id := hex.EncodeToString(append(b, byte(len(s.otps))))
	s.mu.Lock()
	if s.FixedCode != "" {
		code = s.FixedCode
	}
	s.otps[id] = &otp{email: in.Email, code: code, target: in.TargetPublicKey, issued: s.Now()}
	s.mu.Unlock()
	ok(w, map[string]string{"orgId": OrgID, "otpId": id})
}

func parseTarget(h string) (*ecdh.PublicKey, error) {
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, err
	}
	return ecdh.P256().NewPublicKey(b)
}

func (s *Server) otp(w http.ResponseWriter, r *http.Request) {
	var in struct{ OrgID, OtpID, OtpCode, TargetPublicKey string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(w, 400, "invalid request")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.otps[in.OtpID]
	switch {
	case o == nil || in.OrgID != OrgID:
		fail(w, 400, "invalid otp id")
		return
	case o.wrong >= s.Attempts:
		fail(w, 429, "too many attempts")
		return
	case s.Now().Sub(o.issued) > s.CodeTTL:
		fail(w, 400, "OTP has expired")
		return
	case in.OtpCode != o.code:
		o.wrong++
		fail(w, 400, "Invalid OTP code")
		return
	}
	delete(s.otps, in.OtpID)
	target, _ := parseTarget(o.target)
	if s.BadBundle {
		other, _ := ecdh.P256().GenerateKey(rand.Reader)
		target = other.PublicKey()
	}
	api, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail(w, 500, err.Error())
		return
	}
	raw, _ := api.Bytes()
	bundle, err := Seal(raw, target)
	if err != nil {
		fail(w, 500, err.Error())
		return
	}
	k, _ := signin.NewAPIKey(raw)
	s.apiKeys[k.PublicKeyHex()] = true
	ok(w, map[string]string{"credentialBundle": bundle})
}

// stamped checks a {stampedRequest} body and returns the inner body.
func (s *Server) stamped(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var in struct{ StampedRequest signin.StampedRequest }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(w, 400, "invalid request")
		return nil, false
	}
	pub, err := signin.VerifyStamp(in.StampedRequest.Stamp.HeaderValue, []byte(in.StampedRequest.Body))
	s.mu.Lock()
	known := s.apiKeys[pub]
	s.mu.Unlock()
	if err != nil || !known {
		fail(w, 401, "api key expired or not found")
		return nil, false
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(in.StampedRequest.Body), &body); err != nil || body["organizationId"] != OrgID {
		fail(w, 400, "invalid organizationId")
		return nil, false
	}
	return body, true
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	if _, good := s.stamped(w, r); !good {
		return
	}
	ok(w, map[string]string{"orgId": OrgID, "userId": "user-1", "address": s.Address().Hex(), "email": "someone@example.com"})
}

func (s *Server) signPayload(w http.ResponseWriter, r *http.Request) {
	body, good := s.stamped(w, r)
	if !good {
		return
	}
	p, _ := body["parameters"].(map[string]any)
	payload, _ := p["payload"].(string)
	if p["hashFunction"] != "HASH_FUNCTION_NO_OP" || !strings.EqualFold(fmt.Sprint(p["signWith"]), s.Address().Hex()) {
		fail(w, 400, "invalid parameters")
		return
	}
	d, err := hex.DecodeString(strings.TrimPrefix(payload, "0x"))
	if err != nil || len(d) != 32 {
		fail(w, 400, "payload must be 32 bytes")
		return
	}
	sig, err := crypto.Sign(d, s.Owner)
	if err != nil {
		fail(w, 500, err.Error())
		return
	}
	sig[64] += 27
	s.mu.Lock()
	s.Signed = append(s.Signed, common.BytesToHash(d))
	s.mu.Unlock()
	ok(w, map[string]string{"signature": "0x" + hex.EncodeToString(sig)})
}

// Seal makes a credential bundle holding apiKey for target, as the signer
// does: base58check(compressed HPKE sender key || AES-256-GCM ciphertext).
func Seal(apiKey []byte, target *ecdh.PublicKey) (string, error) {
	pk, err := hpke.NewDHKEMPublicKey(target)
	if err != nil {
		return "", err
	}
	enc, snd, err := hpke.NewSender(pk, hpke.HKDFSHA256(), hpke.AES256GCM(), []byte("turnkey_hpke"))
	if err != nil {
		return "", err
	}
	aad := append(append([]byte(nil), enc...), target.Bytes()...)
	ct, err := snd.Seal(aad, apiKey)
	if err != nil {
		return "", err
	}
	x, y := elliptic.Unmarshal(elliptic.P256(), enc) //nolint:staticcheck // to compress the point
	out := append(elliptic.MarshalCompressed(elliptic.P256(), x, y), ct...)
	h1 := sha256.Sum256(out)
	h2 := sha256.Sum256(h1[:])
	return base58.Encode(append(out, h2[:4]...)), nil
}
