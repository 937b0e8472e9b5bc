package chain

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/platform"
)

// Entry is one row of the leaderboard.
type Entry struct {
	// Rank starts at 1; peers with equal rewards, wins and votes share a
	// rank (1, 1, 3, ...).
	Rank    int
	PeerID  string
	Name    string
	EOA     common.Address
	Rewards *big.Int // cumulative reward (getTotalRewards)
	Wins    uint64   // times voted a winner (WinnerSubmitted events)
	Votes   uint64   // rounds this peer voted in (WinnerSubmitted events)
	// Proven says an account proved this peer ID with the peer's own key (peerproof.go);
	// EOA is then that account and Rewards what its claim submitted. An unproven row is
	// not a member of the swarm (a squatter, an older client, or a peer that only appears
	// in votes) and the window marks it.
	Proven bool
	// Squatted says another account registered this peer ID without a valid proof.
	Squatted bool
}

// LeaderboardCacheFile is the cache file name inside Options.CacheDir.
const LeaderboardCacheFile = "chain-leaderboard.json"

const maxCacheBytes = 64 << 20

// peerStats is what the indexer folds out of the events for one peer.
type peerStats struct {
	EOA   common.Address `json:"eoa"`
	Wins  uint64         `json:"wins"`
	Votes uint64         `json:"votes"`
}

// lbCache is the on-disk leaderboard index: everything up to LastBlock.
type lbCache struct {
	Version  int                   `json:"version"`
	ChainID  int64                 `json:"chainId"`
	Contract common.Address        `json:"contract"`
	Next     uint64                `json:"nextBlock"` // first block not yet indexed
	Peers    map[string]*peerStats `json:"peers"`
}

func decodeLeaderboardCache(data []byte) (*lbCache, error) {
	if len(data) > maxCacheBytes {
		return nil, fmt.Errorf("leaderboard cache is %d bytes (max %d)", len(data), maxCacheBytes)
	}
	var c lbCache
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("parse leaderboard cache: %w", err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("leaderboard cache version %d is not supported (want 1)", c.Version)
	}
	if c.Peers == nil {
		c.Peers = map[string]*peerStats{}
	}
	for id, p := range c.Peers {
		if id == "" || len(id) > maxPeerIDLen || p == nil {
			return nil, fmt.Errorf("leaderboard cache has an invalid peer entry %q", id)
		}
	}
	return &c, nil
}

func (c *Client) cachePath() string {
	if c.opts.CacheDir == "" {
		return ""
	}
	return filepath.Join(c.opts.CacheDir, LeaderboardCacheFile)
}

// loadCache returns the cached index when it belongs to this chain and
// contract; otherwise (missing, corrupt, other network) a fresh one.
func (c *Client) loadCache() *lbCache {
	fresh := &lbCache{Version: 1, ChainID: c.profile.ChainID, Contract: c.profile.Contract, Next: c.opts.StartBlock, Peers: map[string]*peerStats{}}
	if c.lb != nil {
		return c.lb
	}
	path := c.cachePath()
	if path == "" {
		return fresh
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fresh
	}
	lb, err := decodeLeaderboardCache(data)
	if err != nil || lb.ChainID != c.profile.ChainID || lb.Contract != c.profile.Contract {
		// A cache is only an optimisation: rebuild it from the chain.
		return fresh
	}
	return lb
}

func (c *Client) saveCache(lb *lbCache) error {
	path := c.cachePath()
	if path == "" {
		return nil
	}
	data, err := json.Marshal(lb)
	if err != nil {
		return fmt.Errorf("encode leaderboard cache: %w", err)
	}
	return platform.WriteFileAtomic(path, data, 0o600)
}

func (c *Client) eventIDs() (registered, reward, winners common.Hash) {
	a := c.coord.GetABI()
	return a.Events["PeerRegistered"].ID, a.Events["RewardSubmitted"].ID, a.Events["WinnerSubmitted"].ID
}

