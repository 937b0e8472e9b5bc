package experiment

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/stats"
)

var csvHeader = []string{"config", "seed", "node", "round", "reward", "adopted", "local", "seconds"}

// writeRows writes rows as CSV with the header.
func writeRows(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for _, r := range rows {
		_ = cw.Write([]string{r.Config, strconv.Itoa(r.Seed), strconv.Itoa(r.Node), strconv.Itoa(r.Round),
			strconv.FormatFloat(r.Reward, 'f', 6, 64), strconv.Itoa(r.Adopted), strconv.Itoa(r.Local),
			strconv.FormatFloat(r.Seconds, 'f', 3, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// writeFile writes a file whole or not at all (a stop mid-write leaves the old one).
func writeFile(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeRowsFile(path string, rows []Row) error {
	return writeFile(path, func(w io.Writer) error { return writeRows(w, rows) })
}

// ReadRows reads a CSV written by writeRows.
func ReadRows(r io.Reader) ([]Row, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || !slices.Equal(recs[0], csvHeader) {
		return nil, fmt.Errorf("not an experiment CSV: the header is not %s", strings.Join(csvHeader, ","))
	}
	out := make([]Row, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		var row Row
		var errs [7]error
		row.Config = rec[0]
		row.Seed, errs[0] = strconv.Atoi(rec[1])
		row.Node, errs[1] = strconv.Atoi(rec[2])
		row.Round, errs[2] = strconv.Atoi(rec[3])
		row.Reward, errs[3] = strconv.ParseFloat(rec[4], 64)
		row.Adopted, errs[4] = strconv.Atoi(rec[5])
		row.Local, errs[5] = strconv.Atoi(rec[6])
		row.Seconds, errs[6] = strconv.ParseFloat(rec[7], 64)
		for _, e := range errs {
			if e != nil {
				return nil, fmt.Errorf("line %d: %w", i+2, e)
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// Report gathers every finished run in out and writes the CSV, the summary and the plot; it
// returns how many runs it found. order lists configurations in the order to show them
// (others found in the folder follow).
func Report(out string, order []Mixing) (int, error) {
	files, err := filepath.Glob(filepath.Join(out, runsDir, "*.csv"))
	if err != nil {
		return 0, err
	}
	sort.Strings(files)
	var rows []Row
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return 0, err
		}
		rs, err := ReadRows(f)
		f.Close()
		if err != nil {
			return 0, fmt.Errorf("read %s: %w (delete it to play that run again)", p, err)
		}
		rows = append(rows, rs...)
	}
	if len(files) == 0 {
		return 0, nil
	}
	stats := Summarize(rows, order)
	if err := writeFile(filepath.Join(out, RewardsFile), func(w io.Writer) error { return writeRows(w, rows) }); err != nil {
		return 0, err
	}
	if err := writeFile(filepath.Join(out, SummaryFile), func(w io.Writer) error {
		_, err := io.WriteString(w, Markdown(stats))
		return err
	}); err != nil {
		return 0, err
	}
	if err := writeFile(filepath.Join(out, PlotFile), func(w io.Writer) error { return Plot(w, stats) }); err != nil {
		return 0, err
	}
	return len(files), nil
}

// ConfigStats is one configuration over its seeds.
type ConfigStats struct {
	Config     string
	Seeds      []int
	Cumulative []float64 // per seed: Σ over rounds of the nodes' mean reward
	Mean, SD   float64   // of Cumulative
	Min, Max   float64
	Gain       float64   // Mean / baseline Mean - 1; NaN without a baseline
	Curve      []float64 // mean reward per round over nodes and seeds
	Final      float64   // mean reward of the last (up to) 5 rounds
	Adopted    float64   // adopted groups per node per round
	Local      float64   // own groups per node per round
	Seconds    float64   // a node's round, mean
}

// Summarize computes the statistics of each configuration. The baseline of Gain is the
// configuration that adopts nothing (8/0).
func Summarize(rows []Row, order []Mixing) []ConfigStats {
	type key struct {
		seed, round int
	}
	by := map[string]map[key][]float64{}
	type acc struct{ adopted, local, secs, n float64 }
	accs := map[string]*acc{}
	for _, r := range rows {
		if by[r.Config] == nil {
			by[r.Config] = map[key][]float64{}
			accs[r.Config] = &acc{}
		}
		k := key{r.Seed, r.Round}
		by[r.Config][k] = append(by[r.Config][k], r.Reward)
		a := accs[r.Config]
		a.adopted += float64(r.Adopted)
		a.local += float64(r.Local)
		a.secs += r.Seconds
		a.n++
	}
	var names []string
	for _, m := range order {
		if by[m.String()] != nil {
			names = append(names, m.String())
		}
	}
	var rest []string
	for c := range by {
		if !slices.Contains(names, c) {
			rest = append(rest, c)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)

	var out []ConfigStats
	baseline := math.NaN()
	for _, c := range names {
		perSeed := map[int]float64{}
		perRound := map[int][]float64{}
		maxRound := 0
		for k, rs := range by[c] {
			m := stats.Mean(rs)
			perSeed[k.seed] += m
			perRound[k.round] = append(perRound[k.round], m)
			maxRound = max(maxRound, k.round)
		}
		s := ConfigStats{Config: c, Gain: math.NaN()}
		for seed := range perSeed {
			s.Seeds = append(s.Seeds, seed)
		}
		sort.Ints(s.Seeds)
		for _, seed := range s.Seeds {
			s.Cumulative = append(s.Cumulative, perSeed[seed])
		}
		s.Mean, s.SD = stats.Mean(s.Cumulative), sd(s.Cumulative)
		s.Min, s.Max = slices.Min(s.Cumulative), slices.Max(s.Cumulative)
		for r := 0; r <= maxRound; r++ {
			s.Curve = append(s.Curve, stats.Mean(perRound[r]))
		}
		s.Final = stats.Mean(s.Curve[max(0, len(s.Curve)-5):])
		a := accs[c]
		s.Adopted, s.Local, s.Seconds = a.adopted/a.n, a.local/a.n, a.secs/a.n
		if strings.HasSuffix(c, "/0") && math.IsNaN(baseline) {
			baseline = s.Mean
		}
		out = append(out, s)
	}
	if !math.IsNaN(baseline) && baseline != 0 {
		for i := range out {
			out[i].Gain = out[i].Mean/baseline - 1
		}
	}
	return out
}

// Markdown is the summary table.
func Markdown(stats []ConfigStats) string {
	var b strings.Builder
	b.WriteString("| config (local/adopted) | seeds | cumulative reward, mean ± sd | min – max | gain over no sharing | final reward (last 5 rounds) | own groups / round | adopted groups / round | s / node round |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range stats {
		gain := "—"
		if !math.IsNaN(s.Gain) {
			gain = fmt.Sprintf("%+.1f %%", 100*s.Gain)
		}
		fmt.Fprintf(&b, "| %s | %d | %.2f ± %.2f | %.2f – %.2f | %s | %.3f | %.1f | %.1f | %.2f |\n",
			s.Config, len(s.Seeds), s.Mean, s.SD, s.Min, s.Max, gain, s.Final, s.Local, s.Adopted, s.Seconds)
	}
	b.WriteString("\nCumulative reward: the sum over rounds of the nodes' mean reward on their own questions, per seed; ")
	b.WriteString("the spread is over seeds. Gain: mean cumulative reward over that of the configuration that adopts nothing.\n")
	return b.String()
}

// sd is the sample standard deviation (0 for fewer than two values).
func sd(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m, s := stats.Mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}
