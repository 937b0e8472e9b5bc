package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	p2pcrypto "github.com/libp2p/go-libp2p/core/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain/contract"
)

// ErrReadOnly is returned by writes on a read-only profile.
var ErrReadOnly = errors.New("this network is read-only until you sign in: rewards, votes and registrations on Gensyn testnet go out from your smart account, so sign in to take part (swarmdesk login, or Sign in in the window); the node trains and shares meanwhile")

// ErrNoKey is returned by writes when the client was created without a key.
var ErrNoKey = errors.New("no account key: the client was opened for reading only")

// Options configures a Client. Zero values are valid.
type Options struct {
	// Tx tunes the transaction manager.
	Tx TxConfig
	// OutboxDir keeps unconfirmed rewards and votes across restarts. Empty
	// means no outbox: a crash may then lose a submission.
	OutboxDir string
	// CacheDir keeps the leaderboard index so a restart resumes from the
	// last indexed block. Empty means an in-memory index only.
	CacheDir string
	// Namer turns a peer ID into a display name. Default identity.Name
	// (the rl-swarm "adjective adjective animal" name).
	Namer func(peerID string) string
	// StartBlock is where leaderboard indexing starts (the deploy block);
	// saves scanning a long history on public chains.
	StartBlock uint64
	// LogPageBlocks is the block range per eth_getLogs request; public RPCs
	// cap it. Default 5000.
	LogPageBlocks uint64
	// Sender sends writes as the smart account's UserOperations instead of
	// transactions signed by the key (which may then be nil). It also makes
	// a read-only profile writable: the sign-in is what it was waiting for.
	Sender Sender
	// Confirmations keeps the indexer this many blocks behind the head so
	// a shallow reorg cannot corrupt the cache. Default 0 (dev chain).
	Confirmations uint64
	// PeerKey is the node's libp2p key; RegisterPeer signs the peer-ID ownership proof
	// with it (see peerproof.go). SetPeerKey sets it later.
	PeerKey p2pcrypto.PrivKey
}

// Client talks to one SwarmCoordinator through ethclient. Reads work with
// any profile; writes need a key and a writable profile.
type Client struct {
	profile Profile
	ec      *ethclient.Client
	coord   *contract.SwarmCoordinator
	key     *ecdsa.PrivateKey
	tm      *TxManager
	outbox  *Outbox
	opts    Options

	writeMu sync.Mutex // serializes outbox processing
	lbMu    sync.Mutex // serializes leaderboard indexing
	lb      *lbCache

	peerMu  sync.Mutex
	peerKey p2pcrypto.PrivKey
}

// Dial connects to p.RPCURL and returns a client for p's contract. key may
// be nil for a read-only client.
func Dial(ctx context.Context, p Profile, key *ecdsa.PrivateKey, opts Options) (*Client, error) {
	if p.RPCURL == "" {
		return nil, fmt.Errorf("profile %q has no RPC URL (start the local dev chain first or configure a custom network)", p.Name)
	}
	ec, err := ethclient.DialContext(ctx, p.RPCURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", p.RPCURL, err)
	}
	c, err := NewClient(ctx, ec, p, key, opts)
	if err != nil {
		ec.Close()
		return nil, err
	}
	return c, nil
}

// NewClient wraps an existing connection. It checks that the node's chain id
// matches the profile and that code exists at the contract address, so a
// misconfiguration fails here with a clear message rather than later.
func NewClient(ctx context.Context, ec *ethclient.Client, p Profile, key *ecdsa.PrivateKey, opts Options) (*Client, error) {
	id, err := ec.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chain id from %s: %w", p.RPCURL, err)
	}
	if p.ChainID != 0 && id.Cmp(big.NewInt(p.ChainID)) != 0 {
		return nil, fmt.Errorf("the RPC endpoint is on chain %s but profile %q expects chain %d: fix the RPC URL or chain id", id, p.Name, p.ChainID)
	}
	p.ChainID = id.Int64()
	code, err := ec.CodeAt(ctx, p.Contract, nil)
	if err != nil {
		return nil, fmt.Errorf("read contract code at %s: %w", p.Contract, err)
	}
	if len(code) == 0 {
		return nil, fmt.Errorf("no contract at %s on chain %d: check the profile's contract address", p.Contract, p.ChainID)
	}
	if opts.LogPageBlocks == 0 {
		opts.LogPageBlocks = 5000
	}
	c := &Client{profile: p, ec: ec, coord: contract.NewSwarmCoordinator(), key: key, opts: opts}
	if key != nil {
		c.tm = NewTxManager(ec, key, id, opts.Tx)
	}
	if opts.OutboxDir != "" && (key != nil || opts.Sender != nil) {
		ob, err := OpenOutbox(opts.OutboxDir)
		if err != nil {
			return nil, err
		}
		c.outbox = ob
	}
	return c, nil
}