// index folds new PeerRegistered/RewardSubmitted/WinnerSubmitted logs into
// the cache, page by page, saving after each page so an interrupted scan
// resumes where it stopped.
func (c *Client) index(ctx context.Context, lb *lbCache) error {
	head, err := c.ec.BlockNumber(ctx)
	if err != nil {
		return fmt.Errorf("read block number: %w", err)
	}
	if head < c.opts.Confirmations {
		return nil
	}
	last := head - c.opts.Confirmations
	regID, rewID, winID := c.eventIDs()
	for lb.Next <= last {
		to := min(lb.Next+c.opts.LogPageBlocks-1, last)
		logs, err := c.ec.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(lb.Next),
			ToBlock:   new(big.Int).SetUint64(to),
			Addresses: []common.Address{c.profile.Contract},
			Topics:    [][]common.Hash{{regID, rewID, winID}},
		})
		if err != nil {
			return fmt.Errorf("read coordinator events in blocks %d..%d: %w", lb.Next, to, err)
		}
		for i := range logs {
			if err := c.fold(lb, &logs[i]); err != nil {
				return err
			}
		}
		lb.Next = to + 1
		if err := c.saveCache(lb); err != nil {
			return err
		}
	}
	return nil
}

func (lb *lbCache) peer(id string) *peerStats {
	p := lb.Peers[id]
	if p == nil {
		p = &peerStats{}
		lb.Peers[id] = p
	}
	return p
}

// fold applies one event. Malformed events (possible from a foreign
// contract at the address) are skipped rather than failing the leaderboard.
func (c *Client) fold(lb *lbCache, l *types.Log) error {
	if l.Removed || len(l.Topics) == 0 {
		return nil
	}
	regID, rewID, winID := c.eventIDs()
	switch l.Topics[0] {
	case regID:
		ev, err := c.coord.UnpackPeerRegisteredEvent(l)
		if err != nil || !validPeerID(ev.PeerId) {
			return nil
		}
		lb.peer(ev.PeerId).EOA = ev.Eoa
	case rewID:
		ev, err := c.coord.UnpackRewardSubmittedEvent(l)
		if err != nil || !validPeerID(ev.PeerId) {
			return nil
		}
		lb.peer(ev.PeerId)
	case winID:
		ev, err := c.coord.UnpackWinnerSubmittedEvent(l)
		if err != nil || !validPeerID(ev.PeerId) {
			return nil
		}
		lb.peer(ev.PeerId).Votes++
		for _, w := range ev.Winners {
			if validPeerID(w) {
				lb.peer(w).Wins++
			}
		}
	}
	return nil
}

func validPeerID(id string) bool { return id != "" && len(id) <= maxPeerIDLen }

// Leaderboard returns every peer seen on the coordinator (registered, voting
// or voted for), ranked by total rewards, then wins, then votes. Rewards come
// from the contract's getTotalRewards view; wins and votes from its events,
// indexed incrementally and cached in Options.CacheDir.
func (c *Client) Leaderboard(ctx context.Context) ([]Entry, error) {
	c.lbMu.Lock()
	defer c.lbMu.Unlock()
	lb, ids, err := c.seenLocked(ctx)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	rewards := make([]*big.Int, 0, len(ids))
	const batch = 200
	for i := 0; i < len(ids); i += batch {
		part, err := c.TotalRewards(ctx, ids[i:min(i+batch, len(ids))])
		if err != nil {
			return nil, fmt.Errorf("leaderboard: %w", err)
		}
		rewards = append(rewards, part...)
	}
	entries := make([]Entry, len(ids))
	for i, id := range ids {
		p := lb.Peers[id]
		entries[i] = Entry{PeerID: id, Name: c.name(id), EOA: p.EOA, Rewards: rewards[i], Wins: p.Wins, Votes: p.Votes}
	}
	if err := c.applyOwnership(ctx, entries); err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	RankEntries(entries)
	return entries, nil
}

// SeenPeerIDs returns, sorted, every peer ID the coordinator's events name (registered,
// voting or voted for), from the same incremental index as Leaderboard. The contract keeps
// no list of its members; this is the nearest thing to one.
func (c *Client) SeenPeerIDs(ctx context.Context) ([]string, error) {
	c.lbMu.Lock()
	defer c.lbMu.Unlock()
	_, ids, err := c.seenLocked(ctx)
	return ids, err
}

