//go:build ignore

// icon_gen draws assets/icon.png: seven hexagons of a honeycomb (the swarm) on a dark rounded
// square. Run `go run assets/icon_gen.go` from the repo root after changing it.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 512

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	bg := color.NRGBA{0x1b, 0x1f, 0x2e, 0xff}
	honey := color.NRGBA{0xf5, 0xb0, 0x2e, 0xff}
	center := color.NRGBA{0xff, 0xe0, 0x8a, 0xff}
	const r0 = 96.0 // corner radius of the background square
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if inRoundedSquare(float64(x)+0.5, float64(y)+0.5, r0) {
				img.Set(x, y, bg)
			}
		}
	}
	const hr = 70.0 // hexagon circumradius
	cx, cy := size/2.0, size/2.0
	d := hr * math.Sqrt(3) * 1.08
	cells := [][2]float64{{0, 0}}
	for i := 0; i < 6; i++ {
		a := float64(i) * math.Pi / 3
		cells = append(cells, [2]float64{d * math.Cos(a), d * math.Sin(a)})
	}
	for i, c := range cells {
		col := honey
		if i == 0 {
			col = center
		}
		fillHex(img, cx+c[0], cy+c[1], hr, col)
	}
	f, err := os.Create("assets/icon.png")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
}

func inRoundedSquare(x, y, r float64) bool {
	qx := math.Max(math.Abs(x-size/2)-(size/2-r), 0)
	qy := math.Max(math.Abs(y-size/2)-(size/2-r), 0)
	return qx*qx+qy*qy <= r*r
}

// fillHex fills a pointy-top hexagon.
func fillHex(img *image.NRGBA, cx, cy, r float64, c color.NRGBA) {
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			px, py := math.Abs(float64(x)+0.5-cx), math.Abs(float64(y)+0.5-cy)
			w := r * math.Sqrt(3) / 2
			if px <= w && py <= r-px/math.Sqrt(3) {
				img.Set(x, y, c)
			}
		}
	}
}
