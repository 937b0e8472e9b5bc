// Package chainconn connects the node to its swarm's chain as the config's network profile says:
// "local" attaches to this data folder's own dev chain (starting it if it is not running;
// another folder's chain is joined only when asked), "custom" dials any EVM chain,
// "gensyn-testnet" reads Gensyn's testnet and, once someone signs in, writes as UserOperations
// from their Modular Account V2.
package chainconn

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"
	neturl "net/url"
	"path/filepath"
	"testing"
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
	// Notice is a sentence for the user about how the chain was opened (e.g. the usual port
	// was taken by another swarmdesk's chain); empty when there is nothing to say.
	Notice string

	signedIn *liveSender // writes from the signed-in smart account (gensyn-testnet)
}

// Close releases the client and stops a dev chain this process started.
func (c *Conn) Close() {
	if c.Client != nil {
		c.Client.Close()
	}
	if c.Local != nil {
		c.Local.Close()
	}
	if c.signedIn != nil {
		c.signedIn.close()
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
		p, err := SignInProfile(n)
		if err != nil {
			return nil, err
		}
		// A network that writes through a signed-in smart account is
		// read-only until someone signs in.
		live, err := signedInSender(ctx, p, store)
		if err != nil {
			return nil, err
		}
		if live != nil {
			opts.Sender = live
		}
		c, err := chain.Dial(ctx, p, key, opts)
		if err != nil {
			if live != nil {
				live.close()
			}
			return nil, fmt.Errorf("connect to %s (%s): %w", p.Name, p.RPCURL, err)
		}
		return &Conn{Client: c, signedIn: live}, nil
	}
}

// defaultLocalAddr is where a local chain listens when network.rpc_url is empty. A test binary
// takes a free port instead, so a test run never takes the user's port nor looks like the
// user's chain (issue 18).
var defaultLocalAddr = func() string {
	if testing.Testing() {
		return "127.0.0.1:0"
	}
	return LocalRPCAddr
}()

// DefaultLocalAddr is where this computer's local chain listens when network.rpc_url is empty:
// LocalRPCAddr, or a free port inside a test binary.
func DefaultLocalAddr() string { return defaultLocalAddr }

// openLocal attaches to this data folder's own dev chain when another process (the app,
// `swarmdesk host`, a headless node) already runs it, and starts it otherwise. A chain is this
// folder's own when its genesis matches the one recorded in dataDir/chain (devchain.Identity).
// Another data folder's chain on the same port (another install, a test run) is joined only
// when the user asked to join a swarm — network.rpc_url or network.bootnodes set, as the
// host's join command does for a second node on the computer; otherwise this folder runs its
// own chain on a free port (the identity record tells its other processes where) and
// Conn.Notice says why, instead of silently adding this node to a stranger's swarm.
func openLocal(ctx context.Context, n config.Network, dataDir string, key *ecdsa.PrivateKey, store secrets.Store, opts chain.Options) (*Conn, error) {
	chainDir := filepath.Join(dataDir, "chain")
	own, ownErr := devchain.ReadIdentity(chainDir)
	url := n.RPCURL
	switch {
	case url != "":
	case ownErr == nil && own.RPCURL != "" && len(n.Bootnodes) == 0:
		url = own.RPCURL // where this folder's chain last served (it may run on a free port)
	default:
		url = "http://" + defaultLocalAddr
	}
	addr, err := localAddr(url)
	if err != nil {
		return nil, err
	}
	info, perr := probeLocal(ctx, url, addr, n.RPCURL != "")
	if errors.Is(perr, errChainSilent) {
		return nil, perr
	}
	notice := ""
	if perr == nil {
		if joining := n.RPCURL != "" || len(n.Bootnodes) > 0; ownErr == nil && info.Genesis == own.Genesis || joining {
			p, start, err := devchain.ProfileOf(url, info)
			if err != nil {
				return nil, err
			}
			opts.StartBlock = start
			c, err := chain.Dial(ctx, p, key, opts)
			if err != nil {
				return nil, fmt.Errorf("attach to the local chain at %s: %w", url, err)
			}
			return &Conn{Client: c}, nil
		}
		whose := "another swarmdesk data folder"
		if info.DataDir != "" {
			whose = info.DataDir
		}
		notice = fmt.Sprintf("%s is served by the local chain of %s, not this folder's: this node runs its own chain on another port "+
			"(to join that swarm instead, use its invite or set network.rpc_url=%s)", addr, whose, url)
		addr = "127.0.0.1:0"
	} else if n.RPCURL == "" && !free(addr) {
		addr = "127.0.0.1:0" // something else holds the port: any free one will do
	}
	local, err := devchain.Start(ctx, devchain.Config{DataDir: chainDir, HTTPAddr: addr,
		RoundLength: time.Duration(n.RoundSeconds) * time.Second, Secrets: store})
	if err != nil {
		return nil, fmt.Errorf("start the local chain in %s: %w", chainDir, err)
	}
	opts.StartBlock = local.DeployBlock()
	c, err := chain.Dial(ctx, local.Profile(), key, opts)
	if err != nil {
		local.Close()
		return nil, err
	}
	return &Conn{Client: c, Local: local, Notice: notice}, nil
}

// Probing a local chain: one try may take probeTimeout; a chain asked for by address
// (network.rpc_url) whose port is held is waited for up to heldChainWait.
var (
	probeTimeout  = 2 * time.Second
	heldChainWait = 45 * time.Second
)

// errChainSilent: the chain asked for holds its port and never answered.
var errChainSilent = errors.New("the local chain does not answer")

// probeLocal asks the chain at url who it is. When the node was given that address
// (network.rpc_url, as a joiner is) and something holds its port, a probe that goes unanswered
// means a busy chain — a host restarting, or a loaded computer, where one answer can take
// longer than probeTimeout — not a missing one: starting a chain there could only fail on the
// taken port (the soak test's restarted node died so). probeLocal then asks again until
// heldChainWait has passed, or until the port is free (nothing there: the caller starts the
// chain), whichever is first.
func probeLocal(ctx context.Context, url, addr string, asked bool) (devchain.Info, error) {
	deadline := time.Now().Add(heldChainWait)
	for {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		info, err := devchain.Probe(pctx, url)
		cancel()
		// Only silence is waited for: an answer that is not a swarmdesk chain's stays final.
		if err == nil || !asked || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) || free(addr) {
			return info, err
		}
		if time.Now().After(deadline) {
			return devchain.Info{}, fmt.Errorf("%w: %s holds its port but did not answer within %s (%v); is the host's swarmdesk overloaded or stuck? Try again once it answers",
				errChainSilent, url, heldChainWait, err)
		}
		select {
		case <-ctx.Done():
			return devchain.Info{}, ctx.Err()
		case <-time.After(probeTimeout / 4):
		}
	}
}

// localAddr is the host:port of a local chain URL.
func localAddr(url string) (string, error) {
	u, err := neturl.Parse(url)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("network.rpc_url %q: want http://127.0.0.1:PORT for the local chain", url)
	}
	return u.Host, nil
}

// free reports whether addr can be listened on now.
func free(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// EnsureFunds asks the chain's faucet for gas money when the account has none: the local dev
// chain has one, and so has a swarm another swarmdesk hosts (joined with a custom profile). On
// other networks a missing balance is an error that says what to do.
func (c *Conn) EnsureFunds(ctx context.Context) error {
	if c.signedIn != nil {
		return nil // the network's gas policy sponsors the smart account's operations
	}
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
