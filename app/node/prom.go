package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// promServer serves the node's metrics in the Prometheus text format on a loopback address:
// a plain net/http handler, no client library, because the whole format is a few lines.
type promServer struct {
	srv *http.Server
	ln  net.Listener
}

func startProm(addr string, n *Node) (*promServer, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("metrics address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("metrics address %q: only loopback addresses are allowed", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = writeProm(w, n.State(), n.swarmFamilies()...)
	})
	p := &promServer{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, ln: ln}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (p *promServer) addr() string { return p.ln.Addr().String() }

func (p *promServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = p.srv.Close()
	}
}

// promMetric is one metric family.
type promMetric struct {
	name, help, kind string
	samples          []promSample
}

type promSample struct {
	labels map[string]string
	value  float64
}

// promFamilies turns a snapshot into metric families; the last round's numbers are gauges.
func promFamilies(s Snapshot) []promMetric {
	g := func(name, help string, v float64) promMetric {
		return promMetric{name: "swarmdesk_" + name, help: help, kind: "gauge", samples: []promSample{{value: v}}}
	}
	c := func(name, help string, v float64) promMetric {
		m := g(name, help, v)
		m.kind = "counter"
		return m
	}
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	out := []promMetric{
		g("chain_round", "The coordinator's current round, when last read.", float64(s.ChainRound)),
		c("rounds_played_total", "Rounds this node has played.", float64(s.RoundsPlayed)),
		c("optimizer_steps_total", "GRPO optimizer steps taken.", float64(s.Steps)),
		c("errors_total", "Problems the node reported and survived.", float64(s.Errors)),
		g("paused", "1 while training is paused (by the user, the power or the idle policy).", b(s.Paused || s.State.Held())),
		g("pending_submissions", "Rewards and votes waiting to be confirmed on chain.", float64(s.PendingSubmissions)),
		g("batch_signal", "Reward collected since the last on-chain submission.", s.BatchSignal),
		c("disk_written_bytes_total", "Bytes the node wrote to disk since it started (checkpoints, state, round log).", float64(s.DiskWrittenTotal)),
		g("disk_written_bytes_per_day", "Bytes the node wrote to disk in the last 24 hours.", float64(s.DiskWrittenPerDay)),
		g("disk_used_bytes", "Bytes the node's model checkpoints take on disk.", float64(s.DiskUsed)),
		g("checkpoint_bytes", "Size of the newest checkpoint written by this run.", float64(s.CheckpointBytes)),
		g("checkpoint_step", "Optimizer step of the newest checkpoint written by this run.", float64(s.CheckpointStep)),
		g("checkpoint_writing", "1 while a checkpoint is written in the background.", b(s.Checkpointing)),
	}
	if s.DiskFreeKnown {
		out = append(out,
			g("disk_free_bytes", "Free space on the disk holding the checkpoints.", float64(s.DiskFree)),
			g("disk_low", "1 while the disk has less free space than the next checkpoint needs.", b(s.DiskLow)))
	}
	m := s.Last
	if m == nil {
		return out
	}
	out = append(out,
		g("round", "The last round played.", float64(m.Round)),
		g("reward_mean", "Mean reward of the node's own answers in the last round.", m.Reward),
		g("reward_correct_mean", "Mean correctness reward of own answers in the last round.", m.Correct),
		g("reward_format_mean", "Mean format reward of own answers in the last round.", m.Format),
		g("loss", "GRPO loss of the last step.", m.Loss),
		g("answer_tokens_mean", "Mean length of own answers in the last round, in tokens.", m.AnswerTokens),
		g("generate_tokens_per_second", "Generation speed in the last round.", m.GenTokPerS),
		g("train_tokens_per_second", "Training speed in the last round.", m.TrainTokPerS),
		g("peers_seen", "Peers whose answers arrived in the last round.", float64(m.PeersSeen)),
		g("adopted_groups", "Peers' question groups trained on in the last round.", float64(m.Adopted)),
		g("rejected_rollouts", "Peers' question groups refused in the last round.", float64(m.Rejected)),
		g("skipped_rounds", "Rounds skipped before the last round played.", float64(m.Skipped)),
	)
	byTask := promMetric{name: "swarmdesk_reward_by_task", help: "Mean own reward per task in the last round.", kind: "gauge"}
	for _, t := range sortedKeys(m.RewardByTask) {
		byTask.samples = append(byTask.samples, promSample{labels: map[string]string{"task": t}, value: m.RewardByTask[t]})
	}
	phases := promMetric{name: "swarmdesk_phase_seconds", help: "Time per phase of the last round.", kind: "gauge"}
	for _, p := range sortedKeys(m.Phases) {
		phases.samples = append(phases.samples, promSample{labels: map[string]string{"phase": string(p)}, value: m.Phases[p]})
	}
	return append(out, byTask, phases)
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// writeProm renders s, then extra, in the Prometheus text exposition format 0.0.4.
func writeProm(w io.Writer, s Snapshot, extra ...promMetric) error {
	var buf bytes.Buffer
	for _, m := range append(promFamilies(s), extra...) {
		if len(m.samples) == 0 {
			continue
		}
		fmt.Fprintf(&buf, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
		for _, smp := range m.samples {
			buf.WriteString(m.name)
			if len(smp.labels) > 0 {
				parts := make([]string, 0, len(smp.labels))
				for _, k := range sortedKeys(smp.labels) {
					parts = append(parts, k+`="`+promEscape(smp.labels[k])+`"`)
				}
				buf.WriteString("{" + strings.Join(parts, ",") + "}")
			}
			buf.WriteString(" " + strconv.FormatFloat(smp.value, 'g', -1, 64) + "\n")
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// promEscape escapes a label value (backslash, quote, newline).
func promEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
