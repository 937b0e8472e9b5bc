package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// over composites fg (possibly translucent) onto the opaque bg.
func over(fg, bg color.Color) color.Color {
	f := color.NRGBAModel.Convert(fg).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(f.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(f.R, b.R), G: mix(f.G, b.G), B: mix(f.B, b.B), A: 0xff}
}

// contrast is WCAG 2's contrast ratio of text colour fg on background bg.
func contrast(fg, bg color.Color) float64 {
	l1, l2 := luminance(over(fg, bg)), luminance(bg)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

func TestContrastFormula(t *testing.T) {
	// Reference values from the WCAG definition: black on white is 21:1, #767676 on white the
	// lightest grey that passes AA (4.54:1).
	tests := []struct {
		fg, bg color.Color
		want   float64
	}{
		{color.Black, color.White, 21},
		{color.NRGBA{0x76, 0x76, 0x76, 0xff}, color.White, 4.54},
		{color.White, color.White, 1},
	}
	for _, tt := range tests {
		if got := contrast(tt.fg, tt.bg); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%v, %v) = %.3f, want %.2f", tt.fg, tt.bg, got, tt.want)
		}
	}
}

// Every text colour of the app's theme on every background it is drawn on meets WCAG AA (4.5:1),
// in both variants: hint and "updated …" labels (LowImportance = the disabled colour), entry
// placeholders, Settings notes (success/warning/error), links and text on primary buttons.
// Fyne's default palette fails this (light "disabled" text is #e3e3e3 on white).
func TestThemeTextContrast(t *testing.T) {
	texts := []fyne.ThemeColorName{
		theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder,
		theme.ColorNamePrimary, theme.ColorNameHyperlink,
		theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError,
	}
	backgrounds := []fyne.ThemeColorName{
		theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameButton,
		theme.ColorNameHeaderBackground, theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground,
	}
	onColour := map[fyne.ThemeColorName]fyne.ThemeColorName{
		theme.ColorNameForegroundOnPrimary: theme.ColorNamePrimary,
		theme.ColorNameForegroundOnSuccess: theme.ColorNameSuccess,
		theme.ColorNameForegroundOnWarning: theme.ColorNameWarning,
		theme.ColorNameForegroundOnError:   theme.ColorNameError,
	}
	test.NewTempApp(t)
	for _, name := range []string{"light", "dark"} {
		th := NewTheme(name)
		v := theme.VariantLight
		if name == "dark" {
			v = theme.VariantDark
		}
		check := func(fg, bg fyne.ThemeColorName) {
			r := contrast(th.Color(fg, v), th.Color(bg, v))
			if r < 4.5 {
				t.Errorf("%s theme: %s text on %s is %.2f:1, want at least 4.5:1", name, fg, bg, r)
			}
		}
		for _, fg := range texts {
			for _, bg := range backgrounds {
				check(fg, bg)
			}
		}
		for fg, bg := range onColour {
			check(fg, bg)
		}
	}
}

// The training switch's track stands out from the window background in both positions and both
// themes (WCAG 1.4.11 asks 3:1 for controls): the light theme's "off" track was #e3e3e3 on white.
func TestToggleContrast(t *testing.T) {
	a := test.NewTempApp(t)
	for _, name := range []string{"light", "dark"} {
		for _, on := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s_on=%v", name, on), func(t *testing.T) {
				ApplyTheme(a, name)
				tg := newToggle(on, nil)
				w := test.NewTempWindow(t, tg)
				w.Resize(fyne.NewSize(100, 60))
				r := test.TempWidgetRenderer(t, tg).(*toggleRenderer)
				bg := a.Settings().Theme().Color(theme.ColorNameBackground, a.Settings().ThemeVariant())
				if c := contrast(r.track.FillColor, bg); c < 3 {
					t.Errorf("track %v on background %v is %.2f:1, want at least 3:1", r.track.FillColor, bg, c)
				}
				if c := contrast(r.knob.FillColor, r.track.FillColor); c < 3 {
					t.Errorf("knob %v on track %v is %.2f:1, want at least 3:1", r.knob.FillColor, r.track.FillColor, c)
				}
			})
		}
	}
}
