package cuda

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// openDriver opens the first NVIDIA driver library found.
// SWARMDESK_CUDA_LIB (a path) is tried first, for drivers installed where
// the dynamic linker does not look.
func openDriver() (*driver, error) {
	names := driverNames
	if p := os.Getenv("SWARMDESK_CUDA_LIB"); p != "" {
		names = append([]string{p}, names...)
	}
	var errs []string
	for _, name := range names {
		h, err := dlopen(name)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		d := &driver{lib: name}
		if err := d.resolve(h, dlsym); err != nil {
			return nil, err
		}
		return d, nil
	}
	detail := "tried " + strings.Join(names, ", ")
	if len(errs) > 0 {
		detail = errs[0]
	}
	return nil, &Error{Kind: ErrNoDriver, Op: "open the NVIDIA driver", Detail: detail}
}

var (
	drvOnce sync.Once
	drv     *driver
	drvErr  error
)

// loadDriver opens the driver once per process (a library is never
// unloaded: the driver keeps threads of its own).
func loadDriver() (*driver, error) {
	drvOnce.Do(func() { drv, drvErr = openDriver() })
	return drv, drvErr
}

// pythonLibDirs are the site-packages folders pip wheels of NVIDIA's
// libraries (nvidia-cublas-cu12, nvidia-cublas (CUDA 13), nvidia-cuda-nvrtc)
// install into, for the Python environments people usually have.
func pythonLibDirs(sub ...string) []string {
	var roots []string
	home, _ := os.UserHomeDir()
	for _, env := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(env); p != "" {
			roots = append(roots, filepath.Join(p, "lib", "python3*", "site-packages"), filepath.Join(p, "Lib", "site-packages"))
		}
	}
	if home != "" {
		roots = append(roots, filepath.Join(home, ".local", "lib", "python3*", "site-packages"))
	}
	if runtime.GOOS != "windows" {
		roots = append(roots, "/usr/local/lib/python3*/dist-packages", "/usr/local/lib/python3*/site-packages",
			"/usr/lib/python3/dist-packages", "/opt/conda/lib/python3*/site-packages")
	}
	var out []string
	for _, r := range roots {
		for _, s := range sub {
			m, _ := filepath.Glob(filepath.Join(r, s))
			out = append(out, m...)
		}
	}
	return out
}

// findLibrary opens the first of names found on the linker's path, in a
// toolkit folder or in extra folders; it returns the path or name opened.
func findLibrary(names []string, extraDirs []string) (uintptr, string, error) {
	var tried []string
	for _, n := range names {
		if h, err := dlopen(n); err == nil {
			return h, n, nil
		}
		tried = append(tried, n)
	}
	var dirs []string
	for _, g := range toolkitLibDirs {
		m, _ := filepath.Glob(g)
		dirs = append(dirs, m...)
	}
	dirs = append(dirs, extraDirs...)
	for _, dir := range dirs {
		for _, n := range names {
			p := filepath.Join(dir, n)
			if _, err := os.Stat(p); err != nil {
				continue
			}
			if h, err := dlopen(p); err == nil {
				return h, p, nil
			}
			tried = append(tried, p)
		}
	}
	return 0, "", fmt.Errorf("none of %s found", strings.Join(names, ", "))
}
