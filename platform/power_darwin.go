package platform

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// OnACPower asks pmset, which prints "Now drawing from 'AC Power'" or "'Battery Power'".
func OnACPower() (onAC, known bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "pmset", "-g", "batt").Output()
	if err != nil {
		return true, false
	}
	s := string(out)
	switch {
	case strings.Contains(s, "'Battery Power'"):
		return false, true
	case strings.Contains(s, "'AC Power'"):
		return true, true
	}
	return true, false
}
