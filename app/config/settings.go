package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// setting describes one key once, for the file, the environment, flags and validation alike.
type setting struct {
	key     string
	help    string
	allowed []string // closed set of values, if any
	get     func(*Config) string
	set     func(*Config, string) error
	// check validates the value the row holds (after set, and for a whole file in Validate);
	// nil when any value that parses is fine. key is the row's own key, for the message.
	check func(c *Config, key string) error
}

var (
	profiles  = []string{"local", "custom", "gensyn-testnet"}
	backends  = []string{"auto", "keyring", "file"}
	levels    = []string{"debug", "info", "warn", "error"}
	themes    = []string{"system", "light", "dark"}
	modes     = []string{"auto", "full", "lora"}
	addressRE = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
)

var settings = []setting{
	{key: "network.profile", help: "which swarm to join", allowed: profiles,
		get: func(c *Config) string { return c.Network.Profile },
		set: func(c *Config, v string) error { c.Network.Profile = v; return nil }},
	{key: "network.rpc_url", help: "JSON-RPC URL of the chain (custom profile)",
		get: func(c *Config) string { return c.Network.RPCURL },
		set: func(c *Config, v string) error { c.Network.RPCURL = v; return nil },
		check: func(c *Config, key string) error {
			v := c.Network.RPCURL
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
				return fmt.Errorf("%s = %q: want an http(s):// or ws(s):// URL", key, v)
			}
			return nil
		}},
	{key: "network.chain_id", help: "chain ID (custom profile)",
		get: func(c *Config) string { return strconv.FormatInt(c.Network.ChainID, 10) },
		set: func(c *Config, v string) (err error) { c.Network.ChainID, err = parseInt64(v); return },
		check: func(c *Config, key string) error {
			if c.Network.ChainID < 0 {
				return fmt.Errorf("%s = %d: must be positive (or 0 to ask the RPC)", key, c.Network.ChainID)
			}
			return nil
		}},
	{key: "network.contract", help: "coordinator contract address (custom profile)",
		get: func(c *Config) string { return c.Network.Contract },
		set: func(c *Config, v string) error { c.Network.Contract = v; return nil },
		check: func(c *Config, key string) error {
			if v := c.Network.Contract; v != "" && !addressRE.MatchString(v) {
				return fmt.Errorf("%s = %q: want a 0x-prefixed 20-byte hex address", key, v)
			}
			return nil
		}},
	{key: "network.bootnodes", help: "comma-separated multiaddrs of peers to join through",
		get: func(c *Config) string { return strings.Join(c.Network.Bootnodes, ",") },
		set: func(c *Config, v string) error { c.Network.Bootnodes = splitList(v); return nil },
		check: func(c *Config, key string) error {
			for _, b := range c.Network.Bootnodes {
				if !strings.HasPrefix(b, "/") || !strings.Contains(b, "/p2p/") {
					return fmt.Errorf("%s: %q is not a multiaddr with a peer ID (/ip4/…/tcp/…/p2p/Qm…)", key, b)
				}
			}
			return nil
		}},
	{key: "network.round_seconds", help: "round length of a swarm hosted on this computer, in seconds (0 = rounds advance only by hand)",
		get: func(c *Config) string { return strconv.Itoa(c.Network.RoundSeconds) },
		set: func(c *Config, v string) (err error) { c.Network.RoundSeconds, err = strconv.Atoi(v); return },
		check: func(c *Config, key string) error {
			if n := c.Network.RoundSeconds; n < 0 || (n > 0 && n < 10) {
				return fmt.Errorf("%s = %d: allowed values are 0 (by hand) or 10 seconds and more", key, n)
			}
			return nil
		}},
	{key: "network.signer_url", help: "sign-in service URL (empty = the network profile's own)",
		get: func(c *Config) string { return c.Network.SignerURL },
		set: func(c *Config, v string) error { c.Network.SignerURL = v; return nil }},
	{key: "model.name", help: "policy model: demo (built in, learns a small task in minutes, no download), a hub id org/name[@revision] such as Qwen/Qwen2.5-0.5B-Instruct, or a local model folder",
		get: func(c *Config) string { return c.Model.Name },
		set: func(c *Config, v string) error { c.Model.Name = v; return nil },
		check: func(c *Config, key string) error {
			if strings.TrimSpace(c.Model.Name) == "" {
				return fmt.Errorf("%s is empty: give demo, a hub id such as Qwen/Qwen2.5-0.5B-Instruct, or a folder", key)
			}
			return nil
		}},
	{key: "resources.threads", help: "CPU threads for the engine (0 = all cores)",
		get: func(c *Config) string { return strconv.Itoa(c.Resources.Threads) },
		set: func(c *Config, v string) (err error) { c.Resources.Threads, err = strconv.Atoi(v); return },
		check: func(c *Config, key string) error {
			if n := c.Resources.Threads; n < 0 || n > 1024 {
				return fmt.Errorf("%s = %d: allowed values are 0 (all cores) to 1024", key, n)
			}
			return nil
		}},
	{key: "engine.device", help: "where the model computes: auto, cpu, vulkan, vulkan:N, cuda, cuda:N or metal (auto: the first GPU found, else the CPU)",
		get: func(c *Config) string { return c.Engine.Device },
		set: func(c *Config, v string) error {
			spec, err := backend.ParseSpec(v)
			if err != nil {
				return valueError(err.Error())
			}
			c.Engine.Device = spec.String()
			return nil
		},
		check: func(c *Config, key string) error {
			if _, err := backend.ParseSpec(c.Engine.Device); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			return nil
		}},
	{key: "engine.kv_cache", help: "how the model keeps its KV caches: auto, f32 or bf16 (auto: bf16 on a GPU that offers it, which halves the memory of batch rollouts while attention still sums in fp32; f32 elsewhere)",
		get: func(c *Config) string { return c.Engine.KVCache },
		set: func(c *Config, v string) error {
			spec, err := backend.ParseKVSpec(v)
			if err != nil {
				return valueError(err.Error())
			}
			c.Engine.KVCache = spec.String()
			return nil
		},
		check: func(c *Config, key string) error {
			if _, err := backend.ParseKVSpec(c.Engine.KVCache); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			return nil
		}},
	{key: "resources.memory_limit_mb", help: "memory the node may use in MiB (0 = automatic)",
		get: func(c *Config) string { return strconv.Itoa(c.Resources.MemoryLimitMB) },
		set: func(c *Config, v string) (err error) { c.Resources.MemoryLimitMB, err = strconv.Atoi(v); return },
		check: func(c *Config, key string) error {
			if n := c.Resources.MemoryLimitMB; n < 0 {
				return fmt.Errorf("%s = %d: allowed values are 0 (automatic) or a positive number of MiB", key, n)
			}
			return nil
		}},
	{key: "resources.ac_power_only", help: "train only while the computer is on AC power (Linux, macOS, Windows; elsewhere always on)",
		get: func(c *Config) string { return strconv.FormatBool(c.Resources.ACPowerOnly) },
		set: func(c *Config, v string) (err error) { c.Resources.ACPowerOnly, err = parseBool(v); return }},
	{key: "resources.idle_only", help: "train only while nobody uses the computer (see resources.idle_minutes; where the OS reports input idle time)",
		get: func(c *Config) string { return strconv.FormatBool(c.Resources.IdleOnly) },
		set: func(c *Config, v string) (err error) { c.Resources.IdleOnly, err = parseBool(v); return }},
	intSetting("resources.idle_minutes", "minutes without keyboard or mouse input before an idle-only node trains",
		func(c *Config) *int { return &c.Resources.IdleMinutes }, 1, 240, ""),
	intSetting("training.questions", "questions the node answers per round",
		func(c *Config) *int { return &c.Training.Questions }, 1, 64, ""),
	intSetting("training.answers", "answers per question (the GRPO group, at least 2)",
		func(c *Config) *int { return &c.Training.Answers }, 2, 64, "GRPO compares the answers to one question, so it needs at least 2"),
	intSetting("training.adopt", "peers' question groups trained on per round besides the node's own (0 = none)",
		func(c *Config) *int { return &c.Training.Adopt }, 0, 64, ""),
	intSetting("training.max_new_tokens", "longest answer in tokens",
		func(c *Config) *int { return &c.Training.MaxNewTokens }, 1, 32768, ""),
	{key: "training.tasks", help: "task mix such as arithmetic=2,dates=1 (empty = every task equally; known: " + strings.Join(tasks.Names(), ", ") + ")",
		get: func(c *Config) string { return c.Training.Tasks },
		set: func(c *Config, v string) error { c.Training.Tasks = v; return nil },
		check: func(c *Config, key string) error {
			if v := c.Training.Tasks; strings.TrimSpace(v) != "" {
				if _, err := tasks.ParseMix(v); err != nil {
					return fmt.Errorf("%s = %q: %w", key, v, err)
				}
			}
			return nil
		}},
	intSetting("training.level", "question difficulty 1..5 (0 = mixed)",
		func(c *Config) *int { return &c.Training.Level }, 0, tasks.MaxLevel, "0 means mixed"),
	intSetting("training.gather_seconds", "how long a round waits for peers' answers, in seconds",
		func(c *Config) *int { return &c.Training.GatherSeconds }, 1, 3600, ""),
	intSetting("training.submit_minutes", "send the reward and vote to the chain every this many minutes (0 = every round; rl-swarm uses 180)",
		func(c *Config) *int { return &c.Training.SubmitMinutes }, 0, 7*24*60, "0 means every round"),
	intSetting("training.checkpoint_minutes", "minutes of training (optimizer steps) between full checkpoints of the model; a crash loses at most that much training, never a reward or vote (0 = after every round, the most disk writes)",
		func(c *Config) *int { return &c.Training.CheckpointMinutes }, 0, 7*24*60, "0 means after every round"),
	{key: "training.mode", help: "what the node trains: auto (the full model when it fits the memory limit, else LoRA adapters), full or lora", allowed: modes,
		get: func(c *Config) string { return c.Training.Mode },
		set: func(c *Config, v string) error { c.Training.Mode = v; return nil }},
	intSetting("training.lora_rank", "rank of the LoRA adapters (0 = the largest that fits, up to 64; in auto mode the highest rank tried)",
		func(c *Config) *int { return &c.Training.LoRARank }, 0, 1024, "0 means the largest that fits"),
	{key: "metrics.prometheus_addr", help: "serve Prometheus metrics on this address, e.g. 127.0.0.1:9464 (empty = off; loopback only)",
		get: func(c *Config) string { return c.Metrics.PrometheusAddr },
		set: func(c *Config, v string) error { c.Metrics.PrometheusAddr = strings.TrimSpace(v); return nil },
		check: func(c *Config, key string) error {
			if v := c.Metrics.PrometheusAddr; v != "" {
				if err := loopbackAddr(v); err != nil {
					return fmt.Errorf("%s = %q: %w", key, v, err)
				}
			}
			return nil
		}},
	intSetting("debug.phase_pause_ms", "fault tests only: pause this many milliseconds at points inside generation, training and submission, logging each (0 = off)",
		func(c *Config) *int { return &c.Debug.PhasePauseMS }, 0, 60_000, "0 means off"),
	{key: "debug.cut_off_rounds", help: "fault tests only: cut the node off from its swarm peers during chain rounds FIRST-LAST, e.g. 4-6 (empty = never)",
		get:   func(c *Config) string { return c.Debug.CutOffRounds },
		set:   func(c *Config, v string) error { c.Debug.CutOffRounds = strings.TrimSpace(v); return nil },
		check: func(c *Config, _ string) error { _, _, _, err := c.Debug.CutOff(); return err }},
	{key: "secrets.backend", help: "where keys are kept", allowed: backends,
		get: func(c *Config) string { return c.Secrets.Backend },
		set: func(c *Config, v string) error { c.Secrets.Backend = v; return nil }},
	{key: "desktop.theme", help: "the window's colours", allowed: themes,
		get: func(c *Config) string { return c.Desktop.Theme },
		set: func(c *Config, v string) error { c.Desktop.Theme = v; return nil }},
	{key: "desktop.start_at_login", help: "open swarmdesk in the background when you log in",
		get: func(c *Config) string { return strconv.FormatBool(c.Desktop.StartAtLogin) },
		set: func(c *Config, v string) (err error) { c.Desktop.StartAtLogin, err = parseBool(v); return }},
	{key: "log.level", help: "how much the node logs", allowed: levels,
		get: func(c *Config) string { return c.Log.Level },
		set: func(c *Config, v string) error { c.Log.Level = v; return nil }},
}

