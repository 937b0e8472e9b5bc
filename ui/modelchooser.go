package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// ModelBackend is what the model chooser needs; app/session.Session implements it. Screens find
// it by asserting their Backend, so a Backend without it (the screen tests' fake) simply shows
// no chooser.
type ModelBackend interface {
	ModelName() string
	HubCache() string
	CachedModels() ([]models.Cached, error)
	// DownloadModel fetches a hub model into the cache; cancelling ctx pauses it and the next
	// call resumes.
	DownloadModel(ctx context.Context, id string, progress func(session.DownloadProgress)) error
	// UseModel saves model.name; the node uses it from its next start.
	UseModel(name string) error
}

var _ ModelBackend = (*session.Session)(nil)

// modelChooser offers the four ways to the model the node trains: the built-in demo, a
// download of a supported model (with progress, speed, time left, pause and resume), a model
// folder, or a model already in the Hugging Face cache. It holds no logic of its own: the
// catalogue, the folder check and the download are app/models' and app/session's.
type modelChooser struct {
	b        ModelBackend
	win      fyne.Window
	async    func(func())
	onChosen func(name string) // on the UI goroutine, after the choice was saved

	obj      fyne.CanvasObject
	pick     *widget.RadioGroup
	download *widget.Button
	pause    *widget.Button
	bar      *widget.ProgressBar
	dlText   *widget.Label
	cached   *fyne.Container
	status   *widget.Label

	cancel   context.CancelFunc // the download under way
	paused   string             // the id of a paused download
	attempt  int
	meter    rateMeter
	catalogs []models.Known
}

// catalogLine is how a supported model is listed: its id, download size and the memory it needs
// to train (what it is for shows under the list, for the one selected).
func catalogLine(k models.Known) string {
	return fmt.Sprintf("%s · %s download · about %s of memory to train", k.ID, onbBytes(k.DownloadBytes), onbBytes(k.TrainBytes))
}

func newModelChooser(b ModelBackend, win fyne.Window, async func(func()), onChosen func(string)) *modelChooser {
	c := &modelChooser{b: b, win: win, async: async, onChosen: onChosen, catalogs: models.Catalog}
	now := widget.NewLabel("")
	now.Wrapping = fyne.TextWrapWord
	if name := b.ModelName(); models.IsDemo(name) {
		now.SetText("Now: the built-in demo model. It needs no download and learns one small task (which digit comes after another) within minutes, to show how the swarm trains. A real model learns the real tasks, slowly, and needs a one-time download.")
	} else {
		now.SetText("Now: " + name + ".")
	}

	var lines []string
	for _, k := range c.catalogs {
		lines = append(lines, catalogLine(k))
	}
	about := onbText("")
	about.Importance = widget.LowImportance
	c.pick = widget.NewRadioGroup(lines, func(string) { about.SetText(c.about()) })
	c.pick.SetSelected(lines[0])
	c.download = widget.NewButtonWithIcon("Download and use", theme.DownloadIcon(), c.startDownload)
	c.download.Importance = widget.HighImportance
	c.pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), c.togglePause)
	c.pause.Hide()
	c.bar = widget.NewProgressBar()
	c.bar.Hide()
	c.dlText = onbText("")
	c.dlText.Hide()

	folder := widget.NewButtonWithIcon("Use a model folder…", theme.FolderOpenIcon(), c.pickFolder)
	demo := widget.NewButtonWithIcon("Use the built-in demo model", theme.MediaPlayIcon(), func() { c.use(models.DemoName) })
	c.cached = container.NewVBox(onbText("Looking in the Hugging Face cache…"))
	c.status = onbText("")
	c.status.Hide()

	hint := onbText("A model folder is a Hugging Face model (config.json, tokenizer.json and *.safetensors of a Qwen2-family model). The cache is " + b.HubCache() + ", shared with Python tools.")
	hint.Importance = widget.LowImportance
	c.obj = container.NewVScroll(container.NewVBox(
		now, c.status,
		widget.NewSeparator(), onbHeading("Download a model"), c.pick, about,
		container.NewHBox(c.download, c.pause), c.bar, c.dlText,
		widget.NewSeparator(), onbHeading("Or use a model this computer has"), c.cached,
		container.NewHBox(folder, demo), hint,
	))
	c.refreshCached()
	return c
}

// refreshCached lists the models in the Hugging Face cache, each with a button.
func (c *modelChooser) refreshCached() {
	c.async(func() {
		list, err := c.b.CachedModels()
		fyne.Do(func() {
			c.cached.RemoveAll()
			switch {
			case err != nil:
				c.cached.Add(onbText(err.Error()))
			case len(list) == 0:
				c.cached.Add(onbText("No model in the Hugging Face cache yet."))
			}
			for _, m := range list {
				id := m.ID
				b := widget.NewButton("Use "+id+" ("+onbBytes(m.Bytes)+", in the cache)", func() { c.use(id) })
				b.Alignment = widget.ButtonAlignLeading
				c.cached.Add(b)
			}
		})
	})
}

