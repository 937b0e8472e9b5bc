package swarm

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
)

func TestBatchIDIsMD5Hex(t *testing.T) {
	// Reference values from RFC 1321's test suite.
	cases := map[string]string{
		"":               "d41d8cd98f00b204e9800998ecf8427e",
		"abc":            "900150983cd24fb0d6963f7d28e17f72",
		"message digest": "f96b697d7cb7938d525a2f31aaf161d0",
	}
	for in, want := range cases {
		if got := BatchID(in); got != want {
			t.Errorf("BatchID(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestBodyGolden pins the wire format against bytes written out by hand
// from the format comment in envelope.go.
func TestBodyGolden(t *testing.T) {
	r := Rollout{Round: 300, Task: "t", Question: "q", BatchID: "b", Answers: []string{"x", "yz"},
		Meta: map[string]string{"z": "1", "a": ""}, PeerID: "P"}
	want := []byte{
		0xac, 0x02, // round 300 as uvarint
		1, 't', 1, 'q', 1, 'b',
		2, 1, 'x', 2, 'y', 'z',
		2, 1, 'a', 0, 1, 'z', 1, '1', // meta sorted by key
		1, 'P',
	}
	if got := encodeBody(&r); !bytes.Equal(got, want) {
		t.Fatalf("body\n got %x\nwant %x", got, want)
	}
}

// TestSignGoldenEd25519 checks a full envelope against an independent
// construction with the standard library's ed25519 (deterministic).
func TestSignGoldenEd25519(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	std := ed25519.NewKeyFromSeed(seed)
	key, err := crypto.UnmarshalEd25519PrivateKey(std)
	if err != nil {
		t.Fatal(err)
	}
	r := testRollout(idOf(t, key), 3, "seven")
	got, err := Sign(r, key, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	body := encodeBody(&r)
	sig := ed25519.Sign(std, append([]byte("swarmdesk/rollout/v1\x00"), body...))
	pub, _ := crypto.MarshalPublicKey(key.GetPublic())
	want := []byte("SDR1")
	for _, part := range [][]byte{body, pub, sig} {
		want = binary.AppendUvarint(want, uint64(len(part)))
		want = append(want, part...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("envelope mismatch\n got %s\nwant %s", hex.EncodeToString(got), hex.EncodeToString(want))
	}
}

func TestSignDecodeRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  crypto.PrivKey
	}{{"ed25519", edKey(t)}, {"rsa2048", rsaKey(t, 0)}} {
		t.Run(tc.name, func(t *testing.T) {
			r := testRollout(idOf(t, tc.key), 42, "x")
			raw, err := Sign(r, tc.key, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(raw, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sameRollout(r, got); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// envelopeOf assembles an envelope from parts, for crafting bad input.
func envelopeOf(body, pub, sig []byte) []byte {
	out := []byte("SDR1")
	out = appendBytes(out, body)
	out = appendBytes(out, pub)
	return appendBytes(out, sig)
}

func signedParts(t testing.TB, key crypto.PrivKey, r Rollout) (body, pub, sig []byte) {
	t.Helper()
	body = encodeBody(&r)
	sig, err := key.Sign(append([]byte(sigDomain), body...))
	if err != nil {
		t.Fatal(err)
	}
	pub, err = crypto.MarshalPublicKey(key.GetPublic())
	if err != nil {
		t.Fatal(err)
	}
	return body, pub, sig
}

// decodeCase is a crafted envelope every decoder of the wire format must
// refuse, and the reason the Go decoder gives.
type decodeCase struct {
	name string
	data []byte
	want DropReason
}

// decodeRejectCases builds bad envelopes, each broken in one way; the
// js-libp2p interop test feeds the same ones to the JavaScript decoder.
func decodeRejectCases(t testing.TB) []decodeCase {
	key, other := edKey(t), edKey(t)
	me := idOf(t, key)
	good := testRollout(me, 1, "g")
	body, pub, sig := signedParts(t, key, good)
	_, otherPub, _ := signedParts(t, other, testRollout(idOf(t, other), 1, "g"))

	badBatch := good
	badBatch.BatchID = BatchID("something else")
	bbBody, _, bbSig := signedParts(t, key, badBatch)

	noAnswers := good
	noAnswers.Answers = nil
	naBody, _, naSig := signedParts(t, key, noAnswers)

	flipped := bytes.Clone(sig)
	flipped[0] ^= 1

	// Meta keys out of order: build the body by hand.
	unordered := binary.AppendUvarint(nil, 1)
	for _, s := range []string{"gsm8k", good.Question, good.BatchID} {
		unordered = appendString(unordered, s)
	}
	unordered = binary.AppendUvarint(unordered, 1)
	unordered = appendString(unordered, "a")
	unordered = binary.AppendUvarint(unordered, 2)
	unordered = appendString(unordered, "z")
	unordered = appendString(unordered, "")
	unordered = appendString(unordered, "a")
	unordered = appendString(unordered, "")
	unordered = appendString(unordered, me)

	// A non-minimal varint for the round (0x81 0x00 == 1) must be refused,
	// otherwise one rollout would have many signed encodings.
	nonCanon := append([]byte{0x81, 0x00}, body[1:]...)

	hugeCount := binary.AppendUvarint(nil, 1)
	for _, s := range []string{"gsm8k", good.Question, good.BatchID} {
		hugeCount = appendString(hugeCount, s)
	}
	hugeCount = binary.AppendUvarint(hugeCount, 1<<60)

	tenMB := envelopeOf(bytes.Repeat([]byte{'a'}, 10<<20), pub, sig)

	return []decodeCase{
		{"empty", nil, DropMalformed},
		{"bad magic", append([]byte("XXXX"), envelopeOf(body, pub, sig)[4:]...), DropMalformed},
		{"truncated", envelopeOf(body, pub, sig)[:40], DropMalformed},
		{"trailing", append(envelopeOf(body, pub, sig), 0), DropMalformed},
		{"unordered meta", envelopeOf(unordered, pub, sig), DropMalformed},
		{"non-canonical varint", envelopeOf(nonCanon, pub, sig), DropMalformed},
		{"huge answer count", envelopeOf(hugeCount, pub, sig), DropMalformed},
		{"batch id not md5", envelopeOf(bbBody, pub, bbSig), DropSchema},
		{"no answers", envelopeOf(naBody, pub, naSig), DropSchema},
		{"flipped signature", envelopeOf(body, pub, flipped), DropSignature},
		{"other key", envelopeOf(body, otherPub, sig), DropSignature},
		{"garbage key", envelopeOf(body, []byte{1, 2, 3}, sig), DropSignature},
		{"10 MB", tenMB, DropOversize},
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tc := range decodeRejectCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.data, Limits{})
			if got := ReasonOf(err); got != tc.want {
				t.Fatalf("reason = %q (err %v), want %q", got, err, tc.want)
			}
		})
	}
}

func TestSignRefusesBadRollouts(t *testing.T) {
	key := edKey(t)
	me := idOf(t, key)
	long := testRollout(me, 1, "l")
	long.Answers = []string{strings.Repeat("a", 300<<10)}
	cases := map[string]Rollout{
		"wrong author":    testRollout(idOf(t, edKey(t)), 1, "w"),
		"empty task":      func() Rollout { r := testRollout(me, 1, "e"); r.Task = ""; return r }(),
		"answer too long": long,
		"bad utf8":        func() Rollout { r := testRollout(me, 1, "u"); r.Answers = []string{"\xff"}; return r }(),
	}
	for name, r := range cases {
		if _, err := Sign(r, key, Limits{}); err == nil {
			t.Errorf("%s: Sign succeeded, want error", name)
		}
	}
}

func FuzzDecode(f *testing.F) {
	key := edKey(f)
	good, err := Sign(testRollout(idOf(f, key), 9, "fuzz"), key, Limits{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("SDR1"))
	f.Add([]byte("SDR1\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(data, Limits{})
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without a drop reason: %v", err)
			}
			return
		}
		// Anything accepted must be valid and re-encode to the same body.
		if err := r.validate(DefaultLimits()); err != nil {
			t.Fatalf("accepted invalid rollout: %v", err)
		}
		env, err := decodeEnvelope(data, Limits{})
		if err != nil || !bytes.Equal(encodeBody(&r), env.body) {
			t.Fatalf("accepted rollout does not round-trip")
		}
	})
}
