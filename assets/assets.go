// Package assets holds files shipped inside the binary: the app icon (and, as they land, goal
// structures, fonts and web pages).
package assets

import _ "embed"

// Icon is the 512×512 app icon (PNG). FyneApp.toml points at the same file for packaging.
//
//go:embed icon.png
var Icon []byte
