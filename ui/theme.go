package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's default theme with two changes: the light/dark choice of desktop.theme can
// be forced, so a person can pick a variant other than the operating system's, and the text
// colours Fyne's palette leaves too faint are replaced (contrastColors). Fonts, sizes and icons
// stay Fyne's.
type appTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
	forced  bool // false: follow the variant the system asks for
}

// NewTheme is the theme for desktop.theme: "light" or "dark" force that variant; "system" (or
// anything unknown, such as a hand-edited config) follows the operating system.
func NewTheme(name string) fyne.Theme {
	switch name {
	case "light":
		return &appTheme{Theme: theme.DefaultTheme(), variant: theme.VariantLight, forced: true}
	case "dark":
		return &appTheme{Theme: theme.DefaultTheme(), variant: theme.VariantDark, forced: true}
	}
	return &appTheme{Theme: theme.DefaultTheme()}
}

// Color answers with the forced variant (when one is) and the contrast-corrected palette.
func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	if c, ok := contrastColors[v == theme.VariantLight][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// contrastColors replace the default palette's colours that text is drawn in where they fall
// short of WCAG AA (4.5:1) on the backgrounds they appear on: Fyne's light "disabled" grey
// (#e3e3e3 on white, 1.3:1) is what low-importance labels — hints, "updated …" stamps, Settings
// notes — are drawn in; its light warning orange and success green are the Settings notes'
// colours; the stock blue is 4.5:1 only on pure white. theme_test.go checks every pair. Keyed by
// "is the light variant".
var contrastColors = map[bool]map[fyne.ThemeColorName]color.Color{
	true: {
		theme.ColorNameDisabled:            color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff},
		theme.ColorNamePlaceHolder:         color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff},
		theme.ColorNamePrimary:             color.NRGBA{R: 0x1d, G: 0x5f, B: 0xd6, A: 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{R: 0x1d, G: 0x5f, B: 0xd6, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
		theme.ColorNameSuccess:             color.NRGBA{R: 0x1e, G: 0x7b, B: 0x34, A: 0xff},
		theme.ColorNameWarning:             color.NRGBA{R: 0xa6, G: 0x5c, B: 0x00, A: 0xff},
		theme.ColorNameError:               color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
	},
	false: {
		theme.ColorNameDisabled:            color.NRGBA{R: 0xa0, G: 0xa0, B: 0xa0, A: 0xff},
		theme.ColorNamePrimary:             color.NRGBA{R: 0x6e, G: 0xa0, B: 0xff, A: 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{R: 0x6e, G: 0xa0, B: 0xff, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
		theme.ColorNameError:               color.NRGBA{R: 0xff, G: 0x6b, B: 0x5e, A: 0xff},
	},
}

// ApplyTheme switches the running app to desktop.theme's choice; every window redraws.
func ApplyTheme(a fyne.App, name string) {
	a.Settings().SetTheme(NewTheme(name))
}
