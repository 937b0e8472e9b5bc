// Package devchain runs the embedded local chain for the "local" network
// profile: a go-ethereum node with a simulated beacon (like `geth --dev`)
// inside the swarmdesk process, kept in a data directory so the leaderboard
// survives restarts, serving JSON-RPC on 127.0.0.1 for other swarmdesk
// processes and standard Ethereum tools. The host deploys the coordinator,
// funds joining accounts from a faucet and advances rounds on a timer.
package devchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// Config configures the dev chain. Zero values take the noted defaults.
type Config struct {
	// DataDir holds the chain database, the host key and the deployment
	// record. Empty means an in-memory chain that is lost on Close.
	DataDir string
	// HTTPAddr is the JSON-RPC listen address. Default "127.0.0.1:0" (a
	// free port; see Chain.RPCURL). Only loopback hosts are accepted,
	// because the faucet hands out funds to anyone who can reach it.
	HTTPAddr string
	// BlockPeriod makes a block every period. Zero mines a block as soon as
	// a transaction arrives (fastest for a desktop app).
	BlockPeriod time.Duration
	// Manual disables automatic blocks; call Commit. For tests that need
	// transactions to stay pending.
	Manual bool
	// RoundLength advances the coordinator's round on a timer. Zero leaves
	// rounds to AdvanceRound.
	RoundLength time.Duration
	// FaucetAmount is what the faucet sends a new account. Default 10 ETH.
	FaucetAmount *big.Int
	// HostKey owns the coordinator and the faucet funds. Nil loads or
	// creates it in Secrets, or else in DataDir/host.key (a fresh key each
	// time for in-memory chains).
	HostKey *ecdsa.PrivateKey
	// Secrets keeps the host key (the OS keychain or the encrypted file),
	// like every other key; an existing DataDir/host.key is moved there.
	Secrets secrets.Store
	// Tx tunes the host's transaction manager.
	Tx chain.TxConfig
	// OnRoundError is called when a timed round advance fails (optional).
	OnRoundError func(error)
}

// Chain is a running dev chain.
type Chain struct {
	cfg      Config
	stack    *node.Node
	backend  *eth.Ethereum
	beacon   *catalyst.SimulatedBeacon
	hostKey  *ecdsa.PrivateKey
	host     *chain.Client
	profile  chain.Profile
	deployed deployment
	rpcURL   string

	faucetMu sync.Mutex
	commitMu sync.Mutex
	stop     chan struct{}
	wg       sync.WaitGroup
	closeMu  sync.Mutex
	closed   bool
}

const (
	nodeName      = "swarmdesk-devchain"
	hostKeyFile   = "host.key"
	deployFile    = "deployment.json"
	gasLimit      = 60_000_000
	defaultFaucet = 10 // ETH
)

// Start opens (or creates) the chain in cfg.DataDir, deploys the coordinator
// on first start and starts serving JSON-RPC.
func Start(ctx context.Context, cfg Config) (*Chain, error) {
	if cfg.FaucetAmount == nil {
		cfg.FaucetAmount = new(big.Int).Mul(big.NewInt(defaultFaucet), big.NewInt(params.Ether))
	}
	host, port, err := listenAddr(cfg.HTTPAddr)
	if err != nil {
		return nil, err
	}
	key := cfg.HostKey
	if key == nil {
		if cfg.Secrets != nil {
			key, err = loadOrCreateKeyIn(cfg.Secrets, cfg.DataDir)
		} else {
			key, err = loadOrCreateKey(cfg.DataDir)
		}
		if err != nil {
			return nil, err
		}
	}
	hostAddr := crypto.PubkeyToAddress(key.PublicKey)

	nodeConf := node.DefaultConfig
	nodeConf.Name = nodeName
	nodeConf.DataDir = cfg.DataDir
	nodeConf.IPCPath = ""
	nodeConf.HTTPHost = host
	nodeConf.HTTPPort = port
	nodeConf.HTTPModules = []string{"eth", "net", "web3", "swarmdesk"}
	nodeConf.WSHost = ""
	nodeConf.AuthPort = 0
	nodeConf.P2P = p2p.Config{NoDiscovery: true, MaxPeers: 0, ListenAddr: ""}
	stack, err := node.New(&nodeConf)
	if err != nil {
		return nil, fmt.Errorf("open dev chain in %q: %w (is another swarmdesk using this data dir?)", cfg.DataDir, err)
	}
	c := &Chain{cfg: cfg, stack: stack, hostKey: key, stop: make(chan struct{})}
	fail := func(err error) (*Chain, error) {
		_ = stack.Close()
		return nil, err
	}

	ethConf := ethconfig.Defaults
	ethConf.NetworkId = chain.LocalChainID
	ethConf.SyncMode = ethconfig.FullSync
	ethConf.TxPool.NoLocals = true
	ethConf.LogNoHistory = true // no log index: FilterLogs scans blocks, fine for a dev chain
	ethConf.Miner.PendingFeeRecipient = hostAddr
	if !hasChainData(cfg.DataDir) {
		ethConf.Genesis = genesis(hostAddr)
	} else {
		ethConf.Genesis = nil // use the stored genesis and chain config
	}
	backend, err := eth.New(stack, &ethConf)
	if err != nil {
		return fail(fmt.Errorf("start dev chain: %w", err))
	}
	c.backend = backend
	fs := filters.NewFilterSystem(backend.APIBackend, filters.Config{})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})
	beacon, err := catalyst.NewSimulatedBeacon(0, hostAddr, backend)
	if err != nil {
		return fail(fmt.Errorf("start dev chain block producer: %w", err))
	}
	c.beacon = beacon
	stack.RegisterLifecycle(beacon)
	stack.RegisterAPIs([]rpc.API{{Namespace: "swarmdesk", Service: &api{c: c}}})
	if err := stack.Start(); err != nil {
		return fail(fmt.Errorf("start dev chain: %w", err))
	}
	if host != "" {
		c.rpcURL = stack.HTTPEndpoint()
	}
	if err := writeIdentity(cfg.DataDir, Identity{Genesis: c.Genesis(), RPCURL: c.rpcURL}); err != nil {
		_ = stack.Close()
		return nil, err
	}
	switch {
	case cfg.Manual:
	case cfg.BlockPeriod > 0:
		c.loop(cfg.BlockPeriod, c.commit)
	default:
		c.mineOnDemand()
	}
	if err := c.ensureCoordinator(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	if cfg.RoundLength > 0 {
		c.loop(cfg.RoundLength, func() {
			ctx, cancel := context.WithTimeout(context.Background(), max(cfg.RoundLength, time.Minute))
			defer cancel()
			if _, _, err := c.host.AdvanceRound(ctx); err != nil && cfg.OnRoundError != nil {
				cfg.OnRoundError(err)
			}
		})
	}
	return c, nil
}

