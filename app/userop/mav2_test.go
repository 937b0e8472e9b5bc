package userop

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// mav2Vectors is testdata/mav2/vectors.json, made by vectors.mjs with
// Alchemy's aa-sdk (@account-kit/smart-contracts, @aa-sdk/core).
type mav2Vectors struct {
	Source     string         `json:"source"`
	ChainID    int64          `json:"chainId"`
	Target     common.Address `json:"target"`
	Call       hexutil.Bytes  `json:"call"`
	UserOpHash common.Hash    `json:"userOpHash"`
	Cases      []mav2Case     `json:"cases"`
}

type mav2Case struct {
	OwnerKey, SessionKey hexutil.Bytes
	Owner, Session       common.Address
	Salt                 string
	EntityID             uint32 `json:"entityId"`
	Deadline             uint64
	DeferredNonce        *hexutil.Big
	Account              common.Address
	InitCode             hexutil.Bytes
	InstallCall          hexutil.Bytes
	TypedDataDigest      common.Hash
	OwnerSignature       hexutil.Bytes
	PreSignature         hexString
	DeferredAction       hexString
	FirstNonce           *hexutil.Big
	FirstDummySignature  hexString
	CallData             hexutil.Bytes
	FirstSignature       hexString
	LaterNonceKey        *hexutil.Big
	LaterSignature       hexutil.Bytes
}

// hexString is a 0x-hex JSON string; hexutil.Bytes decodes some of these
// long values as their text under this Go version's encoding/json.
type hexString string

func (h hexString) bytes() []byte { return common.FromHex(string(h)) }

// TestMAv2Vectors checks the Modular Account V2 address, init code, the
// session key's deferred ROOT validation (call, EIP-712 digest, encoding)
// and the first and later operation signatures byte for byte against what
// Alchemy's own SDK produces.
func TestMAv2Vectors(t *testing.T) {
	js, err := os.ReadFile("testdata/mav2/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v mav2Vectors
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) == 0 {
		t.Fatal("no vectors")
	}
	for i, c := range v.Cases {
		owner, err := crypto.ToECDSA(c.OwnerKey)
		if err != nil {
			t.Fatal(err)
		}
		sk, err := crypto.ToECDSA(c.SessionKey)
		if err != nil {
			t.Fatal(err)
		}
		if crypto.PubkeyToAddress(owner.PublicKey) != c.Owner || crypto.PubkeyToAddress(sk.PublicKey) != c.Session {
			t.Fatalf("case %d: key/address mismatch in the vectors", i)
		}
		salt, _ := new(big.Int).SetString(c.Salt, 10)
		if got := MAv2Address(MAv2Factory, MAv2SemiModularBytecode, c.Owner, salt); got != c.Account {
			t.Errorf("case %d: address %s, aa-sdk %s", i, got, c.Account)
		}
		if got := DeferredNonce(c.EntityID); got.Cmp(c.DeferredNonce.ToInt()) != 0 {
			t.Errorf("case %d: deferred nonce %x, aa-sdk %x", i, got, c.DeferredNonce.ToInt())
		}
		a := &MAv2{Owner: c.Owner, Salt: salt, Session: sk}
		f, data, err := a.InitCode()
		if err != nil {
			t.Fatal(err)
		}
		if got := append(f.Bytes(), data...); !bytes.Equal(got, c.InitCode) {
			t.Errorf("case %d: init code\n got %x\nwant %x", i, got, c.InitCode)
		}
		d := &DeferredInstall{ChainID: big.NewInt(v.ChainID), Account: c.Account, Session: c.Session, EntityID: c.EntityID, Nonce: DeferredNonce(c.EntityID), Deadline: c.Deadline}
		call, err := d.InstallCall()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(call, c.InstallCall) {
			t.Errorf("case %d: install call\n got %x\nwant %x", i, call, c.InstallCall)
		}
		dg, err := d.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if dg != c.TypedDataDigest {
			t.Errorf("case %d: typed data digest %s, aa-sdk %s", i, dg, c.TypedDataDigest)
		}
		// The owner (the user's signer) signs the digest as is.
		osig, err := crypto.Sign(dg.Bytes(), owner)
		if err != nil {
			t.Fatal(err)
		}
		osig[64] += 27
		if !bytes.Equal(append([]byte{0}, osig...), c.OwnerSignature) {
			t.Errorf("case %d: owner signature\n got 00%x\nwant %x", i, osig, c.OwnerSignature)
		}
		enc, err := d.Encode(osig)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, c.DeferredAction.bytes()) {
			t.Errorf("case %d: deferred action\n got %x\nwant %x", i, enc, c.DeferredAction.bytes())
		}
		if !bytes.HasPrefix(enc, c.PreSignature.bytes()) {
			t.Errorf("case %d: deferred action does not start with aa-sdk's pre-signature digest", i)
		}
		a.Deferred = enc
		// First operation: the deferred action's nonce, its data before the signature.
		read := func(_ context.Context, key *big.Int) (*big.Int, error) { return new(big.Int).Lsh(key, 64), nil }
		n, first, err := a.NextNonce(context.Background(), read)
		if err != nil || !first || n.Cmp(c.FirstNonce.ToInt()) != 0 {
			t.Errorf("case %d: first nonce %x first=%v err=%v, aa-sdk %x", i, n, first, err, c.FirstNonce.ToInt())
		}
		if got := a.DummySignature(false); !bytes.Equal(got, c.FirstDummySignature.bytes()) {
			t.Errorf("case %d: first dummy signature differs", i)
		}
		cd, err := a.Execute(v.Target, nil, v.Call)
		if err != nil || !bytes.Equal(cd, c.CallData) {
			t.Errorf("case %d: call data\n got %x\nwant %x", i, cd, c.CallData)
		}
		sig, err := a.Sign(v.UserOpHash, false)
		if err != nil || !bytes.Equal(sig, c.FirstSignature.bytes()) {
			t.Errorf("case %d: first signature\n got %x\nwant %x", i, sig, c.FirstSignature.bytes())
		}
		// Once the deferred nonce is used, the session entity's own key.
		used := func(_ context.Context, key *big.Int) (*big.Int, error) {
			return new(big.Int).Add(new(big.Int).Lsh(key, 64), big.NewInt(1)), nil
		}
		n, first, err = a.NextNonce(context.Background(), used)
		if err != nil || first || new(big.Int).Rsh(n, 64).Cmp(c.LaterNonceKey.ToInt()) != 0 {
			t.Errorf("case %d: later nonce %x first=%v err=%v, want key %x", i, n, first, err, c.LaterNonceKey.ToInt())
		}
		sig, err = a.Sign(v.UserOpHash, true)
		if err != nil || !bytes.Equal(sig, c.LaterSignature) {
			t.Errorf("case %d: later signature\n got %x\nwant %x", i, sig, c.LaterSignature)
		}
	}
}

