package chain

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain/contract"
)

// selector computes a custom error's selector independently of the ABI
// parser: the first 4 bytes of keccak256("Name()").
func selector(name string) []byte { return crypto.Keccak256([]byte(name + "()"))[:4] }

func TestEveryABIErrorIsMapped(t *testing.T) {
	parsed, err := contract.SwarmCoordinatorMetaData.ParseABI()
	if err != nil {
		t.Fatal(err)
	}
	if len(parsed.Errors) != 13 {
		t.Fatalf("ABI has %d custom errors, want the 12 of SwarmCoordinator v0.6.0 and InvalidProof", len(parsed.Errors))
	}
	for name := range parsed.Errors {
		got := decodeRevert(selector(name))
		var ce *ContractError
		if !errors.As(got, &ce) || ce.Name != name {
			t.Errorf("revert %s decoded as %v, want the named error", name, got)
		}
	}
}

func TestDecodeRevert(t *testing.T) {
	strRevert, err := abi.Arguments{{Type: mustType(t, "string")}}.Pack("not allowed")
	if err != nil {
		t.Fatal(err)
	}
	strRevert = append([]byte{0x08, 0xc3, 0x79, 0xa0}, strRevert...)
	tests := []struct {
		name    string
		data    []byte
		want    error  // errors.Is target, or nil
		wantMsg string // substring for non-contract errors
	}{
		{"peer registered", selector("PeerIdAlreadyRegistered"), ErrPeerIdAlreadyRegistered, ""},
		{"invalid round", selector("InvalidRoundNumber"), ErrInvalidRoundNumber, ""},
		{"invalid stage", selector("InvalidStageNumber"), ErrInvalidStageNumber, ""},
		{"reward twice", selector("RewardAlreadySubmitted"), ErrRewardAlreadySubmitted, ""},
		{"vote twice", selector("WinnerAlreadyVoted"), ErrWinnerAlreadyVoted, ""},
		{"dup winners", selector("InvalidVote"), ErrInvalidVote, ""},
		{"not owner of peer", selector("InvalidVoterPeerId"), ErrInvalidVoterPeerId, ""},
		{"stage manager", selector("OnlyStageManager"), ErrOnlyStageManager, ""},
		{"error string", strRevert, nil, "not allowed"},
		{"unknown selector", []byte{1, 2, 3, 4}, nil, "unknown revert 0x01020304"},
		{"too short", []byte{1, 2}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeRevert(tt.data)
			switch {
			case tt.want != nil:
				if !errors.Is(got, tt.want) {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			case tt.wantMsg != "":
				var re *RevertError
				if !errors.As(got, &re) || !strings.Contains(re.Error(), tt.wantMsg) {
					t.Fatalf("got %v, want a RevertError mentioning %q", got, tt.wantMsg)
				}
			default:
				if got != nil {
					t.Fatalf("got %v, want nil", got)
				}
			}
		})
	}
}

func TestContractErrorsWrap(t *testing.T) {
	err := errorsJoinContext(ErrInvalidVote)
	var ce *ContractError
	if !errors.As(err, &ce) || ce.Name != "InvalidVote" || !errors.Is(err, ErrInvalidVote) || errors.Is(err, ErrInvalidRoundNumber) {
		t.Fatalf("wrapped error lost its identity: %v", err)
	}
}

func errorsJoinContext(err error) error {
	return fmt.Errorf("submit winners for round 3: %w", err)
}

func mustType(t *testing.T, s string) abi.Type {
	t.Helper()
	ty, err := abi.NewType(s, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

// FuzzDecodeRevert feeds arbitrary revert data (from any RPC node) to the
// decoder: it must never panic, and known selectors must map to their error.
func FuzzDecodeRevert(f *testing.F) {
	f.Add(selector("InvalidVote"))
	f.Add([]byte{0x08, 0xc3, 0x79, 0xa0, 0xff})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		err := decodeRevert(data)
		if len(data) < 4 {
			if err != nil {
				t.Fatalf("short data gave %v", err)
			}
			return
		}
		if err == nil {
			t.Fatal("4+ bytes of revert data must give an error")
		}
		var sel [4]byte
		copy(sel[:], data)
		if want, ok := contractErrors[sel]; ok && !errors.Is(err, want) {
			t.Fatalf("selector %x gave %v, want %v", sel, err, want)
		}
	})
}