// loop runs f every d until Close.
func (c *Chain) loop(d time.Duration, f func()) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				f()
			}
		}
	}()
}

// ensureCoordinator reuses the deployment recorded in the data dir when its
// code is still on chain, and deploys a new coordinator otherwise.
func (c *Chain) ensureCoordinator(ctx context.Context) error {
	ec := ethclient.NewClient(c.stack.Attach())
	deployCtx, stopMiner := context.WithCancel(ctx)
	minerDone := make(chan struct{})
	defer func() { stopMiner(); <-minerDone }()
	go func() {
		defer close(minerDone)
		if !c.cfg.Manual {
			return
		}
		// Nobody mines in manual mode: seal blocks while deploying.
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-deployCtx.Done():
				return
			case <-t.C:
				c.commit()
			}
		}
	}()
	d, ok := readDeployment(c.cfg.DataDir)
	if ok {
		code, err := ec.CodeAt(ctx, d.Contract, nil)
		if err != nil {
			return fmt.Errorf("check coordinator at %s: %w", d.Contract, err)
		}
		ok = len(code) > 0
	}
	if !ok {
		addr, r, err := chain.Deploy(deployCtx, ec, c.hostKey, c.cfg.Tx)
		if err != nil {
			return err
		}
		d = deployment{Contract: addr, Block: r.BlockNumber.Uint64()}
		if err := writeDeployment(c.cfg.DataDir, d); err != nil {
			return err
		}
	}
	c.deployed = d
	c.profile = chain.Profile{Name: chain.ProfileLocal, RPCURL: c.rpcURL, ChainID: chain.LocalChainID, Contract: d.Contract}
	host, err := chain.NewClient(ctx, ec, c.profile, c.hostKey, chain.Options{Tx: c.cfg.Tx, StartBlock: d.Block})
	if err != nil {
		return err
	}
	c.host = host
	return nil
}

// RPCURL is the HTTP JSON-RPC endpoint ("http://127.0.0.1:port").
func (c *Chain) RPCURL() string { return c.rpcURL }

// Genesis is the hash of the chain's genesis block, which tells this chain from any other
// local chain (see Identity).
func (c *Chain) Genesis() common.Hash { return c.backend.BlockChain().Genesis().Hash() }

// Profile is the "local" profile pointing at this chain.
func (c *Chain) Profile() chain.Profile { return c.profile }

// Contract is the coordinator address.
func (c *Chain) Contract() common.Address { return c.deployed.Contract }

// DeployBlock is the block the coordinator was deployed in; pass it as
// chain.Options.StartBlock.
func (c *Chain) DeployBlock() uint64 { return c.deployed.Block }

// Host is the client of the host account (owner and round manager).
func (c *Chain) Host() *chain.Client { return c.host }

// HostAddress is the host account.
func (c *Chain) HostAddress() common.Address { return crypto.PubkeyToAddress(c.hostKey.PublicKey) }

