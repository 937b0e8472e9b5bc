package qwen2

// TrainFLOPs is the model FLOPs of one TrainForward + Backward over seqs:
// the figure GFLOP/s reports divide, as llm.c and MFU figures count them
// (recomputation inside backward is not counted).
//
//	forward   = 2·N·P_block·layers + 2·S·V·H + attention
//	attention = layers · 4·heads·hd · Σ_rows (pos+1)   (QKᵀ and PV, causal)
//	step      = 3 × forward (backward ≈ 2 × forward)
//
// N is the rows fed (every token but the last of each sequence), S the
// rows scored, P_block the matmul weights of one block.
func (c Config) TrainFLOPs(seqs []Sequence) float64 {
	H, Q, KV, F := c.HiddenSize, c.QDim(), c.KVDim(), c.IntermediateSize
	pBlock := float64(H*(Q+2*KV) + Q*H + 2*F*H + F*H)
	var N, S, attn float64
	for _, s := range seqs {
		T := len(s.Tokens) - 1
		if T <= 0 {
			continue
		}
		N += float64(T)
		S += float64(len(s.Tokens) - s.Start)
		attn += float64(T*(T+1)/2) * 4 * float64(c.NumAttentionHeads*c.HeadDim) * float64(c.NumHiddenLayers)
	}
	fwd := 2*N*pBlock*float64(c.NumHiddenLayers) + 2*S*float64(c.VocabSize*H) + attn
	return 3 * fwd
}
