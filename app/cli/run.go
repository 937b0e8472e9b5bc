package cli

import (
	"context"
	"errors"
	"log/slog"
	neturl "net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/network"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// runFlags are `swarmdesk run`'s own flags.
type runFlags struct {
	headless bool
	model    string
	offline  bool
	listen   []string
	duration time.Duration
}

func newRunCmd(g *globals, o Options) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Take part in the swarm: answer, share, learn and earn rewards every round",
		Long: `Runs the swarm node with the settings of the app (config.toml, environment, --set): every
round of the coordinator it answers questions with the model, shares the answers with its peers,
adopts some of theirs, scores everything, takes a GRPO step, checkpoints, and sends its reward
and vote to the chain.

Without --headless this opens the desktop app. With --headless it runs in the terminal and logs
one line per event; Ctrl-C (or SIGTERM) stops it at the next safe point, and a second Ctrl-C
quits at once. Either way nothing is lost: the next run resumes from the last checkpoint.`,
		Example: `  swarmdesk run --headless
  swarmdesk run --headless --set training.submit_minutes=180 --set resources.threads=4`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !f.headless {
				if o.OpenWindow == nil {
					return errors.New("this build has no desktop window; use `swarmdesk run --headless`")
				}
				e, err := loadEnv(g, o)
				if err != nil {
					return err
				}
				return o.OpenWindow(e)
			}
			return runHeadless(cmd, g, o, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.headless, "headless", false, "run in the terminal without a window (servers, containers)")
	fl.StringVar(&f.model, "model", "", "model folder or Hugging Face id (default: the model.name setting)")
	fl.BoolVar(&f.offline, "offline", false, "use only the local Hugging Face cache")
	fl.StringArrayVar(&f.listen, "listen", nil, "libp2p multiaddr to listen on (repeatable; default TCP and QUIC on all interfaces, random ports)")
	fl.DurationVar(&f.duration, "for", 0, "stop after this long (default: run until Ctrl-C)")
	return cmd
}

// runHeadless wires the node from the environment and runs it until a signal.
func runHeadless(cmd *cobra.Command, g *globals, o Options, f *runFlags) error {
	e, err := loadEnv(g, o)
	if err != nil {
		return err
	}
	applyThreads(e)
	log := newLogger(cmd, e.Config.Log.Level)
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	if f.duration > 0 {
		ctx, cancel = context.WithTimeout(ctx, f.duration)
		defer cancel()
	}
	second := stopOnSignal(ctx, cancel, log)

	s, err := openStore(cmd, e)
	if err != nil {
		return err
	}
	id, created, err := identity.LoadOrCreate(s)
	if err != nil {
		return err
	}
	if created {
		log.Info("created a new identity (back it up with `swarmdesk identity export`)")
	}
	log.Info("identity", "name", id.Name(), "peer", id.PeerID.String(), "account", id.Address().Hex())

	conn, err := network.Open(ctx, e.Config.Network, e.Dirs.Data, id.Account)
	if err != nil {
		return err
	}
	defer conn.Close()
	p := conn.Client.Profile()
	log.Info("chain", "network", p.Name, "rpc", redactURL(p.RPCURL), "chain_id", p.ChainID, "coordinator", p.Contract.Hex(), "read_only", p.ReadOnly)
	if conn.Local != nil {
		log.Info("this process runs the local chain; other nodes on this computer attach to it", "round_seconds", e.Config.Network.RoundSeconds)
	}
	if !p.ReadOnly {
		if err := conn.EnsureFunds(ctx); err != nil {
			log.Warn("the account has no gas money yet; rewards stay queued until it has", "reason", err.Error())
		}
	}

	boot := bootstrapAddrs(ctx, e, conn, log)
	sw, err := swarm.New(ctx, swarm.Config{Key: id.Key, ListenAddrs: f.listen, Bootstrap: boot,
		EnableNATPortMap: true, Namer: identity.Name})
	if err != nil {
		return err
	}
	defer sw.Close()
	log.Info("swarm", "listening", sw.Addrs(), "bootnodes", len(boot))

	name := f.model
	if name == "" {
		name = e.Config.Model.Name
	}
	m, tok, err := loadModel(ctx, o, name, f.offline, true, qwen2.F32, &progressLine{w: cmd.ErrOrStderr()})
	if err != nil {
		return err
	}
	cfg, err := node.ConfigFrom(e.Config)
	if err != nil {
		return err
	}
	dataDir := filepath.Join(e.Dirs.Data, "node")
	n, err := node.New(cfg, node.Deps{
		Model: m, Tokenizer: tok, Swarm: sw, Chain: conn.Client, PeerID: sw.ID(),
		DataDir: dataDir, CheckpointDir: filepath.Join(dataDir, "checkpoints", checkpointName(name, 0)),
		Logger: log,
	})
	if err != nil {
		return err
	}
	log.Info("model", "name", name, "questions", cfg.Questions, "answers", cfg.Answers, "adopt", cfg.Adopt,
		"max_new_tokens", cfg.MaxNewTokens, "submit_every", cfg.SubmitEvery.String(), "data", dataDir)

	go logEvents(n, log)
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	select {
	case err = <-done:
	case <-second:
		log.Warn("second signal: quitting now; the next run resumes from the last checkpoint")
		return nil
	}
	if err != nil {
		return err
	}
	log.Info("stopped", "rounds_played", n.State().RoundsPlayed)
	return nil
}

