package session

import (
	"time"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/tasks"
)

// DemoRoundSeconds is the round length of a local or hosted swarm whose model is the built-in
// demo (models.DemoName), while network.round_seconds keeps its default (a value set on purpose
// wins): the demo learns within minutes, so rounds of the real swarm's five minutes would hide it.
var DemoRoundSeconds = models.Demo.RoundSeconds

// demoGather bounds the wait for peers' answers in a demo round, which lasts seconds.
const demoGather = 3 * time.Second

// IsDemo reports whether the settings choose the built-in demo model.
func IsDemo(c config.Config) bool { return models.IsDemo(c.Model.Name) }

// RoundSeconds is how long the rounds of a swarm this computer runs (Try it locally, Host, or
// `swarmdesk host`) last: network.round_seconds, or DemoRoundSeconds for the demo model while
// that setting keeps its default.
func RoundSeconds(c config.Config) int {
	if models.IsDemo(c.Model.Name) && c.Network.RoundSeconds == config.Default().Network.RoundSeconds {
		return DemoRoundSeconds
	}
	return c.Network.RoundSeconds
}

// demoNode shapes the node's rounds for the demo model: its task only, and the sizes above.
// The settings that are not about the model (chain submissions, checkpoints, power and idle
// rules, threads, metrics) stay as configured.
func demoNode(nc node.Config) node.Config {
	nc.Mix = tasks.Mix{tasks.NextDigit: 1}
	nc.Level = tasks.MinLevel
	nc.Questions, nc.Answers, nc.MaxNewTokens = models.Demo.Questions, models.Demo.Answers, models.Demo.MaxNewTokens
	nc.Train.Optim.LR = models.Demo.LR
	nc.GatherTimeout = min(nc.GatherTimeout, demoGather)
	return nc
}
