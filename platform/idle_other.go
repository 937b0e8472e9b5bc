//go:build !linux && !darwin && !windows

package platform

import "time"

// UserIdle: this OS is not asked; the node never holds for user activity.
func UserIdle() (idle time.Duration, known bool) { return 0, false }
