package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chainconn"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/engine/hub"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// Start saves the choice and brings the node up, reporting each stage on progress (which may
// be nil). It returns once the node runs, or with an error that says what to do; ctx cancels the
// start-up only — the node then runs until Stop. The saved training switch is honoured: with
// training off the node comes up paused.
func (s *Session) Start(ctx context.Context, c Choice, progress func(Progress)) error {
	if c.Mode == "" {
		return errors.New("choose how to take part first: join a swarm, host one, or try alone")
	}
	return s.start(ctx, c, progress)
}

// StartConfigured brings the node up exactly as the config says (`swarmdesk run --headless`):
// the saved choice is neither used nor changed, registration problems are warnings (rewards stay
// queued, as a server that waits for gas money should), and the window's training switch does
// not apply — a headless node that came up paused would have no way to resume.
func (s *Session) StartConfigured(ctx context.Context, progress func(Progress)) error {
	return s.start(ctx, Choice{}, progress)
}

func (s *Session) start(ctx context.Context, c Choice, progress func(Progress)) (err error) {
	if err := c.validate(); err != nil {
		return err
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	s.mu.Lock()
	if s.run != nil {
		s.mu.Unlock()
		return ErrRunning
	}
	// The node's own lifetime is independent of ctx, which only bounds the start-up.
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &running{cancel: cancel, done: make(chan struct{})}
	s.run = r
	s.mu.Unlock()
	defer func() {
		if err != nil {
			r.close()
			close(r.done)
			s.mu.Lock()
			s.run = nil
			s.mu.Unlock()
			s.log.Error("start-up failed", "reason", err.Error())
		}
	}()
	explicit := c.Mode != ""
	if explicit {
		if err := s.applyChoice(c); err != nil {
			return err
		}
	}
	cfg := s.Config()
	cfg.Network.RoundSeconds = RoundSeconds(cfg)

	progress(Progress{Stage: StageIdentity, Message: "opening the key store"})
	id, store, created, err := s.env.Identity()
	if err != nil {
		return err
	}
	if created {
		s.log.Info("created a new identity (back it up with `swarmdesk identity export`)")
	}
	r.id = id
	s.log.Info("identity", "name", id.Name(), "peer", id.PeerID.String(), "account", id.Address().Hex())
	device.SetThreads(cfg.Resources.Threads)

	progress(Progress{Stage: StageChain, Message: "connecting to the swarm's chain"})
	if c.Mode == ModeHost {
		if r.host, err = s.startHost(life, cfg, store); err != nil {
			return err
		}
	}
	if r.conn, err = chainconn.Open(ctx, cfg.Network, s.env.Dirs.Data, id.Account, store); err != nil {
		return chainError(cfg.Network, err)
	}
	r.conn.Client.SetPeerKey(id.Key) // registration proves the peer ID with it (chain/peerproof.go)
	if r.conn.Notice != "" {
		s.log.Warn(r.conn.Notice)
	}
	p := r.conn.Client.Profile()
	s.log.Info("chain", "network", p.Name, "rpc", RedactURL(p.RPCURL), "chain_id", p.ChainID, "coordinator", p.Contract.Hex(), "read_only", r.conn.Client.ReadOnly())
	if r.conn.Local != nil {
		s.log.Info("this process runs the local chain; other nodes on this computer attach to it", "round_seconds", cfg.Network.RoundSeconds)
	}

	progress(Progress{Stage: StageRegister, Message: "registering " + id.Name() + " on the coordinator"})
	if err := s.register(ctx, r, explicit); err != nil {
		return err
	}

	progress(Progress{Stage: StageSwarm, Message: "joining the swarm's peers"})
	boot := s.bootstrapAddrs(ctx, cfg, r.conn)
	members := chain.NewMembers(r.conn.Client)
	// Warm the member cache before the first round's rollouts arrive: a restarted node asking
	// the chain once per author under load had look-ups time out (swarm holds those, but a
	// warm cache does not need to).
	wctx, wcancel := context.WithTimeout(ctx, memberWarmTimeout)
	if err := members.Warm(wctx); err != nil {
		s.log.Warn("member cache not warmed; members are looked up one by one", "err", err)
	}
	wcancel()
	var swp atomic.Pointer[swarm.Node]
	cut, err := cutOff(cfg.Debug, &swp)
	if err != nil {
		return err
	}
	r.sw, err = swarm.New(life, swarm.Config{Key: id.Key, ListenAddrs: s.opts.ListenAddrs, Bootstrap: boot, CutOff: cut,
		EnableNATPortMap: !s.opts.NoPortMap, Namer: identity.Name,
		// The node reads the round between its phases; the swarm follows it all the time, so
		// gossip of a new round that arrives during generation or training is kept and forwarded.
		// Only registered peers' rollouts are kept (from the round after they register).
		RoundSource: members.RoundSource(), IsMember: members.Lookup, Logger: s.log})
	if err != nil {
		return fmt.Errorf("start the peer-to-peer connection: %w (if a listen address is busy, close the other program or choose another port)", err)
	}
	swp.Store(r.sw)
	s.log.Info("swarm", "listening", r.sw.Addrs(), "bootnodes", len(boot))

	r.model = s.ModelName()
	ncfg, err := node.ConfigFrom(cfg)
	if err != nil {
		return err
	}
	if models.IsDemo(r.model) {
		ncfg = demoNode(ncfg)
		s.log.Info("training the built-in demo model: it learns one small task in minutes, offline; for a real model choose one in the window or set model.name (e.g. Qwen/Qwen2.5-0.5B-Instruct)",
			"round_seconds", cfg.Network.RoundSeconds)
	}
	dataDir := s.nodeDir()
	m, tok, plan, err := s.openModel(ctx, r.model, ncfg, progress)
	if err != nil {
		return err
	}
	ckpt := filepath.Join(dataDir, "checkpoints", CheckpointName(r.model, 0))
	if plan != nil {
		ckpt = plan.CheckpointDir
	}
	n, err := node.New(ncfg, node.Deps{
		Model: m, Tokenizer: tok, Swarm: r.sw, Chain: r.conn.Client, PeerID: r.sw.ID(),
		DataDir: dataDir, CheckpointDir: ckpt, Logger: s.log, Plan: plan,
	})
	if err != nil {
		return err
	}
	s.log.Info("model", "name", r.model, "questions", ncfg.Questions, "answers", ncfg.Answers, "adopt", ncfg.Adopt,
		"max_new_tokens", ncfg.MaxNewTokens, "submit_every", ncfg.SubmitEvery.String(), "data", dataDir)
	if explicit && !s.Training() {
		n.Pause()
		s.log.Info("training is switched off; the node waits until it is switched on")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("start-up cancelled: %w", err)
	}
	r.node = n
	go func() {
		r.err = n.Run(life)
		close(r.done)
	}()
	progress(Progress{Stage: StageReady, Message: "the node runs"})
	return nil
}

// applyChoice turns the choice into network settings — in memory and, where they change, in
// config.toml, so `swarmdesk run --headless` later joins the same swarm — and saves it.
func (s *Session) applyChoice(c Choice) error {
	var edit func(*config.Config) error
	switch c.Mode {
	case ModeLocal, ModeHost:
		if p := s.Config().Network.Profile; p != "" && p != chain.ProfileLocal {
			edit = func(cf *config.Config) error {
				cf.Network.Profile, cf.Network.RPCURL, cf.Network.ChainID = chain.ProfileLocal, "", 0
				cf.Network.Contract, cf.Network.Bootnodes = "", nil
				return nil
			}
		}
	case ModeGensyn:
		if s.Config().Network.Profile != chain.ProfileGensynTestnet {
			edit = func(cf *config.Config) error {
				cf.Network.Profile, cf.Network.RPCURL, cf.Network.ChainID = chain.ProfileGensynTestnet, "", 0
				cf.Network.Contract, cf.Network.Bootnodes = "", nil
				return nil
			}
		}
	case ModeJoin:
		inv := *c.Invite
		edit = func(cf *config.Config) error {
			cf.Network.Profile, cf.Network.RPCURL, cf.Network.ChainID = chain.ProfileCustom, inv.RPCURL, inv.ChainID
			cf.Network.Contract, cf.Network.Bootnodes = inv.Contract, append([]string(nil), inv.Bootnodes...)
			return nil
		}
	}
	if edit != nil {
		if err := s.editConfig(edit); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state
	st.Mode, st.Invite = c.Mode, nil
	if c.Invite != nil && c.Mode == ModeJoin {
		inv := *c.Invite
		st.Invite = &inv
	}
	if err := saveState(s.statePath(), st); err != nil {
		return err
	}
	s.state, s.saved = st, true
	return nil
}

// editConfig applies edit to config.toml (not to what the environment or flags override) and
// to the settings in effect; nothing is written unless both validate.
func (s *Session) editConfig(edit func(*config.Config) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	file, _, err := config.LoadFile(s.env.ConfigPath)
	if err != nil {
		return fmt.Errorf("%w (fix or delete the file, then try again)", err)
	}
	mem := s.env.Config
	mem.Network.Bootnodes = slices.Clone(mem.Network.Bootnodes)
	for _, c := range []*config.Config{&file, &mem} {
		if err := edit(c); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
	}
	if err := config.Save(s.env.ConfigPath, file); err != nil {
		return fmt.Errorf("save settings to %s: %w", s.env.ConfigPath, err)
	}
	s.env.Config = mem
	return nil
}

// startHost runs the chain, round timer and bootnode of a hosted swarm in this process.
func (s *Session) startHost(ctx context.Context, cfg config.Config, store secrets.Store) (*Host, error) {
	addr, err := LocalChainAddr(cfg.Network)
	if err != nil {
		return nil, err
	}
	round := s.opts.RoundLength
	if round <= 0 {
		round = time.Duration(RoundSeconds(cfg)) * time.Second
	}
	h, err := StartHost(ctx, HostConfig{
		DataDir: s.env.Dirs.Data, ChainAddr: addr, Round: round, Listen: s.opts.BootnodeListen,
		Bootstrap: cfg.Network.Bootnodes, NoPortMap: s.opts.NoPortMap, Logger: s.log, Secrets: store,
		OnRoundError: func(err error) { s.log.Warn("starting the next round failed", "reason", err.Error()) },
	})
	if err != nil {
		return nil, err
	}
	if h.PublishErr != nil {
		s.log.Warn("could not publish the bootnode on the chain (joiners then need the invite)", "reason", h.PublishErr.Error())
	}
	s.log.Info("hosting a swarm", "chain", h.Chain.RPCURL(), "coordinator", h.Chain.Contract().Hex(), "round", round.String(), "bootnode", h.Bootnode.ID())
	return h, nil
}

// chainError says what to check when the chain cannot be reached.
func chainError(n config.Network, err error) error {
	switch n.Profile {
	case chain.ProfileCustom:
		return fmt.Errorf("connect to the swarm's chain at %s: %w (is the host's swarmdesk running? From another computer, forward the chain's port first, e.g. ssh -N -L %s:127.0.0.1:%s you@host-computer)",
			RedactURL(n.RPCURL), err, portOf(n.RPCURL), portOf(n.RPCURL))
	case "", chain.ProfileLocal:
		return fmt.Errorf("start the local chain: %w (if another swarmdesk uses this data folder, close it and try again)", err)
	}
	return fmt.Errorf("connect to %s: %w (check your internet connection and try again)", n.Profile, err)
}

// portOf is an URL's port, for the ssh hint (18545 when it has none).
func portOf(raw string) string {
	if i := strings.LastIndexByte(raw, ':'); i > 0 {
		p := strings.TrimRight(raw[i+1:], "/")
		if n, err := strconv.Atoi(p); err == nil && n > 0 {
			return p
		}
	}
	return "18545"
}

// register funds the account where the chain has a faucet and claims the peer ID, so the first
// round's reward is not lost to a registration that fails later. A peer ID owned by another
// account is always fatal; other failures are fatal for an explicit choice (the window shows
// what to do) and warnings headless (the node retries after each round).
func (s *Session) register(ctx context.Context, r *running, strict bool) error {
	c := r.conn.Client
	if c.ReadOnly() {
		s.log.Warn("this network is read-only: the node trains and shares, but sends no rewards or votes", "reason", chain.ErrReadOnly.Error())
		return nil
	}
	fail := func(err error) error {
		if strict {
			return err
		}
		s.log.Warn("the account cannot register yet; rewards stay queued until it can", "reason", err.Error())
		return nil
	}
	if err := r.conn.EnsureFunds(ctx); err != nil {
		return fail(fmt.Errorf("the account %s has no gas money to register with: %w", c.Account().Hex(), err))
	}
	err := c.RegisterPeer(ctx, r.id.PeerID.String())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, chain.ErrPeerIdAlreadyRegistered):
		return fmt.Errorf("%w (import the swarm.pem of an identity this account owns, or reset the identity)", err)
	case ctx.Err() != nil:
		return fmt.Errorf("start-up cancelled: %w", ctx.Err())
	}
	return fail(fmt.Errorf("register on the coordinator: %w (check the chain is reachable, then try again)", err))
}

