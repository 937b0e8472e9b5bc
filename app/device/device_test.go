package device

import (
	"errors"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// gpu is the CPU backend posing as a GPU with a given amount of free memory.
type gpu struct {
	*host.Backend
	Host int // hides the zero-copy HostMemory method, as a real device has none
	free int64
}

func (g gpu) Memory() backend.Memory { return backend.Memory{Available: g.free, Total: g.free} }

func tinyModel(t *testing.T) *qwen2.Model {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{}, 1); err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.F32})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestUse(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setting  string
		free     int64
		openErr  error
		want     string // backend in use
		fallback string
	}{
		{name: "auto takes the gpu", setting: "auto", free: 1 << 30, want: "vulkan"},
		{name: "cpu stays on the cpu", setting: "cpu", free: 1 << 30, want: "cpu"},
		{name: "too little device memory", setting: "vulkan", free: 1 << 10, want: "cpu", fallback: "needs about"},
		{name: "the device does not open", setting: "vulkan", free: 1 << 30, openErr: errors.New("device lost"), want: "cpu", fallback: "device lost"},
		{name: "a missing device number", setting: "vulkan:3", free: 1 << 30, want: "cpu", fallback: "only 1 vulkan device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := Registry
			defer func() { Registry = saved }()
			Registry = &backend.Registry{}
			Registry.Register("cpu", host.Probe, func(backend.Device) (backend.Backend, error) { return host.New(), nil })
			Registry.Register("vulkan", func() ([]backend.Device, error) {
				return []backend.Device{{Name: "Test GPU", Kind: backend.KindDiscrete, Memory: tc.free}}, nil
			}, func(backend.Device) (backend.Backend, error) {
				if tc.openErr != nil {
					return nil, tc.openErr
				}
				return gpu{Backend: host.New(), free: tc.free}, nil
			})
			m := tinyModel(t)
			ch, err := Use(m, tc.setting, "auto", train.Shape{Answers: 2, SeqLen: 32})
			if err != nil {
				t.Fatal(err)
			}
			if ch.Device.Backend != tc.want {
				t.Fatalf("in use %s, want %s (fallback %q)", ch.Device.Backend, tc.want, ch.Fallback)
			}
			if tc.fallback == "" && ch.Fallback != "" || !strings.Contains(ch.Fallback, tc.fallback) {
				t.Fatalf("fallback %q, want one containing %q", ch.Fallback, tc.fallback)
			}
			_, onGPU := m.Backend().(gpu)
			if onGPU != (tc.want == "vulkan") {
				t.Fatalf("model on %T, chose %s", m.Backend(), tc.want)
			}
			// Either way the model runs.
			c, err := m.NewCache(4)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Prefill(c, []int{1, 2, 3}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The device is planned like the host (train.Shape.Need): weights that fit are not enough when
// the KV caches of the answers generated at once do not.
func TestUsePlansRolloutsLikeTheHost(t *testing.T) {
	m := tinyModel(t)
	few := train.Shape{Answers: 1, SeqLen: 16}
	many := train.Shape{Answers: 64, SeqLen: 512}
	if DeviceNeed(m, many) <= DeviceNeed(m, few) {
		t.Fatalf("64 long answers need %d bytes, no more than one short one (%d)", DeviceNeed(m, many), DeviceNeed(m, few))
	}
	free := DeviceNeed(m, few) + 1
	for _, tc := range []struct {
		rollouts train.Shape
		want     string
	}{{few, "vulkan"}, {many, "cpu"}} {
		saved := Registry
		Registry = &backend.Registry{}
		Registry.Register("cpu", host.Probe, func(backend.Device) (backend.Backend, error) { return host.New(), nil })
		Registry.Register("vulkan", func() ([]backend.Device, error) {
			return []backend.Device{{Name: "Test GPU", Kind: backend.KindDiscrete, Memory: free}}, nil
		}, func(backend.Device) (backend.Backend, error) { return gpu{Backend: host.New(), free: free}, nil })
		ch, err := Use(tinyModel(t), "vulkan", "auto", tc.rollouts)
		Registry = saved
		if err != nil {
			t.Fatal(err)
		}
		if ch.Device.Backend != tc.want {
			t.Errorf("%+v with %d bytes free: on %s (%q), want %s", tc.rollouts, free, ch.Device.Backend, ch.Fallback, tc.want)
		}
	}
}
