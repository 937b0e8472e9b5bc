package platform

import (
	"context"
	"os/exec"
	"time"
)

// UserIdle asks the IOKit registry for IOHIDSystem's HIDIdleTime through ioreg (no cgo);
// -r -d 1 prints just that object, not the whole registry tree. The absolute path keeps it
// working from a Finder-launched app whose PATH may be minimal.
func UserIdle() (idle time.Duration, known bool) {
	ctx, cancel := context.WithTimeout(context.Background(), idleProbeTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/sbin/ioreg", "-r", "-d", "1", "-c", "IOHIDSystem").Output()
	if err != nil {
		return 0, false
	}
	return parseHIDIdleTime(out)
}
