package cli

import (
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

func newGenerateCmd(g *globals, o Options) *cobra.Command {
	var (
		model, prompt, system, dtype string
		n, maxNew, topK              int
		temp, topP                   float32
		seed                         uint64
		offline, raw                 bool
	)
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Sample answers from a Qwen2-family model with swarmdesk's own engine",
		Long: `Loads a Qwen2-family model (a folder, or a Hugging Face id that is downloaded into the
shared hub cache), wraps the prompt in the ChatML chat template and samples -n answers that share
the prompt's KV cache, the way a swarm round generates rollouts.`,
		Example: `  swarmdesk generate --model Qwen/Qwen2.5-0.5B-Instruct --prompt "What is 12*7?" -n 4 --max-new 128`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			if model == "" {
				model = e.Config.Model.Name
			}
			if strings.TrimSpace(prompt) == "" {
				return errors.New("--prompt is empty: give the question to answer")
			}
			var wdt qwen2.DType
			switch dtype {
			case "bf16":
				wdt = qwen2.BF16
			case "f32":
				wdt = qwen2.F32
			default:
				return fmt.Errorf("--dtype %q: allowed values are bf16, f32", dtype)
			}
			device.SetThreads(e.Config.Resources.Threads)
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			errw := cmd.ErrOrStderr()
			p := &progressLine{w: errw}
			m, tok, err := loadModel(ctx, o, e.Dirs.Cache, model, offline, true, wdt, p)
			if err != nil {
				return err
			}
			msgs := []tokenizer.Message{{Role: "user", Content: prompt}}
			if system != "" {
				msgs = append([]tokenizer.Message{{Role: "system", Content: system}}, msgs...)
			}
			text := prompt
			if !raw {
				text = tokenizer.ChatML(msgs, true)
			}
			ids := tok.Encode(text)
			if err := useDevice(errw, m, e.Config.Engine, train.Shape{Answers: n, SeqLen: len(ids) + maxNew}); err != nil {
				return err
			}
			var mu sync.Mutex
			generated := 0
			started := time.Now()
			outs, st, err := m.Generate(ids, qwen2.GenerateOptions{
				N: n, MaxNew: maxNew, Temperature: temp, TopP: topP, TopK: topK, Seed: seed,
				StopIDs: tok.EOSIDs(),
				OnToken: func(seq, t int) {
					mu.Lock()
					defer mu.Unlock()
					generated++
					if ctx.Err() == nil {
						p.set("generating: %d tokens (%d answers × up to %d), %.1f tok/s", generated, n, maxNew,
							float64(generated)/time.Since(started).Seconds())
					}
				},
			})
			p.done()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for i, c := range outs {
				toks := c.Tokens
				if c.Finish == "stop" && len(toks) > 0 {
					toks = toks[:len(toks)-1] // the stop token itself is not text
				}
				s, err := tok.Decode(toks)
				if err != nil {
					return err
				}
				if n > 1 {
					fmt.Fprintf(w, "--- answer %d (%d tokens, %s)\n", i+1, len(c.Tokens), c.Finish)
				}
				fmt.Fprintln(w, strings.TrimSpace(s))
			}
			fmt.Fprintf(errw, "prompt %d tokens at %.1f tok/s; generated %d tokens at %.1f tok/s\n",
				st.PromptTokens, st.PrefillTokPerS, st.GeneratedTokens, st.DecodeTokPerS)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "model folder or Hugging Face id org/name[@revision] (default: the model.name setting)")
	f.StringVar(&prompt, "prompt", "", "the question")
	f.StringVar(&system, "system", "", "system message (default: the model's)")
	f.IntVarP(&n, "n", "n", 1, "number of answers")
	f.IntVar(&maxNew, "max-new", 128, "most new tokens per answer")
	f.Float32Var(&temp, "temperature", 1.0, "sampling temperature (0 = greedy)")
	f.Float32Var(&topP, "top-p", 1.0, "nucleus sampling mass (1 = off)")
	f.IntVar(&topK, "top-k", 0, "sample from the k most likely tokens (0 = off)")
	f.Uint64Var(&seed, "seed", 1, "random seed; the same seed gives the same answers")
	f.StringVar(&dtype, "dtype", "bf16", "weight format in memory: bf16 (half the memory, faster) or f32")
	f.BoolVar(&offline, "offline", false, "use only the local Hugging Face cache")
	f.BoolVar(&raw, "raw", false, "send the prompt as it is, without the chat template")
	return cmd
}

// progressLine rewrites one status line on a terminal.
type progressLine struct {
	w    io.Writer
	last int
	mu   sync.Mutex
	at   time.Time
}

func (p *progressLine) set(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.at) < 100*time.Millisecond {
		return
	}
	p.at = time.Now()
	s := fmt.Sprintf(format, a...)
	pad := ""
	if d := p.last - len(s); d > 0 {
		pad = strings.Repeat(" ", d)
	}
	fmt.Fprintf(p.w, "\r%s%s", s, pad)
	p.last = len(s)
}

func (p *progressLine) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last > 0 {
		fmt.Fprintln(p.w)
		p.last = 0
	}
}

func bytesProgress(done, total int64) string {
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	if total <= 0 {
		return fmt.Sprintf("%.1f MB", mb(done))
	}
	return fmt.Sprintf("%.0f%% (%.1f/%.1f MB)", 100*float64(done)/float64(total), mb(done), mb(total))
}
