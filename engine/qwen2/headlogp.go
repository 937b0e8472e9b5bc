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
// scored row's final-norm rstd and log-sum-exp on the tape. It ends the
// forward pass's batch scope: on a device the download of the log-probs is
// the pass's one submission.
func (t *Tape) headForward() ([][]float32, error) {
	b, cfg, be := t.b, t.m.Config, t.be
	H := cfg.HiddenSize
	flat := make([]float32, b.S)
	logp := hv(flat)
	if t.dev {
		logp = t.logp
	}
	hS := t.sc.hS
	be.GatherRows(hS, t.xL, b.scored, H)
	be.RMSNorm(hS, t.rstdF, hS, t.nv(t.m.Norm, t.m.norm), b.S, H, float32(cfg.RMSNormEps))
	be.LMHeadLogProbs(logp, t.lseF, hS, t.wv(&t.m.Head), b.targets, b.S, cfg.VocabSize, H)
	if t.dev {
		if err := be.Download(flat, logp); err != nil {
			be.Flush()
			return nil, err
		}
	}
	if err := be.Flush(); err != nil {
		return nil, err
	}
	out := make([][]float32, len(b.seqs))
	k := 0
	for i, s := range b.seqs {
		n := len(s.Tokens) - s.Start
		out[i] = flat[k : k+n : k+n]
		k += n
	}
	return out, nil
}

// headBackward adds the LM head's and final norm's parameter gradients
// (dHead, dNorm nil: frozen) and writes the gradient of each scored row's
// final residual into sc.dres, which must be zero (its other rows are left
// alone). dlp holds dL/dlogp per scored row.
func (t *Tape) headBackward(dlp, dHead, dNorm backend.View) {
	b, cfg, be, sc := t.b, t.m.Config, t.be, &t.sc
	H, S := cfg.HiddenSize, b.S
	hS, dhS := sc.hS, sc.dhS
	xS, dxS := sc.tmp.Slice(0, S*H), sc.xn.Slice(0, S*H)
	norm := t.nv(t.m.Norm, t.m.norm)
	be.GatherRows(xS, t.xL, b.scored, H)
	be.RMSNormScale(hS, xS, norm, t.rstdF, S, H)
	be.LMHeadBackward(dhS, dHead, hS, t.wv(&t.m.Head), t.lseF, dlp, b.targets, S, cfg.VocabSize, H)
	// Final RMSNorm backward, then each row's gradient into its residual row
	// (scored rows are distinct, so the scatter-add is a scatter).
	be.Zero(dxS)
	be.RMSNormBackward(dxS, dNorm, dhS, xS, norm, t.rstdF, S, H)
	be.EmbedBackward(sc.dres, dxS, b.scored, H)
}
