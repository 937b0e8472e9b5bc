package qwen2_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
)

// Example shows the path the CLI's `generate` command takes: load a model
// directory, encode a ChatML prompt, sample several answers, decode them.
func Example() {
	dir, _ := os.MkdirTemp("", "tiny-qwen2")
	defer os.RemoveAll(dir)
	if err := testmodel.Write(dir, testmodel.Tiny{}, 1); err != nil {
		fmt.Println(err)
		return
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := tokenizer.Load(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		fmt.Println(err)
		return
	}
	prompt := tok.Encode(tokenizer.ChatML([]tokenizer.Message{{Role: "user", Content: "What is 6*7?"}}, true))
	outs, _, err := m.Generate(prompt, qwen2.GenerateOptions{
		N: 2, MaxNew: 8, Temperature: 0.8, TopP: 0.95, Seed: 1, StopIDs: tok.EOSIDs(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, c := range outs {
		if _, err := tok.Decode(c.Tokens); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("answer %d: %d tokens, finish=%s\n", i, len(c.Tokens), c.Finish)
	}
	// Output:
	// answer 0: 8 tokens, finish=length
	// answer 1: 8 tokens, finish=length
}
