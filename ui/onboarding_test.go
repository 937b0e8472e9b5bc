package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

// The rl-swarm test identity and what rl-swarm itself calls it (app/identity/testdata).
const (
	onbPEMPath   = "../app/identity/testdata/swarm.pem"
	onbPEMPeerID = "QmWPWvvTJZnNCTZe6ftqVgr2BUNxqcBhBggd1bUbqQZG3y"
	onbPEMName   = "roaring placid wolf"
)

// onbJobs stands in for the async runner: work is queued, and the test decides when it runs,
// synchronously (run) or on its own goroutine (runInBackground) for a Start that blocks.
type onbJobs struct{ q []func() }

func (j *onbJobs) async(f func()) { j.q = append(j.q, f) }

// run runs every queued job, including ones queued meanwhile, on the test goroutine.
func (j *onbJobs) run() {
	for len(j.q) > 0 {
		f := j.q[0]
		j.q = j.q[1:]
		f()
	}
}

// runInBackground runs the next job on its own goroutine; the channel closes when it returns.
func (j *onbJobs) runInBackground(t *testing.T) <-chan struct{} {
	t.Helper()
	if len(j.q) == 0 {
		t.Fatal("no job queued")
	}
	f := j.q[0]
	j.q = j.q[1:]
	end := make(chan struct{})
	go func() { defer close(end); f() }()
	return end
}

type onbHarness struct {
	t     *testing.T
	b     *onbBackend
	o     *Onboarding
	win   *dropWindow
	jobs  *onbJobs
	dones int
}

// newOnbHarness shows the onboarding in an 800×500 test window, the smallest size it must work
// at. Jobs run synchronously unless the test calls jobs.runInBackground itself.
func newOnbHarness(t *testing.T, b *onbBackend) *onbHarness {
	t.Helper()
	test.NewTempApp(t)
	tw := test.NewTempWindow(t, nil)
	h := &onbHarness{t: t, b: b, win: &dropWindow{Window: tw}, jobs: &onbJobs{}}
	h.o = NewOnboarding(b, h.win, h.jobs.async, func() { h.dones++ })
	tw.SetContent(h.o.Object())
	tw.Resize(fyne.NewSize(800, 500))
	return h
}

// tap presses the visible button with this text and runs the work it queued.
func (h *onbHarness) tap(text string) {
	h.t.Helper()
	h.tapOnly(text)
	h.jobs.run()
}

func (h *onbHarness) tapOnly(text string) {
	h.t.Helper()
	b := onbFindButton(h.o.Object(), text)
	if b == nil {
		h.t.Fatalf("no visible button %q; the screen shows %q", text, Texts(h.o.Object()))
	}
	if b.Disabled() {
		h.t.Fatalf("button %q is disabled; the screen shows %q", text, Texts(h.o.Object()))
	}
	test.Tap(b)
}

func (h *onbHarness) shows(want string) bool {
	return slices.ContainsFunc(Texts(h.o.Object()), func(s string) bool { return strings.Contains(s, want) })
}

func (h *onbHarness) mustShow(want ...string) {
	h.t.Helper()
	for _, w := range want {
		if !h.shows(w) {
			h.t.Errorf("the screen lacks %q; it shows %q", w, Texts(h.o.Object()))
		}
	}
}

func (h *onbHarness) entry() *widget.Entry {
	h.t.Helper()
	var found *widget.Entry
	visitVisible(h.o.Object(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && found == nil {
			found = e
		}
	})
	if found == nil {
		h.t.Fatalf("no entry; the screen shows %q", Texts(h.o.Object()))
	}
	return found
}

func onbFindButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	visitVisible(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

func onbInvite(t *testing.T, bootnodes int) session.Invite {
	t.Helper()
	inv := session.Invite{RPCURL: "http://192.0.2.10:8545", ChainID: 1337, Contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
	for i := range bootnodes {
		inv.Bootnodes = append(inv.Bootnodes, "/ip4/192.0.2.10/tcp/"+string(rune('1'+i))+"8331/p2p/"+testID.PeerID.String())
	}
	if _, err := session.ParseInvite(inv.String()); err != nil {
		t.Fatalf("test invite is invalid: %v", err)
	}
	return inv
}

// Each first-run choice starts the node with exactly that choice, and only a valid invite
// lets a join start.
func TestOnboardPathsStartWithChoice(t *testing.T) {
	valid := onbInvite(t, 1)
	tests := []struct {
		name   string
		choose string
		invite string // pasted on the invite step (join only)
		want   []session.Choice
		shows  string
	}{
		{name: "host", choose: "Host a swarm on this computer", want: []session.Choice{{Mode: session.ModeHost}}, shows: "Starting your swarm"},
		{name: "local", choose: "Try it locally", want: []session.Choice{{Mode: session.ModeLocal}}, shows: "Starting swarmdesk on this computer"},
		{name: "join valid invite", choose: "Join a swarm", invite: valid.String(), want: []session.Choice{{Mode: session.ModeJoin, Invite: &valid}}, shows: "Joining the swarm"},
		{name: "join invite with line breaks", choose: "Join a swarm", invite: valid.String()[:30] + "\n" + valid.String()[30:] + "\n", want: []session.Choice{{Mode: session.ModeJoin, Invite: &valid}}, shows: "Joining the swarm"},
		{name: "join invalid invite", choose: "Join a swarm", invite: "swarmdesk-invite:not*base64", shows: "This invite cannot be used: the invite is damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newOnbHarness(t, newOnbBackend(t))
			h.mustShow("Welcome to swarmdesk")
			h.tap(tt.choose)
			h.mustShow("Your identity", testID.Name(), testID.PeerID.String())
			h.tap("Keep this identity")
			if tt.invite != "" {
				h.mustShow("Paste the invite")
				h.entry().SetText(tt.invite)
				if b := onbFindButton(h.o.Object(), "Join this swarm"); len(tt.want) > 0 {
					h.tap("Join this swarm")
				} else if !b.Disabled() {
					t.Fatal("Join this swarm is enabled for an invalid invite")
				}
			}
			h.mustShow(tt.shows)
			if got := h.b.startedWith(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Start calls = %+v, want %+v", got, tt.want)
			}
			if wantDone := min(len(tt.want), 1); h.dones != wantDone {
				t.Fatalf("done called %d times, want %d", h.dones, wantDone)
			}
		})
	}
}

// What the invite step says while a person pastes, and whether it lets them continue.
func TestOnboardInviteValidation(t *testing.T) {
	one, two := onbInvite(t, 1), onbInvite(t, 2)
	tests := []struct {
		name    string
		text    string
		enabled bool
		shows   string
	}{
		{"empty", "", false, "Paste the invite to see what it contains."},
		{"a bootnode address instead", one.Bootnodes[0], false, "this is not a swarmdesk invite"},
		{"cut off", one.String()[:40], false, "the invite is damaged"},
		{"valid", one.String(), true, "Valid invite: chain 1337 at http://192.0.2.10:8545, coordinator 0x5FbD…0aa3, 1 bootnode."},
		{"two bootnodes", "  " + two.String() + "\n", true, "2 bootnodes"},
	}
	h := newOnbHarness(t, newOnbBackend(t))
	h.tap("Join a swarm")
	h.tap("Keep this identity")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.t = t
			h.entry().SetText(tt.text)
			h.mustShow(tt.shows)
			if b := onbFindButton(h.o.Object(), "Join this swarm"); b.Disabled() == tt.enabled {
				t.Fatalf("Join this swarm enabled = %v, want %v", !b.Disabled(), tt.enabled)
			}
		})
	}
}

