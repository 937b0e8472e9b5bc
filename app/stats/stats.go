// Package stats holds the small summary statistics the app reports (round rewards, experiment
// tables, training steps), so each is written once.
package stats

// Mean is the average of v; 0 for no values (a round or step without any, shown as 0 rather
// than NaN).
func Mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
