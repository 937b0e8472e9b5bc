package goalnet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Options tunes Train. Zero values pick the defaults.
type Options struct {
	Epochs int     // passes over the training frames; default 5
	Seed   uint64  // initialisation and shuffling
	LR     float64 // AdamW learning rate; default DefaultLR
	// MaxFrames caps the frames used per epoch and for each evaluation
	// (a random subset per epoch, an even spread for evaluation) so that
	// training time stays bounded as sessions pile up; default
	// DefaultMaxFrames.
	MaxFrames int
}

// Defaults for Options.
const (
	DefaultEpochs    = 5
	DefaultLR        = 3e-3
	DefaultMaxFrames = 800
	batchSize        = 8
	weightDecay      = 1e-4
	clipNorm         = 1.0
)

// Progress is reported after every optimizer step.
type Progress struct {
	Epoch, Epochs int     // 1-based epoch
	Step, Steps   int     // 1-based step within the epoch
	Loss          float64 // mean per-voxel cross-entropy of this step's batch
}

// Eval measures a net on held-out frames.
type Eval struct {
	Accuracy float64 // fraction of voxels whose most likely goal block is right
	// ToDo is the accuracy on the voxels still to change (goal ≠ current block): the ones an
	// assistant can help with. Accuracy is dominated by voxels that are already right (mostly
	// air), where "keep it" scores; the status-quo predictor scores 0 here.
	ToDo       float64
	ToDoVoxels int
	NLL        float64 // mean per-voxel negative log-likelihood of the goal block (nats)
	Frames     int
}

// Result reports a training run.
type Result struct {
	// Before is the previous model's evaluation, or — with no usable
	// previous model (Fresh) — the untrained net's, which is the
	// status-quo predictor "every voxel keeps its current block".
	Before, After Eval
	Sessions      int // sessions used (train and held out)
	Frames        int // training frames available
	Duration      time.Duration
	Path          string // the saved model
	Fresh         bool   // training started from an untrained net
	// Warnings lists sessions that were skipped and why, and a previous
	// model file that could not be read (it is replaced).
	Warnings []string
}

// Train learns the goal model from every finished session in dataDir
// (blockassist.Config.DataDir), evaluates it on held-out frames before
// and after, and saves it to dataDir/goalnet.bin. It continues from the
// saved model when there is one. Cancelling ctx stops training between
// steps and leaves the saved model untouched.
func Train(ctx context.Context, dataDir string, opts Options, progress func(Progress)) (Result, error) {
	start := time.Now()
	if opts.Epochs <= 0 {
		opts.Epochs = DefaultEpochs
	}
	if opts.LR <= 0 || math.IsNaN(opts.LR) || math.IsInf(opts.LR, 0) {
		opts.LR = DefaultLR
	}
	if opts.MaxFrames <= 0 {
		opts.MaxFrames = DefaultMaxFrames
	}
	ds, err := loadSessions(dataDir)
	if err != nil {
		return Result{}, fmt.Errorf("train goal model: %w", err)
	}
	res := Result{Sessions: ds.sessions, Frames: len(ds.train), Warnings: ds.skipped}
	net, err := Load(dataDir)
	if err != nil {
		if !errors.Is(err, ErrNoModel) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("previous model unusable, starting over: %v", err))
		}
		net, res.Fresh = New(opts.Seed), true
	}
	eval := spread(ds.eval, opts.MaxFrames)
	if res.Before, err = evaluate(ctx, net, eval); err != nil {
		return res, err
	}
	t := newTrainer(net, opts.LR)
	rng := rand.New(rand.NewPCG(opts.Seed, 0x747261696e)) // "train"
	order := make([]int, len(ds.train))
	for i := range order {
		order[i] = i
	}
	perEpoch := min(len(order), opts.MaxFrames)
	steps := (perEpoch + batchSize - 1) / batchSize
	for ep := 1; ep <= opts.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for s := 0; s < steps; s++ {
			if err := ctx.Err(); err != nil {
				return res, fmt.Errorf("train goal model: %w", err)
			}
			lo, hi := s*batchSize, min((s+1)*batchSize, perEpoch)
			batch := make([]*example, 0, hi-lo)
			for _, i := range order[lo:hi] {
				batch = append(batch, &ds.train[i])
			}
			loss, err := t.step(batch)
			if err != nil {
				return res, fmt.Errorf("train goal model: epoch %d step %d: %w", ep, s+1, err)
			}
			if progress != nil {
				progress(Progress{Epoch: ep, Epochs: opts.Epochs, Step: s + 1, Steps: steps, Loss: loss})
			}
		}
	}
	if res.After, err = evaluate(ctx, net, eval); err != nil {
		return res, err
	}
	if err := net.Save(dataDir); err != nil {
		return res, err
	}
	res.Path = filepath.Join(dataDir, FileName)
	res.Duration = time.Since(start)
	return res, nil
}

// spread picks at most max examples evenly across ex (deterministic, so
// Before and After see the same frames).
func spread(ex []example, limit int) []*example {
	out := make([]*example, 0, min(len(ex), limit))
	if len(ex) <= limit {
		for i := range ex {
			out = append(out, &ex[i])
		}
		return out
	}
	for i := 0; i < limit; i++ {
		out = append(out, &ex[i*len(ex)/limit])
	}
	return out
}

// workers is how many goroutines share a batch or an evaluation.
func workers(jobs int) int { return max(1, min(runtime.GOMAXPROCS(0), jobs)) }

