package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's default theme with the light/dark choice of desktop.theme forced, so a
// person can pick a variant other than the operating system's. Everything but the variant (fonts,
// sizes, icons) stays Fyne's.
type appTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

// NewTheme is the theme for desktop.theme: "light" or "dark" force that variant; "system" (or
// anything unknown, such as a hand-edited config) follows the operating system.
func NewTheme(name string) fyne.Theme {
	switch name {
	case "light":
		return &appTheme{Theme: theme.DefaultTheme(), variant: theme.VariantLight}
	case "dark":
		return &appTheme{Theme: theme.DefaultTheme(), variant: theme.VariantDark}
	}
	return theme.DefaultTheme()
}

// Color answers with the forced variant whatever the system asks for.
func (t *appTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// ApplyTheme switches the running app to desktop.theme's choice; every window redraws.
func ApplyTheme(a fyne.App, name string) {
	a.Settings().SetTheme(NewTheme(name))
}