// Back returns to the previous step, and a pasted invite survives going back and forth.
func TestOnboardBack(t *testing.T) {
	inv := onbInvite(t, 1)
	h := newOnbHarness(t, newOnbBackend(t))
	h.tap("Join a swarm")
	h.tap("Back")
	h.mustShow("Welcome to swarmdesk")
	h.tap("Join a swarm")
	h.tap("Keep this identity")
	h.entry().SetText(inv.String())
	h.tap("Back")
	h.mustShow("Your identity")
	h.tap("Keep this identity")
	if got := h.entry().Text; got != inv.String() {
		t.Fatalf("invite after going back = %q, want what was pasted", got)
	}
	if onbFindButton(h.o.Object(), "Join this swarm").Disabled() {
		t.Fatal("Join this swarm is disabled for the kept invite")
	}
}

// Dropping files on the identity step: a swarm.pem is imported (its exact bytes reach the
// backend), anything else gets a message saying what to drop instead.
func TestOnboardImportByDrop(t *testing.T) {
	pem, err := os.ReadFile(onbPEMPath)
	if err != nil {
		t.Fatal(err)
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	big := filepath.Join(t.TempDir(), "huge.pem")
	if err := os.WriteFile(big, make([]byte, 70<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	textKey, err := os.ReadFile("testdata/onboarding/text-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		files    []string
		imported []byte // what ImportIdentity must receive; nil = not called
		shows    []string
	}{
		{"rl-swarm swarm.pem", []string{abs(onbPEMPath)}, pem, []string{onbPEMName, onbPEMPeerID, "Imported swarm.pem: this computer is now " + onbPEMName}},
		{"pem among other files", []string{abs("testdata/onboarding/notes.txt"), abs(onbPEMPath)}, pem, []string{onbPEMName}},
		{"text PEM key", []string{abs("testdata/onboarding/text-key.pem")}, textKey, []string{"This file is not an rl-swarm swarm.pem: this is a text PEM key", testID.Name()}},
		{"not a .pem", []string{abs("testdata/onboarding/notes.txt")}, nil, []string{"notes.txt is not a .pem file. Drop the swarm.pem"}},
		{"far too large", []string{big}, nil, []string{"This file is not an rl-swarm swarm.pem: huge.pem is larger than 64 KiB"}},
		{"missing file", []string{filepath.Join(t.TempDir(), "gone.pem")}, nil, []string{"Could not import gone.pem: could not open gone.pem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newOnbHarness(t, newOnbBackend(t))
			if h.win.drop(storage.NewFileURI(tt.files[0])) {
				t.Fatal("the welcome step accepts drops")
			}
			h.tap("Try it locally")
			var uris []fyne.URI
			for _, f := range tt.files {
				uris = append(uris, storage.NewFileURI(f))
			}
			if !h.win.drop(uris...) {
				t.Fatal("the identity step installed no drop handler")
			}
			h.jobs.run()
			h.mustShow(tt.shows...)
			got := h.b.importedBytes()
			switch {
			case tt.imported == nil && len(got) != 0:
				t.Fatalf("ImportIdentity was called with %d bytes", len(got[0]))
			case tt.imported != nil && (len(got) != 1 || !reflect.DeepEqual(got[0], tt.imported)):
				t.Fatalf("ImportIdentity got %d calls, want one with the file's %d bytes", len(got), len(tt.imported))
			}
			if onbFindButton(h.o.Object(), "Keep this identity").Disabled() {
				t.Fatal("Keep this identity stays disabled after the import ended")
			}
			h.tap("Keep this identity")
			if h.win.drop(uris...) {
				t.Fatal("the drop handler is still installed after leaving the identity step")
			}
		})
	}
}

// The file picker's answer: a file is imported, closing the picker changes nothing, and an
// error is shown.
func TestOnboardImportByPicker(t *testing.T) {
	h := newOnbHarness(t, newOnbBackend(t))
	h.tap("Host a swarm on this computer")

	h.o.picked(nil, nil) // closed without choosing
	h.jobs.run()
	if len(h.b.importedBytes()) != 0 || !h.shows(testID.Name()) {
		t.Fatalf("closing the picker changed something: %q", Texts(h.o.Object()))
	}

	h.o.picked(nil, errors.New("permission denied"))
	h.mustShow("Could not open that file: permission denied. Pick the swarm.pem")

	r, err := storage.Reader(storage.NewFileURI(onbPEMPath))
	if err != nil {
		t.Fatal(err)
	}
	h.o.picked(r, nil)
	h.jobs.run()
	h.mustShow(onbPEMName, onbPEMPeerID)
	if len(h.b.importedBytes()) != 1 {
		t.Fatalf("ImportIdentity calls = %d, want 1", len(h.b.importedBytes()))
	}
}

// A failure in the backend (not the file) is shown as it is.
func TestOnboardImportBackendError(t *testing.T) {
	b := newOnbBackend(t)
	b.importErr = errors.New("save identity to OS keychain: locked")
	h := newOnbHarness(t, b)
	h.tap("Try it locally")
	abs, _ := filepath.Abs(onbPEMPath)
	h.win.drop(storage.NewFileURI(abs))
	h.jobs.run()
	h.mustShow("Could not import swarm.pem: save identity to OS keychain: locked", testID.Name())
}

// A start that fails while registering shows that stage in red with the message, and Try again
// starts again with the same choice.
func TestOnboardStartFailureRetry(t *testing.T) {
	b := newOnbBackend(t)
	b.startProgress = []session.Progress{
		{Stage: session.StageIdentity}, {Stage: session.StageChain}, {Stage: session.StageRegister, Message: "Registering your peer…"},
	}
	b.startErr = errors.New("register the peer: the account has no ETH for gas: fund 0x9A74…BB90 and try again")
	h := newOnbHarness(t, b)
	h.tap("Host a swarm on this computer")
	h.tap("Keep this identity")

	h.mustShow("Register your peer on the chain: failed", "the account has no ETH for gas: fund 0x9A74…BB90 and try again", "Try again", "Back")
	if h.shows("Cancel") {
		t.Error("Cancel is shown after the start failed")
	}
	for i, want := range []onbStageState{onbDone, onbDone, onbFailed, onbPending, onbPending, onbPending, onbPending} {
		if got := h.o.stages[i].state(); got != want {
			t.Errorf("stage %s is %d, want %d", onbStages[i].stage, got, want)
		}
	}
	if l := h.o.stages[2].label; l.Importance != widget.DangerImportance {
		t.Errorf("the failed stage's importance is %v, want danger (red)", l.Importance)
	}
	if h.dones != 0 {
		t.Fatalf("done called after a failure")
	}

	b.mu.Lock()
	b.startErr = nil
	b.mu.Unlock()
	h.tap("Try again")
	want := []session.Choice{{Mode: session.ModeHost}, {Mode: session.ModeHost}}
	if got := b.startedWith(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Start calls = %+v, want %+v", got, want)
	}
	if h.dones != 1 {
		t.Fatalf("done called %d times, want 1", h.dones)
	}
	if h.shows("failed") {
		t.Fatalf("the failure is still shown after a successful retry: %q", Texts(h.o.Object()))
	}
	for i, r := range h.o.stages {
		if r.state() != onbDone {
			t.Errorf("stage %s not done after success", onbStages[i].stage)
		}
	}
}

// Back after a failure goes to the step before the start: the invite when joining.
func TestOnboardBackAfterFailure(t *testing.T) {
	inv := onbInvite(t, 1)
	b := newOnbBackend(t)
	b.startProgress = []session.Progress{{Stage: session.StageIdentity}, {Stage: session.StageChain}}
	b.startErr = errors.New("connect to the chain at http://192.0.2.10:8545: connection refused: is the host's swarm running?")
	h := newOnbHarness(t, b)
	h.tap("Join a swarm")
	h.tap("Keep this identity")
	h.entry().SetText(inv.String())
	h.tap("Join this swarm")
	h.mustShow("Connect to the chain: failed", "is the host's swarm running?")
	h.tap("Back")
	h.mustShow("Paste the invite", "Valid invite")
}

// Cancel cancels the start's context and returns to the welcome; what the cancelled start
// reports afterwards changes nothing.
func TestOnboardCancel(t *testing.T) {
	b := newOnbBackend(t)
	b.block = true
	b.startProgress = []session.Progress{{Stage: session.StageIdentity}, {Stage: session.StageChain, Message: "Starting the local chain…"}}
	h := newOnbHarness(t, b)
	h.tap("Try it locally")
	h.tapOnly("Keep this identity")
	end := h.jobs.runInBackground(t)
	var ctx context.Context
	select {
	case ctx = <-b.reported:
	case <-time.After(10 * time.Second):
		t.Fatal("Start was not called")
	}
	h.mustShow("Starting the local chain…", "Cancel")
	h.tapOnly("Cancel")
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("the start's context: %v, want cancelled", ctx.Err())
	}
	select {
	case <-end:
	case <-time.After(10 * time.Second):
		t.Fatal("Start did not return after Cancel")
	}
	h.mustShow("Welcome to swarmdesk")
	if h.shows("failed") || h.dones != 0 {
		t.Fatalf("after Cancel: done=%d, screen %q", h.dones, Texts(h.o.Object()))
	}
}

// The download stage shows bytes; other stages have no bar.
func TestOnboardProgressBar(t *testing.T) {
	tests := []struct {
		p       session.Progress
		visible bool
		text    string
	}{
		{session.Progress{Stage: session.StageDownload, Done: 312e6, Total: 988e6}, true, "312 MB of 988 MB"},
		{session.Progress{Stage: session.StageLoad, Done: 2e9, Total: 2.5e9}, true, "2.0 GB of 2.5 GB"},
		{session.Progress{Stage: session.StageDownload}, false, ""},
		{session.Progress{Stage: session.StageSwarm, Done: 1, Total: 3}, false, ""},
	}
	h := newOnbHarness(t, newOnbBackend(t))
	h.o.mode = session.ModeLocal
	h.o.showStart()
	h.jobs.q = nil // the start itself is not under test here
	for _, tt := range tests {
		h.o.progress(tt.p)
		if h.o.bar.Visible() != tt.visible {
			t.Errorf("%+v: bar visible = %v", tt.p, h.o.bar.Visible())
		}
		if tt.visible {
			if got := h.o.bar.TextFormatter(); got != tt.text {
				t.Errorf("%+v: bar says %q, want %q", tt.p, got, tt.text)
			}
		}
	}
}

func TestOnboardBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {999, "999 B"}, {1500, "2 KB"}, {312e6, "312 MB"}, {987_600_000, "988 MB"}, {1.25e9, "1.2 GB"},
	}
	for _, tt := range tests {
		if got := onbBytes(tt.n); got != tt.want {
			t.Errorf("onbBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// Golden images at the smallest supported window size, 800×500.
func TestOnboardWelcomeImage(t *testing.T) {
	h := newOnbHarness(t, newOnbBackend(t))
	test.AssertImageMatches(t, "onboarding_welcome.png", h.win.Canvas().Capture())
}

func TestOnboardStartImage(t *testing.T) {
	b := newOnbBackend(t)
	b.block = true
	b.startProgress = []session.Progress{
		{Stage: session.StageIdentity}, {Stage: session.StageChain}, {Stage: session.StageRegister}, {Stage: session.StageSwarm},
		{Stage: session.StageDownload, Message: "Downloading Gensyn/Qwen2.5-0.5B-Instruct from Hugging Face…", Done: 312e6, Total: 988e6},
	}
	h := newOnbHarness(t, b)
	h.tap("Try it locally")
	h.tapOnly("Keep this identity")
	end := h.jobs.runInBackground(t)
	select {
	case <-b.reported:
	case <-time.After(10 * time.Second):
		t.Fatal("Start was not called")
	}
	test.AssertImageMatches(t, "onboarding_start.png", h.win.Canvas().Capture())
	h.tapOnly("Cancel")
	<-end
}