func parseInt64(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) }

// intSetting is a whole-number setting stored in the field ptr returns, allowed from lo to hi;
// note explains the bounds when they are not obvious.
func intSetting(key, help string, ptr func(*Config) *int, lo, hi int, note string) setting {
	return setting{key: key, help: help,
		get:   func(c *Config) string { return strconv.Itoa(*ptr(c)) },
		set:   func(c *Config, v string) (err error) { *ptr(c), err = strconv.Atoi(strings.TrimSpace(v)); return },
		check: func(c *Config, key string) error { return intRange(key, *ptr(c), lo, hi, note) }}
}

// valueError is a setter's own explanation of a bad value (Set reports other setter errors as
// "not a whole number").
type valueError string

func (e valueError) Error() string { return string(e) }

// parseBool accepts the spellings a person types in an environment variable or a flag.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, valueError("want true or false")
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func lookup(key string) (setting, bool) {
	for _, s := range settings {
		if s.key == key {
			return s, true
		}
	}
	return setting{}, false
}

// Set changes one setting from its text form, as a flag or environment variable gives it.
func (c *Config) Set(key, value string) error {
	s, ok := lookup(key)
	if !ok {
		return fmt.Errorf("unknown setting %q (known settings: %s)", key, strings.Join(Keys(), ", "))
	}
	if err := s.set(c, value); err != nil {
		var ve valueError
		if errors.As(err, &ve) {
			return fmt.Errorf("%s = %q: %s", key, value, ve)
		}
		return fmt.Errorf("%s = %q: not a whole number", key, value)
	}
	return c.validateKey(s)
}