// seenLocked brings the event index up to date and lists its peer IDs. Caller holds lbMu.
func (c *Client) seenLocked(ctx context.Context) (*lbCache, []string, error) {
	lb := c.loadCache()
	if err := c.index(ctx, lb); err != nil {
		return nil, nil, err
	}
	c.lb = lb
	ids := make([]string, 0, len(lb.Peers))
	for id := range lb.Peers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return lb, ids, nil
}

// Note is a short sentence the window and the CLI show beside a row that is not simply a
// proven member, saying what the row is; empty for a proven, unchallenged peer.
func (e Entry) Note() string {
	switch {
	case e.Proven && e.Squatted:
		return "another account also claimed this peer ID without a valid proof (ignored)"
	case e.Proven:
		return ""
	case e.EOA == (common.Address{}):
		return "never registered (only seen in votes): not a member"
	case e.Squatted:
		return "registered without proof that the account holds this peer's key: not a member"
	}
	return "registered without proof of the peer's key (an older client?): not a member"
}

// applyOwnership checks each row's claims: a proven row gets its owner's account and the
// reward that owner's claim submitted (a squatter's submissions for the same peer ID do not
// count towards it).
func (c *Client) applyOwnership(ctx context.Context, entries []Entry) error {
	const batch = 100
	for i := 0; i < len(entries); i += batch {
		part := entries[i:min(i+batch, len(entries))]
		ids := make([]string, len(part))
		for j := range part {
			ids[j] = part[j].PeerID
		}
		own, err := c.Ownerships(ctx, ids, nil)
		if err != nil {
			return err
		}
		var pids []string
		var accts []common.Address
		var rows []int
		for j, o := range own {
			part[j].Proven, part[j].Squatted = o.Proven(), o.Squatted()
			if o.Proven() {
				part[j].EOA = o.Owner
				pids, accts, rows = append(pids, ids[j]), append(accts, o.Owner), append(rows, j)
			}
		}
		if len(pids) == 0 {
			continue
		}
		r, err := c.ClaimRewards(ctx, pids, accts)
		if err != nil {
			return err
		}
		for k, j := range rows {
			part[j].Rewards = r[k]
		}
	}
	return nil
}

func (c *Client) name(peerID string) string {
	if c.opts.Namer != nil {
		return c.opts.Namer(peerID)
	}
	return identity.Name(peerID)
}

// ShortPeerID abbreviates a peer ID for display ("QmYyQ..6uaS").
func ShortPeerID(id string) string {
	r := []rune(id)
	if len(r) <= 12 {
		return id
	}
	return string(r[:5]) + ".." + string(r[len(r)-4:])
}

// RankEntries sorts entries (rewards, wins, votes descending; then name and
// peer ID for a stable order) and assigns competition ranks.
func RankEntries(entries []Entry) {
	cmpScore := func(a, b *Entry) int {
		ra, rb := a.Rewards, b.Rewards
		if ra == nil {
			ra = new(big.Int)
		}
		if rb == nil {
			rb = new(big.Int)
		}
		if c := ra.Cmp(rb); c != 0 {
			return c
		}
		switch {
		case a.Wins != b.Wins:
			if a.Wins > b.Wins {
				return 1
			}
			return -1
		case a.Votes != b.Votes:
			if a.Votes > b.Votes {
				return 1
			}
			return -1
		}
		return 0
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if c := cmpScore(&entries[i], &entries[j]); c != 0 {
			return c > 0
		}
		if entries[i].Name != entries[j].Name {
			return entries[i].Name < entries[j].Name
		}
		return entries[i].PeerID < entries[j].PeerID
	})
	for i := range entries {
		if i > 0 && cmpScore(&entries[i], &entries[i-1]) == 0 {
			entries[i].Rank = entries[i-1].Rank
		} else {
			entries[i].Rank = i + 1
		}
	}
}
