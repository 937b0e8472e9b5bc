//go:build !darwin

package metal

import (
	"errors"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// ErrNotMacOS is why the Metal backend is absent on other systems.
var ErrNotMacOS = errors.New("Metal exists only on macOS")

// ProbeDevices reports that there is no Metal here.
func ProbeDevices() ([]backend.Device, error) { return nil, ErrNotMacOS }

// Describe reports that there is no Metal here.
func Describe() (Info, error) { return Info{}, ErrNotMacOS }

func openDevice(backend.Device) (backend.Backend, error) { return nil, ErrNotMacOS }
