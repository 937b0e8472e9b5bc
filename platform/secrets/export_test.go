package secrets

// FastKDF makes tests quick; the format and code path are the same as with the default cost.
func FastKDF(o Options) Options {
	o.kdf = &kdfParams{N: 1 << 10, R: 8, P: 1}
	return o
}
