// Package blockassist runs BlockAssist mode: the player builds a house in a
// tiny voxel world while an assistant that cannot see the goal infers it
// from the player's actions and helps. It follows MBAG (the Minecraft
// Building Assistance Game behind AssistanceZero and Gensyn's BlockAssist)
// closely enough that recordings convert to MBAG's tensors.
//
// Layout (dependencies point down):
//
//	play             Mode: the desktop window's facade (catalog, start with or
//	                 without the assistant, run, train); above everything below
//	blockassist      Session: input queue, fixed tick, assistant, recorder,
//	                 the single end path (100 % and manual stop), RecoverAll
//	├── assist       goal inference (catalog posterior + per-voxel rules,
//	│                Predictor interface for a learned net) and the
//	│                expected-gain assistant; ScriptedBuilder + Simulate
//	├── record       crash-safe session files, replay, MBAG metrics,
//	│                .npy tensor export
//	├── goals        goal catalog (.goal text files, train/test split,
//	│                difficulty), placement transforms, generator
//	├── goalnet      the learned goal model: training on recorded sessions
//	├── render       software voxel renderer into *image.RGBA, and the camera
//	│                ray and voxel pick a click uses (the same walk)
//	└── world        MBAG rules: 11×10×10 grid, 10 blocks, actions, reach and
//	                 line of sight, similarity and goal percentage
//
// The desktop window goes through play.Mode (ui.BlockAssist) and draws with render; underneath,
// typical use is:
//
//	cat, _ := goals.Embedded()
//	g, _ := cat.Get("oak_cottage")
//	p, _ := goals.RandomPlacement(g, rng)
//	a := assist.New(assist.NewInference(cat.Goals), assist.DefaultConfig())
//	s, _ := blockassist.Start(blockassist.Config{DataDir: dir, Goal: g, Placement: p, Assistant: a})
//	go blockassist.Run(ctx, s, redraw)   // ticks every 0.8 s
//	s.Queue(world.PlaceAt(v, world.Planks)) // from input handlers
//	sum, _ := s.Stop()                    // same result after 100 %
//
// At startup call RecoverAll(dataDir) so sessions cut by a crash are
// finalised (torn tail truncated, End record and metrics.json written).
package blockassist