// evaluate runs the net on every example; workers take examples in turn
// and their sums are added in worker order, so results do not depend on
// scheduling.
func evaluate(ctx context.Context, n *Net, ex []*example) (Eval, error) {
	w := workers(len(ex))
	loss, correct := make([]float64, w), make([]int, w)
	todo, todoRight := make([]int, w), make([]int, w)
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			ws := newWorkspace[float32](n.lay, worldDims)
			for i := k; i < len(ex); i += w {
				if ctx.Err() != nil {
					return
				}
				encode(ws.x, &ex[i].cur, &ex[i].touched)
				forward(n.lay, n.Params, ws)
				l, c := lossGrad(ws, ex[i].goal[:], 0)
				loss[k] += l
				correct[k] += c
				t, r := todoHits(ws.z, &ex[i].cur, ex[i].goal)
				todo[k] += t
				todoRight[k] += r
			}
		}(k)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Eval{}, fmt.Errorf("evaluate goal model: %w", err)
	}
	e := Eval{Frames: len(ex)}
	if len(ex) == 0 {
		return e, nil
	}
	var l float64
	var c, t, r int
	for k := range loss {
		l += loss[k]
		c += correct[k]
		t += todo[k]
		r += todoRight[k]
	}
	e.ToDoVoxels = t
	if t > 0 {
		e.ToDo = float64(r) / float64(t)
	}
	voxels := float64(len(ex) * world.NumVoxels)
	e.Accuracy, e.NLL = float64(c)/voxels, l/voxels
	return e, nil
}

// todoHits counts the voxels whose goal differs from the current block and, of those, the ones
// where the logits z (block-major, as the net's output) put the goal block first.
func todoHits(z []float32, cur, goal *world.Grid) (todo, right int) {
	n := world.NumVoxels
	for v := 0; v < n; v++ {
		if goal[v] == cur[v] {
			continue
		}
		todo++
		arg, m := 0, z[v]
		for b := 1; b < NumOutputs; b++ {
			if z[b*n+v] > m {
				arg, m = b, z[b*n+v]
			}
		}
		if world.Block(arg) == goal[v] {
			right++
		}
	}
	return todo, right
}

// trainer holds the optimizer state and per-worker scratch.
type trainer struct {
	net   *Net
	opt   *adamW
	ws    []*workspace[float32]
	grads [][]float32
	grad  []float32
}

func newTrainer(n *Net, lr float64) *trainer {
	t := &trainer{net: n, opt: newAdamW(len(n.Params), lr), grad: make([]float32, len(n.Params))}
	for k := 0; k < workers(batchSize); k++ {
		t.ws = append(t.ws, newWorkspace[float32](n.lay, worldDims))
		t.grads = append(t.grads, make([]float32, len(n.Params)))
	}
	return t
}

// step runs forward and backward on the batch (examples split across
// workers, each with its own gradient buffer), sums the gradients in
// worker order and applies one AdamW update. It returns the batch's mean
// per-voxel loss.
func (t *trainer) step(batch []*example) (float64, error) {
	w := min(len(t.ws), len(batch))
	scale := 1 / float64(len(batch)*world.NumVoxels)
	losses := make([]float64, w)
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			ws, g := t.ws[k], t.grads[k]
			clear(g)
			for i := k; i < len(batch); i += w {
				e := batch[i]
				encode(ws.x, &e.cur, &e.touched)
				forward(t.net.lay, t.net.Params, ws)
				l, _ := lossGrad(ws, e.goal[:], scale)
				losses[k] += l
				backward(t.net.lay, t.net.Params, g, ws)
			}
		}(k)
	}
	wg.Wait()
	copy(t.grad, t.grads[0])
	loss := losses[0]
	for k := 1; k < w; k++ {
		for i, v := range t.grads[k] {
			t.grad[i] += v
		}
		loss += losses[k]
	}
	if err := t.opt.update(t.net.Params, t.grad); err != nil {
		return 0, err
	}
	return loss * scale, nil
}

// adamW is torch.optim.AdamW (β = 0.9, 0.999, ε = 1e-8, decoupled weight
// decay) with global-norm gradient clipping, over one flat buffer. It is
// local rather than engine/train's Optimizer so BlockAssist does not pull
// in the language-model engine.
type adamW struct {
	lr, b1, b2, eps, wd float64
	step                int
	m, v                []float32
}

func newAdamW(n int, lr float64) *adamW {
	return &adamW{lr: lr, b1: 0.9, b2: 0.999, eps: 1e-8, wd: weightDecay, m: make([]float32, n), v: make([]float32, n)}
}

// update clips grad to clipNorm and applies one step; a non-finite
// gradient is refused before anything changes.
func (o *adamW) update(p, g []float32) error {
	ss := 0.0
	for _, x := range g {
		ss += float64(x) * float64(x)
	}
	norm := math.Sqrt(ss)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return fmt.Errorf("gradient norm %v: step skipped", norm)
	}
	clip := 1.0
	if norm > clipNorm {
		clip = clipNorm / norm
	}
	o.step++
	bc1 := 1 - math.Pow(o.b1, float64(o.step))
	bc2 := math.Sqrt(1 - math.Pow(o.b2, float64(o.step)))
	decay := float32(1 - o.lr*o.wd)
	b1, b2 := float32(o.b1), float32(o.b2)
	stepSize := float32(o.lr / bc1)
	for i := range p {
		gi := g[i] * float32(clip)
		o.m[i] = b1*o.m[i] + (1-b1)*gi
		o.v[i] = b2*o.v[i] + (1-b2)*gi*gi
		p[i] = p[i]*decay - stepSize*o.m[i]/(float32(math.Sqrt(float64(o.v[i]))/bc2)+float32(o.eps))
	}
	return nil
}
