package swarm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Wire format of one signed rollout (all integers are unsigned varints,
// all strings/bytes are length-prefixed):
//
//	envelope = "SDR1" body pubkey sig          (no trailing bytes)
//	body     = round task question batchID nAnswers answer* nMeta (key value)* peerID
//
// Meta keys are strictly increasing, so each rollout has exactly one
// encoding; the decoder re-encodes and compares to enforce that. The
// signature covers sigDomain || body with the author's libp2p key, and the
// public key must hash to the body's peer ID. A hand-written format (rather
// than JSON or protobuf) keeps the signed bytes canonical and the decoder
// small enough to fuzz exhaustively.
var envMagic = []byte("SDR1")

// sigDomain separates these signatures from any other use of the same key.
const sigDomain = "swarmdesk/rollout/v1\x00"

// envelope is a decoded, not yet verified, rollout message.
type envelope struct {
	Rollout Rollout
	body    []byte
	pub     []byte
	sig     []byte
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b []byte, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// encodeBody returns the canonical encoding of r.
func encodeBody(r *Rollout) []byte {
	b := make([]byte, 0, 64+len(r.Question)+len(r.Task)+len(r.PeerID)+answersLen(r.Answers))
	b = binary.AppendUvarint(b, r.Round)
	b = appendString(b, r.Task)
	b = appendString(b, r.Question)
	b = appendString(b, r.BatchID)
	b = binary.AppendUvarint(b, uint64(len(r.Answers)))
	for _, a := range r.Answers {
		b = appendString(b, a)
	}
	keys := make([]string, 0, len(r.Meta))
	for k := range r.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, r.Meta[k])
	}
	return appendString(b, r.PeerID)
}

func answersLen(a []string) int {
	n := 0
	for _, s := range a {
		n += len(s) + 4
	}
	return n
}

// Sign validates r against l, signs it with key and returns the envelope
// bytes. r.PeerID must be the peer ID of key.
func Sign(r Rollout, key crypto.PrivKey, l Limits) ([]byte, error) {
	l = l.withDefaults()
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("sign rollout: peer id from key: %w", err)
	}
	if r.PeerID != id.String() {
		return nil, fmt.Errorf("sign rollout: rollout peer id %q is not the signing key's %s", r.PeerID, id)
	}
	if err := r.validate(l); err != nil {
		return nil, fmt.Errorf("sign rollout: %w", err)
	}
	body := encodeBody(&r)
	sig, err := key.Sign(append([]byte(sigDomain), body...))
	if err != nil {
		return nil, fmt.Errorf("sign rollout: %w", err)
	}
	pub, err := crypto.MarshalPublicKey(key.GetPublic())
	if err != nil {
		return nil, fmt.Errorf("sign rollout: marshal public key: %w", err)
	}
	out := append([]byte(nil), envMagic...)
	out = appendBytes(out, body)
	out = appendBytes(out, pub)
	out = appendBytes(out, sig)
	if len(out) > l.MaxMessageBytes {
		return nil, fmt.Errorf("sign rollout: envelope is %d bytes, limit %d; send fewer or shorter answers", len(out), l.MaxMessageBytes)
	}
	return out, nil
}

// Decode parses and fully checks one envelope from a peer: size, canonical
// encoding, schema, and the author's signature. It never panics on any
// input; failures are *DropError with the reason to count.
func Decode(data []byte, l Limits) (Rollout, error) {
	env, err := decodeEnvelope(data, l)
	if err != nil {
		return Rollout{}, err
	}
	if err := env.verify(); err != nil {
		return Rollout{}, err
	}
	return env.Rollout, nil
}

