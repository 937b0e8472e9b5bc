package backend

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Spec
		bad  bool
	}{
		{in: "auto", want: Spec{}},
		{in: " AUTO ", want: Spec{}},
		{in: "cpu", want: Spec{Backend: "cpu"}},
		{in: "vulkan", want: Spec{Backend: "vulkan"}},
		{in: "vulkan:0", want: Spec{Backend: "vulkan"}},
		{in: "vulkan:2", want: Spec{Backend: "vulkan", Index: 2}},
		{in: "cuda:1", want: Spec{Backend: "cuda", Index: 1}},
		{in: "metal", want: Spec{Backend: "metal"}},
		{in: "", bad: true},
		{in: "gpu", bad: true},
		{in: "vulkan:", bad: true},
		{in: "vulkan:-1", bad: true},
		{in: "vulkan:01", bad: true},
		{in: "vulkan:x", bad: true},
		{in: "cpu:0", bad: true},
		{in: "metal:1", bad: true},
		{in: "auto:1", bad: true},
	} {
		got, err := ParseSpec(tc.in)
		if tc.bad {
			if !errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), "vulkan:N") {
				t.Errorf("ParseSpec(%q) = %v, %v; want an error listing the choices", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if again, err := ParseSpec(got.String()); err != nil || again != got {
			t.Errorf("%q does not round-trip through String %q", tc.in, got.String())
		}
	}
}

// fake probes for the registry tests.
func has(n int) Probe {
	return func() ([]Device, error) {
		d := make([]Device, n)
		for i := range d {
			d[i] = Device{Index: i, Name: "dev", Kind: KindDiscrete}
		}
		return d, nil
	}
}

func skip(why string) Probe { return func() ([]Device, error) { return nil, errors.New(why) } }

func TestSelectProbeOrder(t *testing.T) {
	for _, tc := range []struct {
		name     string
		built    map[string]Probe // cuda, metal, vulkan, cpu
		spec     string
		want     string // backend:index chosen
		fallback string // substring of Choice.Fallback, "" for none
		err      bool
	}{
		{name: "auto takes cuda before vulkan", built: map[string]Probe{"cuda": has(1), "vulkan": has(1), "cpu": has(1)}, spec: "auto", want: "cuda:0"},
		{name: "auto takes metal before vulkan", built: map[string]Probe{"metal": has(1), "vulkan": has(2), "cpu": has(1)}, spec: "auto", want: "metal:0"},
		{name: "auto skips an unbuilt cuda", built: map[string]Probe{"vulkan": has(1), "cpu": has(1)}, spec: "auto", want: "vulkan:0"},
		{name: "auto skips a cuda without devices", built: map[string]Probe{"cuda": skip("no NVIDIA driver"), "vulkan": has(1), "cpu": has(1)}, spec: "auto", want: "vulkan:0"},
		{name: "auto ends on the cpu", built: map[string]Probe{"vulkan": skip("no loader"), "cpu": has(1)}, spec: "auto", want: "cpu:0"},
		{name: "explicit cpu beats a gpu", built: map[string]Probe{"cuda": has(1), "cpu": has(1)}, spec: "cpu", want: "cpu:0"},
		{name: "explicit second vulkan device", built: map[string]Probe{"vulkan": has(2), "cpu": has(1)}, spec: "vulkan:1", want: "vulkan:1"},
		{name: "explicit device out of range falls back", built: map[string]Probe{"vulkan": has(1), "cpu": has(1)}, spec: "vulkan:3", want: "cpu:0", fallback: "only 1 vulkan device"},
		{name: "explicit skipped backend falls back with its reason", built: map[string]Probe{"vulkan": skip("no Vulkan loader is installed"), "cpu": has(1)}, spec: "vulkan", want: "cpu:0", fallback: "no Vulkan loader is installed"},
		{name: "explicit unbuilt backend falls back", built: map[string]Probe{"cpu": has(1)}, spec: "cuda", want: "cpu:0", fallback: "not built"},
		{name: "a crashing probe is a reason, not a crash", built: map[string]Probe{"vulkan": func() ([]Device, error) { panic("driver bug") }, "cpu": has(1)}, spec: "vulkan", want: "cpu:0", fallback: "crashed"},
		{name: "no cpu is an error", built: map[string]Probe{"vulkan": skip("none")}, spec: "auto", err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Registry{}
			for name, p := range tc.built {
				r.Register(name, p, nil)
			}
			spec, err := ParseSpec(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := r.Select(spec)
			if tc.err {
				if err == nil {
					t.Fatalf("chose %v without a CPU backend", ch.Device)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%s:%d", ch.Device.Backend, ch.Device.Index); got != tc.want {
				t.Errorf("chose %s, want %s", got, tc.want)
			}
			if tc.fallback == "" && ch.Fallback != "" || !strings.Contains(ch.Fallback, tc.fallback) {
				t.Errorf("fallback %q, want one containing %q", ch.Fallback, tc.fallback)
			}
			if len(ch.Found) != len(probeOrder) {
				t.Errorf("%d probe results, want one per known backend (%d)", len(ch.Found), len(probeOrder))
			}
			for i, f := range ch.Found {
				if f.Backend != probeOrder[i] {
					t.Errorf("probe result %d is %s, want %s (probe order)", i, f.Backend, probeOrder[i])
				}
				if len(f.Devices) == 0 && f.Skipped == "" {
					t.Errorf("%s: no devices and no reason", f.Backend)
				}
			}
		})
	}
}
