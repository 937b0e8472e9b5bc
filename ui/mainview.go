package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/blockassist/play"
	"github.com/swarmdesk/swarmdesk/app/node"
)

// The main view: the side navigation and the screen it selects, built once the node runs.

// The main view's screens, in navigation (and Ctrl+1..6) order.
const (
	viewDashboard = iota
	viewCharts
	viewLeaderboard
	viewSettings
	viewLogs
	viewBlockAssist
)

// roundCharts is what the shell needs of the charts screen (*ChartsView).
type roundCharts interface {
	Object() fyne.CanvasObject
	SetHistory([]node.RoundMetrics)
	Add(node.RoundMetrics)
}

// mainView is the running app: a side navigation and the selected screen.
type mainView struct {
	dash     *dashboard
	charts   roundCharts
	board    *leaderboard
	settings *settingsView
	logs     *logsView
	// blockAssist is built the first time its screen shows (it reads the goal catalog and
	// recovers interrupted sessions, which the node's users may never need).
	blockAssist *blockAssistScreen

	// demo holds the banner that says the node trains the built-in demo model (modelchooser.go).
	demo *fyne.Container

	pages   []fyne.CanvasObject
	buttons []*widget.Button
	current int
	content *fyne.Container
	obj     fyne.CanvasObject
	onShow  func(view int)
}

func newMainView(s *Shell) *mainView {
	m := &mainView{}
	m.dash = newDashboard(s.info, s.setTraining, s.copy)
	m.dash.experiment.bind(s.b, s.async)
	m.charts = s.newCharts()
	m.board = newLeaderboard(s.refreshBoard)
	m.logs = newLogsView(s.copy)
	settingsBox := container.NewStack(container.NewCenter(widget.NewLabel("Loading settings…")))
	blockAssistBox := container.NewStack(container.NewCenter(widget.NewLabel("Loading BlockAssist…")))
	m.pages = []fyne.CanvasObject{m.dash.obj, m.charts.Object(), m.board.obj, settingsBox, m.logs.obj, blockAssistBox}
	titles := []string{"Dashboard", "Charts", "Leaderboard", "Settings", "Logs", "BlockAssist"}
	icons := []fyne.Resource{theme.HomeIcon(), theme.GridIcon(), theme.ListIcon(), theme.SettingsIcon(), theme.DocumentIcon(), theme.ViewRestoreIcon()}
	nav := container.NewVBox()
	for i, t := range titles {
		b := widget.NewButtonWithIcon(t, icons[i], func() { m.selectView(i) })
		b.Alignment = widget.ButtonAlignLeading
		m.buttons = append(m.buttons, b)
		nav.Add(b)
	}
	m.content = container.NewStack()
	m.demo = container.NewStack()
	m.setDemo(s)
	m.obj = container.NewBorder(nil, nil, container.NewPadded(nav), nil, container.NewBorder(m.demo, nil, nil, nil, m.content))
	m.onShow = func(view int) {
		if view == viewLogs {
			s.refreshLogs()
		}
		if view == viewBlockAssist {
			s.openBlockAssist()
		}
	}
	m.selectView(viewDashboard)
	return m
}

// openBlockAssist builds the BlockAssist screen the first time it shows, with its data under the
// app's data folder. UI goroutine.
func (s *Shell) openBlockAssist() {
	m := s.main
	if m == nil || m.blockAssist != nil {
		return
	}
	m.blockAssist = &blockAssistScreen{} // building: a second selection must not build twice
	s.async(func() {
		d := defaultBlockAssistDeps(play.NewMode(blockAssistDataDir(s.b.DataDir())))
		d.async = s.async
		fyne.Do(func() {
			m.blockAssist = newBlockAssistScreen(d)
			box := m.pages[viewBlockAssist].(*fyne.Container)
			box.Objects = []fyne.CanvasObject{m.blockAssist.obj}
			box.Refresh()
		})
	})
}

// setSettings puts the settings screen in place once the config was read.
func (m *mainView) setSettings(v *settingsView) {
	m.settings = v
	box := m.pages[viewSettings].(*fyne.Container)
	box.Objects = []fyne.CanvasObject{v.obj}
	box.Refresh()
}

// selectView shows one of the screens (navigation, Ctrl+1..6).
func (m *mainView) selectView(i int) {
	if i < 0 || i >= len(m.pages) {
		return
	}
	m.current = i
	for j, b := range m.buttons {
		if j == i {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
	m.content.Objects = []fyne.CanvasObject{m.pages[i]}
	m.content.Refresh()
	if m.onShow != nil {
		m.onShow(i)
	}
}
