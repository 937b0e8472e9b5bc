package platform

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

func totalMemory() uint64 { return memInfo("MemTotal:") }

func availableMemory() uint64 { return memInfo("MemAvailable:") }

func processMemory() (now, peak uint64) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	scan := func(key string) uint64 { return parseMemInfo(bufio.NewScanner(strings.NewReader(string(raw))), key) }
	return scan("VmRSS:"), scan("VmHWM:")
}

func memInfo(key string) uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseMemInfo(bufio.NewScanner(f), key)
}

// parseMemInfo reads the line key (such as "MemTotal:", in kB) from the lines of
// /proc/meminfo or /proc/self/status.
func parseMemInfo(s *bufio.Scanner, key string) uint64 {
	for s.Scan() {
		rest, ok := strings.CutPrefix(s.Text(), key)
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
