package chainconn

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/app/userop"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// SignInProfile is the network profile n names with its sign-in settings and the config's
// overrides (signer service and RPC URL); a custom profile needs no sign-in.
func SignInProfile(n config.Network) (chain.Profile, error) {
	if n.Profile == chain.ProfileCustom {
		return chain.Profile{Name: chain.ProfileCustom}, nil
	}
	p, err := chain.ProfileByName(n.Profile)
	if err != nil {
		return chain.Profile{}, err
	}
	if n.SignerURL != "" {
		p.SignIn.SignerURL = n.SignerURL
	}
	if n.RPCURL != "" {
		p.RPCURL = n.RPCURL
	}
	return p, nil
}

// SignInFlow is the sign-in of profile p, keeping the session in store;
// nil when p needs none (local and invite swarms write with this
// computer's account key). A completed sign-in also readies the user's
// Modular Account V2 on p's chain: the user's signer approves the session
// key's ROOT validation as a deferred action that the first write carries.
func SignInFlow(p chain.Profile, store secrets.Store) *signin.Flow {
	if !p.SignIn.Needed() {
		return nil
	}
	return &signin.Flow{
		Client:   &signin.Client{BaseURL: p.SignIn.SignerURL, APIKey: p.SignIn.APIKey},
		Store:    store,
		Profile:  p.Name,
		Activate: activator(p),
	}
}

// activator derives the account and signs the deferred install on p's chain.
func activator(p chain.Profile) func(context.Context, *signin.Session, func(context.Context, common.Hash) ([]byte, error)) error {
	return func(ctx context.Context, s *signin.Session, sign func(context.Context, common.Hash) ([]byte, error)) error {
		ec, err := ethclient.DialContext(ctx, p.RPCURL)
		if err != nil {
			return fmt.Errorf("connect to %s (%s): %w", p.Name, p.RPCURL, err)
		}
		defer ec.Close()
		act, err := userop.Activate(ctx, caller(ec), userop.SessionSetup{
			ChainID: big.NewInt(p.ChainID), EntryPoint: p.SignIn.EntryPoint, Factory: p.SignIn.AccountFactory,
			Owner: s.Signer, Session: s.SessionAddress(), Until: s.Expires,
		}, sign)
		if err != nil {
			return err
		}
		s.Account, s.EntityID, s.Deferred = act.Account, act.EntityID, act.Deferred
		return nil
	}
}

func caller(ec *ethclient.Client) userop.Caller {
	return func(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
		return ec.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	}
}

// signedInSender returns the Sender for p when someone is signed in there
// (nil, nil when nobody is: the profile stays read-only and says to sign
// in). It reads the session again before every write, so signing in again
// after the session ended takes effect without a restart, and an ended
// session holds writes in the outbox (chain.ErrSignInNeeded) while the
// node keeps training.
func signedInSender(ctx context.Context, p chain.Profile, store secrets.Store) (*liveSender, error) {
	if store == nil || !p.SignIn.Needed() {
		return nil, nil
	}
	sess, err := signin.LoadSession(store, p.Name)
	if err != nil {
		return nil, err
	}
	if sess == nil || len(sess.Deferred) == 0 || sess.Account == (common.Address{}) {
		return nil, nil
	}
	eth, err := ethclient.DialContext(ctx, p.RPCURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s (%s): %w", p.Name, p.RPCURL, err)
	}
	b, err := userop.DialBundler(ctx, p.SignIn.BundlerURL)
	if err != nil {
		eth.Close()
		return nil, err
	}
	return &liveSender{p: p, store: store, eth: eth, bundler: b, account: sess.Account}, nil
}

// liveSender is a chain.Sender over the current sign-in of one account.
type liveSender struct {
	p       chain.Profile
	store   secrets.Store
	eth     *ethclient.Client
	bundler *userop.Bundler
	account common.Address

	mu  sync.Mutex
	cur *userop.Sender
	key common.Address // the session key cur signs with
}

var _ chain.Sender = (*liveSender)(nil)

func (l *liveSender) Account() common.Address { return l.account }

func (l *liveSender) close() {
	l.bundler.Close()
	l.eth.Close()
}

// sender is the userop.Sender of the session in the store now.
func (l *liveSender) sender(ctx context.Context) (*userop.Sender, error) {
	sess, err := signin.LoadSession(l.store, l.p.Name)
	if err != nil {
		return nil, err
	}
	if sess == nil || len(sess.Deferred) == 0 || sess.Expired(time.Now()) {
		return nil, chain.ErrSignInNeeded
	}
	if sess.Account != l.account {
		return nil, fmt.Errorf("you are now signed in with account %s, but this node started with %s: restart the node to write from the new account", sess.Account, l.account)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur != nil && l.key == sess.SessionAddress() {
		return l.cur, nil
	}
	k, err := sess.Key()
	if err != nil {
		return nil, err
	}
	s, err := userop.NewSender(ctx, userop.Sender{
		Eth: l.eth, Bundler: l.bundler, EntryPoint: l.p.SignIn.EntryPoint, ChainID: big.NewInt(l.p.ChainID),
		Smart:    &userop.MAv2{Factory: l.p.SignIn.AccountFactory, Owner: sess.Signer, Session: k, Deferred: sess.Deferred},
		PolicyID: l.p.SignIn.PolicyID, Expires: sess.Expires,
	})
	if err != nil {
		return nil, err
	}
	if s.Account() != l.account {
		return nil, errors.New("the stored sign-in names an account its signer does not own; sign out and sign in again")
	}
	l.cur, l.key = s, sess.SessionAddress()
	return s, nil
}

func (l *liveSender) Send(ctx context.Context, to common.Address, data []byte, save func([]byte) error) error {
	s, err := l.sender(ctx)
	if err != nil {
		return err
	}
	return s.Send(ctx, to, data, save)
}

func (l *liveSender) Resume(ctx context.Context, op []byte) error {
	s, err := l.sender(ctx)
	if err != nil {
		return err
	}
	return s.Resume(ctx, op)
}