// Attach returns an in-process RPC client (no HTTP), for the host's own use.
func (c *Chain) Attach() *ethclient.Client { return ethclient.NewClient(c.stack.Attach()) }

// Commit seals a block now (any mode) and returns its number.
func (c *Chain) Commit() uint64 {
	c.commit()
	return c.backend.BlockChain().CurrentBlock().Number.Uint64()
}

// commit seals one block. The simulated beacon is not safe for concurrent
// sealing, so every block producer (timer, on-demand loop, Commit) goes
// through commitMu.
func (c *Chain) commit() {
	c.commitMu.Lock()
	defer c.commitMu.Unlock()
	c.beacon.Commit()
}

// syncPool waits until the transaction pool has moved to the current head.
// geth's TxPool.Sync keeps only one waiter (a second concurrent caller
// replaces the first, which then waits forever), and the beacon calls it
// while sealing, so every Sync goes through commitMu too.
func (c *Chain) syncPool() error {
	c.commitMu.Lock()
	defer c.commitMu.Unlock()
	return c.backend.TxPool().Sync()
}

// mineOnDemand seals a block whenever transactions arrive, until the pool
// has no executable transactions left (what `geth --dev` does with period
// 0, but through commitMu).
func (c *Chain) mineOnDemand() {
	txs := make(chan core.NewTxsEvent, 64)
	sub := c.backend.TxPool().SubscribeTransactions(txs, true)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer sub.Unsubscribe()
		for {
			select {
			case <-c.stop:
				return
			case <-sub.Err():
				return
			case <-txs:
			}
			// Seal only while something is executable: events for
			// transactions an earlier block already took must not add empty
			// blocks. Bounded: a transaction the miner refuses (e.g. tip too
			// low) must not make this spin forever.
			for range 64 {
				if pending, _ := c.backend.TxPool().Stats(); pending == 0 {
					break
				}
				c.commit()
				_ = c.syncPool()
			}
		}
	}()
}

// AdvanceRound moves the coordinator to the next round now.
func (c *Chain) AdvanceRound(ctx context.Context) (uint64, error) {
	round, _, err := c.host.AdvanceRound(ctx)
	return round, err
}

// Fund sends the faucet amount to addr unless it already holds at least
// half of it (so the faucet cannot be drained by repeated calls). It returns
// the transaction hash, or the zero hash when nothing was sent.
func (c *Chain) Fund(ctx context.Context, addr common.Address) (common.Hash, error) {
	c.faucetMu.Lock()
	defer c.faucetMu.Unlock()
	bal, err := c.host.Eth().BalanceAt(ctx, addr, nil)
	if err != nil {
		return common.Hash{}, fmt.Errorf("faucet: read balance of %s: %w", addr, err)
	}
	half := new(big.Int).Rsh(c.cfg.FaucetAmount, 1)
	if bal.Cmp(half) >= 0 {
		return common.Hash{}, nil
	}
	r, err := c.host.Transfer(ctx, addr, c.cfg.FaucetAmount)
	if err != nil {
		return common.Hash{}, fmt.Errorf("faucet: %w", err)
	}
	// The receipt is visible as soon as the block is inserted, but the
	// transaction pool moves to the new head on its own goroutine; until it
	// does, it still sees the old balance and would refuse the funded
	// account's first transaction with "insufficient funds". Wait for it.
	if err := c.syncPool(); err != nil {
		return common.Hash{}, fmt.Errorf("faucet: %w", err)
	}
	return r.TxHash, nil
}

// Close stops the timers, the RPC server and the node, flushing the chain
// to disk.
func (c *Chain) Close() error {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	close(c.stop)
	c.wg.Wait()
	if c.host != nil {
		c.host.Close()
	}
	if err := c.stack.Close(); err != nil {
		return fmt.Errorf("close dev chain: %w", err)
	}
	return nil
}

// genesis is geth's developer genesis with the host pre-funded, pinned to
// Osaka rules: the default dev config also enables Amsterdam state-growth
// pricing, which roughly triples gas compared with real networks.
func genesis(host common.Address) *core.Genesis {
	g := core.DeveloperGenesisBlock(gasLimit, &host)
	cfg := *g.Config
	cfg.ChainID = big.NewInt(chain.LocalChainID)
	cfg.BogotaTime = nil
	cfg.AmsterdamTime = nil
	g.Config = &cfg
	return g
}

func hasChainData(dataDir string) bool {
	if dataDir == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(dataDir, nodeName, "chaindata"))
	return err == nil
}

func listenAddr(addr string) (string, int, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("dev chain listen address %q: %w (want host:port)", addr, err)
	}
	ip := net.ParseIP(h)
	if h != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", 0, fmt.Errorf("dev chain listen address %q: only loopback addresses are allowed, because the faucet gives funds to any caller", addr)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("dev chain listen address %q: bad port", addr)
	}
	return h, port, nil
}

var errClosed = errors.New("dev chain is closed")
