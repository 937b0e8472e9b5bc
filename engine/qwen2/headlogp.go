package qwen2

import (
	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// The fused LM head + log-softmax runs as the backend's chunked
// LMHeadLogProbs / LMHeadBackward over the scored rows only:
//
//	h    = rmsnorm(x_L)·w_norm       [S, H], the final norm's rstd kept
//	logp = log_softmax(h·W_headᵀ)[target]
//
// Only one log-sum-exp per row is kept; no [rows × vocab] matrix exists.

// headForward returns the log-probs of the batch's targets and keeps each
// scored row's final-norm rstd and log-sum-exp on the tape.
func (t *Tape) headForward() [][]float32 {
	b, cfg, be := t.b, t.m.Config, t.be
	H := cfg.HiddenSize
	flat := make([]float32, b.S)
	hS := hv(t.sc.hS)
	be.GatherRows(hS, hv(t.xL), b.scored, H)
	be.RMSNorm(hS, hv(t.rstdF), hS, hv(t.m.Norm), b.S, H, float32(cfg.RMSNormEps))
	be.LMHeadLogProbs(hv(flat), hv(t.lseF), hS, t.m.Head.host(), b.targets, b.S, cfg.VocabSize, H)
	out := make([][]float32, len(b.seqs))
	k := 0
	for i, s := range b.seqs {
		n := len(s.Tokens) - s.Start
		out[i] = flat[k : k+n : k+n]
		k += n
	}
	return out
}

// headBackward adds the LM head's and final norm's parameter gradients
// (dHead, dNorm nil: frozen) and writes the gradient of each scored row's
// final residual into sc.dres, which must be zero (its other rows are left
// alone). dlp holds dL/dlogp per scored row.
func (t *Tape) headBackward(dlp, dHead, dNorm []float32) {
	b, cfg, be, sc := t.b, t.m.Config, t.be, &t.sc
	H, S := cfg.HiddenSize, b.S
	hS, dhS := hv(sc.hS), hv(sc.dhS)
	xS, dxS := hv(sc.tmp[:S*H]), hv(sc.xn[:S*H])
	be.GatherRows(xS, hv(t.xL), b.scored, H)
	be.RMSNormScale(hS, xS, hv(t.m.Norm), hv(t.rstdF), S, H)
	var dh, dn backend.View
	if dHead != nil {
		dh = hv(dHead)
	}
	if dNorm != nil {
		dn = hv(dNorm)
	}
	be.LMHeadBackward(dhS, dh, hS, t.m.Head.host(), hv(t.lseF), hv(dlp), b.targets, S, cfg.VocabSize, H)
	// Final RMSNorm backward, then each row's gradient into its residual row
	// (scored rows are distinct, so the scatter-add is a scatter).
	be.Zero(dxS)
	be.RMSNormBackward(dxS, dn, dhS, xS, hv(t.m.Norm), hv(t.rstdF), S, H)
	be.EmbedBackward(hv(sc.dres), dxS, b.scored, H)
}
