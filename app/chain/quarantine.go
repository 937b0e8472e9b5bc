package chain

import (
	"fmt"
	"os"
)

// quarantine moves a corrupt file aside (keeping it for inspection) so the
// node can continue with a fresh one. It returns the new path.
func quarantine(path string) (string, error) {
	bad := path + ".corrupt"
	if err := os.Rename(path, bad); err != nil {
		return "", fmt.Errorf("move corrupt %s aside: %w", path, err)
	}
	return bad, nil
}
