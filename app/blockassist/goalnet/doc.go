// Package goalnet is BlockAssist's learned goal model: a small 3D
// convolutional network that reads the current world and which voxels the
// human touched and outputs, per voxel, a distribution over the goal block —
// the goal head of AssistanceZero's network, cut down to three layers so it
// trains in seconds on a laptop CPU from the player's own recorded sessions.
//
// Architecture (all convolutions 3×3×3, stride 1, zero padding 1, over the
// 11×10×10 world in MBAG flat order):
//
//	x   = [one-hot current block (10) | touched by a human | touched by another player]   12 ch
//	h1  = ReLU(conv(x;  W1, b1))                                                          C1 ch
//	h2  = ReLU(conv(h1; W2, b2))                                                          C2 ch
//	z_b = conv(h2; W3, b3)_b + s_b · x_b       (b = block; s is a per-block skip gain)    10 ch
//	p   = softmax_b(z)  per voxel             → assist.Marginals
//
// W3 and b3 start at zero and s at SkipInit, so an untrained net predicts
// "every voxel keeps its current block": the status-quo baseline that any
// learned improvement is measured against. Loss is the per-voxel softmax
// cross-entropy against the recorded goal, averaged over voxels and frames.
//
// All parameters live in one flat []float32 (Net.Params) with named views;
// forward and backward are written per layer and are generic over float32
// and float64 so tests check the float32 gradients against float64 central
// differences of the very same code.
package goalnet
