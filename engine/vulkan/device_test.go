package vulkan

import (
	"errors"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

var (
	testDevOnce sync.Once
	testDev     *Device
	testDevErr  error
)

// device opens one Vulkan device shared by the package's tests: a GPU when
// there is one, else a software device (lavapipe in CI). Without any it
// skips the test with the reason. SWARMDESK_VULKAN_REQUIRE_GPU=1 (set by
// scripts/gpu-check.sh) insists on a hardware device and fails instead.
func device(t testing.TB) *Device {
	t.Helper()
	requireGPU := os.Getenv("SWARMDESK_VULKAN_REQUIRE_GPU") == "1"
	testDevOnce.Do(func() { testDev, testDevErr = Open(Options{Index: -1, AllowCPU: !requireGPU}) })
	if testDevErr != nil && requireGPU {
		t.Fatalf("SWARMDESK_VULKAN_REQUIRE_GPU=1 but no GPU is usable: %v", testDevErr)
	}
	if testDevErr != nil {
		var e *Error
		if errors.As(testDevErr, &e) && (e.Kind == ErrNoLoader || e.Kind == ErrNoDevice) {
			t.Skipf("no Vulkan here (%v); CI installs libvulkan1 and mesa-vulkan-drivers (lavapipe) to run this", testDevErr)
		}
		t.Fatalf("open Vulkan device: %v", testDevErr)
	}
	return testDev
}

func TestProbe(t *testing.T) {
	if d := device(t); d != nil {
		t.Logf("tests run on vulkan:%d %q (%s)", d.Info.Index, d.Info.Name, d.Info.Type)
	}
	res := Probe()
	if res.Err != nil {
		var e *Error
		if !errors.As(res.Err, &e) {
			t.Fatalf("Probe error is not *Error: %v", res.Err)
		}
		if e.Message() == "" {
			t.Fatal("no user message")
		}
		t.Skipf("no Vulkan here: %v", res.Err)
	}
	for _, d := range res.Devices {
		t.Logf("vulkan:%d %q %s API %s, %d MiB device-local, shared mem %d, invocations %d",
			d.Index, d.Name, d.Type, d.APIVersion, d.DeviceLocalBytes>>20, d.MaxSharedMemory, d.MaxInvocations)
		if d.Name == "" || d.APIVersion == "0.0.0" {
			t.Errorf("device %d: empty name or version: %+v", d.Index, d)
		}
		// Values every Vulkan 1.1 device guarantees; wrong struct offsets
		// would read garbage here.
		if d.HasCompute && (d.MaxSharedMemory < 16384 || d.MaxInvocations < 128 || d.MaxPushConstants < 128) {
			t.Errorf("device %d: limits below the Vulkan minimum (layout bug?): %+v", d.Index, d)
		}
		if len(d.Heaps) == 0 {
			t.Errorf("device %d: no memory heaps", d.Index)
		}
	}
}

// TestBindingTable: every entry point the package calls resolves on the
// opened device (Open fails otherwise; this names them).
func TestBindingTable(t *testing.T) {
	d := device(t)
	for i, e := range entries {
		if d.tab[i] == 0 {
			// vkEnumerateInstanceVersion is 1.1-only at the loader level;
			// optional entries (cooperative-matrix queries) may be absent;
			// everything else is required.
			if fn(i) == fnEnumerateInstanceVersion || optional[i] {
				t.Logf("%s: not offered here (optional)", e.name)
				continue
			}
			t.Errorf("%s did not resolve", e.name)
		}
	}
}

// TestEveryKernelBuilds creates every embedded pipeline, so a shader the
// driver rejects fails here by name.
func TestEveryKernelBuilds(t *testing.T) {
	d := device(t)
	names := Kernels()
	sort.Strings(names)
	for _, n := range names {
		d.mu.Lock()
		_, err := d.pipelineFor(kernelKey{name: n})
		d.mu.Unlock()
		if err != nil {
			t.Errorf("kernel %s: %v", n, err)
		}
	}
}

func TestChooseDevice(t *testing.T) {
	cpu := DeviceInfo{Name: "llvmpipe", Type: TypeCPU, HasCompute: true}
	igpu := DeviceInfo{Name: "igpu", Type: TypeIntegrated, HasCompute: true}
	dgpu := DeviceInfo{Name: "dgpu", Type: TypeDiscrete, HasCompute: true, DeviceLocalBytes: 8 << 30}
	big := DeviceInfo{Name: "big", Type: TypeDiscrete, HasCompute: true, DeviceLocalBytes: 80 << 30}
	for _, tc := range []struct {
		name  string
		infos []DeviceInfo
		o     Options
		want  int
		err   ErrKind
	}{
		{"discrete first", []DeviceInfo{cpu, igpu, dgpu}, Options{Index: -1}, 2, 0},
		{"larger discrete", []DeviceInfo{dgpu, big}, Options{Index: -1}, 1, 0},
		{"integrated over cpu", []DeviceInfo{cpu, igpu}, Options{Index: -1, AllowCPU: true}, 1, 0},
		{"cpu only when asked", []DeviceInfo{cpu}, Options{Index: -1}, -1, ErrNoDevice},
		{"cpu allowed", []DeviceInfo{cpu}, Options{Index: -1, AllowCPU: true}, 0, 0},
		{"explicit index", []DeviceInfo{dgpu, cpu}, Options{Index: 1}, 1, 0},
		{"index out of range", []DeviceInfo{dgpu}, Options{Index: 3}, -1, ErrNoDevice},
		{"none", nil, Options{Index: -1}, -1, ErrNoDevice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := choose(tc.infos, tc.o)
			if tc.err != 0 {
				if !errors.Is(err, &Error{Kind: tc.err}) {
					t.Fatalf("got %d, %v; want error kind %d", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestBufferRoundTripAndErrors(t *testing.T) {
	d := device(t)
	src := []float32{1, -2, 3.5, 1e-30, 7}
	b, err := d.AllocF32(len(src), src)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free()
	got := make([]float32, len(src))
	if err := DownloadF32(d, b, 0, got); err != nil {
		t.Fatal(err)
	}
	for i := range src {
		if got[i] != src[i] {
			t.Fatalf("round trip: got %v want %v", got, src)
		}
	}
	if err := DownloadF32(d, b, 3, got); !errors.Is(err, &Error{Kind: ErrBadArgument}) {
		t.Fatalf("out-of-range download: %v", err)
	}
	inUse, peak := d.MemoryInUse()
	if inUse == 0 || peak < inUse {
		t.Fatalf("memory accounting: in use %d peak %d", inUse, peak)
	}
	b.Free()
	if err := DownloadF32(d, b, 0, got[:1]); !errors.Is(err, &Error{Kind: ErrBadArgument}) {
		t.Fatalf("download from freed buffer: %v", err)
	}
	// A huge allocation fails with a typed out-of-memory error, never a crash.
	if _, err := d.Alloc(1 << 50); err == nil {
		t.Fatal("allocating 1 PiB succeeded")
	} else {
		var e *Error
		if !errors.As(err, &e) || (e.Kind != ErrOutOfMemory && e.Kind != ErrInit) {
			t.Fatalf("1 PiB allocation: %v", err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	for k := ErrNoLoader; k <= ErrClosed; k++ {
		e := &Error{Kind: k, Op: "x", Result: vkErrDeviceLost}
		if e.Message() == "Vulkan failed." || e.Error() == "" {
			t.Errorf("kind %d has no message", k)
		}
	}
	if err := check(vkErrOutOfDeviceMemory, "op", ErrInit); !errors.Is(err, &Error{Kind: ErrOutOfMemory}) {
		t.Errorf("OOM result maps to %v", err)
	}
	if err := check(vkErrDeviceLost, "op", ErrInit); !errors.Is(err, &Error{Kind: ErrDeviceLost}) {
		t.Errorf("device lost maps to %v", err)
	}
}

// TestLongBatch records more dispatches than one descriptor pool holds,
// twice in the same batch, so pools are added and then reused in order.
func TestLongBatch(t *testing.T) {
	d := device(t)
	x := []float32{1, 2, 3}
	xb, err := d.AllocF32(3, x)
	if err != nil {
		t.Fatal(err)
	}
	defer xb.Free()
	y, err := d.AllocF32(3, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Free()
	bt, err := d.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer bt.Release()
	r := gpu.NewRecorder(bt)
	const ops = setsPerPool*2 + 100
	for round := 1; round <= 2; round++ {
		for i := 0; i < ops; i++ {
			r.Axpby(y, xb, 3, 1, 1)
		}
		if err := r.Run(); err != nil {
			t.Fatal(err)
		}
		got := make([]float32, 3)
		if err := DownloadF32(d, y, 0, got); err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if want := float32(round*ops) * x[i]; got[i] != want {
				t.Fatalf("round %d: y[%d] = %v, want %v", round, i, got[i], want)
			}
		}
	}
	if len(bt.pools) != 3 {
		t.Fatalf("%d descriptor pools for %d dispatches per run, want 3 reused", len(bt.pools), ops)
	}
}
