//go:build !amd64

package cpu

func available() []kernelSet { return []kernelSet{portableSet} }
