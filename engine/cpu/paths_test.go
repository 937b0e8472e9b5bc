package cpu

type kernelPath struct {
	name string
	use  func() (restore func())
}

// kernelPaths lists every kernel set this CPU can run, so each test checks
// the assembly and the portable code on the same machine.
func kernelPaths() []kernelPath {
	var ps []kernelPath
	for _, s := range available() {
		ps = append(ps, kernelPath{name: s.name, use: func() func() {
			prev := active
			use(s)
			return func() { use(prev) }
		}})
	}
	return ps
}

func bf16RoundsX(M int) bool { return active.bf16DotMinM > 0 && M >= active.bf16DotMinM }
