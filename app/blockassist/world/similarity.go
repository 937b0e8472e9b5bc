package world

// PlaceWrong is MBAG's rewards.place_wrong used in every human/assistant
// configuration: a non-air block where a different non-air block belongs
// scores −1, which is why an assistant must only act when confident.
const PlaceWrong = -1

// VoxelSimilarity is MBAG's per-voxel goal similarity with partial credit:
// 1 when the block matches the goal, −1 when both are non-air but differ,
// 0 otherwise (air where a block belongs, or a block where air belongs).
func VoxelSimilarity(cur, goal Block) int {
	switch {
	case cur == goal:
		return 1
	case cur != Air && goal != Air:
		return PlaceWrong
	default:
		return 0
	}
}

// Similarity sums VoxelSimilarity over the whole world (MBAG goal_similarity).
func Similarity(cur, goal *Grid) int {
	s := 0
	for i := range cur {
		s += VoxelSimilarity(cur[i], goal[i])
	}
	return s
}

// GoalPercent is MBAG's goal_percentage as a fraction: progress since the
// start, (sim − initial) / (NumVoxels − initial). It is 1 exactly when the
// world equals the goal, 0 at the start, and negative when wrong blocks have
// been added. A goal equal to the starting world is complete by definition.
func GoalPercent(initialSim, sim int) float64 {
	den := NumVoxels - initialSim
	if den <= 0 {
		return 1
	}
	return float64(sim-initialSim) / float64(den)
}
