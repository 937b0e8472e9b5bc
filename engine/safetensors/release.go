package safetensors

// Release says the caller is done with the data of tensor name: where the file
// is memory-mapped, its pages leave the process's resident memory (they stay
// in the OS page cache and come back if read again, so a later Tensor call
// still works). Loading a model or a checkpoint copies each tensor once; without
// this every page read would stay resident until Close, so the peak memory of
// a load would be the copy plus the whole file instead of the copy plus one
// tensor. A no-op for files read into memory and for unknown names.
func (s *Set) Release(name string) {
	l, ok := s.byName[name]
	if !ok || !l.f.mapped || l.f.data == nil {
		return
	}
	dropPages(l.f.tensor(l.info).Data)
}

// ReleasesPages reports whether Release gives memory back on this platform
// (files are memory-mapped): memory planners count a whole file as resident
// during a load where it does not.
func ReleasesPages() bool { return releasesPages }
