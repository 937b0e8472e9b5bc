package node

import "context"

// faultPoint marks a point inside a phase where the fault tests (app/soak) want their kill -9
// to land. With Config.PhasePause set it logs the point and sleeps there, so a kill at a random
// moment after the line lands inside the phase and the test knows where; otherwise it does
// nothing. The points: the first and the middle question of generation, before and after the
// optimizer step, and before the reward, before the vote and after the vote of a submission.
func (n *Node) faultPoint(ctx context.Context, round uint64, phase Phase, at string) {
	if n.cfg.PhasePause <= 0 {
		return
	}
	n.log().Info("fault point", "round", round, "phase", string(phase), "at", at)
	sleep(ctx, n.cfg.PhasePause)
}
