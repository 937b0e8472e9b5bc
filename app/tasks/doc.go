// Package tasks is the family of procedurally generated questions a swarmdesk node trains on, each
// with an exact, rule-based verifier, in the spirit of reasoning-gym.
//
// # Why
//
// Every swarm round the node draws a few questions, its model answers each several times, and GRPO
// trains on the rewards of those answers. The rewards must be verifiable: computed by rules, not by a
// learned judge, so they cannot be gamed by sounding confident and every peer gets the same number.
// Peers also share rollouts (question + completions); a Question therefore carries only
// (Task, Seed, Level) as its identity, the question is a pure function of those three, and Score
// recomputes the truth from them. A peer's Prompt and Answer fields are display only and never
// trusted, and Score never panics, whatever a peer sends.
//
// # Rewards
//
// Score extracts the last <answer>…</answer> of a completion and returns Format (FormatReward, 0.2,
// when exactly one well-formed pair of tags holds a non-empty answer) plus Correct (CorrectReward,
// 1.0, when the task's Check accepts it). SystemPrompt asks the model for that shape. Each task
// documents, on its file's init, which spellings of the right answer it accepts ("28", "+28",
// "28.0"; "3/4" but not "6/8"; "Tuesday" or "tue").
//
// # Tasks and mixing
//
// Built-in tasks: arithmetic, multiplication, fractions, dates, counting, logic, sorting, algebra.
// Level 1..5 scales numbers and lengths. A Mix (from a setting such as
// "arithmetic=2,dates=1,sorting=1", see ParseMix) weights the tasks, and Draw picks a round's
// questions deterministically from a seed.
//
// Questions are randomised with the package's own splitmix64 generator, not math/rand, so a seed
// means the same question on every platform and Go release. TestGolden pins sample questions: a
// change to a generator changes what seeds mean for peers running older versions, so such a change
// should ship as a new task name (say "arithmetic-v2") rather than as an edit.
//
// # Adding a task
//
//  1. Write one file with a generator func(r *rng, level int) problem (question text, canonical
//     answer, an example answer) and a matcher func(truth, given string) bool, and register
//     &builtin{name, describe, gen, match} from init(). The builtin wrapper clamps the level,
//     appends the <answer> instruction, and makes Check regenerate the truth from the seed.
//  2. Draw every random choice from r, and only from r; never from the clock, maps' order or
//     math/rand.
//  3. Add a test file that recomputes the truth independently from the prompt text, plus accepted
//     and rejected spellings; TestDeterminismAndVariety and the fuzz targets pick the task up once
//     it is added to builtinNames.
//
// A task that does not fit the wrapper implements Task directly and calls Register.
//
// # A CodeZero-style code task
//
// A code task (MBPP-like problems, answered with Python) plugs in through the same interface:
//   - Generate picks a problem from a versioned, embedded problem set by seed (the set's version is
//     part of the task name, so peers agree on what a seed means) and asks for a ```python block.
//   - It implements Extractor, so Score takes the fenced code instead of an <answer> tag and the
//     task decides the format reward (Score clamps it to [0, FormatReward]).
//   - Check runs the problem's tests in a sandbox, or asks an optional local judge (an LLM served by
//     the node's own engine, as rl-swarm's CodeZero asks Ollama for {"is_correct": …}); it must bound
//     its own time, treat any judge error as "not correct", and recompute the problem from the seed.
//   - Judging is slow and a judge's verdict is not exactly reproducible across peers. DefaultMix
//     weights every registered task equally, so register such a task only when its judge or sandbox
//     is configured, and let the user opt in through the mix setting.
package tasks