// Close releases the connection.
func (c *Client) Close() { c.ec.Close() }

// Profile is the resolved profile (with the chain id read from the node).
func (c *Client) Profile() Profile { return c.profile }

// Eth exposes the underlying connection for callers that need raw access.
func (c *Client) Eth() *ethclient.Client { return c.ec }

// Account is the address writes come from (the smart account when a Sender
// is set), or the zero address for a read-only client.
func (c *Client) Account() common.Address {
	if c.opts.Sender != nil {
		return c.opts.Sender.Account()
	}
	if c.key == nil {
		return common.Address{}
	}
	return crypto.PubkeyToAddress(c.key.PublicKey)
}

// TxManager returns the account's transaction manager (nil without a key),
// for calls this package has no method for; it shares the nonce tracking.
func (c *Client) TxManager() *TxManager { return c.tm }

// Outbox returns the outbox, or nil when none is configured.
func (c *Client) Outbox() *Outbox { return c.outbox }

// call runs a view; pack errors and reverts come back as Go errors.
func (c *Client) call(ctx context.Context, what string, data []byte, packErr error) ([]byte, error) {
	return c.callAt(ctx, what, data, packErr, nil)
}

// callAt is call at block (nil: the latest).
func (c *Client) callAt(ctx context.Context, what string, data []byte, packErr error, block *big.Int) ([]byte, error) {
	if packErr != nil {
		return nil, fmt.Errorf("%s: encode call: %w", what, packErr)
	}
	to := c.profile.Contract
	out, err := c.ec.CallContract(ctx, ethereum.CallMsg{From: c.Account(), To: &to, Data: data}, block)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, asContractError(err))
	}
	return out, nil
}

func u64(v *big.Int, what string) (uint64, error) {
	if v == nil || v.Sign() < 0 || !v.IsUint64() {
		return 0, fmt.Errorf("%s: value %v does not fit in uint64", what, v)
	}
	return v.Uint64(), nil
}

func (c *Client) callUint(ctx context.Context, what string, data []byte, packErr error, unpack func([]byte) (*big.Int, error)) (uint64, error) {
	out, err := c.call(ctx, what, data, packErr)
	if err != nil {
		return 0, err
	}
	v, err := unpack(out)
	if err != nil {
		return 0, fmt.Errorf("%s: decode result: %w", what, err)
	}
	return u64(v, what)
}

// CurrentRound is the coordinator's round.
func (c *Client) CurrentRound(ctx context.Context) (uint64, error) {
	d, err := c.coord.TryPackCurrentRound()
	return c.callUint(ctx, "currentRound", d, err, c.coord.UnpackCurrentRound)
}

// CurrentStage is the stage within the current round.
func (c *Client) CurrentStage(ctx context.Context) (uint64, error) {
	d, err := c.coord.TryPackCurrentStage()
	return c.callUint(ctx, "currentStage", d, err, c.coord.UnpackCurrentStage)
}

// StageCount is the number of stages per round (1 in v0.6.0).
func (c *Client) StageCount(ctx context.Context) (uint64, error) {
	d, err := c.coord.TryPackStageCount()
	return c.callUint(ctx, "stageCount", d, err, c.coord.UnpackStageCount)
}

// TotalWins is how many times peerID was voted a winner.
func (c *Client) TotalWins(ctx context.Context, peerID string) (uint64, error) {
	d, err := c.coord.TryPackGetTotalWins(peerID)
	return c.callUint(ctx, "getTotalWins", d, err, c.coord.UnpackGetTotalWins)
}

// VoterVoteCount is how many rounds peerID voted in.
func (c *Client) VoterVoteCount(ctx context.Context, peerID string) (uint64, error) {
	d, err := c.coord.TryPackGetVoterVoteCount(peerID)
	return c.callUint(ctx, "getVoterVoteCount", d, err, c.coord.UnpackGetVoterVoteCount)
}

// UniqueVoters is the number of peers that voted at least once.
func (c *Client) UniqueVoters(ctx context.Context) (uint64, error) {
	d, err := c.coord.TryPackUniqueVoters()
	return c.callUint(ctx, "uniqueVoters", d, err, c.coord.UnpackUniqueVoters)
}

