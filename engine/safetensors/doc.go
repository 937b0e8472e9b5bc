// Package safetensors reads and writes model weights in the Hugging Face
// safetensors format (https://github.com/huggingface/safetensors).
//
// The format is an 8-byte little-endian header length N, N bytes of JSON
// describing every tensor (dtype, shape, byte range), then the raw
// little-endian tensor bytes. We read it ourselves instead of pulling in a
// dependency because the format is tiny and the engine wants zero-copy
// access: on Linux and macOS files are memory-mapped, so opening a
// multi-gigabyte checkpoint costs no RAM until tensors are touched.
//
// Everything read from disk is treated as untrusted: header size, JSON
// shape, offsets, overlaps, sizes and names are validated and a corrupt or
// truncated file yields an error naming the file and tensor instead of a
// panic.
package safetensors
