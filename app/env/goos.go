package env

import "runtime"

var goos = runtime.GOOS