func (c *modelChooser) selectedModel() models.Known {
	for i, l := range c.pick.Options {
		if l == c.pick.Selected {
			return c.catalogs[i]
		}
	}
	return c.catalogs[0]
}

func (c *modelChooser) selected() string { return c.selectedModel().ID }

// about says what the selected model is for.
func (c *modelChooser) about() string {
	k := c.selectedModel()
	return k.ID + ": " + k.About + "."
}

// startDownload downloads the selected model (resuming a paused one) and then uses it.
func (c *modelChooser) startDownload() {
	id := c.selected()
	if c.cancel != nil {
		return
	}
	c.attempt++
	n := c.attempt
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.paused = ""
	c.meter = rateMeter{}
	c.download.Disable()
	c.pick.Disable()
	c.pause.SetText("Pause")
	c.pause.SetIcon(theme.MediaPauseIcon())
	c.pause.Show()
	c.bar.SetValue(0)
	c.bar.Show()
	c.dlText.SetText("Connecting to huggingface.co…")
	c.dlText.Show()
	c.setStatus("", widget.MediumImportance)
	c.async(func() {
		err := c.b.DownloadModel(ctx, id, func(p session.DownloadProgress) {
			now := time.Now()
			fyne.Do(func() {
				if n == c.attempt {
					c.progress(p, now)
				}
			})
		})
		fyne.Do(func() {
			if n != c.attempt {
				return
			}
			paused := ctx.Err() != nil
			cancel()
			c.cancel = nil
			c.download.Enable()
			c.pick.Enable()
			switch {
			case paused:
				c.paused = id
				c.dlText.SetText(c.dlText.Text + " · paused")
				c.pause.SetText("Resume")
				c.pause.SetIcon(theme.MediaPlayIcon())
			case err != nil:
				c.pause.Hide()
				c.bar.Hide()
				c.dlText.Hide()
				c.setStatus(downloadProblem(id, err), widget.DangerImportance)
			default:
				c.pause.Hide()
				c.dlText.SetText(id + " is downloaded.")
				c.use(id)
			}
		})
	})
}

// togglePause pauses the download under way (what arrived is kept) or resumes a paused one.
func (c *modelChooser) togglePause() {
	if c.cancel != nil {
		c.cancel()
		return
	}
	if c.paused != "" {
		c.startDownload()
	}
}

func (c *modelChooser) progress(p session.DownloadProgress, now time.Time) {
	speed := c.meter.add(p.File, p.Done, now)
	if p.Total > 0 {
		c.bar.Max = float64(p.Total)
		c.bar.SetValue(float64(min(p.Done, p.Total)))
	}
	c.dlText.SetText(downloadText(p, speed))
}

// downloadText is the line under the progress bar: the file, bytes, speed and time left.
func downloadText(p session.DownloadProgress, speed float64) string {
	s := fmt.Sprintf("File %d of %d (%s): %s", p.FileIndex+1, p.FileCount, p.File, onbBytes(p.Done))
	if p.Total > 0 {
		s += " of " + onbBytes(p.Total)
	}
	if speed > 0 {
		s += " · " + onbBytes(int64(speed)) + "/s"
		if p.Total > p.Done {
			s += " · " + timeLeft(time.Duration(float64(p.Total-p.Done)/speed*float64(time.Second))) + " left"
		}
	}
	return s
}

// timeLeft rounds a remaining time the way download dialogs say it.
func timeLeft(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()+0.5))
	case d < time.Hour:
		return fmt.Sprintf("about %d min", int(d.Minutes()+0.5))
	default:
		return fmt.Sprintf("about %.1f h", d.Hours())
	}
}

// rateMeter smooths the download speed over the last updates of one file.
type rateMeter struct {
	file  string
	done  int64
	at    time.Time
	speed float64 // bytes per second
}

func (m *rateMeter) add(file string, done int64, now time.Time) float64 {
	if file != m.file || m.at.IsZero() || done < m.done {
		m.file, m.done, m.at = file, done, now
		return m.speed
	}
	if dt := now.Sub(m.at).Seconds(); dt >= 0.2 {
		v := float64(done-m.done) / dt
		if m.speed == 0 {
			m.speed = v
		} else {
			m.speed = 0.7*m.speed + 0.3*v
		}
		m.done, m.at = done, now
	}
	return m.speed
}

// downloadProblem says what failed and what to do instead; with no connection that is the
// other three ways, not the same download again.
func downloadProblem(id string, err error) string {
	if errors.Is(err, models.ErrNoInternet) {
		return "This computer cannot reach huggingface.co, so " + id + " cannot be downloaded now. " +
			"Use a model folder or a model from the Hugging Face cache below, or keep the built-in demo model; download later, when this computer is online."
	}
	return "The download of " + id + " stopped: " + err.Error()
}

