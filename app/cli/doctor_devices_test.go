package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
)

func TestDoctorDevices(t *testing.T) {
	saved := device.Registry
	defer func() { device.Registry = saved }()
	for _, tc := range []struct {
		name    string
		setting string
		vulkan  backend.Probe
		want    []string
	}{
		{name: "a gpu is found and chosen", setting: "auto",
			vulkan: func() ([]backend.Device, error) {
				return []backend.Device{{Name: "Test GPU", Kind: backend.KindDiscrete, Driver: "Vulkan 1.3.280, driver 25.0.7", Memory: 8 << 30}}, nil
			},
			want: []string{"vulkan:0  Test GPU, discrete, Vulkan 1.3.280, driver 25.0.7, 8.0 GiB", "cpu:0", "cuda      not used: not built into this version",
				"metal     not used: not built", "chosen    vulkan:0 Test GPU (engine.device = auto)"}},
		{name: "no vulkan: the reason and the cpu", setting: "vulkan",
			vulkan: func() ([]backend.Device, error) {
				return nil, errors.New("no Vulkan loader (libvulkan.so.1) is installed; install your graphics driver or mesa-vulkan-drivers")
			},
			want: []string{"vulkan    not used: no Vulkan loader (libvulkan.so.1) is installed", "chosen    cpu:0",
				"note      vulkan was requested but cannot be used"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			device.Registry = &backend.Registry{}
			device.Registry.Register("cpu", host.Probe, nil)
			device.Registry.Register("vulkan", tc.vulkan, nil)
			e := &env.Setup{Config: config.Default()}
			e.Config.Engine.Device = tc.setting
			var out bytes.Buffer
			if err := reportDevices(e, &out); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("doctor lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
