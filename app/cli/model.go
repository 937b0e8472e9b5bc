package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/hub"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

// loadModel resolves model (a folder or a Hugging Face id, downloaded into
// the shared hub cache) and loads its weights and, with withTokenizer, its
// tokenizer, showing progress on p. Every command that runs a model goes
// through here.
func loadModel(ctx context.Context, o Options, demoDir, model string, offline, withTokenizer bool, wdt qwen2.DType, p *progressLine) (*qwen2.Model, *tokenizer.Tokenizer, error) {
	defer p.done()
	home, _ := os.UserHomeDir()
	dir, err := models.Resolve(ctx, model, models.Options{
		Offline:  offline || o.Getenv("HF_HUB_OFFLINE") == "1",
		CacheDir: platform.HFHubCacheFor(o.Getenv, home),
		DemoDir:  demoDir,
		Progress: func(pr hub.Progress) {
			p.set("downloading %s (%d/%d) %s", pr.File, pr.FileIndex+1, pr.FileCount, bytesProgress(pr.Done, pr.Total))
		}})
	if err != nil {
		return nil, nil, err
	}
	p.set("loading %s", dir)
	t0 := time.Now()
	var tok *tokenizer.Tokenizer
	if withTokenizer {
		if tok, err = tokenizer.Load(filepath.Join(dir, "tokenizer.json")); err != nil {
			return nil, nil, err
		}
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: wdt})
	if err != nil {
		return nil, nil, err
	}
	p.set("loaded in %.1fs", time.Since(t0).Seconds())
	return m, tok, nil
}

// useDevice moves m to the engine.device the config (or --device) names,
// telling the user on w which device runs the model or why it fell back to
// the CPU.
func useDevice(w io.Writer, m *qwen2.Model, setting string, rollouts train.Shape) error {
	ch, err := device.Use(m, setting, rollouts)
	if err != nil {
		return err
	}
	if ch.Fallback != "" {
		fmt.Fprintf(w, "note: %s\n", ch.Fallback)
	} else if ch.Device.Backend != "cpu" {
		fmt.Fprintf(w, "device: %s\n", ch.Device)
	}
	return nil
}

// applyThreads sets the engine's thread count from resources.threads.
func applyThreads(e *env.Env) {
	if e.Config.Resources.Threads > 0 {
		cpu.SetThreads(e.Config.Resources.Threads)
	}
}
