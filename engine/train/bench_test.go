package train

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// BenchmarkGRPOStep is one whole GRPO optimizer step of rl-swarm's shape on
// the Qwen2.5-0.5B shape (random F32 weights, 2 threads): 2 local questions
// × 2 answers plus 2 adopted groups × 2 answers, 96-token prompts, 256-token
// answers (max_new_tokens), micro-batches as large as the memory limit
// allows, Adam with clipping: forward,
// loss, backward and the update of all 494M parameters. GFLOP/s divides
// the model FLOPs (qwen2.Config.TrainFLOPs) by the whole step's time.
// Rollout generation is not part of it (see engine/qwen2's decode
// benchmarks).
func BenchmarkGRPOStep(b *testing.B) {
	if testing.Short() {
		b.Skip("needs about 9 GB and a minute per step")
	}
	prev := cpu.Threads()
	cpu.SetThreads(2)
	defer cpu.SetThreads(prev)
	m, err := qwen2.New(testmodel.Qwen05B, qwen2.F32)
	if err != nil {
		b.Fatal(err)
	}
	testmodel.Randomize(m)
	// The memory limit the app sets by default on this 24 GiB machine (3/4
	// of it); the trainer sizes its micro-batches to fit.
	cfg := Config{Optim: DefaultOptimConfig(), MemoryLimit: 18 << 30}
	tr, err := New(m, nil, cfg)
	if err != nil {
		b.Fatal(err)
	}
	const prompt, answer = 96, 256
	V := m.Config.VocabSize
	groups := make([]Group, 4)
	for g := range groups {
		groups[g].Prompt = make([]int, prompt)
		for i := range groups[g].Prompt {
			groups[g].Prompt[i] = (i*7919 + g*104729 + 3) % V
		}
		for a := 0; a < 2; a++ {
			ans := Answer{Tokens: make([]int, answer), LogProbs: make([]float32, answer), Reward: float64(a)}
			for i := range ans.Tokens {
				ans.Tokens[i] = (i*31337 + a*7 + g*13) % V
				ans.LogProbs[i] = -12 // far from the model's: exercises clipping too
			}
			groups[g].Answers = append(groups[g].Answers, ans)
		}
	}
	// Warm up: the first step also faults in the gradient and both Adam
	// moments (6 GB), which a long run pays once.
	st, err := tr.Step(groups)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if st, err = tr.Step(groups); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(st.GFLOPS, "GFLOP/s")
	b.ReportMetric(st.TokPerS, "tok/s")
	b.ReportMetric(float64(st.Memory.Total())/(1<<20), "plan-MiB")
	b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
	runtime.KeepAlive(m)
}

// peakRSSMiB reads VmHWM from /proc/self/status (0 where unavailable).
func peakRSSMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
