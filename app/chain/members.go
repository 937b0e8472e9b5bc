package chain

import (
	"context"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Members answers "is this peer ID registered on the coordinator" for the swarm's gossip
// validator, which asks for every incoming rollout and must not wait on the chain each time.
//
// Answers are cached for one round. The round's view of the registry is pinned to the chain
// block at which this node first saw the round (Advance), so a peer that registers during
// round r counts from round r+1 on every node alike, whenever each node asks — no peer can
// register and be adopted in the same round, and no two honest nodes disagree for long.
type Members struct {
	c *Client

	mu    sync.Mutex
	round uint64
	block *big.Int // pinned block of the round; nil until the first Advance (latest)
	known map[string]bool
}

// maxMemberCache bounds the cache; a flood of fresh identities empties it rather than
// growing it without end.
const maxMemberCache = 16384

// memberLookupTimeout bounds one registry read made for the gossip validator.
const memberLookupTimeout = 3 * time.Second

// NewMembers returns a registry cache reading through c.
func NewMembers(c *Client) *Members {
	return &Members{c: c, known: map[string]bool{}}
}

// Advance moves the cache to round (never backwards): it pins the round's registry view to
// the chain's current block and re-reads the peers known so far in one call. Call it whenever
// the coordinator's round is read (e.g. from swarm.Config.RoundSource).
func (m *Members) Advance(ctx context.Context, round uint64) error {
	m.mu.Lock()
	if round <= m.round && m.block != nil {
		m.mu.Unlock()
		return nil
	}
	m.mu.Unlock()
	head, err := m.c.ec.BlockNumber(ctx)
	if err != nil {
		return fmt.Errorf("members of round %d: read the block number: %w", round, err)
	}
	block := new(big.Int).SetUint64(head)
	m.mu.Lock()
	ids := make([]string, 0, len(m.known))
	for id, ok := range m.known {
		if ok {
			ids = append(ids, id)
		}
	}
	m.mu.Unlock()
	fresh := map[string]bool{}
	if len(ids) > 0 {
		owners, err := m.c.Ownerships(ctx, ids, block)
		if err != nil {
			return fmt.Errorf("members of round %d: %w", round, err)
		}
		for i, id := range ids {
			fresh[id] = owners[i].Proven()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if round < m.round || (round == m.round && m.block != nil) {
		return nil // a concurrent Advance got there first
	}
	m.round, m.block, m.known = round, block, fresh
	return nil
}

// Warm fills the cache for the coordinator's current round with one batched registry read
// of every peer ID its events name (SeenPeerIDs), so a node that (re)starts does not send
// one chain read per author while the first round's rollouts pour in — under load those
// reads time out. Call it before the first gather; a failure leaves the cache cold (Lookup
// still works, one read per author).
func (m *Members) Warm(ctx context.Context) error {
	round, err := m.c.CurrentRound(ctx)
	if err != nil {
		return fmt.Errorf("warm the member cache: %w", err)
	}
	if err := m.Advance(ctx, round); err != nil {
		return fmt.Errorf("warm the member cache: %w", err)
	}
	ids, err := m.c.SeenPeerIDs(ctx)
	if err != nil {
		return fmt.Errorf("warm the member cache: %w", err)
	}
	m.mu.Lock()
	block := m.block
	m.mu.Unlock()
	const batch = 100
	for i := 0; i < len(ids) && i < maxMemberCache; i += batch {
		part := ids[i:min(i+batch, len(ids))]
		owners, err := m.c.Ownerships(ctx, part, block)
		if err != nil {
			return fmt.Errorf("warm the member cache: %w", err)
		}
		m.mu.Lock()
		if m.block != block {
			m.mu.Unlock()
			return nil // the round moved on meanwhile; Advance re-read what was known
		}
		for j, id := range part {
			m.known[id] = owners[j].Proven()
		}
		m.mu.Unlock()
	}
	return nil
}

// IsMember is Lookup answering false when the chain cannot be read.
func (m *Members) IsMember(peerID string) bool {
	ok, err := m.Lookup(peerID)
	return ok && err == nil
}

// Lookup reports whether peerID was registered with a valid ownership proof (peerproof.go)
// when this node's current round began; a registration without one (a squatter's) is not a
// member. A failed chain read returns its error and is not cached: "could not tell" is not
// "no" (swarm.Config.IsMember holds the rollout and asks again).
func (m *Members) Lookup(peerID string) (bool, error) {
	m.mu.Lock()
	ok, cached := m.known[peerID]
	block, round := m.block, m.round
	m.mu.Unlock()
	if cached {
		return ok, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), memberLookupTimeout)
	defer cancel()
	owners, err := m.c.Ownerships(ctx, []string{peerID}, block)
	if err != nil {
		return false, fmt.Errorf("is %s a member (round %d): %w", peerID, round, err)
	}
	ok = owners[0].Proven()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.round == round && m.block == block {
		if len(m.known) >= maxMemberCache {
			m.known = map[string]bool{}
		}
		m.known[peerID] = ok
	}
	return ok, nil
}

// eoasAt is Eoas read at block (nil: the latest).
func (c *Client) eoasAt(ctx context.Context, peerIDs []string, block *big.Int) ([]common.Address, error) {
	d, err := c.coord.TryPackGetEoa(peerIDs)
	out, err := c.callAt(ctx, "getEoa", d, err, block)
	if err != nil {
		return nil, err
	}
	v, err := c.coord.UnpackGetEoa(out)
	if err != nil {
		return nil, fmt.Errorf("getEoa: decode result: %w", err)
	}
	if len(v) != len(peerIDs) {
		return nil, fmt.Errorf("getEoa: got %d results for %d peer IDs", len(v), len(peerIDs))
	}
	return v, nil
}

// RoundSource reads the coordinator's round and advances the cache to it, for
// swarm.Config.RoundSource: the swarm's round and its membership view move together.
func (m *Members) RoundSource() func(context.Context) (uint64, error) {
	return func(ctx context.Context) (uint64, error) {
		r, err := m.c.CurrentRound(ctx)
		if err != nil {
			return 0, err
		}
		_ = m.Advance(ctx, r) // a failed read is retried at the next poll
		return r, nil
	}
}
