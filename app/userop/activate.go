package userop

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
)

var validationABI = mustABI(`[
{"type":"function","name":"getValidationData","stateMutability":"view","inputs":[{"name":"validationFunction","type":"bytes24"}],"outputs":[{"name":"data","type":"tuple","components":[{"name":"validationFlags","type":"uint8"},{"name":"validationHooks","type":"bytes25[]"},{"name":"executionHooks","type":"bytes25[]"},{"name":"selectors","type":"bytes4[]"}]}]}
]`)

// validationData is getValidationData's answer.
type validationData struct {
	ValidationFlags uint8
	ValidationHooks [][25]byte
	ExecutionHooks  [][25]byte
	Selectors       [][4]byte
}

// maxEntityTries bounds the search for a free validation entity (each
// earlier sign-in installed one).
const maxEntityTries = 256

// FreeEntity is the first session-key entity id (from 1) that account has
// no single-signer validation installed under. An account that is not
// deployed yet has none, so it gets 1 without more reads (deployed false).
func FreeEntity(ctx context.Context, call Caller, account common.Address) (entity uint32, deployed bool, err error) {
	for e := uint32(1); e <= maxEntityTries; e++ {
		var id [24]byte
		copy(id[:], MAv2SingleSignerModule.Bytes())
		binary.BigEndian.PutUint32(id[20:], e)
		d, err := validationABI.Pack("getValidationData", id)
		if err != nil {
			return 0, false, err
		}
		out, err := call(ctx, account, d)
		if err != nil {
			return 0, false, fmt.Errorf("read the smart account's validations: %w", err)
		}
		if len(out) == 0 { // no code: not deployed
			return e, false, nil
		}
		v, err := validationABI.Unpack("getValidationData", out)
		if err != nil || len(v) != 1 {
			return 0, true, fmt.Errorf("read the smart account's validations: %s gave an answer that is not Modular Account V2's", account)
		}
		data, ok := abi.ConvertType(v[0], new(validationData)).(*validationData)
		if !ok {
			return 0, true, fmt.Errorf("read the smart account's validations: %s gave an answer that is not Modular Account V2's", account)
		}
		if data.ValidationFlags == 0 && len(data.Selectors) == 0 && len(data.ValidationHooks) == 0 {
			return e, true, nil
		}
	}
	return 0, true, fmt.Errorf("the smart account already has %d session keys installed; swarmdesk cannot add another", maxEntityTries)
}

// Activation is a signed-in user's smart account with its session key's
// deferred install, ready for the first operation.
type Activation struct {
	Account  common.Address
	EntityID uint32
	Deferred []byte // DeferredInstall.Encode's output
}

// SessionSetup says what to install: the user's signer (the account's
// owner), the session key's address, until when, on which chain.
type SessionSetup struct {
	ChainID    *big.Int
	EntryPoint common.Address // zero: EntryPointV07
	Factory    common.Address // zero: MAv2Factory
	Owner      common.Address
	Session    common.Address
	Until      time.Time
}

// Activate derives the user's Modular Account V2, picks a free validation
// entity and its deferred nonce from the chain, and has the owner sign the
// deferred ROOT install of the session key (sign signs a digest as is,
// e.g. the signer API's sign-payload). Nothing is sent: the first
// UserOperation carries the result.
func Activate(ctx context.Context, call Caller, s SessionSetup, sign func(context.Context, common.Hash) ([]byte, error)) (Activation, error) {
	if s.ChainID == nil || s.Owner == (common.Address{}) || s.Session == (common.Address{}) {
		return Activation{}, errors.New("set up the session key: chain id, owner and session key are required")
	}
	deadline := s.Until.Unix()
	if deadline <= time.Now().Unix() {
		return Activation{}, fmt.Errorf("set up the session key: its end %s is not in the future", s.Until.Format(time.RFC3339))
	}
	ep, factory := s.EntryPoint, s.Factory
	if ep == (common.Address{}) {
		ep = EntryPointV07
	}
	if factory == (common.Address{}) {
		factory = MAv2Factory
	}
	acct := MAv2Address(factory, MAv2SemiModularBytecode, s.Owner, nil)
	entity, deployed, err := FreeEntity(ctx, call, acct)
	if err != nil {
		return Activation{}, err
	}
	// A fresh account's deferred nonce is sequence 0 of its key; a deployed
	// one may have used that key before, so EntryPoint says.
	nonce := DeferredNonce(entity)
	if deployed {
		d, err := entryPointABI.Pack("getNonce", acct, new(big.Int).Rsh(nonce, 64))
		if err != nil {
			return Activation{}, err
		}
		out, err := call(ctx, ep, d)
		if err != nil {
			return Activation{}, fmt.Errorf("read the smart account's nonce from EntryPoint %s: %w", ep, err)
		}
		v, err := entryPointABI.Unpack("getNonce", out)
		if err != nil || len(v) != 1 {
			return Activation{}, fmt.Errorf("read the smart account's nonce: EntryPoint %s gave a bad answer (is it EntryPoint v0.7?)", ep)
		}
		nonce = v[0].(*big.Int)
	}
	di := &DeferredInstall{ChainID: s.ChainID, Account: acct, Session: s.Session, EntityID: entity, Nonce: nonce, Deadline: uint64(deadline)}
	digest, err := di.Digest()
	if err != nil {
		return Activation{}, err
	}
	sig, err := sign(ctx, digest)
	if err != nil {
		return Activation{}, fmt.Errorf("have your account approve the session key: %w", err)
	}
	enc, err := di.Encode(sig)
	if err != nil {
		return Activation{}, err
	}
	return Activation{Account: acct, EntityID: entity, Deferred: enc}, nil
}
