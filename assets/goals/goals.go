// Package goals embeds the BlockAssist goal catalog (*.goal files written by
// `go run ./app/blockassist/cmd/gengoals`) so the app ships as one binary
// with no data directory to install. Parse it with app/blockassist/goals.
package goals

import "embed"

// FS holds every *.goal file of this directory.
//
//go:embed *.goal
var FS embed.FS
