package cli

import (
	"fmt"
	"io"

	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/backend"
)

func init() {
	registerDoctorSection(doctorSection{order: 10, title: "Compute devices", report: reportDevices})
}

// reportDevices lists what each engine backend found, in probe order, why
// any was skipped, and which device engine.device picks on this computer.
func reportDevices(e *env.Setup, w io.Writer) error {
	setting := e.Config.Engine.Device
	ch, err := device.Choose(setting)
	for _, f := range ch.Found {
		if f.Skipped != "" {
			fmt.Fprintf(w, "  %-8s  not used: %s\n", f.Backend, f.Skipped)
			continue
		}
		for _, d := range f.Devices {
			fmt.Fprintf(w, "  %-8s  %s\n", fmt.Sprintf("%s:%d", d.Backend, d.Index), deviceLine(d))
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  chosen    %s:%d %s (engine.device = %s)\n", ch.Device.Backend, ch.Device.Index, ch.Device.Name, setting)
	if ch.Fallback != "" {
		fmt.Fprintf(w, "  note      %s\n", ch.Fallback)
	}
	return nil
}

// deviceLine is one device's name, kind, driver/API version and memory.
func deviceLine(d backend.Device) string {
	s := fmt.Sprintf("%s, %s", d.Name, d.Kind)
	if d.Driver != "" {
		s += ", " + d.Driver
	}
	if d.Memory > 0 {
		s += fmt.Sprintf(", %.1f GiB", float64(d.Memory)/(1<<30))
	} else {
		s += ", memory unknown"
	}
	return s
}