// Get returns one setting in text form.
func (c *Config) Get(key string) (string, error) {
	s, ok := lookup(key)
	if !ok {
		return "", fmt.Errorf("unknown setting %q (known settings: %s)", key, strings.Join(Keys(), ", "))
	}
	return s.get(c), nil
}

// Help returns a one-line description of key, with its allowed values.
func Help(key string) string {
	s, ok := lookup(key)
	if !ok {
		return ""
	}
	if len(s.allowed) > 0 {
		return s.help + " (" + strings.Join(s.allowed, " | ") + ")"
	}
	return s.help
}

// EnvName is the environment variable that overrides key: network.rpc_url → SWARMDESK_NETWORK_RPC_URL.
func EnvName(key string) string {
	return "SWARMDESK_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// ApplyEnv overrides settings from the environment and returns the keys it set.
func (c *Config) ApplyEnv(getenv func(string) string) ([]string, error) {
	var set []string
	for _, s := range settings {
		v := getenv(EnvName(s.key))
		if v == "" {
			continue
		}
		if err := c.Set(s.key, v); err != nil {
			return set, fmt.Errorf("environment %s: %w", EnvName(s.key), err)
		}
		set = append(set, s.key)
	}
	return set, nil
}

// Validate checks every setting and the rules between them.
func (c *Config) Validate() error {
	for _, s := range settings {
		if err := c.validateKey(s); err != nil {
			return err
		}
	}
	if c.Network.Profile == "custom" {
		if c.Network.RPCURL == "" || c.Network.Contract == "" {
			return fmt.Errorf("network.profile = \"custom\" needs network.rpc_url and network.contract")
		}
	}
	return nil
}

func (c *Config) validateKey(s setting) error {
	v := s.get(c)
	if len(s.allowed) > 0 && !slices.Contains(s.allowed, v) {
		return fmt.Errorf("%s = %q: allowed values are %s", s.key, v, strings.Join(s.allowed, ", "))
	}
	if s.check != nil {
		return s.check(c, s.key)
	}
	return nil
}

// intRange checks lo <= v <= hi; note explains the bounds when they are not obvious.
func intRange(key string, v, lo, hi int, note string) error {
	if v >= lo && v <= hi {
		return nil
	}
	if note != "" {
		note = " (" + note + ")"
	}
	return fmt.Errorf("%s = %d: allowed values are %d to %d%s", key, v, lo, hi, note)
}

// loopbackAddr accepts host:port on this computer only: the metrics say what the node does and
// are not meant for the network.
func loopbackAddr(v string) error {
	h, p, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("want host:port such as 127.0.0.1:9464")
	}
	if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("bad port %q", p)
	}
	if ip := net.ParseIP(h); h != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("only loopback addresses (127.0.0.1, ::1, localhost) are allowed")
	}
	return nil
}
