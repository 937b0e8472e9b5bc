//go:build darwin

package metal

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// device opens the Metal device or skips: a macOS runner without a usable
// GPU (some virtual machines) skips with the reason, unless
// SWARMDESK_METAL_REQUIRE_GPU=1 makes that a failure.
func device(t testing.TB) *Device {
	t.Helper()
	d, err := Open()
	if err != nil {
		if os.Getenv("SWARMDESK_METAL_REQUIRE_GPU") == "1" {
			t.Fatalf("no Metal device: %v", err)
		}
		t.Skipf("no Metal device: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// On macOS every name of the binding list resolves: functions (load
// fails otherwise), classes, and each selector on an object of its
// receiver kind (respondsToSelector:).
func TestBindingsResolve(t *testing.T) {
	d := device(t)
	b, err := d.Alloc(64)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free()
	p, err := d.pipelineFor("add")
	if err != nil {
		t.Fatal(err)
	}
	var objs map[string]uintptr
	withPool(func() {
		cb := send(d.queue, selCommandBuffer)
		enc := send(cb, selComputeCommandEncoder)
		src := nsString("kernel void k() {}")
		defer release(src)
		lib := send(d.dev, selNewLibraryWithSource, src, d.opts, 0)
		defer release(lib)
		objs = map[string]uintptr{
			"NSObject": d.opts, "NSString": src, "MTLDevice": d.dev, "MTLCommandQueue": d.queue,
			"MTLBuffer": b.obj, "MTLCompileOptions": d.opts, "MTLLibrary": lib,
			"MTLComputePipelineState": p.obj, "MTLCommandBuffer": cb, "MTLComputeCommandEncoder": enc,
		}
		for i, s := range selectorTable {
			if s.recv == "NSError" { // no error object at hand; resolved by name
				if rt.sels[i] == 0 {
					t.Errorf("selector %s did not register", s.name)
				}
				continue
			}
			o, ok := objs[s.recv]
			if i == selAlloc { // a class method
				o = rt.classes[clsNSString]
			}
			if !ok || o == 0 {
				t.Errorf("no %s object to check %s on", s.recv, s.name)
				continue
			}
			if !sendBool(o, selRespondsTo, rt.sels[i]) {
				t.Errorf("%s does not respond to %s", s.recv, s.name)
			}
		}
		send(enc, selEndEncoding)
	})
	for i, c := range classTable {
		if rt.classes[i] == 0 {
			t.Errorf("class %s missing", c.name)
		}
	}
	t.Logf("%s: %s, working set %s", d.Info.Name, d.Info.Driver(), gibs(d.Info.WorkingSet))
}

// The language version is set explicitly and read back: a cgo-free binary
// would otherwise compile at MSL 2.4.
func TestLanguageVersionIsRead(t *testing.T) {
	d := device(t)
	if d.Info.MSL != "3.1" {
		t.Fatalf("MSL %s, want 3.1", d.Info.MSL)
	}
}

func TestEveryKernelBuilds(t *testing.T) {
	d := device(t)
	for name := range kernelBuffers {
		if _, err := d.pipelineFor(name); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// A long batch (many dispatches in one command buffer) and the allocation
// budget refusal.
func TestLongBatchAndBudget(t *testing.T) {
	d := device(t)
	n := 1000
	x := make([]float32, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = r.Float32()
	}
	a, _ := d.Alloc(uint64(4 * n))
	c, _ := d.Alloc(uint64(4 * n))
	if err := d.Upload(a, 0, bytesOf(x)); err != nil {
		t.Fatal(err)
	}
	bt, _ := d.NewBatch()
	for range 500 { // c = c + a, 500 dispatches in one command buffer
		bt.Dispatch("add", []*Buffer{c, a, c}, ints(n), groupsOf256(n), 1, 1)
	}
	if err := bt.Run(); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, n)
	if err := d.Download(c, 0, bytesOf(got)); err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if math.Abs(float64(got[i]-500*x[i])) > 1e-3*float64(500*x[i])+1e-4 {
			t.Fatalf("element %d: %v, want %v", i, got[i], 500*x[i])
		}
	}
	if _, err := d.Alloc(d.Info.WorkingSet + 1); err == nil || !strings.Contains(err.Error(), "GPU") {
		t.Fatalf("over-budget allocation: %v", err)
	}
}