// bootstrapAddrs merges network.bootnodes with the coordinator's published bootnodes.
func (s *Session) bootstrapAddrs(ctx context.Context, cfg config.Config, conn *chainconn.Conn) []string {
	out := append([]string(nil), cfg.Network.Bootnodes...)
	fromChain, err := conn.Client.Bootnodes(ctx)
	if err != nil {
		s.log.Warn("could not read the chain's bootnodes", "reason", err.Error())
	}
	for _, b := range fromChain {
		if _, err := peer.AddrInfoFromString(b); err != nil {
			s.log.Warn("ignoring a malformed bootnode published on the chain", "addr", b)
			continue
		}
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// openModel resolves the model (downloading it into the shared hub cache on the first run),
// makes the memory plan from its config.json before loading anything (see node.Plan), and
// loads it as the plan says, reporting bytes for both stages. The plan is nil when a test
// supplies the model (Options.OpenModel).
func (s *Session) openModel(ctx context.Context, name string, ncfg node.Config, progress func(Progress)) (*qwen2.Model, *tokenizer.Tokenizer, *node.Setup, error) {
	if s.opts.OpenModel != nil {
		m, tok, err := s.opts.OpenModel(ctx, name, progress)
		return m, tok, nil, err
	}
	if models.IsDemo(name) {
		progress(Progress{Stage: StageDownload, Message: "the built-in demo model needs no download"})
		progress(Progress{Stage: StageLoad, Message: "preparing the built-in demo model"})
	} else {
		progress(Progress{Stage: StageDownload, Message: "looking for " + name})
	}
	o := models.OpenOptions{Options: s.modelOptions()}
	o.Progress = func(pr hub.Progress) {
		progress(Progress{Stage: StageDownload, Done: pr.Done, Total: max(pr.Total, 0),
			Message: fmt.Sprintf("downloading %s (file %d of %d)", pr.File, pr.FileIndex+1, pr.FileCount)})
	}
	var (
		plan    node.Setup
		total   int64
		loading string
		t0      time.Time
	)
	o.Prepare = func(dir string) (func(string, qwen2.LoadOptions) (*qwen2.Model, error), error) {
		var err error
		if plan, err = s.planMemory(ncfg, name, dir); err != nil {
			return nil, err
		}
		total = models.WeightBytes(dir)
		loading = "loading " + name + " " + plan.Short()
		progress(Progress{Stage: StageLoad, Message: loading, Total: total})
		t0 = time.Now()
		return plan.Load, nil
	}
	o.Load.Progress = func(done, all int64) {
		if all > 0 && total > 0 { // tensor bytes, shown as a share of the files' size
			progress(Progress{Stage: StageLoad, Message: loading, Done: done * total / all, Total: total})
		}
	}
	l, err := models.Open(ctx, name, o)
	if err != nil {
		return nil, nil, nil, err
	}
	progress(Progress{Stage: StageLoad, Done: total, Total: total,
		Message: fmt.Sprintf("loaded %s in %.1fs %s", name, time.Since(t0).Seconds(), plan.Short())})
	s.useDevice(l.Model, plan.Shape)
	return l.Model, l.Tokenizer, &plan, nil
}

// modelOptions is where this session finds models: the Hugging Face cache, the folder the demo
// model is made in, and whether the hub may be asked.
func (s *Session) modelOptions() models.Options {
	return models.FromEnv(s.opts.Getenv, s.env.Dirs.Cache, s.opts.Offline)
}

// CheckpointName makes a folder name from a model name or path (one checkpoint folder per
// model, since a checkpoint of another model is refused).
func CheckpointName(model string, lora int) string {
	s := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == '@' || r == ' ' {
			return '_'
		}
		return r
	}, strings.TrimRight(model, `/\`))
	if i := strings.LastIndexAny(s, "_"); len(s) > 60 && i >= 0 {
		s = s[i+1:]
	}
	if lora > 0 {
		s += fmt.Sprintf("-lora%d", lora)
	}
	return s
}

// memberWarmTimeout bounds the member-cache warm-up at start; past it the node starts cold.
const memberWarmTimeout = 5 * time.Second
