package platform

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

func totalMemory() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseMemInfo(bufio.NewScanner(f))
}

// parseMemInfo reads MemTotal (in kB) from /proc/meminfo's lines.
func parseMemInfo(s *bufio.Scanner) uint64 {
	for s.Scan() {
		rest, ok := strings.CutPrefix(s.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