// Bootnodes returns the multiaddrs published by the bootnode manager.
func (c *Client) Bootnodes(ctx context.Context) ([]string, error) {
	d, err := c.coord.TryPackGetBootnodes()
	out, err := c.call(ctx, "getBootnodes", d, err)
	if err != nil {
		return nil, err
	}
	v, err := c.coord.UnpackGetBootnodes(out)
	if err != nil {
		return nil, fmt.Errorf("getBootnodes: decode result: %w", err)
	}
	return v, nil
}

// Eoas returns the owner account of each peer ID (zero if unregistered).
func (c *Client) Eoas(ctx context.Context, peerIDs []string) ([]common.Address, error) {
	return c.eoasAt(ctx, peerIDs, nil)
}

// PeerIDs returns the peer IDs registered by account.
func (c *Client) PeerIDs(ctx context.Context, account common.Address) ([]string, error) {
	d, err := c.coord.TryPackGetPeerId([]common.Address{account})
	out, err := c.call(ctx, "getPeerId", d, err)
	if err != nil {
		return nil, err
	}
	v, err := c.coord.UnpackGetPeerId(out)
	if err != nil {
		return nil, fmt.Errorf("getPeerId: decode result: %w", err)
	}
	if len(v) != 1 {
		return nil, fmt.Errorf("getPeerId: got %d results for 1 account", len(v))
	}
	return v[0], nil
}

// TotalRewards returns each peer's cumulative reward (int256).
func (c *Client) TotalRewards(ctx context.Context, peerIDs []string) ([]*big.Int, error) {
	d, err := c.coord.TryPackGetTotalRewards(peerIDs)
	out, err := c.call(ctx, "getTotalRewards", d, err)
	if err != nil {
		return nil, err
	}
	v, err := c.coord.UnpackGetTotalRewards(out)
	if err != nil {
		return nil, fmt.Errorf("getTotalRewards: decode result: %w", err)
	}
	if len(v) != len(peerIDs) {
		return nil, fmt.Errorf("getTotalRewards: got %d results for %d peer IDs", len(v), len(peerIDs))
	}
	return v, nil
}

// VoterVotes returns peerID's vote in round (empty if it did not vote).
func (c *Client) VoterVotes(ctx context.Context, round uint64, peerID string) ([]string, error) {
	d, err := c.coord.TryPackGetVoterVotes(new(big.Int).SetUint64(round), peerID)
	out, err := c.call(ctx, "getVoterVotes", d, err)
	if err != nil {
		return nil, err
	}
	v, err := c.coord.UnpackGetVoterVotes(out)
	if err != nil {
		return nil, fmt.Errorf("getVoterVotes: decode result: %w", err)
	}
	return v, nil
}

// HasSubmittedReward reports whether peerID submitted its reward for
// (round, stage).
func (c *Client) HasSubmittedReward(ctx context.Context, round, stage uint64, peerID string) (bool, error) {
	d, err := c.coord.TryPackHasSubmittedRoundStageReward(new(big.Int).SetUint64(round), new(big.Int).SetUint64(stage), peerID)
	out, err := c.call(ctx, "hasSubmittedRoundStageReward", d, err)
	if err != nil {
		return false, err
	}
	v, err := c.coord.UnpackHasSubmittedRoundStageReward(out)
	if err != nil {
		return false, fmt.Errorf("hasSubmittedRoundStageReward: decode result: %w", err)
	}
	return v, nil
}

// HasRole reports whether account holds role (e.g. StageManagerRole).
func (c *Client) HasRole(ctx context.Context, role [32]byte, account common.Address) (bool, error) {
	d, err := c.coord.TryPackHasRole(role, account)
	out, err := c.call(ctx, "hasRole", d, err)
	if err != nil {
		return false, err
	}
	v, err := c.coord.UnpackHasRole(out)
	if err != nil {
		return false, fmt.Errorf("hasRole: decode result: %w", err)
	}
	return v, nil
}

// Role ids, as in the contract (keccak256 of the role name).
var (
	OwnerRole           = crypto.Keccak256Hash([]byte("OWNER_ROLE"))
	StageManagerRole    = crypto.Keccak256Hash([]byte("STAGE_MANAGER_ROLE"))
	BootnodeManagerRole = crypto.Keccak256Hash([]byte("BOOTNODE_MANAGER_ROLE"))
)
