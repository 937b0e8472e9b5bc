package node

import (
	"context"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// A 3-node swarm round where node B's engine runs on the Vulkan backend
// (Mesa lavapipe on CI, a real GPU elsewhere), chosen the way the app
// chooses (engine.device = vulkan, engine.kv_cache = auto through
// app/device: a bf16 KV cache where the Vulkan backend offers one): B rolls out and
// trains (GRPO step, AdamW state, master weights) on the device, its answers are adopted by the CPU nodes
// and theirs by B, and every node trains. Without any Vulkan device the
// test skips, saying why.
func TestThreeNodeSwarmOneOnVulkan(t *testing.T) {
	t.Setenv("SWARMDESK_VULKAN_SOFTWARE", "1") // offer lavapipe, as the tests of engine/vulkan do
	probe, _ := tinyModel(t)
	if ch, err := device.Use(probe, "vulkan", "auto", train.Shape{Answers: 2, SeqLen: 64}); err != nil || ch.Device.Backend != "vulkan" {
		t.Skipf("no usable Vulkan device: %v %s", err, ch.Fallback)
	}
	_ = probe.Backend().Close()

	ctx := t.Context()
	// lavapipe runs the shaders on the CPU at a few tokens per second, so
	// rounds are longer and answers shorter than in TestThreeNodeSwarm.
	dc, err := devchain.Start(ctx, devchain.Config{RoundLength: 14 * time.Second, Tx: chain.TxConfig{PollInterval: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	a, b, c := newParticipant(t, "A", dc), newParticipant(t, "B-vulkan", dc), newParticipant(t, "C", dc)
	b.prepare = func(t *testing.T, m *qwen2.Model) {
		ch, err := device.Use(m, "vulkan", "auto", train.Shape{Answers: 2, SeqLen: 64})
		if err != nil || ch.Device.Backend != "vulkan" {
			t.Fatalf("B not on Vulkan: %v %s", err, ch.Fallback)
		}
		t.Logf("B computes on %s with a %s", ch.Device, ch.KV.Short())
	}
	a.startSwarm(t, nil)
	boot := a.sw.Addrs()
	b.startSwarm(t, boot)
	c.startSwarm(t, boot)
	for _, p := range []*participant{b, c} {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := p.sw.WaitPeers(wctx, 1); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
	ps := []*participant{a, b, c}
	defer func() {
		for _, p := range ps {
			if p.stop != nil {
				_ = p.stop()
			}
			_ = p.sw.Close()
		}
	}()
	cfg := testConfig()
	cfg.MaxNewTokens = 8
	cfg.GatherTimeout = 9 * time.Second // B publishes its answers several seconds into a round
	for _, p := range ps {
		p.startNode(t, dc, cfg, nil)
	}
	adopted := func(p, from *participant) int { // answers p trained on that from generated
		n := 0
		for _, e := range p.col.kinds(EventPeers) {
			for _, pe := range e.Peers {
				if pe.ID == from.peerID {
					n += pe.Adopted
				}
			}
		}
		return n
	}
	waitFor(t, 110*time.Second, "two trained rounds on every node, answers adopted across devices", func() bool {
		for _, p := range ps {
			n := 0
			for _, m := range p.rounds() {
				if m.Trained {
					n++
				}
			}
			if n < 2 {
				return false
			}
		}
		return adopted(a, b)+adopted(c, b) > 0 && adopted(b, a)+adopted(b, c) > 0
	})
	for _, p := range ps {
		p.node.Pause()
	}
	waitFor(t, 30*time.Second, "every node paused with nothing pending", func() bool {
		for _, p := range ps {
			if s := p.node.State(); s.State != StatePaused || s.PendingSubmissions != 0 {
				return false
			}
		}
		return true
	})
	for _, p := range ps {
		if err := p.stop(); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		<-p.col.done
	}
	// B's answers, generated on the device, pass the CPU nodes' checks and are trained on.
	if adopted(a, b)+adopted(c, b) == 0 {
		t.Error("no CPU node adopted an answer B generated on Vulkan")
	}
	if adopted(b, a)+adopted(b, c) == 0 {
		t.Error("B adopted no answers from the CPU nodes")
	}
	// (Weights may not move in two rounds: a group whose answers score alike has no
	// advantage, so no gradient.)
	for _, p := range ps {
		if s := p.node.State().Steps; s < 2 {
			t.Errorf("%s: %d optimizer steps, want at least 2", p.name, s)
		}
	}
	if got := b.node.deps.Model.Backend().Device().Backend; got != "vulkan" {
		t.Errorf("B ended on %s", got)
	}
	if !b.node.deps.Model.DeviceTraining() {
		t.Errorf("B trained on the CPU: %s", b.node.State().Training)
	}
	checkNoRewardLostOrDoubled(t, dc, ps)
}