// reader is a bounds-checked cursor over untrusted bytes.
type reader struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated")

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShort
		return 0
	}
	if n != uvarintLen(v) {
		r.err = errors.New("non-minimal varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = fmt.Errorf("length %d exceeds remaining %d bytes", n, len(r.b))
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) str() string { return string(r.bytes()) }

// count reads an element count and rejects counts that could not possibly fit
// in the remaining bytes (each element needs at least min bytes), so a
// hostile count cannot trigger a huge allocation.
func (r *reader) count(limit int, min int) int {
	n := r.uvarint()
	if r.err != nil {
		return 0
	}
	if n > uint64(limit) || n*uint64(min) > uint64(len(r.b)) {
		r.err = fmt.Errorf("count %d too large", n)
		return 0
	}
	return int(n)
}

func decodeEnvelope(data []byte, l Limits) (*envelope, error) {
	l = l.withDefaults()
	if len(data) > l.MaxMessageBytes {
		return nil, drop(DropOversize, "envelope is %d bytes, limit %d", len(data), l.MaxMessageBytes)
	}
	if !bytes.HasPrefix(data, envMagic) {
		return nil, drop(DropMalformed, "missing %q magic", envMagic)
	}
	rd := &reader{b: data[len(envMagic):]}
	env := &envelope{}
	env.body = rd.bytes()
	env.pub = rd.bytes()
	env.sig = rd.bytes()
	if rd.err != nil {
		return nil, drop(DropMalformed, "envelope: %v", rd.err)
	}
	if len(rd.b) != 0 {
		return nil, drop(DropMalformed, "envelope: %d trailing bytes", len(rd.b))
	}
	r, err := decodeBody(env.body, l)
	if err != nil {
		return nil, err
	}
	env.Rollout = r
	return env, nil
}

func decodeBody(body []byte, l Limits) (Rollout, error) {
	rd := &reader{b: body}
	var r Rollout
	r.Round = rd.uvarint()
	r.Task = rd.str()
	r.Question = rd.str()
	r.BatchID = rd.str()
	n := rd.count(l.MaxAnswers, 1)
	if n > 0 {
		r.Answers = make([]string, 0, n)
	}
	for i := 0; i < n && rd.err == nil; i++ {
		r.Answers = append(r.Answers, rd.str())
	}
	m := rd.count(l.MaxMetaEntries, 2)
	prev := ""
	for i := 0; i < m && rd.err == nil; i++ {
		k, v := rd.str(), rd.str()
		if rd.err != nil {
			break
		}
		if i > 0 && k <= prev {
			return Rollout{}, drop(DropMalformed, "meta keys not strictly increasing at %q", k)
		}
		prev = k
		if r.Meta == nil {
			r.Meta = make(map[string]string, m)
		}
		r.Meta[k] = v
	}
	r.PeerID = rd.str()
	if rd.err != nil {
		return Rollout{}, drop(DropMalformed, "rollout body: %v", rd.err)
	}
	if len(rd.b) != 0 {
		return Rollout{}, drop(DropMalformed, "rollout body: %d trailing bytes", len(rd.b))
	}
	if !bytes.Equal(encodeBody(&r), body) {
		return Rollout{}, drop(DropMalformed, "rollout body is not canonically encoded")
	}
	if err := r.validate(l); err != nil {
		return Rollout{}, &DropError{Reason: DropSchema, Err: err}
	}
	return r, nil
}

// verify checks that the public key hashes to the rollout's peer ID and that
// the signature over the body is valid.
func (e *envelope) verify() error {
	if !utf8.ValidString(e.Rollout.PeerID) {
		return drop(DropSignature, "peer id is not UTF-8")
	}
	pub, err := crypto.UnmarshalPublicKey(e.pub)
	if err != nil {
		return drop(DropSignature, "public key: %v", err)
	}
	id, err := peer.IDFromPublicKey(pub)
	if err != nil {
		return drop(DropSignature, "peer id from public key: %v", err)
	}
	if id.String() != e.Rollout.PeerID {
		return drop(DropSignature, "public key belongs to %s, rollout claims %s", id, e.Rollout.PeerID)
	}
	ok, err := pub.Verify(append([]byte(sigDomain), e.body...), e.sig)
	if err != nil || !ok {
		return drop(DropSignature, "signature does not verify for %s", id)
	}
	return nil
}
