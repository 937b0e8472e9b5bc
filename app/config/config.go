// Package config is swarmdesk's one settings file (config.toml in the config folder). Every
// setting can also come from an environment variable or a command-line flag; the later source
// wins: defaults < file < environment < flags. Errors name the bad key and what it allows.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/swarmdesk/swarmdesk/platform"
)

// FileName is the settings file inside the config folder.
const FileName = "config.toml"

// Config is every setting. The TOML key of each field is `section.name`.
type Config struct {
	Network   Network   `toml:"network"`
	Model     Model     `toml:"model"`
	Resources Resources `toml:"resources"`
	Engine    Engine    `toml:"engine"`
	Training  Training  `toml:"training"`
	Metrics   Metrics   `toml:"metrics"`
	Secrets   Secrets   `toml:"secrets"`
	Log       Log       `toml:"log"`
	Desktop   Desktop   `toml:"desktop"`
	Debug     Debug     `toml:"debug"`
}

// Network picks the swarm to join.
type Network struct {
	Profile   string   `toml:"profile"` // local | custom | gensyn-testnet
	RPCURL    string   `toml:"rpc_url"`
	ChainID   int64    `toml:"chain_id"`
	Contract  string   `toml:"contract"`
	Bootnodes []string `toml:"bootnodes"`
	// RoundSeconds is how often the local chain's host starts a new round (0 = only by hand).
	RoundSeconds int `toml:"round_seconds"`
	// SignerURL replaces the profile's sign-in service (a test server or a
	// self-hosted proxy); empty means the profile's own.
	SignerURL string `toml:"signer_url"`
}

// Model is the policy model the node trains.
type Model struct {
	Name string `toml:"name"` // "demo" (built in), a hub id (org/name[@rev]) or a local folder
}

// Engine chooses where the model computes.
type Engine struct {
	// Device is auto, cpu, vulkan, vulkan:N, cuda, cuda:N or metal (engine/backend.ParseSpec).
	// auto takes the first usable of CUDA, Metal, Vulkan, then the CPU.
	Device string `toml:"device"`
	// KVCache is the element type of the model's KV caches: auto, f32 or bf16
	// (engine/backend.ParseKVSpec). auto keeps them in bf16 on a GPU backend
	// that offers it (half the memory of batch rollouts; attention still sums
	// in fp32), f32 elsewhere; see app/device.ChooseKVCache.
	KVCache string `toml:"kv_cache"`
}

// Resources bounds what the node may use of the machine.
type Resources struct {
	Threads       int `toml:"threads"`         // 0 = all cores
	MemoryLimitMB int `toml:"memory_limit_mb"` // 0 = decide from the machine's memory
	// ACPowerOnly pauses training while the computer runs on battery (where the OS says).
	ACPowerOnly bool `toml:"ac_power_only"`
	// IdleOnly pauses training while someone uses the computer: it trains only after
	// IdleMinutes without keyboard or mouse input (where the OS says).
	IdleOnly    bool `toml:"idle_only"`
	IdleMinutes int  `toml:"idle_minutes"`
}

// Training shapes what the node does every round (rl-swarm's defaults: 2 questions, 2 answers
// each, 2 adopted peer groups).
type Training struct {
	Questions    int    `toml:"questions"`      // questions the node answers per round
	Answers      int    `toml:"answers"`        // answers per question (the GRPO group)
	Adopt        int    `toml:"adopt"`          // peers' question groups trained on per round (SAPO)
	MaxNewTokens int    `toml:"max_new_tokens"` // longest answer, in tokens
	Tasks        string `toml:"tasks"`          // task mix, e.g. "arithmetic=2,dates=1"; "" = all equally
	Level        int    `toml:"level"`          // difficulty 1..5; 0 = mixed
	// GatherSeconds is how long a round waits for peers' answers (it ends sooner once every
	// connected peer has shared).
	GatherSeconds int `toml:"gather_seconds"`
	// SubmitMinutes batches the on-chain reward and vote: 0 submits every round; rl-swarm uses 180.
	SubmitMinutes int `toml:"submit_minutes"`
	// CheckpointMinutes is the training time (minutes spent in optimizer steps) between full
	// checkpoints of the weights and optimizer state; 0 checkpoints after every round. The node
	// also checkpoints when it pauses or stops.
	CheckpointMinutes int `toml:"checkpoint_minutes"`
	// CheckpointRounds is the setting CheckpointMinutes replaced; files written by older
	// versions still carry it, so it is read (and ignored) rather than refused.
	CheckpointRounds int `toml:"checkpoint_rounds,omitempty"`
	// Mode is what the node trains: auto (the full model when it fits the memory limit, LoRA
	// adapters when not), full or lora.
	Mode string `toml:"mode"`
	// LoRARank is the adapters' rank in lora mode and the highest rank auto tries (0 = the
	// largest that fits, up to 64).
	LoRARank int `toml:"lora_rank"`
}

