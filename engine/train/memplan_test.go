package train

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
