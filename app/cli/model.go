package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/engine/hub"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// loadModel resolves model (a folder or a Hugging Face id, downloaded into
// the shared hub cache) and loads its weights and, with withTokenizer, its
// tokenizer, showing progress on p. Every command that runs a model goes
// through here, and through models.Open as the desktop session does.
func loadModel(ctx context.Context, o Options, demoDir, model string, offline, withTokenizer bool, wdt qwen2.DType, p *progressLine) (*qwen2.Model, *tokenizer.Tokenizer, error) {
	defer p.done()
	opt := models.OpenOptions{Options: models.FromEnv(o.Getenv, demoDir, offline), NoTokenizer: !withTokenizer,
		Load: qwen2.LoadOptions{WeightDType: wdt}}
	opt.Progress = func(pr hub.Progress) {
		p.set("downloading %s (%d/%d) %s", pr.File, pr.FileIndex+1, pr.FileCount, bytesProgress(pr.Done, pr.Total))
	}
	var t0 time.Time
	opt.Prepare = func(dir string) (func(string, qwen2.LoadOptions) (*qwen2.Model, error), error) {
		p.set("loading %s", dir)
		t0 = time.Now()
		return nil, nil
	}
	l, err := models.Open(ctx, model, opt)
	if err != nil {
		return nil, nil, err
	}
	p.set("loaded in %.1fs", time.Since(t0).Seconds())
	return l.Model, l.Tokenizer, nil
}

// useDevice moves m to the engine.device the config (or --device) names,
// with the KV cache type engine.kv_cache gives there, telling the user on w
// which device runs the model or why it fell back to the CPU, and why the
// KV caches are not the type asked for when they are not.
func useDevice(w io.Writer, m *qwen2.Model, eng config.Engine, rollouts train.Shape) error {
	ch, err := device.Use(m, eng.Device, eng.KVCache, rollouts)
	if err != nil {
		return err
	}
	if ch.Fallback != "" {
		fmt.Fprintf(w, "note: %s\n", ch.Fallback)
	} else if ch.Device.Backend != "cpu" {
		fmt.Fprintf(w, "device: %s, %s\n", ch.Device, ch.KV.Short())
	}
	if ch.KV.Fallback != "" {
		fmt.Fprintf(w, "note: %s\n", ch.KV.Fallback)
	}
	return nil
}
