package gpu_test

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// SampleRows' host-side rules, without a device: which draws reach the
// kernel and with which arguments and uniforms, which take the host path,
// what is refused before any sampler advances, and how the kernel's
// outputs are read. The kernel here is a stand-in that records its call
// and answers token 7+row; the kernels themselves are checked against the
// CPU sampler by each API's parity tests.

const seed = 41

type kernelCall struct {
	called bool
	args   gpu.SampleArgs
	u      []float32
}

// fakeKernel answers token 7+row, LogProb -1-row, RawLogProb -2-row and
// the given status per row.
func fakeKernel(c *kernelCall, status []uint32) gpu.SampleKernel {
	return func(a gpu.SampleArgs, u []float32) ([]byte, []byte, []byte, error) {
		c.called, c.args, c.u = true, a, append([]float32(nil), u...)
		B := len(u)
		tok, lp, st := make([]byte, 4*B), make([]byte, 8*B), make([]byte, 4*B)
		le := binary.LittleEndian
		for i := 0; i < B; i++ {
			le.PutUint32(tok[4*i:], uint32(7+i))
			le.PutUint32(lp[8*i:], math.Float32bits(float32(-1-i)))
			le.PutUint32(lp[8*i+4:], math.Float32bits(float32(-2-i)))
			if status != nil {
				le.PutUint32(st[4*i:], status[i])
			}
		}
		return tok, lp, st, nil
	}
}

func samplers(ps ...sample.Params) []*sample.Sampler {
	s := make([]*sample.Sampler, len(ps))
	for i, p := range ps {
		s[i] = sample.New(p, seed, i)
	}
	return s
}

func rows(B, V int) []float32 {
	r := rand.New(rand.NewPCG(5, 6))
	l := make([]float32, B*V)
	for i := range l {
		l[i] = float32(r.NormFloat64() * 2)
	}
	return l
}

func TestSampleRowsPlansTheDraw(t *testing.T) {
	const V = 64
	hot := sample.Params{Temperature: 1}
	for _, c := range []struct {
		name     string
		ps       []sample.Params
		onDevice bool
		want     gpu.SampleArgs
	}{
		{"greedy", []sample.Params{{}, {}}, true, gpu.SampleArgs{}},
		{"temperature", []sample.Params{{Temperature: 0.7}, {Temperature: 0.7}}, true, gpu.SampleArgs{Temperature: 0.7}},
		{"top-k", []sample.Params{{Temperature: 1, TopK: 5}}, true, gpu.SampleArgs{Temperature: 1, TopK: 5}},
		{"top-k over the vocabulary is off", []sample.Params{{Temperature: 1, TopK: V}}, true, gpu.SampleArgs{Temperature: 1}},
		{"top-k and top-p", []sample.Params{{Temperature: 0.9, TopK: 20, TopP: 0.8}}, true, gpu.SampleArgs{Temperature: 0.9, TopK: 20, TopP: 0.8}},
		{"top-p 1 is off", []sample.Params{{Temperature: 1, TopP: 1}}, true, gpu.SampleArgs{Temperature: 1, TopP: 1}},
		{"top-p alone takes the host", []sample.Params{{Temperature: 0.8, TopP: 0.9}, {Temperature: 0.8, TopP: 0.9}}, false, gpu.SampleArgs{}},
		{"mixed rows take the host", []sample.Params{hot, {Temperature: 1, TopK: 3}}, false, gpu.SampleArgs{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			B := len(c.ps)
			logits := rows(B, V)
			s := samplers(c.ps...)
			var k kernelCall
			dst := make([]sample.Result, B)
			if err := gpu.SampleRows(dst, host.Wrap(logits), V, s, host.New().Download, fakeKernel(&k, nil)); err != nil {
				t.Fatal(err)
			}
			if k.called != c.onDevice {
				t.Fatalf("kernel called %v, want %v", k.called, c.onDevice)
			}
			fresh := samplers(c.ps...)
			for i := range dst {
				if !c.onDevice { // the CPU sampler's own draw
					want, err := fresh[i].Sample(logits[i*V : (i+1)*V])
					if err != nil {
						t.Fatal(err)
					}
					if dst[i] != want {
						t.Errorf("row %d: %+v, CPU sampler %+v", i, dst[i], want)
					}
					continue
				}
				if k.args != c.want {
					t.Fatalf("kernel arguments %+v, want %+v", k.args, c.want)
				}
				wantU := float32(0) // greedy takes no number from the stream
				if !c.ps[i].Greedy() {
					wantU = float32(fresh[i].Uniform())
				}
				if k.u[i] != wantU {
					t.Errorf("row %d: uniform %v, the sampler's stream gives %v", i, k.u[i], wantU)
				}
				want := sample.Result{Token: 7 + i, LogProb: float32(-1 - i), RawLogProb: float32(-2 - i)}
				if c.ps[i].Greedy() {
					want.LogProb = 0 // as the CPU sampler reports greedy draws
				}
				if dst[i] != want {
					t.Errorf("row %d: %+v, want the kernel's %+v", i, dst[i], want)
				}
			}
			// Each sampler took exactly what its draw takes, so later draws
			// stay on the CPU's stream.
			for i := range s {
				if got, want := s[i].Uniform(), fresh[i].Uniform(); got != want {
					t.Errorf("row %d: the stream moved to %v, the CPU's is at %v", i, got, want)
				}
			}
		})
	}
}