// TestDeferredActionRejects: bad deadlines and entities fail with a sentence, damaged stored
// actions too, never a panic.
func TestDeferredActionRejects(t *testing.T) {
	base := DeferredInstall{ChainID: big.NewInt(1), EntityID: 1, Nonce: DeferredNonce(1), Deadline: 1900000000}
	for name, mut := range map[string]func(*DeferredInstall){
		"owner entity": func(d *DeferredInstall) { d.EntityID = 0 },
		"milliseconds": func(d *DeferredInstall) { d.Deadline = 1900000000000 * 1000 },
		"no deadline":  func(d *DeferredInstall) { d.Deadline = 0 },
		"no chain":     func(d *DeferredInstall) { d.ChainID = nil },
	} {
		d := base
		mut(&d)
		if _, err := d.InstallCall(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, b := range [][]byte{nil, {0}, bytes.Repeat([]byte{1}, 40), bytes.Repeat([]byte{7}, 40)} {
		if _, err := ParseDeferredAction(b); err == nil {
			t.Errorf("damaged %x accepted", b)
		}
	}
	if _, err := base.Encode(make([]byte, 64)); err == nil {
		t.Error("short owner signature accepted")
	}
}

func FuzzParseDeferredAction(f *testing.F) {
	f.Add([]byte{0})
	f.Add(append([]byte{0}, make([]byte, 40)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		a := &MAv2{Deferred: b, Session: mustKey(t)}
		_, _ = ParseDeferredAction(b)
		_ = a.DummySignature(false)
	})
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestActivateDeployedAccount: an account that already has a session key
// (an earlier sign-in) gets the next entity, and its deferred nonce comes
// from EntryPoint rather than being assumed fresh.
func TestActivateDeployedAccount(t *testing.T) {
	owner := common.HexToAddress("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
	acct := MAv2Address(MAv2Factory, MAv2SemiModularBytecode, owner, nil)
	out := validationABI.Methods["getValidationData"].Outputs
	var epReads []*big.Int
	call := func(_ context.Context, to common.Address, data []byte) ([]byte, error) {
		switch to {
		case acct:
			v, err := validationABI.Methods["getValidationData"].Inputs.Unpack(data[4:])
			if err != nil {
				return nil, err
			}
			id := v[0].([24]byte)
			if common.BytesToAddress(id[:20]) != MAv2SingleSignerModule {
				t.Errorf("validation looked up under module %x", id[:20])
			}
			flags := uint8(0)
			if id[23] == 1 { // entity 1 is taken
				flags = 5
			}
			return out.Pack(validationData{ValidationFlags: flags, ValidationHooks: [][25]byte{}, ExecutionHooks: [][25]byte{}, Selectors: [][4]byte{}})
		case EntryPointV07:
			v, err := entryPointABI.Methods["getNonce"].Inputs.Unpack(data[4:])
			if err != nil {
				return nil, err
			}
			key := v[1].(*big.Int)
			epReads = append(epReads, key)
			return common.LeftPadBytes(new(big.Int).Add(new(big.Int).Lsh(key, 64), big.NewInt(4)).Bytes(), 32), nil
		}
		return nil, nil
	}
	sk, _ := crypto.GenerateKey()
	act, err := Activate(context.Background(), call, SessionSetup{ChainID: big.NewInt(685685), Owner: owner, Session: crypto.PubkeyToAddress(sk.PublicKey), Until: time.Now().Add(time.Hour)},
		func(context.Context, common.Hash) ([]byte, error) { return make([]byte, 65), nil })
	if err != nil {
		t.Fatal(err)
	}
	da, err := ParseDeferredAction(act.Deferred)
	if err != nil {
		t.Fatal(err)
	}
	want := new(big.Int).Add(DeferredNonce(2), big.NewInt(4))
	if act.EntityID != 2 || da.EntityID != 2 || da.Nonce.Cmp(want) != 0 || len(epReads) != 1 {
		t.Fatalf("entity %d/%d nonce %x (want %x), %d EntryPoint reads", act.EntityID, da.EntityID, da.Nonce, want, len(epReads))
	}
	if _, err := Activate(context.Background(), call, SessionSetup{ChainID: big.NewInt(1), Owner: owner, Session: owner, Until: time.Now().Add(-time.Second)},
		func(context.Context, common.Hash) ([]byte, error) { return make([]byte, 65), nil }); err == nil {
		t.Fatal("a session that already ended was set up")
	}
}
