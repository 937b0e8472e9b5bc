package experiment

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The plot is drawn here with the standard library rather than with ui/chart, which is built
// on Fyne (app never imports Fyne): a PNG the CLI writes without a display.
const (
	plotW, plotH                       = 860, 500
	marginL, marginR, marginT, marginB = 70, 170, 44, 56
)

// plotColors tell configurations apart; the first is the no-sharing baseline's.
var plotColors = []color.RGBA{
	{0x44, 0x44, 0x44, 0xff}, {0x1f, 0x77, 0xb4, 0xff}, {0xd6, 0x27, 0x28, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0x94, 0x67, 0xbd, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x8c, 0x56, 0x4b, 0xff}, {0x17, 0xbe, 0xcf, 0xff},
}

// Plot draws each configuration's mean reward per round as a line, with axes, tick labels,
// axis titles and a legend, and writes it as PNG.
func Plot(w io.Writer, stats []ConfigStats) error {
	img := image.NewRGBA(image.Rect(0, 0, plotW, plotH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	rounds := 1
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range stats {
		rounds = max(rounds, len(s.Curve))
		for _, v := range s.Curve {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	// Rewards of the built-in tasks lie in [0, 1]: show that whole range when they do, so plots
	// of different runs compare at a glance.
	if lo >= 0 && hi <= 1 {
		lo, hi = 0, 1
	} else if hi-lo < 1e-9 {
		lo, hi = lo-0.5, hi+0.5
	}
	x0, x1 := marginL, plotW-marginR
	y0, y1 := plotH-marginB, marginT
	px := func(r float64) int {
		if rounds <= 1 {
			return x0
		}
		return x0 + int(math.Round(r/float64(rounds-1)*float64(x1-x0)))
	}
	py := func(v float64) int { return y0 - int(math.Round((v-lo)/(hi-lo)*float64(y0-y1))) }

	grid := color.RGBA{0xe4, 0xe4, 0xe4, 0xff}
	black := color.RGBA{0, 0, 0, 0xff}
	for i := 0; i <= 5; i++ {
		v := lo + (hi-lo)*float64(i)/5
		y := py(v)
		line(img, x0, y, x1, y, grid, 1)
		label := fmt.Sprintf("%.2f", v)
		text(img, x0-8-7*len(label), y+4, label, black)
	}
	step := niceStep(rounds)
	for r := 0; r < rounds; r += step {
		x := px(float64(r))
		line(img, x, y0, x, y0+5, black, 1)
		label := fmt.Sprint(r + 1)
		text(img, x-7*len(label)/2, y0+18, label, black)
	}
	line(img, x0, y0, x1, y0, black, 1)
	line(img, x0, y0, x0, y1, black, 1)
	text(img, (x0+x1)/2-7*len("round")/2, plotH-14, "round", black)
	text(img, 8, marginT-14, "mean reward (own answers)", black)
	title := "Mean reward per round, by local/adopted question groups"
	text(img, (x0+x1)/2-7*len(title)/2, 18, title, black)

	for i, s := range stats {
		c := plotColors[i%len(plotColors)]
		for r := 1; r < len(s.Curve); r++ {
			line(img, px(float64(r-1)), py(s.Curve[r-1]), px(float64(r)), py(s.Curve[r]), c, 2)
		}
		ly := marginT + 10 + 22*i
		line(img, x1+16, ly, x1+40, ly, c, 3)
		text(img, x1+48, ly+4, s.Config, black)
	}
	text(img, x1+16, marginT-6, "local/adopted", black)
	return png.Encode(w, img)
}

// niceStep is a tick spacing giving at most about ten ticks.
func niceStep(n int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000} {
		if n/s <= 10 {
			return s
		}
	}
	return n / 10
}

// line draws a straight line of the given thickness (Bresenham, a square brush).
func line(img *image.RGBA, xa, ya, xb, yb int, c color.RGBA, width int) {
	dx, dy := abs(xb-xa), -abs(yb-ya)
	sx, sy := 1, 1
	if xa > xb {
		sx = -1
	}
	if ya > yb {
		sy = -1
	}
	e := dx + dy
	for {
		for i := 0; i < width; i++ {
			for j := 0; j < width; j++ {
				img.SetRGBA(xa+i-width/2, ya+j-width/2, c)
			}
		}
		if xa == xb && ya == yb {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			xa += sx
		}
		if e2 <= dx {
			e += dx
			ya += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// text writes s with its baseline at (x, y) in the 7×13 fixed font.
func text(img *image.RGBA, x, y int, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
