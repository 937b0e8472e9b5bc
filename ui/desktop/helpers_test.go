package desktop_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// windowTestSetup is what every real-window test needs first: it skips under -short, finds the
// X server program (xvfb-run or Xvfb; missing on CI is a failure) and ImageMagick's import, and
// builds the app from this tree into a temporary folder. It returns the repository root, the
// temporary folder, the binary and the X program's path.
func windowTestSetup(t *testing.T, xprog string) (root, tmp, bin, x string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the app and starts X: skipped with -short")
	}
	x, err := exec.LookPath(xprog)
	if err != nil {
		if os.Getenv("CI") != "" && runtime.GOOS == "linux" {
			t.Fatalf("%s not found: CI must install xvfb (see packaging/linux/deps.sh)", xprog)
		}
		t.Skipf("%s not found: install xvfb xauth imagemagick to run the window tests", xprog)
	}
	if _, err := exec.LookPath("import"); err != nil {
		t.Fatal("ImageMagick's import not found (apt-get install imagemagick)")
	}
	root, _ = filepath.Abs("../..")
	tmp = t.TempDir()
	bin = filepath.Join(tmp, "swarmdesk")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return root, tmp, bin, x
}

// appEnv is the environment the app runs with in a window test: base plus its own folders
// (SWARMDESK_HOME), the encrypted file key store with passphrase (a computer without a
// keychain), a runtime folder and a UTF-8 locale.
func appEnv(base []string, home, runtimeDir, passphrase string) []string {
	return append(base, "SWARMDESK_HOME="+home, "SWARMDESK_SECRETS_BACKEND=file", "SWARMDESK_PASSPHRASE="+passphrase,
		"XDG_RUNTIME_DIR="+runtimeDir, "LANG=C.UTF-8")
}
