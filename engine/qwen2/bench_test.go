package qwen2_test

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

var qwen05B = testmodel.Qwen05B

var bench struct {
	sync.Mutex
	dtype qwen2.DType
	m     *qwen2.Model
}

// benchModel builds (once per dtype) the 0.5B-shaped model with cheap
// pseudo-random weights of a realistic scale.
func benchModel(b *testing.B, dt qwen2.DType) *qwen2.Model {
	bench.Lock()
	defer bench.Unlock()
	if bench.m != nil && bench.dtype == dt {
		return bench.m
	}
	bench.m = nil
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	m, err := qwen2.New(qwen05B, dt)
	if err != nil {
		b.Fatal(err)
	}
	testmodel.Randomize(m)
	bench.m, bench.dtype = m, dt
	return m
}

// resetPeakRSS clears VmHWM so each benchmark reports its own peak (Linux).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

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

// report emits wall tok/s, tok per CPU-second and peak RSS.
func report(b *testing.B, tokens int, start time.Time, cpu0 float64) {
	b.ReportMetric(float64(tokens)/time.Since(start).Seconds(), "tok/s")
	if c := cpuSeconds() - cpu0; c > 0 {
		b.ReportMetric(float64(tokens)/c, "tok/cpu-s")
	}
	b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
}

func skipShort(b *testing.B) {
	if testing.Short() {
		b.Skip("0.5B-shaped benchmarks need ~2.5 GB RAM; skipped with -short")
	}
	cpu.SetThreads(2)
}

// BenchmarkPrefill128 prefills a 128-token prompt (logits for the last one).
func BenchmarkPrefill128(b *testing.B) {
	skipShort(b)
	for _, dt := range []qwen2.DType{qwen2.F32, qwen2.BF16} {
		b.Run(dt.String(), func(b *testing.B) {
			m := benchModel(b, dt)
			toks := make([]int, 128)
			for i := range toks {
				toks[i] = (i*7919 + 11) % m.Config.VocabSize
			}
			c, err := m.NewCache(len(toks))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuSeconds()
			for i := 0; i < b.N; i++ {
				c.Reset()
				if _, err := m.Prefill(c, toks); err != nil {
					b.Fatal(err)
				}
			}
			report(b, len(toks)*b.N, start, cpu0)
		})
	}
}

// BenchmarkDecode advances B sequences that share a 64-token prompt by one
// token each per iteration (the GRPO rollout shape).
func BenchmarkDecode(b *testing.B) {
	skipShort(b)
	for _, dt := range []qwen2.DType{qwen2.F32, qwen2.BF16} {
		for _, B := range []int{1, 8} {
			b.Run(fmt.Sprintf("%v/batch%d", dt, B), func(b *testing.B) {
				m := benchModel(b, dt)
				prompt := make([]int, 64)
				for i := range prompt {
					prompt[i] = (i*31 + 5) % m.Config.VocabSize
				}
				root, _ := m.NewCache(len(prompt))
				if _, err := m.Prefill(root, prompt); err != nil {
					b.Fatal(err)
				}
				caches := make([]*qwen2.KVCache, B)
				toks := make([]int, B)
				for i := range caches {
					caches[i], _ = root.Branch(256)
					toks[i] = 100 + i
				}
				b.ResetTimer()
				start, cpu0 := time.Now(), cpuSeconds()
				for i := 0; i < b.N; i++ {
					if caches[0].Free() == 0 {
						for _, c := range caches {
							c.Reset()
						}
					}
					if _, err := m.Decode(caches, toks); err != nil {
						b.Fatal(err)
					}
				}
				report(b, B*b.N, start, cpu0)
				// Each step reads every weight once: decode is bound by
				// this figure against the machine's memory bandwidth.
				wBytes := 4*len(m.Params.F32) + 2*len(m.Params.BF16)
				b.ReportMetric(float64(b.N)*float64(wBytes)/time.Since(start).Seconds()/1e9, "weightGB/s")
			})
		}
	}
}

var sharedRoot struct {
	m    *qwen2.Model
	root *qwen2.KVCache
}

// BenchmarkSharedPrefix compares the two ways 8 answers can reuse one
// 256-token prompt: Branch (prefix shared by pointer) and Copy
// (copy-on-branch). It reports decode tok/s and the KV memory each needs.
func BenchmarkSharedPrefix(b *testing.B) {
	skipShort(b)
	const B, P = 8, 256
	for _, mode := range []string{"branch", "copy"} {
		b.Run(mode, func(b *testing.B) {
			m := benchModel(b, qwen2.BF16)
			if sharedRoot.m != m {
				prompt := make([]int, P)
				for i := range prompt {
					prompt[i] = (i*131 + 7) % m.Config.VocabSize
				}
				root, _ := m.NewCache(P)
				if _, err := m.Prefill(root, prompt); err != nil {
					b.Fatal(err)
				}
				sharedRoot.m, sharedRoot.root = m, root
			}
			root := sharedRoot.root
			caches := make([]*qwen2.KVCache, B)
			toks := make([]int, B)
			var kvBytes int
			fresh := func() {
				kvBytes = root.Bytes()
				for i := range caches {
					var err error
					if mode == "branch" {
						caches[i], err = root.Branch(64)
					} else {
						caches[i], err = root.Copy(64)
					}
					if err != nil {
						b.Fatal(err)
					}
					kvBytes += caches[i].Bytes()
					toks[i] = 100 + i
				}
			}
			fresh()
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuSeconds()
			for i := 0; i < b.N; i++ {
				if caches[0].Free() == 0 {
					b.StopTimer()
					fresh()
					b.StartTimer()
				}
				if _, err := m.Decode(caches, toks); err != nil {
					b.Fatal(err)
				}
			}
			report(b, B*b.N, start, cpu0)
			b.ReportMetric(float64(kvBytes)/(1<<20), "KV-MiB")
		})
	}
}

// BenchmarkGenerate is the end-to-end GRPO rollout shape: 8 answers to a
// 64-token prompt, 32 new tokens each, top-p sampling (no early stop).
func BenchmarkGenerate(b *testing.B) {
	skipShort(b)
	m := benchModel(b, qwen2.BF16)
	prompt := make([]int, 64)
	for i := range prompt {
		prompt[i] = (i*17 + 3) % m.Config.VocabSize
	}
	opt := qwen2.GenerateOptions{N: 8, MaxNew: 32, Temperature: 0.8, TopP: 0.95, Seed: 1, StopIDs: []int{}}
	b.ResetTimer()
	var st qwen2.Stats
	for i := 0; i < b.N; i++ {
		var err error
		if _, st, err = m.Generate(prompt, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(st.PrefillTokPerS, "prefill-tok/s")
	b.ReportMetric(st.DecodeTokPerS, "decode-tok/s")
	b.ReportMetric(float64(st.KVCacheBytes)/(1<<20), "KV-MiB")
	b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
}