func TestSampleRowsRefusesBadRequests(t *testing.T) {
	const V = 16
	logits := rows(2, V)
	hot := sample.Params{Temperature: 1}
	for _, c := range []struct {
		name  string
		dst   int
		view  backend.View
		vocab int
		ps    []sample.Params
		want  string
	}{
		{"too few results", 1, host.Wrap(logits), V, []sample.Params{hot, hot}, "1 results for 2 rows"},
		{"view too small", 2, host.Wrap(logits[:V+3]), V, []sample.Params{hot, hot}, "from a 19-element view"},
		{"no vocabulary", 2, host.Wrap(logits), 0, []sample.Params{hot, hot}, "rows of 0 logits"},
		{"NaN temperature", 2, host.Wrap(logits), V, []sample.Params{{Temperature: float32(math.NaN())}, {Temperature: float32(math.NaN())}}, "temperature"},
		{"negative top-k", 2, host.Wrap(logits), V, []sample.Params{{Temperature: 1, TopK: -1}, {Temperature: 1, TopK: -1}}, "top-k -1"},
		{"negative top-p", 2, host.Wrap(logits), V, []sample.Params{{Temperature: 1, TopK: 3, TopP: -0.5}, {Temperature: 1, TopK: 3, TopP: -0.5}}, "top-p -0.5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := samplers(c.ps...)
			var k kernelCall
			err := gpu.SampleRows(make([]sample.Result, c.dst), c.view, c.vocab, s, host.New().Download, fakeKernel(&k, nil))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			if k.called {
				t.Error("the kernel ran for a refused request")
			}
			fresh := samplers(c.ps...)
			for i := range s {
				if s[i].Uniform() != fresh[i].Uniform() {
					t.Errorf("row %d: a refused request advanced the sampler", i)
				}
			}
		})
	}
}

func TestSampleRowsReadsKernelFailures(t *testing.T) {
	const V = 16
	logits := rows(3, V)
	hot := sample.Params{Temperature: 1}
	var k kernelCall
	err := gpu.SampleRows(make([]sample.Result, 3), host.Wrap(logits), V, samplers(hot, hot, hot), host.New().Download, fakeKernel(&k, []uint32{0, 1, 0}))
	if err == nil || !strings.Contains(err.Error(), "row 1") || !strings.Contains(err.Error(), "NaN") {
		t.Fatalf("a row the kernel flagged: error %v, want one naming row 1 and NaN", err)
	}
	short := func(gpu.SampleArgs, []float32) ([]byte, []byte, []byte, error) {
		return make([]byte, 4), make([]byte, 8), make([]byte, 4), nil
	}
	err = gpu.SampleRows(make([]sample.Result, 3), host.Wrap(logits), V, samplers(hot, hot, hot), host.New().Download, short)
	if err == nil || !strings.Contains(err.Error(), "for 3 rows") {
		t.Fatalf("short kernel outputs: error %v, want one", err)
	}
	// No rows: nothing to do, nothing called.
	if err := gpu.SampleRows(nil, backend.View{}, V, nil, host.New().Download, fakeKernel(&k, nil)); err != nil {
		t.Fatal(err)
	}
}
