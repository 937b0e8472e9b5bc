// Package chainconn connects the node to its swarm's chain as the config's network profile says:
// "local" attaches to this computer's dev chain (starting it if no other swarmdesk process runs
// it), "custom" dials any EVM chain, "gensyn-testnet" reads Gensyn's testnet.
package chainconn

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	neturl "net/url"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// LocalRPCAddr is where this computer's dev chain serves JSON-RPC, so every swarmdesk process
// (the app, the CLI, a headless node) and standard Ethereum tools find the same chain.
const LocalRPCAddr = "127.0.0.1:18545"

// Conn is an open connection to the swarm's chain.
type Conn struct {
	Client *chain.Client
	// Local is the dev chain when this process runs it (nil when attached to another's).
	Local *devchain.Chain
}

// Close releases the client and stops a dev chain this process started.
func (c *Conn) Close() {
	if c.Client != nil {
		c.Client.Close()
	}
	if c.Local != nil {
		c.Local.Close()
	}
}

// Open connects as the profile in n says. key may be nil for read-only use. dataDir holds the
// local chain, the outbox and the leaderboard cache; store keeps the local chain's host key
// when this process has to run the chain (nil: the older plain file).
func Open(ctx context.Context, n config.Network, dataDir string, key *ecdsa.PrivateKey, store secrets.Store) (*Conn, error) {
	opts := chain.Options{
		OutboxDir: filepath.Join(dataDir, "outbox"),
		CacheDir:  filepath.Join(dataDir, "leaderboard"),
	}
	switch n.Profile {
	case "", "local":
		return openLocal(ctx, n, dataDir, key, store, opts)
	case "custom":
		if n.ChainID == 0 { // not configured: ask the chain
			id, err := askChainID(ctx, n.RPCURL)
			if err != nil {
				return nil, err
			}
			n.ChainID = id
		}
		p, err := chain.CustomProfile(n.RPCURL, n.ChainID, n.Contract)
		if err != nil {
			return nil, err
		}
		c, err := chain.Dial(ctx, p, key, opts)
		if err != nil {
			return nil, fmt.Errorf("connect to %s: %w", n.RPCURL, err)
		}
		return &Conn{Client: c}, nil
	default:
		p, err := chain.ProfileByName(n.Profile)
		if err != nil {
			return nil, err
		}
		if n.RPCURL != "" {
			p.RPCURL = n.RPCURL
		}
		c, err := chain.Dial(ctx, p, key, opts)
		if err != nil {
			return nil, fmt.Errorf("connect to %s (%s): %w", p.Name, p.RPCURL, err)
		}
		return &Conn{Client: c}, nil
	}
}

func openLocal(ctx context.Context, n config.Network, dataDir string, key *ecdsa.PrivateKey, store secrets.Store, opts chain.Options) (*Conn, error) {
	url := n.RPCURL
	if url == "" {
		url = "http://" + LocalRPCAddr
	}
	// Another swarmdesk process (the app, `swarmdesk host`) may already run the chain.
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	p, start, err := devchain.Discover(dctx, url)
	cancel()
	if err == nil {
		opts.StartBlock = start
		c, err := chain.Dial(ctx, p, key, opts)
		if err != nil {
			return nil, fmt.Errorf("attach to the local chain at %s: %w", url, err)
		}
		return &Conn{Client: c}, nil
	}
	// Nobody serves it: run it in this process, where network.rpc_url (if set) says.
	addr := LocalRPCAddr
	if n.RPCURL != "" {
		u, perr := neturl.Parse(n.RPCURL)
		if perr != nil || u.Host == "" {
			return nil, fmt.Errorf("network.rpc_url %q: want http://127.0.0.1:PORT for the local chain", n.RPCURL)
		}
		addr = u.Host
	}
	local, err := devchain.Start(ctx, devchain.Config{DataDir: filepath.Join(dataDir, "chain"), HTTPAddr: addr,
		RoundLength: time.Duration(n.RoundSeconds) * time.Second, Secrets: store})
	if err != nil {
		return nil, fmt.Errorf("start the local chain in %s: %w", filepath.Join(dataDir, "chain"), err)
	}
	opts.StartBlock = local.DeployBlock()
	c, err := chain.Dial(ctx, local.Profile(), key, opts)
	if err != nil {
		local.Close()
		return nil, err
	}
	return &Conn{Client: c, Local: local}, nil
}

// EnsureFunds asks the chain's faucet for gas money when the account has none: the local dev
// chain has one, and so has a swarm another swarmdesk hosts (joined with a custom profile). On
// other networks a missing balance is an error that says what to do.
func (c *Conn) EnsureFunds(ctx context.Context) error {
	acct := c.Client.Account()
	bal, err := c.Client.Eth().BalanceAt(ctx, acct, nil)
	if err != nil {
		return fmt.Errorf("read the balance of %s: %w", acct.Hex(), err)
	}
	if bal.Sign() > 0 {
		return nil
	}
	p := c.Client.Profile()
	if _, err := devchain.RequestFunds(ctx, p.RPCURL, acct); err != nil {
		if p.Name != chain.ProfileLocal {
			// A swarm hosted by another swarmdesk (a custom profile from an invite) has the
			// dev chain's faucet; any other chain needs the person to fund the account.
			return fmt.Errorf("account %s has no funds on %s and the chain has no swarmdesk faucet: send it some gas money first", acct.Hex(), p.Name)
		}
		return fmt.Errorf("faucet: %w", err)
	}
	for i := 0; i < 50; i++ {
		if bal, err = c.Client.Eth().BalanceAt(ctx, acct, nil); err == nil && bal.Cmp(big.NewInt(0)) > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("the faucet's transfer did not arrive; try again")
}

func askChainID(ctx context.Context, url string) (int64, error) {
	ec, err := ethclient.DialContext(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("connect to %s: %w", url, err)
	}
	defer ec.Close()
	id, err := ec.ChainID(ctx)
	if err != nil {
		return 0, fmt.Errorf("ask %s for its chain id: %w (set network.chain_id)", url, err)
	}
	return id.Int64(), nil
}
