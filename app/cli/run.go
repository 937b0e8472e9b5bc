package cli

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
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

// runHeadless runs the node from the environment until a signal. The assembly (identity,
// chain, registration, swarm, model, round loop) is app/session's, shared with the window.
func runHeadless(cmd *cobra.Command, g *globals, o Options, f *runFlags) error {
	e, err := loadEnv(g, o)
	if err != nil {
		return err
	}
	// Ask for the passphrase on a terminal before the node starts logging.
	if _, err := openStore(cmd, e); err != nil {
		return err
	}
	s := session.New(e, session.Options{LogWriter: cmd.ErrOrStderr(), Model: f.model, Offline: f.offline,
		ListenAddrs: f.listen, Getenv: o.Getenv})
	log := s.Logger()
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	if f.duration > 0 {
		ctx, cancel = context.WithTimeout(ctx, f.duration)
		defer cancel()
	}
	second := stopOnSignal(ctx, cancel, log)

	p := &progressLine{w: cmd.ErrOrStderr()}
	err = s.StartConfigured(ctx, func(pr session.Progress) {
		switch pr.Stage {
		case session.StageDownload, session.StageLoad:
			if pr.Total > 0 {
				p.set("%s %s", pr.Message, bytesProgress(pr.Done, pr.Total))
			} else {
				p.set("%s", pr.Message)
			}
		case session.StageReady:
			p.done()
		}
	})
	p.done()
	if err != nil {
		return err
	}
	go logEvents(s.Events(), log)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
		case <-s.Done():
		}
		s.Stop()
	}()
	select {
	case <-stopped:
	case <-second:
		log.Warn("second signal: quitting now; the next run resumes from the last checkpoint")
		return nil
	}
	return s.Err()
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
func logEvents(events <-chan node.Event, log *slog.Logger) {
	for e := range events {
		switch e.Kind {
		case node.EventState:
			if e.State.Held() {
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
