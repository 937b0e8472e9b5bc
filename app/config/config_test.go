package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadAndValidate(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		wantErr []string // substrings the error must contain; nil = no error
		check   func(t *testing.T, c Config)
	}{
		{name: "empty file gives defaults", file: "", check: func(t *testing.T, c Config) {
			if c.Network.Profile != "local" || c.Secrets.Backend != "auto" || c.Model.Name == "" {
				t.Fatalf("defaults: %+v", c)
			}
		}},
		{name: "custom network", file: "[network]\nprofile = \"custom\"\nrpc_url = \"http://127.0.0.1:8545\"\nchain_id = 1337\ncontract = \"0x00000000000000000000000000000000000000aa\"\n",
			check: func(t *testing.T, c Config) {
				if c.Network.ChainID != 1337 || c.Network.RPCURL != "http://127.0.0.1:8545" {
					t.Fatalf("%+v", c.Network)
				}
			}},
		{name: "bad profile names key and values", file: "[network]\nprofile = \"mainnet\"\n",
			wantErr: []string{"network.profile", "local, custom, gensyn-testnet"}},
		{name: "unknown key", file: "[network]\nprofil = \"local\"\n", wantErr: []string{"network.profil", "known settings"}},
		{name: "wrong type", file: "[resources]\nthreads = \"many\"\n", wantErr: []string{"threads"}},
		{name: "syntax error has a line", file: "[network\n", wantErr: []string{"line 2", "table name"}},
		{name: "negative threads", file: "[resources]\nthreads = -2\n", wantErr: []string{"resources.threads", "0 (all cores)"}},
		{name: "custom without rpc", file: "[network]\nprofile = \"custom\"\n", wantErr: []string{"network.rpc_url", "network.contract"}},
		{name: "bad contract", file: "[network]\ncontract = \"0x12\"\n", wantErr: []string{"network.contract", "20-byte"}},
		{name: "bad bootnode", file: "[network]\nbootnodes = [\"1.2.3.4:30011\"]\n", wantErr: []string{"network.bootnodes", "multiaddr"}},
		{name: "too short rounds", file: "[network]\nround_seconds = 3\n", wantErr: []string{"network.round_seconds", "10 seconds"}},
		{name: "bad backend", file: "[secrets]\nbackend = \"vault\"\n", wantErr: []string{"secrets.backend", "auto, keyring, file"}},
		{name: "training defaults follow rl-swarm", file: "", check: func(t *testing.T, c Config) {
			tr := c.Training
			if tr.Questions != 2 || tr.Answers != 2 || tr.Adopt != 2 || tr.MaxNewTokens != 256 || tr.CheckpointMinutes != 30 || tr.GatherSeconds <= 0 {
				t.Fatalf("training defaults: %+v", tr)
			}
			if c.Metrics.PrometheusAddr != "" || c.Resources.ACPowerOnly {
				t.Fatalf("metrics endpoint and power policy must be off by default: %+v %+v", c.Metrics, c.Resources)
			}
		}},
		{name: "training section", file: "[training]\nquestions = 3\nanswers = 4\nadopt = 0\ntasks = \"arithmetic=2,dates=1\"\nsubmit_minutes = 180\n[resources]\nac_power_only = true\n[metrics]\nprometheus_addr = \"127.0.0.1:9464\"\n",
			check: func(t *testing.T, c Config) {
				if c.Training.Questions != 3 || c.Training.Answers != 4 || c.Training.Adopt != 0 || c.Training.Tasks != "arithmetic=2,dates=1" ||
					c.Training.SubmitMinutes != 180 || !c.Resources.ACPowerOnly || c.Metrics.PrometheusAddr != "127.0.0.1:9464" {
					t.Fatalf("%+v %+v %+v", c.Training, c.Resources, c.Metrics)
				}
			}},
		{name: "one answer cannot be compared", file: "[training]\nanswers = 1\n", wantErr: []string{"training.answers", "2 to 64", "at least 2"}},
		{name: "zero questions", file: "[training]\nquestions = 0\n", wantErr: []string{"training.questions", "1 to 64"}},
		{name: "negative adopt", file: "[training]\nadopt = -1\n", wantErr: []string{"training.adopt", "0 to 64"}},
		{name: "unknown task in mix", file: "[training]\ntasks = \"poetry=1\"\n", wantErr: []string{"training.tasks", "poetry", "known"}},
		{name: "level too high", file: "[training]\nlevel = 9\n", wantErr: []string{"training.level", "0 to 5"}},
		{name: "a file of an older version with checkpoint_rounds still loads", file: "[training]\ncheckpoint_rounds = 1\n", check: func(t *testing.T, c Config) {
			if c.Training.CheckpointMinutes != 30 {
				t.Fatalf("checkpoint_minutes %d, want the default 30", c.Training.CheckpointMinutes)
			}
		}},
		{name: "negative checkpoint interval", file: "[training]\ncheckpoint_minutes = -1\n", wantErr: []string{"training.checkpoint_minutes"}},
		{name: "metrics on the network", file: "[metrics]\nprometheus_addr = \"0.0.0.0:9464\"\n", wantErr: []string{"metrics.prometheus_addr", "loopback"}},
		{name: "metrics without port", file: "[metrics]\nprometheus_addr = \"127.0.0.1\"\n", wantErr: []string{"metrics.prometheus_addr", "host:port"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(p, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Load(p)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, c)
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestMissingFileIsFirstRun(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if err != nil || c.Network.Profile != "local" {
		t.Fatal(c, err)
	}
}

func TestPrecedenceFileEnvFlag(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(p, []byte("[resources]\nthreads = 2\n[log]\nlevel = \"warn\"\n"), 0o600)
	c, keys, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, ",") != "resources.threads,log.level" {
		t.Fatalf("file keys = %v", keys)
	}
	env := map[string]string{"SWARMDESK_RESOURCES_THREADS": "3", "SWARMDESK_NETWORK_BOOTNODES": "/ip4/1.2.3.4/tcp/1/p2p/QmA, /ip4/5.6.7.8/tcp/2/p2p/QmB"}
	set, err := c.ApplyEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 2 || c.Resources.Threads != 3 || len(c.Network.Bootnodes) != 2 || c.Log.Level != "warn" {
		t.Fatalf("after env: set=%v %+v", set, c)
	}
	if err := c.Set("resources.threads", "4"); err != nil { // a flag, applied last
		t.Fatal(err)
	}
	if c.Resources.Threads != 4 {
		t.Fatal("flag did not win")
	}
	if _, err := c.ApplyEnv(func(k string) string {
		if k == "SWARMDESK_LOG_LEVEL" {
			return "loud"
		}
		return ""
	}); err == nil || !strings.Contains(err.Error(), "SWARMDESK_LOG_LEVEL") || !strings.Contains(err.Error(), "debug, info, warn, error") {
		t.Fatalf("bad env value: %v", err)
	}
	if err := c.Set("nope.key", "1"); err == nil || !strings.Contains(err.Error(), "known settings") {
		t.Fatalf("unknown key: %v", err)
	}
}

func TestSetExplainsBadValues(t *testing.T) {
	tests := []struct {
		key, value string
		want       []string // substrings of the error; nil = accepted
		check      func(c Config) bool
	}{
		{"resources.ac_power_only", "yes", nil, func(c Config) bool { return c.Resources.ACPowerOnly }},
		{"resources.ac_power_only", "OFF", nil, func(c Config) bool { return !c.Resources.ACPowerOnly }},
		{"resources.ac_power_only", "maybe", []string{"resources.ac_power_only", "want true or false"}, nil},
		{"training.questions", "three", []string{"training.questions", "not a whole number"}, nil},
		{"training.questions", " 3 ", nil, func(c Config) bool { return c.Training.Questions == 3 }},
		{"training.tasks", "dates=1", nil, func(c Config) bool { return c.Training.Tasks == "dates=1" }},
		{"training.tasks", "dates=-1", []string{"training.tasks", ">= 0"}, nil},
		{"metrics.prometheus_addr", "[::1]:9464", nil, func(c Config) bool { return c.Metrics.PrometheusAddr == "[::1]:9464" }},
		{"metrics.prometheus_addr", "192.168.1.2:9464", []string{"loopback"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			c := Default()
			err := c.Set(tt.key, tt.value)
			if tt.want == nil {
				if err != nil || !tt.check(c) {
					t.Fatalf("err %v, config %+v", err, c)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", FileName)
	c := Default()
	c.Network.Bootnodes = []string{"/ip4/127.0.0.1/tcp/4001/p2p/QmQ2gEXoPJg6iMBSUFWGzAabS2VhnzuS782Y637hGjfsRJ"}
	c.Resources.Threads = 2
	c.Resources.ACPowerOnly = true
	c.Training.Tasks = "arithmetic=1,sorting=2"
	c.Training.SubmitMinutes = 60
	c.Metrics.PrometheusAddr = "127.0.0.1:9464"
	if err := Save(p, c); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		a, _ := c.Get(k)
		b, _ := got.Get(k)
		if a != b {
			t.Errorf("%s: saved %q, loaded %q", k, a, b)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("[network]\nprofile = \"local\"\n"))
	f.Add([]byte("[resources]\nthreads = 99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := Default()
		if _, err := decode(b, &c); err == nil {
			_ = c.Validate()
		}
	})
}

func TestEngineDevice(t *testing.T) {
	if d := Default().Engine.Device; d != "auto" {
		t.Fatalf("default engine.device %q, want auto", d)
	}
	for _, tc := range []struct {
		in, want string // want "" = refused
	}{
		{"auto", "auto"}, {"cpu", "cpu"}, {"CPU", "cpu"}, {"vulkan", "vulkan"}, {"vulkan:0", "vulkan"},
		{"vulkan:1", "vulkan:1"}, {"cuda:2", "cuda:2"}, {"metal", "metal"},
		{"gpu", ""}, {"vulkan:-1", ""}, {"metal:1", ""}, {"", ""},
	} {
		c := Default()
		err := c.Set("engine.device", tc.in)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "vulkan:N") {
				t.Errorf("engine.device %q accepted (%v); want an error listing the choices", tc.in, err)
			}
			continue
		}
		if err != nil || c.Engine.Device != tc.want {
			t.Errorf("engine.device %q = %q, %v; want %q", tc.in, c.Engine.Device, err, tc.want)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("engine.device %q: %v", tc.in, err)
		}
	}
	c := Default()
	c.Engine.Device = "tpu" // as a hand-edited file could say
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "engine.device") {
		t.Fatalf("validate engine.device = tpu: %v", err)
	}
}

func TestEngineKVCache(t *testing.T) {
	if d := Default().Engine.KVCache; d != "auto" {
		t.Fatalf("default engine.kv_cache %q, want auto", d)
	}
	for _, tc := range []struct {
		in, want string // want "" = refused
	}{
		{"auto", "auto"}, {"f32", "f32"}, {"BF16", "bf16"}, {" bf16 ", "bf16"},
		{"f16", ""}, {"fp8", ""}, {"", ""},
	} {
		c := Default()
		err := c.Set("engine.kv_cache", tc.in)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "auto, f32 or bf16") || c.Engine.KVCache != "auto" {
				t.Errorf("engine.kv_cache %q accepted (%v, now %q); want an error listing the choices", tc.in, err, c.Engine.KVCache)
			}
			continue
		}
		if err != nil || c.Engine.KVCache != tc.want {
			t.Errorf("engine.kv_cache %q = %q, %v; want %q", tc.in, c.Engine.KVCache, err, tc.want)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("engine.kv_cache %q: %v", tc.in, err)
		}
	}
	c := Default()
	c.Engine.KVCache = "int4" // as a hand-edited file could say
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "engine.kv_cache") {
		t.Fatalf("validate engine.kv_cache = int4: %v", err)
	}
	// A config file that predates the key keeps the default.
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte("[engine]\ndevice = \"cpu\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || got.Engine.KVCache != "auto" {
		t.Fatalf("config without engine.kv_cache: %q, %v; want auto", got.Engine.KVCache, err)
	}
	// And one that sets it is read.
	if err := os.WriteFile(path, []byte("[engine]\nkv_cache = \"bf16\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err = Load(path); err != nil || got.Engine.KVCache != "bf16" {
		t.Fatalf("config with engine.kv_cache = bf16: %q, %v", got.Engine.KVCache, err)
	}
}
