package cuda

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// debianLibcuda is where packaging/linux/deps.sh unpacks Debian's non-free
// libcuda1 (the driver's user-space library, without the driver stack) so
// the binding and no-device tests run on CI machines without a GPU.
const debianLibcuda = "/opt/swarmdesk/libcuda1/libcuda.so.1"

func TestMain(m *testing.M) {
	// Only where the system has no libcuda of its own: a real driver must
	// never be shadowed by the unpacked one (their versions differ).
	if os.Getenv("SWARMDESK_CUDA_LIB") == "" {
		if _, err := dlopen("libcuda.so.1"); err != nil {
			if _, err := os.Stat(debianLibcuda); err == nil {
				os.Setenv("SWARMDESK_CUDA_LIB", debianLibcuda)
			}
		}
	}
	os.Exit(m.Run())
}

// libcudaOrSkip opens the driver library the tests use.
func libcudaOrSkip(t *testing.T) (uintptr, string) {
	t.Helper()
	names := driverNames
	if p := os.Getenv("SWARMDESK_CUDA_LIB"); p != "" {
		names = append([]string{p}, names...)
	}
	for _, n := range names {
		if h, err := dlopen(n); err == nil {
			return h, n
		}
	}
	t.Skipf("no libcuda here; CI unpacks Debian's non-free libcuda1 into %s (packaging/linux/deps.sh cuda), or set SWARMDESK_CUDA_LIB", debianLibcuda)
	return 0, ""
}

// Every driver entry point of the binding table, optional ones included,
// resolves in the driver library (Debian's 535 driver on CI).
func TestBindingTableResolves(t *testing.T) {
	h, lib := libcudaOrSkip(t)
	for i, e := range entries {
		if e.name == "" {
			t.Fatalf("binding %d has no name", i)
		}
		if p, err := dlsym(h, e.name); err != nil || p == 0 {
			t.Errorf("%s: %s does not resolve: %v", lib, e.name, err)
		}
	}
	d := &driver{lib: lib}
	if err := d.resolve(h, dlsym); err != nil {
		t.Fatal(err)
	}
	if got := d.errorName(resNoDevice); got != "CUDA_ERROR_NO_DEVICE" {
		t.Errorf("cuGetErrorName(100) = %q", got)
	}
}

// On a machine without a GPU the driver's "no device" answer becomes the
// sentence doctor and the registry show.
func TestProbeWithoutGPU(t *testing.T) {
	libcudaOrSkip(t)
	res := Probe()
	if len(res.Devices) > 0 {
		for _, d := range res.Devices {
			t.Logf("cuda:%d %s compute %d SMs %d memory %d unusable=%q", d.Index, d.Name, d.CC, d.SMs, d.Memory, d.Unusable)
		}
		t.Skip("this machine has a CUDA device; the no-device path cannot be checked here")
	}
	var e *Error
	if !errors.As(res.Err, &e) || e.Kind != ErrNoDevice {
		t.Fatalf("probe without a GPU: %v, want ErrNoDevice", res.Err)
	}
	if res.Version < minDriverCUDA || res.Library == "" {
		t.Errorf("driver version %d from %q", res.Version, res.Library)
	}
	want := "reports no CUDA-capable GPU"
	if s := Explain(res.Err); !strings.Contains(s, want) || !strings.Contains(s, "CUDA_ERROR_NO_DEVICE") {
		t.Errorf("sentence %q lacks %q", s, want)
	}
	devs, err := ProbeDevices()
	if len(devs) != 0 || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("registry probe: %v, %v", devs, err)
	}
	for _, f := range backend.Default.ProbeAll() {
		if f.Backend == "cuda" && !strings.Contains(f.Skipped, want) {
			t.Errorf("registry reports cuda as %+v", f)
		}
	}
	if _, err := NewBackend(0); !errors.As(err, &e) || e.Kind != ErrNoDevice {
		t.Errorf("NewBackend without a GPU: %v", err)
	}
}

func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want ErrKind
	}{
		{resOutOfMemory, ErrOutOfMemory},
		{resNoDevice, ErrNoDevice},
		{resUnsupportedPTXVersion, ErrOldDriver},
		{resInsufficientDriverRange, ErrOldDriver},
		{resIllegalAddress, ErrDeviceLost},
		{resLaunchFailed, ErrDeviceLost},
		{resInvalidValue, ErrKernel},
	} {
		if got := kindOf(tc.r, ErrKernel); got != tc.want {
			t.Errorf("%v: kind %v, want %v", tc.r, got, tc.want)
		}
	}
	for k := ErrNoDriver; k <= ErrCompile; k++ {
		e := &Error{Kind: k, Op: "op", Result: resNoDevice}
		if e.Message() == "CUDA failed." || !strings.Contains(e.Error(), "CUDA_ERROR_NO_DEVICE") {
			t.Errorf("kind %d: %q", k, e.Error())
		}
		if !errors.Is(e, &Error{Kind: k}) || errors.Is(e, &Error{Kind: k + 1}) {
			t.Errorf("kind %d: errors.Is by kind fails", k)
		}
	}
	old := &Error{Kind: ErrOldDriver}
	if !strings.Contains(old.Message(), minDriver) {
		t.Errorf("old-driver sentence %q does not name the driver needed", old.Message())
	}
}

// The committed PTX holds every kernel the backend resolves, for the
// architecture its module is meant for, in the ISA the driver check assumes.
func TestCommittedPTX(t *testing.T) {
	for _, m := range Modules {
		ptx, err := m.PTX()
		if err != nil {
			t.Fatalf("%s: %v (run engine/cuda/kernels/build.sh)", m.Name, err)
		}
		for _, want := range []string{".version " + ptxISA + "\n", ".target sm_" + itoa(m.Arch) + "\n"} {
			if !bytes.Contains(ptx, []byte(want)) {
				t.Errorf("%s.ptx lacks %q", m.Name, strings.TrimSpace(want))
			}
		}
		for _, k := range m.Kernels {
			if !bytes.Contains(ptx, []byte(".entry "+k+"(")) {
				t.Errorf("%s.ptx has no kernel %s", m.Name, k)
			}
		}
	}
	mma, _ := Module{Name: "gemm_mma"}.PTX()
	if !bytes.Contains(mma, []byte("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32")) {
		t.Error("gemm_mma.ptx has no bf16 mma.sync")
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// Every kernel compiles through NVRTC without a warning, and where NVRTC is
// Debian's 11.8 (CI) the result is byte for byte the committed PTX.
func TestKernelsCompileWithNVRTC(t *testing.T) {
	n, err := OpenNVRTC()
	if err != nil {
		t.Skipf("no NVRTC here (%v); CI installs Debian's non-free libnvrtc11.2", err)
	}
	t.Logf("%s", n)
	for _, m := range Modules {
		got, err := m.Compile(n)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if n.Major == 11 && n.Minor == 8 {
			want, _ := m.PTX()
			if !bytes.Equal(got, want) {
				t.Errorf("%s: NVRTC 11.8 output differs from the committed ptx/%s: run engine/cuda/kernels/build.sh", m.Name, m.PTXFile())
			}
		}
	}
	// A warning is an error: a kernel with an unused variable fails.
	_, log, err := n.Compile("warn.cu", `extern "C" __global__ void k(float* x) { int unused; x[0] = 1.f; }`, nil, Modules[0].CompileOptions())
	if err == nil {
		t.Fatalf("a source with a warning compiled (log %q)", log)
	}
}
