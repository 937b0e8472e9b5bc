package userop

import (
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"
)

func TestOpJSONRoundTrip(t *testing.T) {
	ops := []Op{
		{Sender: common.HexToAddress("0x01"), Nonce: big.NewInt(1), CallData: []byte{}, Signature: []byte{},
			CallGasLimit: big.NewInt(2), VerificationGasLimit: big.NewInt(3), PreVerificationGas: big.NewInt(4), MaxFeePerGas: big.NewInt(5), MaxPriorityFeePerGas: big.NewInt(6)},
		{Sender: common.HexToAddress("0x01"), Nonce: big.NewInt(1), CallData: []byte{9}, Signature: []byte{8},
			CallGasLimit: big.NewInt(2), VerificationGasLimit: big.NewInt(3), PreVerificationGas: big.NewInt(4), MaxFeePerGas: big.NewInt(5), MaxPriorityFeePerGas: big.NewInt(6),
			Factory: common.HexToAddress("0x02"), FactoryData: []byte{7}, Paymaster: common.HexToAddress("0x03"), PaymasterData: []byte{},
			PaymasterVerificationGasLimit: big.NewInt(10), PaymasterPostOpGasLimit: big.NewInt(11)},
	}
	for i, op := range ops {
		js, err := json.Marshal(op)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && (strings.Contains(string(js), "factory") || strings.Contains(string(js), "paymaster")) {
			t.Fatalf("absent optional parts were written: %s", js)
		}
		var back Op
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(op, back) {
			t.Fatalf("case %d: round trip changed the op:\n%+v\n%+v", i, op, back)
		}
	}
}

func TestPackRejectsOversizedGas(t *testing.T) {
	op := Op{CallGasLimit: new(big.Int).Lsh(big.NewInt(1), 128)}
	if _, err := op.Pack(); err == nil || !strings.Contains(err.Error(), "uint128") {
		t.Fatalf("oversized gas: %v", err)
	}
}

func TestExplainAACodes(t *testing.T) {
	cases := []struct {
		in   error
		want error
		text string
	}{
		{errors.New("UserOperation reverted during simulation with reason: AA24 signature error"), ErrSignature, "sign in again"},
		{errors.New("AA22 expired or not due"), ErrExpired, "sign in again"},
		{errors.New("AA33 reverted (or OOG)"), &OpError{Code: "AA33"}, "paymaster"},
		{errors.New("AA21 didn't pay prefund"), &OpError{Code: "AA21"}, "paymaster policy"},
		{errors.New("AA77 something new"), &OpError{Code: "AA77"}, "try again later"},
		{rpcErr{-32504, "throttled"}, nil, "throttling"},
		{errors.New("policy not found"), nil, "paymaster policy"},
	}
	for _, c := range cases {
		got := Explain(c.in)
		if c.want != nil && !errors.Is(got, c.want) {
			t.Errorf("%v: got %v, want %v", c.in, got, c.want)
		}
		if !strings.Contains(got.Error(), c.text) {
			t.Errorf("%v: %q does not say %q", c.in, got, c.text)
		}
	}
}

type rpcErr struct {
	code int
	msg  string
}

func (e rpcErr) Error() string  { return e.msg }
func (e rpcErr) ErrorCode() int { return e.code }

var _ rpc.Error = rpcErr{}

func FuzzOpUnmarshal(f *testing.F) {
	f.Add(`{"sender":"0x0000000000000000000000000000000000000001","nonce":"0x1","callData":"0x","callGasLimit":"0x1","verificationGasLimit":"0x1","preVerificationGas":"0x1","maxFeePerGas":"0x1","maxPriorityFeePerGas":"0x1","signature":"0x"}`)
	f.Add(`{"callGasLimit":"0x1000000000000000000000000000000000"}`)
	f.Fuzz(func(t *testing.T, s string) {
		var op Op
		if json.Unmarshal([]byte(s), &op) == nil {
			if _, err := op.Pack(); err != nil {
				t.Fatalf("accepted op does not pack: %v", err)
			}
			_, _ = op.Hash(EntryPointV07, big.NewInt(1))
		}
	})
}
