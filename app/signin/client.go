package signin

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Turnkey endpoints that stamped requests name; the signer API forwards the
// stamped body to them, so the URL is part of what is signed for.
const (
	turnkeyWhoami     = "https://api.turnkey.com/public/v1/query/whoami"
	turnkeySignRawURL = "https://api.turnkey.com/public/v1/submit/sign_raw_payload"
)

// Client talks to the signer API (Alchemy's /signer/v1) for one sign-in.
// BaseURL is e.g. https://api.g.alchemy.com/signer; APIKey is the network
// profile's public Alchemy key sent as a bearer token.
type Client struct {
	BaseURL string
	APIKey  string
	HTTP    *http.Client
	// Now is the clock for signed timestamps (tests); default time.Now.
	Now func() time.Time
}

// Pending is a sign-in waiting for the emailed code. Its target key only
// lives in memory: a restarted app starts the sign-in over.
type Pending struct {
	Email  string
	OrgID  string
	OTPID  string
	target *ecdh.PrivateKey
}

// User is who whoami says is signed in.
type User struct {
	OrgID   string         `json:"orgId"`
	UserID  string         `json:"userId"`
	Email   string         `json:"email,omitempty"`
	Address common.Address `json:"address"` // the user's signer (owner) address
}

// StampedRequest is how the signer API receives a Turnkey request signed by
// the API key: the URL and exact body, and the stamp over the body.
type StampedRequest struct {
	URL   string     `json:"url"`
	Body  string     `json:"body"`
	Stamp StampValue `json:"stamp"`
}

// StampValue is the header name and value of a stamp.
type StampValue struct {
	HeaderName  string `json:"stampHeaderName"`
	HeaderValue string `json:"stampHeaderValue"`
}

// OTPExpiry is how long the signed-in API key is valid (the signer's
// expirationSeconds); rl-swarm's modal uses 30 days.
const OTPExpiry = 30 * 24 * time.Hour

// StartEmail asks the signer to email a one-time code to email. A fresh
// P-256 key is made for this sign-in; the credential comes back encrypted to
// it.
func (c *Client) StartEmail(ctx context.Context, email string) (*Pending, error) {
	email = strings.TrimSpace(email)
	if !strings.Contains(email, "@") || strings.ContainsAny(email, " \t\r\n") {
		return nil, fmt.Errorf("%q does not look like an email address: type the address the code should go to", email)
	}
	target, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("make sign-in key: %w", err)
	}
	var out struct {
		OrgID string `json:"orgId"`
		OTPID string `json:"otpId"`
	}
	req := map[string]any{"email": email, "emailMode": "otp", "targetPublicKey": hex.EncodeToString(target.PublicKey().Bytes())}
	if err := c.post(ctx, "/v1/auth", req, &out); err != nil {
		return nil, err
	}
	if out.OrgID == "" || out.OTPID == "" {
		return nil, fmt.Errorf("send sign-in code: the signer answered without an orgId/otpId: %w", ErrUnexpected)
	}
	return &Pending{Email: email, OrgID: out.OrgID, OTPID: out.OTPID, target: target}, nil
}

// VerifyCode sends the code the user typed and returns the API key the
// credential bundle holds.
func (c *Client) VerifyCode(ctx context.Context, p *Pending, code string) (*APIKey, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, errors.New("type the code from the email (it was sent to " + p.Email + ")")
	}
	var out struct {
		CredentialBundle string `json:"credentialBundle"`
	}
	req := map[string]any{
		"orgId": p.OrgID, "otpId": p.OTPID, "otpCode": code,
		"targetPublicKey":   hex.EncodeToString(p.target.PublicKey().Bytes()),
		"expirationSeconds": strconv.Itoa(int(OTPExpiry / time.Second)),
	}
	if err := c.post(ctx, "/v1/otp", req, &out); err != nil {
		return nil, err
	}
	raw, err := OpenCredentialBundle(out.CredentialBundle, p.target)
	if err != nil {
		return nil, err
	}
	return NewAPIKey(raw)
}

// Stamp builds a stamped request for url with body.
func Stamp(key *APIKey, url string, body any) (StampedRequest, error) {
	js, err := json.Marshal(body)
	if err != nil {
		return StampedRequest{}, err
	}
	v, err := key.Stamp(js)
	if err != nil {
		return StampedRequest{}, err
	}
	return StampedRequest{URL: url, Body: string(js), Stamp: StampValue{HeaderName: StampHeader, HeaderValue: v}}, nil
}

// Whoami returns the signed-in user of orgID.
func (c *Client) Whoami(ctx context.Context, key *APIKey, orgID string) (User, error) {
	sr, err := Stamp(key, turnkeyWhoami, map[string]string{"organizationId": orgID})
	if err != nil {
		return User{}, err
	}
	var u User
	if err := c.post(ctx, "/v1/whoami", map[string]any{"stampedRequest": sr}, &u); err != nil {
		return User{}, err
	}
	if u.OrgID == "" || u.Address == (common.Address{}) {
		return User{}, fmt.Errorf("who is signed in: the signer answered without an org or address: %w", ErrUnexpected)
	}
	return u, nil
}

// SignHash has the user's signer sign a 32-byte digest as is (no hashing,
// no message prefix) and returns the 65-byte r||s||v signature with v 27/28.
func (c *Client) SignHash(ctx context.Context, key *APIKey, u User, digest common.Hash) ([]byte, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	body := map[string]any{
		"type":           "ACTIVITY_TYPE_SIGN_RAW_PAYLOAD_V2",
		"timestampMs":    strconv.FormatInt(now().UnixMilli(), 10),
		"organizationId": u.OrgID,
		"parameters": map[string]string{
			"signWith":     u.Address.Hex(),
			"payload":      digest.Hex(),
			"encoding":     "PAYLOAD_ENCODING_HEXADECIMAL",
			"hashFunction": "HASH_FUNCTION_NO_OP",
		},
	}
	sr, err := Stamp(key, turnkeySignRawURL, body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Signature string `json:"signature"`
	}
	if err := c.post(ctx, "/v1/sign-payload", map[string]any{"stampedRequest": sr}, &out); err != nil {
		return nil, err
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(out.Signature, "0x"))
	if err != nil || len(sig) != 65 {
		return nil, fmt.Errorf("sign with your account: the signer returned a malformed signature: %w", ErrUnexpected)
	}
	if sig[64] < 27 {
		sig[64] += 27
	}
	return sig, nil
}

// maxResponse caps what is read from the signer.
const maxResponse = 1 << 20

func (c *Client) post(ctx context.Context, path string, in, out any) error {
	js, err := json.Marshal(in)
	if err != nil {
		return err
	}
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		return errors.New("this network has no sign-in service configured (signer URL is empty): sign-in is only needed for Gensyn testnet")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader(js))
	if err != nil {
		return fmt.Errorf("sign-in request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("could not reach the sign-in service at %s; check the internet connection and try again: %w", base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("read sign-in answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return apiError(path, resp.StatusCode, resp.Header.Get("Retry-After"), data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("sign-in answer from %s is not the expected JSON: %w", path, ErrUnexpected)
	}
	return nil
}
