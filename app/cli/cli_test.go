package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// run executes the CLI in a sandbox home with the given environment.
func run(t *testing.T, envm map[string]string, kr secrets.Keyring, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Execute(Options{
		Getenv:  func(k string) string { return envm[k] },
		Keyring: kr,
		Stdin:   strings.NewReader(stdin),
		Stdout:  &out,
		Stderr:  &errb,
	}, args)
	return out.String(), errb.String(), code
}

func sandbox(t *testing.T, extra ...string) map[string]string {
	m := map[string]string{"SWARMDESK_HOME": t.TempDir()}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"version", "--help"}, {"identity", "--help"}, {"identity", "show", "--help"},
		{"identity", "import", "--help"}, {"identity", "export", "--help"}, {"identity", "reset", "--help"},
		{"config", "--help"}, {"config", "show", "--help"},
	} {
		out, errs, code := run(t, sandbox(t), nil, "", args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: code %d, out %q, err %q", args, code, out, errs)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, sandbox(t), nil, "", "version")
	if code != 0 || !strings.HasPrefix(out, "swarmdesk ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func field(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// A user on a headless server: no keychain; the passphrase comes from the environment.
func TestIdentityLifecycleEncryptedFile(t *testing.T) {
	broken := secrets.BrokenKeyring{Err: os.ErrNotExist}
	e := sandbox(t, env.PassphraseEnv, "a good passphrase")
	pem := "../identity/testdata/swarm.pem"
	want, _ := os.ReadFile("../identity/testdata/swarm.pem.peerid")
	wantID, wantName, _ := strings.Cut(strings.TrimSpace(string(want)), "\n")

	out, errs, code := run(t, e, broken, "", "identity", "import", pem)
	if code != 0 || !strings.Contains(out, wantID) {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	out, _, code = run(t, e, broken, "", "identity", "show")
	if code != 0 || field(out, "Peer ID") != wantID || field(out, "Name") != wantName || !strings.Contains(field(out, "Keys in"), "encrypted file") {
		t.Fatalf("show: %d %q", code, out)
	}
	addr := field(out, "Account")

	exported := filepath.Join(t.TempDir(), "swarm.pem")
	if _, errs, code := run(t, e, broken, "", "identity", "export", exported); code != 0 {
		t.Fatalf("export: %q", errs)
	}
	a, _ := os.ReadFile(pem)
	b, _ := os.ReadFile(exported)
	if !bytes.Equal(a, b) {
		t.Fatal("export differs from the imported swarm.pem")
	}
	if _, errs, code := run(t, e, broken, "", "identity", "export", exported); code == 0 || !strings.Contains(errs, "--force") {
		t.Fatalf("export over existing file: %d %q", code, errs)
	}

	// Wrong passphrase: a clear error, nothing changes.
	bad := sandbox(t, "SWARMDESK_HOME", e["SWARMDESK_HOME"], env.PassphraseEnv, "not it")
	if _, errs, code := run(t, bad, broken, "", "identity", "show"); code == 0 || !strings.Contains(errs, "wrong passphrase") {
		t.Fatalf("wrong passphrase: %d %q", code, errs)
	}
	// No passphrase, no terminal: the public part is shown from the card the last unlock kept,
	// with how to unlock; anything that needs the keys says how to give the passphrase.
	none := map[string]string{"SWARMDESK_HOME": e["SWARMDESK_HOME"]}
	if out, errs, code := run(t, none, broken, "", "identity", "show"); code != 0 || field(out, "Peer ID") != wantID ||
		field(out, "Name") != wantName || field(out, "Account") != addr || !strings.Contains(out, "locked") || !strings.Contains(out, env.PassphraseEnv) {
		t.Fatalf("no passphrase, public part: %d %q %q", code, out, errs)
	}
	if _, errs, code := run(t, none, broken, "", "identity", "export", filepath.Join(t.TempDir(), "x.pem")); code == 0 || !strings.Contains(errs, env.PassphraseEnv) {
		t.Fatalf("no passphrase, export: %d %q", code, errs)
	}

	// Reset asks; a wrong answer keeps the identity.
	if _, errs, code := run(t, e, broken, "no\n", "identity", "reset"); code == 0 || !strings.Contains(errs, "not confirmed") {
		t.Fatalf("reset unconfirmed: %d %q", code, errs)
	}
	out, _, _ = run(t, e, broken, "", "identity", "show")
	if field(out, "Peer ID") != wantID {
		t.Fatal("unconfirmed reset changed the identity")
	}
	if out, errs, code := run(t, e, broken, wantName+"\n", "identity", "reset"); code != 0 || !strings.Contains(out, "Deleted") {
		t.Fatalf("reset confirmed: %d %q %q", code, out, errs)
	}
	// The reset removed the public card too: locked, nothing is shown as this node.
	if out, errs, code := run(t, none, broken, "", "identity", "show"); code == 0 || strings.Contains(out, wantID) || !strings.Contains(errs, env.PassphraseEnv) {
		t.Fatalf("no passphrase after reset: %d %q %q", code, out, errs)
	}
	out, _, _ = run(t, e, broken, "", "identity", "show")
	if field(out, "Peer ID") == wantID || field(out, "Account") == addr || !strings.Contains(out, "Created a new identity") {
		t.Fatalf("after reset a new identity is made: %q", out)
	}
}

func TestIdentityInKeychain(t *testing.T) {
	kr := secrets.NewMemKeyring()
	e := sandbox(t)
	out1, _, code := run(t, e, kr, "", "identity", "show")
	if code != 0 || !strings.Contains(field(out1, "Keys in"), "OS keychain") {
		t.Fatalf("show: %q", out1)
	}
	out2, _, _ := run(t, e, kr, "", "identity", "show")
	if field(out1, "Peer ID") != field(out2, "Peer ID") || !strings.HasPrefix(field(out1, "Peer ID"), "Qm") {
		t.Fatalf("identity not stable across runs: %q vs %q", out1, out2)
	}
	ents, _ := os.ReadDir(filepath.Join(e["SWARMDESK_HOME"], "data"))
	for _, en := range ents {
		if strings.Contains(en.Name(), "pem") || en.Name() == secrets.FileName {
			t.Fatalf("key material on disk with a keychain present: %s", en.Name())
		}
	}
}

func TestImportForeignFile(t *testing.T) {
	kr := secrets.NewMemKeyring()
	e := sandbox(t)
	out, _, _ := run(t, e, kr, "", "identity", "show")
	before := field(out, "Peer ID")
	p := filepath.Join(t.TempDir(), "id_rsa")
	os.WriteFile(p, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n"), 0o600)
	_, errs, code := run(t, e, kr, "", "identity", "import", "--replace", p)
	if code == 0 || !strings.Contains(errs, "text PEM") {
		t.Fatalf("foreign file: %d %q", code, errs)
	}
	out, _, _ = run(t, e, kr, "", "identity", "show")
	if field(out, "Peer ID") != before {
		t.Fatal("a refused import changed the identity")
	}
}

func TestConfigCommands(t *testing.T) {
	e := sandbox(t, "SWARMDESK_RESOURCES_THREADS", "3")
	if _, errs, code := run(t, e, nil, "", "config", "set", "log.level", "debug"); code != 0 {
		t.Fatalf("config set: %q", errs)
	}
	out, _, code := run(t, e, nil, "", "--set", "model.name=Qwen/Qwen2.5-1.5B-Instruct", "config", "show")
	if code != 0 {
		t.Fatal(out)
	}
	rows := map[string][]string{
		"log.level":         {`"debug"`, "file "},
		"resources.threads": {`"3"`, "env SWARMDESK_RESOURCES_THREADS"},
		"model.name":        {`"Qwen/Qwen2.5-1.5B-Instruct"`, "flag"},
		"network.profile":   {`"local"`, "file "}, // config set writes the whole file
	}
	for key, wants := range rows {
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, key+" ") {
				line = l
			}
		}
		for _, w := range wants {
			if !strings.Contains(line, w) {
				t.Errorf("config show row %s = %q, lacks %q", key, line, w)
			}
		}
	}
	if _, errs, code := run(t, e, nil, "", "config", "set", "network.profile", "moon"); code == 0 || !strings.Contains(errs, "local, custom, gensyn-testnet") {
		t.Fatalf("bad value: %d %q", code, errs)
	}
	if _, errs, code := run(t, e, nil, "", "--set", "bogus=1", "version"); code != 0 {
		t.Fatalf("version must not need a valid config: %q", errs)
	}
	if _, errs, code := run(t, e, nil, "", "--set", "bogus=1", "config", "show"); code == 0 || !strings.Contains(errs, "unknown setting") {
		t.Fatalf("unknown --set key: %d %q", code, errs)
	}
}

// cobra reads a back-quoted word in a flag's usage as the value's name: the --set help used to
// read "--set swarmdesk config show".
func TestSetFlagHelp(t *testing.T) {
	out, _, code := run(t, nil, nil, "", "--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "--set") {
			if strings.Contains(line, "--set swarmdesk") || !strings.Contains(line, "--set key=value") {
				t.Fatalf("--set help line: %q", line)
			}
			return
		}
	}
	t.Fatalf("no --set line in the help:\n%s", out)
}

func TestDemoStepLine(t *testing.T) {
	var learnt, flat train.DemoStep
	learnt.Step, learnt.MeanReward, learnt.AnswerLoss, learnt.GradNorm, learnt.Trained, learnt.TokPerS = 3, 0.5, 1.25, 0.8, 400, 1234
	flat.Step, flat.Loss = 4, 0
	tests := []struct {
		st      train.DemoStep
		want    string
		notWant string
	}{
		{learnt, "step   3/60  reward 0.500  answer-loss 1.250  grad-norm 0.800  1234 tok/s", "grpo-loss"},
		{flat, "nothing to learn (every answer scored the same)", "0 tok/s"},
	}
	for _, tt := range tests {
		got := demoStepLine(tt.st, 60)
		if !strings.Contains(got, tt.want) || strings.Contains(got, tt.notWant) {
			t.Errorf("demoStepLine = %q, want %q and no %q", got, tt.want, tt.notWant)
		}
	}
}