// Metrics chooses where the node's numbers go besides the app and the log file.
type Metrics struct {
	// PrometheusAddr serves Prometheus text metrics on this loopback address ("" = off).
	PrometheusAddr string `toml:"prometheus_addr"`
}

// Secrets chooses where keys are kept.
type Secrets struct {
	Backend string `toml:"backend"` // auto | keyring | file
}

// Desktop holds the window's own preferences (the headless node ignores them).
type Desktop struct {
	Theme        string `toml:"theme"`          // system | light | dark
	StartAtLogin bool   `toml:"start_at_login"` // open the app (to the tray) when the user logs in
}

// Debug holds the fault tests' settings (app/soak): they slow the node down or cut it off on
// purpose, so leave them at zero in normal use.
type Debug struct {
	// PhasePauseMS sleeps this long at fixed points inside generation, the training step and
	// the submission, logging each point ("fault point"), so that a kill -9 at a random moment
	// really lands inside those phases and the test knows where. 0 = off.
	PhasePauseMS int `toml:"phase_pause_ms"`
	// CutOffRounds ("A-B") cuts the node off from every swarm peer, the bootnode included,
	// while the chain's round is between A and B: it refuses and drops every connection (the
	// chain stays reachable), and heals by itself from round B+1. "" = never.
	CutOffRounds string `toml:"cut_off_rounds"`
}

// CutOff parses Debug.CutOffRounds; ok is false when it is empty.
func (d Debug) CutOff() (from, to uint64, ok bool, err error) {
	v := strings.TrimSpace(d.CutOffRounds)
	if v == "" {
		return 0, 0, false, nil
	}
	a, b, found := strings.Cut(v, "-")
	if !found {
		return 0, 0, false, fmt.Errorf("debug.cut_off_rounds = %q: want FIRST-LAST, e.g. 4-6", v)
	}
	from, err1 := strconv.ParseUint(strings.TrimSpace(a), 10, 64)
	to, err2 := strconv.ParseUint(strings.TrimSpace(b), 10, 64)
	if err1 != nil || err2 != nil || to < from {
		return 0, 0, false, fmt.Errorf("debug.cut_off_rounds = %q: want FIRST-LAST with FIRST <= LAST, e.g. 4-6", v)
	}
	return from, to, true, nil
}

// Log sets how much the node says.
type Log struct {
	Level string `toml:"level"` // debug | info | warn | error
}

// Default is the configuration of a fresh install: a local swarm and the built-in demo model,
// which needs no download and shows learning within minutes; a real model is one setting (or
// one click in the window) away.
func Default() Config {
	return Config{
		Network: Network{Profile: "local", RoundSeconds: 300},
		Model:   Model{Name: "demo"},
		Training: Training{Mode: "auto", Questions: 2, Answers: 2, Adopt: 2, MaxNewTokens: 256, GatherSeconds: 30,
			CheckpointMinutes: 30},
		Resources: Resources{IdleMinutes: 5},
		Engine:    Engine{Device: "auto", KVCache: "auto"},
		Secrets:   Secrets{Backend: "auto"},
		Log:       Log{Level: "info"},
		Desktop:   Desktop{Theme: "system"},
	}
}

// Load reads path over the defaults. A missing file is not an error (first run).
func Load(path string) (Config, error) {
	c, _, err := LoadFile(path)
	return c, err
}

// LoadFile is Load that also returns the keys the file sets.
func LoadFile(path string) (Config, []string, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil, nil
	}
	if err != nil {
		return c, nil, fmt.Errorf("read config %s: %w", path, err)
	}
	keys, err := decode(b, &c)
	if err != nil {
		return c, nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return c, nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, keys, nil
}

func decode(b []byte, c *Config) ([]string, error) {
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("line %d: %s", perr.Position.Line, perr.Message)
		}
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("unknown setting %s (known settings: %s)", strings.Join(keys, ", "), strings.Join(Keys(), ", "))
	}
	var set []string
	for _, k := range md.Keys() {
		if _, ok := lookup(k.String()); ok {
			set = append(set, k.String())
		}
	}
	return set, nil
}

// Save writes c to path atomically, creating the folder.
func Save(path string, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("# swarmdesk settings. `swarmdesk config show` lists every key with its source.\n")
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	return platform.WriteFileAtomic(path, buf.Bytes(), 0o600)
}

// Keys lists every setting's key, sorted.
func Keys() []string {
	out := make([]string, 0, len(settings))
	for _, s := range settings {
		out = append(out, s.key)
	}
	sort.Strings(out)
	return out
}
