// Package tokenizer implements the Hugging Face tokenizer.json byte-level BPE
// used by the Qwen2 family (Qwen2, Qwen2.5, Qwen3), in pure Go.
//
// Why our own: the engine must run without cgo or Python, and the available
// pure-Go libraries compile the Qwen pre-tokenizer regex with RE2, which has
// no lookahead and so cannot express `\s+(?!\S)`. This package implements the
// whole pipeline by hand so that it reproduces the reference encoder id for id:
//
//  1. added tokens (`<|im_start|>`, `<|im_end|>`, `<think>`, ...) are split
//     out of the raw text first (leftmost-longest match);
//  2. every other segment is NFC-normalised;
//  3. the Qwen pre-tokenizer regex splits it into words (see pretokenize.go);
//  4. each word's UTF-8 bytes are merged by byte-level BPE (GPT-2
//     bytes_to_unicode alphabet), with a per-word cache.
//
// Decoding maps ids back to bytes; StreamDecoder does so incrementally and
// holds back incomplete UTF-8 sequences so that text can be printed while it
// is generated. ChatML renders the Qwen2.5-Instruct chat template and
// ChatMLQwen3 the Qwen3 one (no default system prompt, <think> handling).
//
// Correctness is pinned by three independent references in the tests: the
// shared fixture vectors, llama.cpp's Qwen2 vectors (Python HF tokenizer)
// and 431 random strings encoded by the JS port (testdata/README.md).
//
// For tests that need a tiny model, WriteTiny and NewTiny build a small
// byte-level tokenizer (256 byte tokens, a few learnt merges, three ChatML
// special tokens) of any vocabulary size >= 259.
package tokenizer