func (c *modelChooser) setStatus(text string, imp widget.Importance) {
	c.status.Importance = imp
	c.status.SetText(text)
	if text == "" {
		c.status.Hide()
	} else {
		c.status.Show()
	}
}

// pickFolder opens the folder picker; the folder is checked before it is saved.
func (c *modelChooser) pickFolder() {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			c.setStatus("Could not open that folder: "+err.Error(), widget.DangerImportance)
			return
		}
		if u != nil {
			c.use(u.Path())
		}
	}, c.win)
}

// use saves the choice and hands over to onChosen.
func (c *modelChooser) use(name string) {
	c.async(func() {
		err := c.b.UseModel(name)
		fyne.Do(func() {
			if err != nil {
				c.setStatus(err.Error(), widget.DangerImportance)
				return
			}
			if c.cancel != nil {
				c.cancel()
			}
			if c.onChosen != nil {
				c.onChosen(name)
			}
		})
	})
}

// close stops a download under way (what arrived is kept for the next time).
func (c *modelChooser) close() {
	if c.cancel != nil {
		c.attempt++
		c.cancel()
		c.cancel = nil
	}
}

// showModelChooser opens the chooser in a dialog over win; onChosen runs after a choice was
// saved and the dialog closed.
func showModelChooser(b ModelBackend, win fyne.Window, async func(func()), onChosen func(string)) {
	var d dialog.Dialog
	c := newModelChooser(b, win, async, func(name string) {
		d.Hide()
		if onChosen != nil {
			onChosen(name)
		}
	})
	d = dialog.NewCustom("Choose the model", "Close", c.obj, win)
	d.SetOnClosed(c.close)
	d.Resize(fyne.NewSize(min(760, win.Canvas().Size().Width-40), min(620, win.Canvas().Size().Height-40)))
	d.Show()
}

// demoBanner is the line above the main view while the node trains the demo model: it says so
// and offers a real one.
func (s *Shell) demoBanner() fyne.CanvasObject {
	mb, ok := s.b.(ModelBackend)
	if !ok {
		return nil
	}
	text := widget.NewLabel("You are training the built-in demo model: it learns one small task within minutes, to show how the swarm works.")
	text.Wrapping = fyne.TextWrapWord
	btn := widget.NewButtonWithIcon("Use a real model…", theme.DownloadIcon(), func() {
		showModelChooser(mb, s.win, s.async, func(string) { s.restartNode() })
	})
	btn.Importance = widget.HighImportance
	return container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), btn, text), widget.NewSeparator())
}

// setDemo shows the demo banner above the screens while the model is the demo.
func (m *mainView) setDemo(s *Shell) {
	m.demo.RemoveAll()
	if models.IsDemo(s.b.ModelName()) {
		if b := s.demoBanner(); b != nil {
			m.demo.Add(b)
		}
	}
}

// restartNode starts the node again with the saved choice, so a newly chosen model takes over.
func (s *Shell) restartNode() {
	c, ok := s.b.Choice()
	if !ok && s.AutoStart != nil {
		c = *s.AutoStart
	}
	if s.main != nil {
		s.main.setDemo(s)
	}
	s.switchMode(c)
}

// offerModels answers a start that failed because the model could not be downloaded with no
// connection: "Try again" would only fail again, so the step offers the demo model and the
// chooser's folder and cache instead.
func (o *Onboarding) offerModels(err error) {
	o.noNet.RemoveAll()
	mb, ok := o.b.(ModelBackend)
	if !ok || !errors.Is(err, models.ErrNoInternet) {
		return
	}
	retry := func(string) { o.run() }
	demo := widget.NewButtonWithIcon("Start with the demo model", theme.MediaPlayIcon(), func() {
		o.async(func() {
			err := mb.UseModel(models.DemoName)
			fyne.Do(func() {
				if err != nil {
					o.failText.SetText(err.Error())
					return
				}
				o.run()
			})
		})
	})
	demo.Importance = widget.HighImportance
	choose := widget.NewButtonWithIcon("Choose a model…", theme.FolderOpenIcon(), func() {
		showModelChooser(mb, o.win, o.async, retry)
	})
	o.noNet.Add(onbText("This computer seems to be offline, so the model cannot be downloaded. Start with swarmdesk's built-in demo model, which needs no download, or choose a model folder or a model already in the Hugging Face cache."))
	o.noNet.Add(container.NewHBox(demo, choose))
}

// chooseModel is Settings' way into the chooser: a newly chosen model restarts the node. Nil
// when the backend has no chooser.
func (s *Shell) chooseModel() func() {
	mb, ok := s.b.(ModelBackend)
	if !ok {
		return nil
	}
	return func() { showModelChooser(mb, s.win, s.async, func(string) { s.restartNode() }) }
}
