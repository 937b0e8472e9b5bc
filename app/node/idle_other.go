//go:build !linux && !darwin && !windows

package node

import "time"

// userIdle: this OS is not asked; the node never holds for user activity.
func userIdle() (idle time.Duration, known bool) { return 0, false }
