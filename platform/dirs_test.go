package platform

import (
	"path/filepath"
	"testing"
)

func envOf(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestDirsFor(t *testing.T) {
	home := "/home/ana"
	tests := []struct {
		name string
		goos string
		env  map[string]string
		want Dirs
	}{
		{"linux defaults", "linux", nil, Dirs{
			Config: "/home/ana/.config/swarmdesk", Data: "/home/ana/.local/share/swarmdesk", Cache: "/home/ana/.cache/swarmdesk"}},
		{"linux XDG", "linux", map[string]string{"XDG_CONFIG_HOME": "/x/c", "XDG_DATA_HOME": "/x/d", "XDG_CACHE_HOME": "/x/k"}, Dirs{
			Config: "/x/c/swarmdesk", Data: "/x/d/swarmdesk", Cache: "/x/k/swarmdesk"}},
		{"linux relative XDG ignored", "linux", map[string]string{"XDG_CONFIG_HOME": "rel"}, Dirs{
			Config: "/home/ana/.config/swarmdesk", Data: "/home/ana/.local/share/swarmdesk", Cache: "/home/ana/.cache/swarmdesk"}},
		{"macOS", "darwin", nil, Dirs{
			Config: "/home/ana/Library/Application Support/io.swarmdesk.app",
			Data:   "/home/ana/Library/Application Support/io.swarmdesk.app",
			Cache:  "/home/ana/Library/Caches/io.swarmdesk.app"}},
		{"windows", "windows", map[string]string{"APPDATA": "/w/Roaming", "LOCALAPPDATA": "/w/Local"}, Dirs{
			Config: "/w/Roaming/swarmdesk", Data: "/w/Local/swarmdesk", Cache: "/w/Local/swarmdesk/cache"}},
		{"SWARMDESK_HOME wins", "darwin", map[string]string{"SWARMDESK_HOME": "/p"}, Dirs{
			Config: "/p/config", Data: "/p/data", Cache: "/p/cache"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DirsFor(tt.goos, envOf(tt.env), home)
			if err != nil {
				t.Fatal(err)
			}
			want := Dirs{filepath.FromSlash(tt.want.Config), filepath.FromSlash(tt.want.Data), filepath.FromSlash(tt.want.Cache)}
			if got != want {
				t.Fatalf("got %+v\nwant %+v", got, want)
			}
		})
	}
	if _, err := DirsFor("linux", envOf(nil), ""); err == nil {
		t.Fatal("no home and no SWARMDESK_HOME: want an error")
	}
}