// stopOnSignal cancels the run at the first SIGINT/SIGTERM and reports a second one on the
// returned channel (quit without waiting).
func stopOnSignal(ctx context.Context, cancel context.CancelFunc, log *slog.Logger) <-chan struct{} {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	second := make(chan struct{})
	go func() {
		defer signal.Stop(sigs)
		select {
		case s := <-sigs:
			log.Info("stopping at the next safe point (Ctrl-C again to quit at once)", "signal", s.String())
			cancel()
		case <-ctx.Done():
			return
		}
		select {
		case <-sigs:
			close(second)
		case <-time.After(10 * time.Minute):
		}
	}()
	return second
}

// newLogger is the headless log: slog's text handler (key=value, one line per event) on stderr.
func newLogger(cmd *cobra.Command, level string) *slog.Logger {
	var l slog.Level
	switch level {
	case "debug":
		l = slog.LevelDebug
	case "warn":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: l}))
}

// logEvents logs what the node's own log lines do not say: pauses and the peers of each round.
func logEvents(n *node.Node, log *slog.Logger) {
	for e := range n.Events() {
		switch e.Kind {
		case node.EventState:
			if e.State == node.StatePaused || e.State == node.StateOnBattery {
				log.Info("paused", "state", string(e.State))
			}
		case node.EventPeers:
			names := make([]string, 0, len(e.Peers))
			for _, p := range e.Peers {
				names = append(names, p.Name)
			}
			if len(names) > 0 {
				log.Debug("peers shared", "round", e.Round, "peers", names)
			}
		}
	}
}

// bootstrapAddrs merges network.bootnodes with the coordinator's published bootnodes.
func bootstrapAddrs(ctx context.Context, e *env.Env, conn *network.Conn, log *slog.Logger) []string {
	out := append([]string(nil), e.Config.Network.Bootnodes...)
	fromChain, err := conn.Client.Bootnodes(ctx)
	if err != nil {
		log.Warn("could not read the chain's bootnodes", "reason", err.Error())
	}
	for _, b := range fromChain {
		if _, err := peer.AddrInfoFromString(b); err != nil {
			log.Warn("ignoring a malformed bootnode published on the chain", "addr", b)
			continue
		}
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// redactURL keeps scheme and host: an RPC URL's path or query often holds an API key.
func redactURL(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil || u.Host == "" {
		return "(custom)"
	}
	s := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		s += "/…"
	}
	return s
}
