package swarm

import (
	"errors"
	"fmt"
)

// DropReason says why an incoming message was refused. Counters in Stats are
// keyed by it so operators can tell an attack (signature, rate) from a
// misconfigured peer (round, schema).
type DropReason string

// Reasons a message is dropped.
const (
	DropOversize  DropReason = "oversize"  // larger than Limits.MaxMessageBytes
	DropMalformed DropReason = "malformed" // not a well-formed, canonical envelope
	DropSchema    DropReason = "schema"    // decodes but breaks a field rule
	DropSignature DropReason = "signature" // bad signature, or key/author mismatch
	DropRound     DropReason = "round"     // outside the accepted round window
	DropReplay    DropReason = "replay"    // already seen from that author
	DropRate      DropReason = "rate"      // sender exceeded its rate or per-round quota
	DropMember    DropReason = "member"    // author refused by Config.IsMember
	// DropMemberLookup: the author's membership could not be looked up
	// until the rollout's round ended (our failure, not the sender's).
	DropMemberLookup DropReason = "member-lookup-failed"
)

// AllDropReasons lists every reason, for stable UI/metrics ordering.
var AllDropReasons = []DropReason{DropOversize, DropMalformed, DropSchema, DropSignature, DropRound, DropReplay, DropRate, DropMember, DropMemberLookup}

// DropError is returned by Decode and the receive path; Reason classifies it.
type DropError struct {
	Reason DropReason
	Err    error
}

func (e *DropError) Error() string { return fmt.Sprintf("dropped (%s): %v", e.Reason, e.Err) }

func (e *DropError) Unwrap() error { return e.Err }

func drop(reason DropReason, format string, args ...any) error {
	return &DropError{Reason: reason, Err: fmt.Errorf(format, args...)}
}

// ReasonOf extracts the DropReason of err, or "" if err is not a DropError.
func ReasonOf(err error) DropReason {
	var de *DropError
	if errors.As(err, &de) {
		return de.Reason
	}
	return ""
}
