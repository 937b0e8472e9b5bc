package train

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// qwenShape is the plan input for a node with a real Qwen2.5 config.json
// (testdata) and the node's default round: 2 answers at a time, answers up
// to 256 new tokens (adopted ones up to 385) after a prompt of up to 256.
func qwenShape(t *testing.T, file string) Shape {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	c, err := qwen2.ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	return Shape{Model: c, SeqLen: 256 + 385, Answers: 2, Runtime: 512 << 20}
}

// machine is the automatic limit of a computer with gb GiB of memory: the
// share platform.DefaultMemoryLimit leaves to the node (three quarters).
func machine(gb int64) int64 { return gb << 30 / 4 * 3 }

func TestChooseForQwenShapes(t *testing.T) {
	cases := []struct {
		model string
		gb    int64
		want  Mode
		rank  int
	}{
		{"qwen2.5-0.5b-config.json", 8, ModeLoRA, 64},
		{"qwen2.5-0.5b-config.json", 16, ModeFull, 0},
		{"qwen2.5-0.5b-config.json", 24, ModeFull, 0},
		{"qwen2.5-0.5b-config.json", 32, ModeFull, 0},
		{"qwen2.5-1.5b-config.json", 8, ModeRollouts, 0}, // float32 weights alone take 5.75 GiB
		{"qwen2.5-1.5b-config.json", 16, ModeLoRA, 64},
		{"qwen2.5-1.5b-config.json", 24, ModeLoRA, 64},
		{"qwen2.5-1.5b-config.json", 32, ModeLoRA, 64}, // full: 4 × 6.2 GB of weights, gradients and moments
	}
	for _, tc := range cases {
		s := qwenShape(t, tc.model)
		budget := machine(tc.gb)
		c, err := Choose(s, ModeAuto, 0, budget)
		if err != nil {
			t.Fatalf("%s at %d GB: %v", tc.model, tc.gb, err)
		}
		t.Logf("%s %2d GB (limit %s): %s rank %d, needs %s; full needs %s",
			tc.model, tc.gb, gib(budget), c.Mode, c.Rank, c.Need, gib(s.Need(ModeFull, 0).Total()))
		if c.Mode != tc.want || c.Rank != tc.rank {
			t.Errorf("%s at %d GB: chose %s rank %d, want %s rank %d (%s)", tc.model, tc.gb, c.Mode, c.Rank, tc.want, tc.rank, c.Reason)
		}
		if c.Need.Total() > budget {
			t.Errorf("%s at %d GB: the choice needs %s, more than the %s budget", tc.model, tc.gb, gib(c.Need.Total()), gib(budget))
		}
	}
}

// TestChooseModes checks the asked-for modes and the fall-backs at limits
// around a 0.5B model's needs: full refused with a sentence that names the
// setting, LoRA at the asked rank, rollouts only when nothing trains, and an
// error only when not even answering fits.
func TestChooseModes(t *testing.T) {
	s := qwenShape(t, "qwen2.5-0.5b-config.json")
	full := s.Need(ModeFull, 0).Total()
	lora8 := s.Need(ModeLoRA, 8).Total()
	lora1 := s.Need(ModeLoRA, 1).Total()
	ro := s.Need(ModeRollouts, 0).Total()
	if !(ro < lora1 && lora1 < lora8 && lora8 < full) {
		t.Fatalf("needs out of order: rollouts %d, lora1 %d, lora8 %d, full %d", ro, lora1, lora8, full)
	}
	cases := []struct {
		name    string
		want    Mode
		rank    int
		budget  int64
		got     Mode
		gotRank int
		reason  string // a part of the reason
		notFit  bool
	}{
		{"full fits", ModeFull, 0, full, ModeFull, 0, "training.mode = full", false},
		{"full too big", ModeFull, 0, full - 1, ModeRollouts, 0, "set training.mode to auto or lora", false},
		{"lora rank fits", ModeLoRA, 8, lora8, ModeLoRA, 8, "rank 8", false},
		{"lora rank too big", ModeLoRA, 8, lora8 - 1, ModeRollouts, 0, "lower training.lora_rank", false},
		{"lora largest", ModeLoRA, 0, lora8, ModeLoRA, 8, "rank 8", false},
		{"auto caps rank", ModeAuto, 4, full - 1, ModeLoRA, 4, "the full model would need", false},
		{"auto nothing trains", ModeAuto, 0, lora1 - 1, ModeRollouts, 0, "rollouts only", false},
		{"no limit", ModeAuto, 0, 0, ModeFull, 0, "no limit", false},
		{"nothing fits", ModeAuto, 0, ro - 1, "", 0, "even answering", true},
	}
	for _, tc := range cases {
		c, err := Choose(s, tc.want, tc.rank, tc.budget)
		if tc.notFit {
			if !errors.Is(err, ErrDoesNotFit) || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("%s: error %v, want ErrDoesNotFit saying %q", tc.name, err, tc.reason)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Mode != tc.got || c.Rank != tc.gotRank || !strings.Contains(c.Reason, tc.reason) {
			t.Errorf("%s: chose %s rank %d (%q), want %s rank %d saying %q", tc.name, c.Mode, c.Rank, c.Reason, tc.got, tc.gotRank, tc.reason)
		}
		if c.Learns() != (c.Mode != ModeRollouts) {
			t.Errorf("%s: Learns() = %v for %s", tc.name, c.Learns(), c.Mode)
		}
	}
}

// A plan for bf16 KV caches (a GPU backend that offers them) counts exactly
// half the KV bytes of the f32 plan and nothing else changes; the plan's
// sentence names the type it counted.
func TestNeedCountsTheKVCacheType(t *testing.T) {
	s := qwenShape(t, "qwen2.5-0.5b-config.json")
	kv := int64(s.Answers) * int64(s.SeqLen) * qwen2.KVBytesPerToken(s.Model, backend.F32)
	for _, mode := range []Mode{ModeRollouts, ModeLoRA, ModeFull} {
		s.KVCache = backend.F32
		f32 := s.Need(mode, 8)
		s.KVCache = backend.BF16
		bf16 := s.Need(mode, 8)
		if diff := f32.Inference - bf16.Inference; diff != kv/2 {
			t.Errorf("%s: bf16 plan counts %d bytes less for the KV caches, want exactly half of %d", mode, diff, kv)
		}
		// The peak is a round's working memory unless loading holds more.
		if bf16.Activations+bf16.Inference+bf16.Checkpoint >= bf16.Loading && f32.Total()-bf16.Total() != kv/2 {
			t.Errorf("%s: totals differ by %d, want %d", mode, f32.Total()-bf16.Total(), kv/2)
		}
		bf16.Inference, bf16.KVCache = f32.Inference, f32.KVCache
		if bf16 != f32 {
			t.Errorf("%s: the bf16 plan differs beyond its KV caches:\n%+v\n%+v", mode, bf16, f32)
		}
		s.KVCache = backend.F32
		if str := s.Need(mode, 8).String(); !strings.Contains(str, "KV caches (f32)") {
			t.Errorf("%s: f32 plan reads %q, want it to name the f32 KV caches", mode, str)
		}
		s.KVCache = backend.BF16
		if str := s.Need(mode, 8).String(); !strings.Contains(str, "KV caches (bf16)") {
			t.Errorf("%s: bf16 plan reads %q, want it to name the bf16 KV caches", mode, str)
		}
	}
}
