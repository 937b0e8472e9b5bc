package userop

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/ethereum/go-ethereum/rpc"
)

// OpError is a bundler or EntryPoint rejection with an AA code. Error() is a
// sentence for the user; Code is e.g. "AA24".
type OpError struct {
	Code    string
	Message string
	Detail  string // the bundler's own text, for the log
}

func (e *OpError) Error() string {
	if e.Detail == "" {
		return e.Message
	}
	return e.Message + " (" + e.Detail + ")"
}

// Is matches by code, so errors.Is(err, ErrSignature) works for any AA24.
func (e *OpError) Is(target error) bool {
	t, ok := target.(*OpError)
	return ok && t.Code == e.Code
}

// AA errors that say something the user can act on. EntryPoint v0.7's codes:
// AA1x creating the account, AA2x the account's validation, AA3x the
// paymaster's, AA4x verification gas, AA5x post-op, AA9x bundler misuse.
var (
	ErrSignature = &OpError{Code: "AA24", Message: "the smart account rejected the session key's signature; your session key is not (or no longer) installed on the account — sign out and sign in again to install a new one"}
	ErrExpired   = &OpError{Code: "AA22", Message: "the session key's permission has expired or is not yet valid; sign in again to renew it"}
	aaMessages   = map[string]string{
		"AA10": "the smart account already exists but the operation tried to create it again; this resolves itself on retry",
		"AA13": "creating the smart account failed (the factory or its data is wrong, or there was too little verification gas); check the network profile's account factory",
		"AA14": "the account factory created an account at a different address than expected; check the network profile's account factory",
		"AA15": "the account factory returned no code; check the network profile's account factory",
		"AA20": "the smart account is not deployed and the operation carries no code to create it; sign in again so the first operation deploys it",
		"AA21": "the smart account has too little funds to pay for gas and no paymaster sponsored it; check the paymaster policy id in the network profile",
		"AA22": ErrExpired.Message,
		"AA23": "the smart account's validation reverted; the session key's permission may not be installed — sign in again",
		"AA24": ErrSignature.Message,
		"AA25": "the operation's nonce is wrong (another operation used it); it will be rebuilt and sent again",
		"AA26": "the account's validation needed more gas than allowed; this is retried with a fresh gas estimate",
		"AA30": "the paymaster is not deployed on this chain; check the network profile's paymaster settings",
		"AA31": "the paymaster's deposit is too low to sponsor this operation; gas sponsorship for this network is exhausted — try again later",
		"AA32": "the paymaster's sponsorship has expired; this is retried with new paymaster data",
		"AA33": "the paymaster refused to sponsor this operation (policy limits reached or the policy id is wrong); check the paymaster policy in the network profile",
		"AA34": "the paymaster's signature is invalid; this is retried with new paymaster data",
		"AA40": "the operation asked for too much verification gas; it is retried with a fresh estimate",
		"AA41": "the operation ran out of verification gas; it is retried with a fresh estimate",
		"AA50": "the paymaster's post-operation step failed; try again later",
		"AA51": "the operation's prefund was below its actual gas cost; it is retried with a fresh estimate",
		"AA90": "the bundler misconfigured its beneficiary; try again later",
		"AA91": "the bundler failed to send the operation; try again later",
		"AA92": "the bundler ran out of gas while sending; try again later",
		"AA93": "the bundler's signature aggregator was wrong; try again later",
		"AA94": "the bundler was given bad gas values; try again later",
		"AA95": "the bundler ran out of gas while sending; try again later",
		"AA96": "the bundler's signature aggregator is wrong; try again later",
	}
)

var aaCode = regexp.MustCompile(`\bAA[1-9][0-9]\b`)

// Explain turns an error from a bundler into an OpError sentence when it
// carries an AA code, and otherwise adds what to do to the bundler's text.
func Explain(err error) error { return explain(err) }

func explain(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if code := aaCode.FindString(msg); code != "" {
		if s, ok := aaMessages[code]; ok {
			return &OpError{Code: code, Message: s, Detail: msg}
		}
		return &OpError{Code: code, Message: "the bundler rejected the operation with " + code + "; try again later", Detail: msg}
	}
	var re rpc.Error
	if errors.As(err, &re) {
		switch re.ErrorCode() {
		case -32504:
			return fmt.Errorf("the bundler is throttling this account; operations are held and retried later: %w", err)
		case -32503:
			return fmt.Errorf("%w: %v", ErrExpired, err)
		case -32507:
			return fmt.Errorf("%w: %v", ErrSignature, err)
		}
	}
	if strings.Contains(strings.ToLower(msg), "policy") {
		return fmt.Errorf("the gas sponsorship (paymaster policy) refused the operation; check the paymaster policy id in the network profile: %w", err)
	}
	return fmt.Errorf("bundler: %w", err)
}
