package qwen2_test

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

func TestTrainFLOPs(t *testing.T) {
	c := qwen2.Config{HiddenSize: 4, IntermediateSize: 8, NumHiddenLayers: 1, NumAttentionHeads: 2,
		NumKeyValueHeads: 1, HeadDim: 2, VocabSize: 10}
	// One sequence of 3 tokens scored from 1: 2 rows fed, 2 scored.
	// P_block = 4·(4+2·2) + 4·4 + 2·8·4 + 8·4 = 144; attention = 3 causal
	// pairs · 4 · 4 (heads·hd) = 48; forward = 2·2·144 + 2·2·10·4 + 48 = 784.
	seqs := []qwen2.Sequence{{Tokens: []int{1, 2, 3}, Start: 1}}
	if got := c.TrainFLOPs(seqs); got != 3*784 {
		t.Fatalf("TrainFLOPs = %v, want %v", got, 3*784)
	}
	// Two sequences add up; an empty batch is zero.
	if got := c.TrainFLOPs(append(seqs, seqs...)); got != 2*3*784 {
		t.Fatalf("two sequences: %v", got)
	}
	if c.TrainFLOPs(nil) != 0 {
		t.Fatal("no sequences, some FLOPs")
	}
}
