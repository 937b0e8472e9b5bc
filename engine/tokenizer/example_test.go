package tokenizer_test

import (
	"fmt"
	"log"

	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
)

// Example shows the generation loop's use of the tokenizer: render a chat,
// encode it, and stream generated ids back to text. A real caller uses
// tokenizer.Load("path/to/Qwen2.5-0.5B-Instruct").
func Example() {
	tok, err := tokenizer.NewTiny(512)
	if err != nil {
		log.Fatal(err)
	}
	prompt := tokenizer.ChatML([]tokenizer.Message{{Role: "user", Content: "Hi 🚀"}}, true)
	ids := tok.Encode(prompt)
	imEnd, _ := tok.TokenID("<|im_end|>")

	// Pretend the model answered with the ids of "Hello 🚀" and <|im_end|>.
	answer := append(tok.EncodeOrdinary("Hello 🚀"), imEnd)
	dec := tok.NewStreamDecoder()
	for _, id := range answer {
		if id == imEnd {
			break
		}
		text, err := dec.Add(id)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q ", text)
	}
	fmt.Printf("%q\n", dec.Flush())
	fmt.Println(len(ids) > 0, tok.EOSIDs())
	// Output:
	// "H" "e" "ll" "o" " " "" "" "" "🚀" ""
	// true [509 511]
}
