package chain

import (
	"encoding/hex"
	"errors"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/swarmdesk/swarmdesk/app/chain/contract"
)

// ContractError is a revert of the coordinator contract with one of its
// custom errors. The exported Err* values are the only instances, so callers
// can test with errors.Is(err, chain.ErrRewardAlreadySubmitted) or get the
// name with errors.As; Error() is a sentence meant for the user.
type ContractError struct {
	// Name is the Solidity error name, e.g. "PeerIdAlreadyRegistered".
	Name string
	// Message explains what happened and what to do next.
	Message string
}

func (e *ContractError) Error() string { return e.Message }

// Contract reverts (SwarmCoordinator v0.6.0 custom errors).
var (
	ErrPeerIdAlreadyRegistered = &ContractError{"PeerIdAlreadyRegistered",
		"this peer ID is already registered to another account; the first account to register a peer ID owns it, so use that account's key or create a new peer identity"}
	ErrInvalidVoterPeerId = &ContractError{"InvalidVoterPeerId",
		"this peer ID is not registered to your account; register it first (swarmdesk chain register) with the same account key"}
	ErrInvalidRoundNumber = &ContractError{"InvalidRoundNumber",
		"the round number is ahead of the coordinator's current round; wait for the round to start and submit again"}
	ErrInvalidStageNumber = &ContractError{"InvalidStageNumber",
		"the stage number is not valid for that round; it is ahead of the current stage or beyond the round's stage count"}
	ErrRewardAlreadySubmitted = &ContractError{"RewardAlreadySubmitted",
		"a reward was already submitted for this peer in this round and stage; nothing more to do"}
	ErrWinnerAlreadyVoted = &ContractError{"WinnerAlreadyVoted",
		"this peer already voted for the winners of this round; nothing more to do"}
	ErrInvalidVote = &ContractError{"InvalidVote",
		"the winner list contains the same peer more than once; remove duplicates and vote again"}
	ErrOnlyOwner = &ContractError{"OnlyOwner",
		"only the coordinator's owner may do this; use the owner account"}
	ErrOnlyStageManager = &ContractError{"OnlyStageManager",
		"only the round/stage manager may advance rounds; use the account that holds the stage manager role"}
	ErrOnlyBootnodeManager = &ContractError{"OnlyBootnodeManager",
		"only the bootnode manager may change bootnodes; use the account that holds the bootnode manager role"}
	ErrStageOutOfBounds = &ContractError{"StageOutOfBounds",
		"the stage is out of bounds for the coordinator"}
	ErrInvalidBootnodeIndex = &ContractError{"InvalidBootnodeIndex",
		"there is no bootnode at that index; list the bootnodes and pick an existing index"}
	ErrInvalidProof = &ContractError{"InvalidProof",
		"the peer-ID ownership proof is empty or larger than the coordinator accepts; it is made from the node's swarm.pem key, so check that identity"}
)

// contractErrors maps each custom error's 4-byte selector to its value. It is
// built from the ABI so a renamed or added Solidity error cannot silently fall
// out of sync (TestEveryABIErrorIsMapped checks the reverse direction).
var contractErrors = func() map[[4]byte]*ContractError {
	byName := map[string]*ContractError{}
	for _, e := range []*ContractError{
		ErrPeerIdAlreadyRegistered, ErrInvalidVoterPeerId, ErrInvalidRoundNumber, ErrInvalidStageNumber,
		ErrRewardAlreadySubmitted, ErrWinnerAlreadyVoted, ErrInvalidVote, ErrOnlyOwner, ErrOnlyStageManager,
		ErrOnlyBootnodeManager, ErrStageOutOfBounds, ErrInvalidBootnodeIndex, ErrInvalidProof,
	} {
		byName[e.Name] = e
	}
	parsed, err := contract.SwarmCoordinatorMetaData.ParseABI()
	if err != nil {
		return map[[4]byte]*ContractError{}
	}
	m := make(map[[4]byte]*ContractError, len(parsed.Errors))
	for name, abiErr := range parsed.Errors {
		if ce, ok := byName[name]; ok {
			var sel [4]byte
			copy(sel[:], abiErr.ID[:4])
			m[sel] = ce
		}
	}
	return m
}()

// errorSelector is the selector of Solidity's built-in Error(string).
var errorSelector = [4]byte{0x08, 0xc3, 0x79, 0xa0}

// decodeRevert turns the revert data of a failed call into a Go error: one of
// the Err* values for a coordinator custom error, a RevertError for
// require/revert strings, or nil when data is not a known revert payload.
func decodeRevert(data []byte) error {
	if len(data) < 4 {
		return nil
	}
	var sel [4]byte
	copy(sel[:], data[:4])
	if ce, ok := contractErrors[sel]; ok {
		return ce
	}
	if sel == errorSelector {
		if reason, err := abi.UnpackRevert(data); err == nil {
			return &RevertError{Reason: reason}
		}
	}
	return &RevertError{Reason: "unknown revert 0x" + hex.EncodeToString(data[:4])}
}

// RevertError is a revert that is not one of the coordinator's custom errors
// (for example a contract at the configured address that is not a
// SwarmCoordinator).
type RevertError struct{ Reason string }

func (e *RevertError) Error() string {
	return "the contract rejected the transaction (" + e.Reason + "); check the network profile's contract address"
}

// asContractError maps an RPC error carrying revert data to a named error.
// Errors without revert data are returned unchanged.
func asContractError(err error) error {
	if err == nil {
		return nil
	}
	var de rpc.DataError
	if !errors.As(err, &de) {
		return err
	}
	var raw []byte
	switch d := de.ErrorData().(type) {
	case string:
		b, decErr := hex.DecodeString(strings.TrimPrefix(d, "0x"))
		if decErr != nil {
			return err
		}
		raw = b
	case []byte:
		raw = d
	default:
		return err
	}
	if rev := decodeRevert(raw); rev != nil {
		return rev
	}
	return err
}
