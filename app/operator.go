package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/app/voice"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

// operatorMsgs is the operator screens' language: Japanese, or English when the booth's
// default language is not Japanese.
func (k *kiosk) operatorMsgs() *assets.Catalog {
	if k.opt.Settings.Lang == "ja" {
		return assets.Messages("ja")
	}
	return assets.Messages("en")
}

// operatorScreen is operator mode: the queue and the sync, reprints and a test page, the
// camera, the booth's settings, and today's counts (no personal data anywhere).
type operatorScreen struct {
	k       *kiosk
	tab     string
	tabs    map[string]*tapButton
	body    *fyne.Container
	leave   *tapButton
	title   *widget.Label
	box     fyne.CanvasObject
	message string // the outcome of the last action, shown on its tab
	syncing bool
	receipt string        // the receipt number looked for on the slips tab ("" lists the latest)
	preview *canvas.Image // the camera test
}

var operatorTabs = []string{"status", "slips", "camera", "settings", "today"}

func newOperatorScreen(k *kiosk) *operatorScreen {
	s := &operatorScreen{k: k, tab: "status", tabs: map[string]*tapButton{}, body: container.NewStack(),
		title: newText(sizeHeading, fyne.TextAlignLeading), preview: newPreview()}
	menu := container.NewVBox()
	for _, t := range operatorTabs {
		b := newTapButton("", false, func() { s.tab, s.message = t, ""; k.send(flow.Activity{}); s.render(k) })
		s.tabs[t] = b
		menu.Add(b)
	}
	s.leave = newTapButton("", true, func() { k.send(flow.OperatorLeave{}) })
	menu.Add(gap())
	menu.Add(s.leave)
	s.box = container.NewBorder(s.title, nil, menu, nil, container.NewVScroll(s.body))
	return s
}

func (s *operatorScreen) content() fyne.CanvasObject { return s.box }

func (s *operatorScreen) render(k *kiosk) {
	m := k.operatorMsgs()
	setText(s.title, m.T("operator.title"), 0)
	for t, b := range s.tabs {
		b.Selected = t == s.tab
		b.set(m.T("operator.tab."+t), true)
		b.Refresh()
	}
	s.leave.set(m.T("operator.leave"), true)
	// The camera test shows the camera's picture while its tab is open.
	k.camera.preview.Store(k.flow.State() == flow.Operator && s.tab == "camera")
	var obj fyne.CanvasObject
	switch s.tab {
	case "status":
		obj = s.status(m)
	case "slips":
		obj = s.slips(m)
	case "camera":
		obj = s.camera(m)
	case "settings":
		obj = s.settings(m)
	case "today":
		obj = s.today(m)
	}
	if s.message != "" {
		obj = container.NewVBox(label(s.message, widget.HighImportance), obj)
	}
	s.body.Objects = []fyne.CanvasObject{obj}
	s.body.Refresh()
}

func label(text string, imp widget.Importance) *widget.Label {
	l := newText(sizeSmall, fyne.TextAlignLeading)
	l.Text, l.Importance = text, imp
	return l
}

func (s *operatorScreen) status(m *assets.Catalog) fyne.CanvasObject {
	k := s.k
	box := container.NewVBox(label(m.T("operator.queue.heading"), widget.MediumImportance))
	st, err := k.opt.Store.Stats(context.Background())
	if err != nil {
		box.Add(label(m.T("operator.sync.error", err.Error()), widget.DangerImportance))
	} else {
		for _, l := range []string{m.T("operator.queue.pending", st.Pending), m.T("operator.queue.sending", st.Sending),
			m.T("operator.queue.sent", st.Sent), m.T("operator.queue.failed", st.Failed)} {
			box.Add(label(l, widget.MediumImportance))
		}
		if !st.OldestUnsent.IsZero() {
			box.Add(label(m.T("operator.queue.oldest", k.now().Sub(st.OldestUnsent).Round(time.Second).String()), widget.MediumImportance))
		}
	}
	w := k.syncWorker()
	if w == nil {
		box.Add(label(m.T("operator.sync.none"), widget.MediumImportance))
	} else {
		ws := w.Status()
		if ws.LastRound.IsZero() {
			box.Add(label(m.T("operator.sync.never"), widget.MediumImportance))
		} else {
			r := ws.LastResult
			box.Add(label(m.T("operator.sync.last", ws.LastRound.In(booth.JST).Format("15:04:05"), r.Sent, r.Retried, r.Failed), widget.MediumImportance))
		}
		if ws.LastError != "" {
			box.Add(label(m.T("operator.sync.error", ws.LastError), widget.DangerImportance))
		}
		now := newTapButton(m.T("operator.sync.now"), true, s.syncNow)
		if s.syncing {
			now.set(m.T("operator.sync.running"), false)
		}
		box.Add(now)
	}
	box.Add(gap())
	box.Add(label(m.T("operator.device.camera", k.camera.name(), k.camera.fps.Load()), widget.MediumImportance))
	if k.opt.Printer != nil {
		box.Add(label(m.T("operator.device.printer", k.opt.Printer.String()), widget.MediumImportance))
	} else {
		box.Add(label(m.T("operator.device.no_printer"), widget.MediumImportance))
	}
	return box
}

// syncNow sends every waiting application now, ignoring backoff: the operator means now.
func (s *operatorScreen) syncNow() {
	k := s.k
	w := k.syncWorker()
	if w == nil || s.syncing {
		return
	}
	s.syncing = true
	k.send(flow.Activity{})
	s.render(k)
	k.fx.goWork(func() {
		res := w.SyncNow(k.ctx)
		k.log.Info("operator: sync now", "sent", res.Sent, "retried", res.Retried, "failed", res.Failed, "err", errString(res.Err))
		fyne.Do(func() { s.syncing = false; s.render(k) })
	})
}

func (s *operatorScreen) slips(m *assets.Catalog) fyne.CanvasObject {
	k := s.k
	box := container.NewVBox(label(m.T("operator.slips.heading"), widget.MediumImportance))
	find := widget.NewEntry()
	find.SetPlaceHolder(m.T("operator.slips.find"))
	find.SetText(s.receipt)
	find.OnSubmitted = func(v string) {
		s.receipt = strings.ToUpper(strings.TrimSpace(v))
		k.send(flow.Activity{})
		s.render(k)
	}
	box.Add(find)
	entries, err := k.opt.Store.List(context.Background(), storage.Filter{Limit: 12, Receipt: s.receipt})
	if err != nil {
		box.Add(label(err.Error(), widget.DangerImportance))
	}
	if len(entries) == 0 && err == nil {
		box.Add(label(m.T("operator.slips.none"), widget.MediumImportance))
	}
	for _, e := range entries {
		text := fmt.Sprintf("%s  %s  %s  %s", e.Receipt, e.CreatedAt.In(booth.JST).Format("01/02 15:04"), e.MaskedFormID,
			m.T("operator.slips.state."+string(e.Slip.State)))
		b := newTapButton(m.T("operator.slips.reprint"), false, func() { s.reprint(e.UUID) })
		b.Disabled = k.opt.Printer == nil
		b.MinWidth = 200
		box.Add(container.NewBorder(nil, nil, nil, b, label(text, widget.MediumImportance)))
	}
	test := newTapButton(m.T("operator.slips.test"), false, s.testPage)
	test.Disabled = k.opt.Printer == nil
	box.Add(gap())
	box.Add(test)
	return box
}

func (s *operatorScreen) reprint(uuid string) {
	k := s.k
	k.send(flow.Activity{})
	k.fx.goWork(func() {
		ctx := context.Background()
		info, err := k.opt.Store.SlipInfo(ctx, uuid)
		if err == nil {
			err = (&booth.Submitter{Queue: k.opt.Store, Printer: k.opt.Printer}).PrintSlip(ctx, info.Receipt)
		}
		m := k.operatorMsgs()
		msg := m.T("operator.slips.printed", info.Receipt.Number)
		if err != nil {
			msg = m.T("operator.slips.failed", err.Error())
		} else if f := k.opt.Printer.SlipFile(info.Receipt); f != "" {
			msg += " → " + f
		}
		k.log.Info("operator: slip reprinted", "application", uuid, "err", errString(err))
		fyne.Do(func() { s.message = msg; s.render(k) })
	})
}

// testPage prints a sample slip that belongs to no application (it says TEST in its number).
func (s *operatorScreen) testPage() {
	k := s.k
	k.send(flow.Activity{})
	r := booth.Receipt{Application: "00000000-0000-4000-8000-000000000000", Number: "TEST-0000", CreatedAt: k.now(),
		BoothID: k.opt.Settings.BoothID, BoothName: k.opt.Settings.BoothName, FormIDLast4: "0000", Lang: k.opt.Settings.Lang,
		Channel: booth.ChannelBooth}
	k.fx.goWork(func() {
		ctx, cancel := context.WithTimeout(context.Background(), booth.DefaultPrintTimeout)
		defer cancel()
		err := k.opt.Printer.PrintSlip(ctx, r)
		m := k.operatorMsgs()
		msg := m.T("operator.slips.printed", r.Number)
		if err != nil {
			msg = m.T("operator.slips.failed", err.Error())
		} else if f := k.opt.Printer.SlipFile(r); f != "" {
			msg += " → " + f
		}
		fyne.Do(func() { s.message = msg; s.render(k) })
	})
}

func (s *operatorScreen) camera(m *assets.Catalog) fyne.CanvasObject {
	k := s.k
	box := container.NewVBox(label(m.T("operator.camera.current", k.camera.name()), widget.MediumImportance),
		label(m.T("operator.device.camera", k.camera.name(), k.camera.fps.Load()), widget.MediumImportance),
		label(m.T("operator.camera.choose"), widget.MediumImportance))
	choices := []struct{ spec, text string }{{"auto", m.T("operator.camera.auto")}, {"demo", m.T("operator.camera.demo")}}
	devs, _ := filepath.Glob("/dev/video*")
	for _, d := range devs {
		choices = append(choices, struct{ spec, text string }{d, d})
	}
	if c := k.opt.Settings.Camera; c != "" && c != "auto" && c != "demo" && !strings.HasPrefix(c, "/dev/video") {
		choices = append(choices, struct{ spec, text string }{c, c})
	}
	grid := container.NewGridWithColumns(2)
	for _, c := range choices {
		b := newTapButton(c.text, false, func() { s.chooseCamera(c.spec) })
		b.Selected = c.spec == k.opt.Settings.Camera
		grid.Add(b)
	}
	box.Add(grid)
	s.preview.SetMinSize(fyne.NewSize(480, 270))
	box.Add(s.preview)
	return box
}

func (s *operatorScreen) chooseCamera(spec string) {
	k := s.k
	k.send(flow.Activity{})
	src, err := k.opt.OpenCamera(spec)
	m := k.operatorMsgs()
	if err != nil {
		s.message = m.T("operator.camera.failed", err.Error())
		s.render(k)
		return
	}
	k.camera.replace(src)
	k.opt.Settings.Camera = spec
	s.message = s.save(m)
	s.render(k)
}

func (s *operatorScreen) settings(m *assets.Catalog) fyne.CanvasObject {
	k := s.k
	set := k.opt.Settings
	id, name, url, token, idle := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewPasswordEntry(), widget.NewEntry()
	id.SetText(set.BoothID)
	name.SetText(set.BoothName)
	url.SetText(set.IntakeURL)
	token.SetText(set.IntakeToken)
	idle.SetText(strconv.Itoa(int(set.IdleTimeout.Seconds())))
	sheet := widget.NewCheck(m.T("operator.settings.photo_sheet"), nil)
	sheet.SetChecked(set.PhotoSheet)
	voiceOn := widget.NewCheck(m.T("operator.settings.voice"), nil)
	voiceOn.SetChecked(set.Voice)
	contrast := widget.NewCheck(m.T("operator.settings.contrast"), nil)
	contrast.SetChecked(set.HighContrast)
	large := widget.NewCheck(m.T("operator.settings.large"), nil)
	large.SetChecked(set.LargeType)
	volume := widget.NewEntry()
	volume.SetText(strconv.Itoa(set.Volume))
	langs := map[string]*widget.Check{}
	langBox := container.NewGridWithColumns(4)
	for _, l := range assets.Offered {
		c := widget.NewCheck(l, nil) // the code: drawing each name in its script costs a font each
		for _, x := range set.Languages {
			if x == l {
				c.SetChecked(true)
			}
		}
		langs[l] = c
		langBox.Add(c)
	}
	newPIN := widget.NewPasswordEntry()
	form := widget.NewForm(
		widget.NewFormItem(m.T("operator.settings.booth_id"), id),
		widget.NewFormItem(m.T("operator.settings.booth_name"), name),
		widget.NewFormItem(m.T("operator.settings.intake_url"), url),
		widget.NewFormItem(m.T("operator.settings.intake_token"), token),
		widget.NewFormItem(m.T("operator.settings.idle"), idle),
		widget.NewFormItem(m.T("operator.settings.volume"), volume),
	)
	save := newTapButton(m.T("operator.settings.save"), true, func() {
		k.send(flow.Activity{})
		next := k.opt.Settings
		next.BoothID, next.BoothName = strings.TrimSpace(id.Text), strings.TrimSpace(name.Text)
		next.IntakeURL, next.IntakeToken = strings.TrimSpace(url.Text), strings.TrimSpace(token.Text)
		next.PhotoSheet = sheet.Checked
		next.Voice, next.HighContrast, next.LargeType = voiceOn.Checked, contrast.Checked, large.Checked
		vol, verr := strconv.Atoi(strings.TrimSpace(volume.Text))
		next.Languages = nil
		for _, l := range assets.Offered {
			if langs[l].Checked {
				next.Languages = append(next.Languages, l)
			}
		}
		secs, err := strconv.Atoi(strings.TrimSpace(idle.Text))
		switch {
		case err != nil || secs < 15 || secs > 600:
			s.message = m.T("operator.settings.invalid", m.T("operator.settings.idle")+" 15–600")
		case next.BoothID == "" || len(next.BoothID) > booth.MaxBoothIDBytes:
			s.message = m.T("operator.settings.invalid", m.T("operator.settings.booth_id"))
		case len(next.Languages) == 0:
			s.message = m.T("operator.settings.invalid", m.T("operator.settings.languages"))
		case verr != nil || vol < 0 || vol > voice.MaxVolume:
			s.message = m.T("operator.settings.invalid", m.T("operator.settings.volume"))
		default:
			next.IdleTimeout, next.Volume = time.Duration(secs)*time.Second, vol
			s.message = k.applySettings(next, m)
		}
		s.render(k)
	})
	setPIN := newTapButton(m.T("operator.settings.set_pin"), false, func() {
		k.send(flow.Activity{})
		s.message = k.changePIN(newPIN.Text, m)
		newPIN.SetText("")
		s.render(k)
	})
	return container.NewVBox(form, sheet, voiceOn, contrast, large, label(m.T("operator.settings.languages"), widget.MediumImportance), langBox, save, gap(),
		widget.NewForm(widget.NewFormItem(m.T("operator.settings.new_pin"), newPIN)), setPIN)
}

// applySettings takes the operator's new settings: the flow and the screens at once, the sync
// worker restarted with the new intake, and the settings saved for the next start.
func (k *kiosk) applySettings(next Settings, m *assets.Catalog) string {
	intakeChanged := next.IntakeURL != k.opt.Settings.IntakeURL || next.IntakeToken != k.opt.Settings.IntakeToken
	if intakeChanged && k.opt.NewSync != nil {
		var w *upload.Worker
		if next.IntakeURL != "" {
			var err error
			if w, err = k.opt.NewSync(next); err != nil {
				return m.T("operator.settings.invalid", err.Error())
			}
		}
		k.mu.Lock()
		if k.syncStop != nil {
			k.syncStop()
			k.syncStop = nil
		}
		k.sync = w
		k.mu.Unlock()
		k.startSync()
	}
	k.opt.Settings = next
	k.flow.Configure(k.flowConfig())
	attract := newAttractScreen(k) // the languages offered
	k.screens[flow.Attract] = attract
	k.idle = newIdleOverlay(k)
	attract.langs.orient(k.portrait)
	k.idle.langs.orient(k.portrait)
	k.win.SetContent(container.NewStack(k.root, k.idle.content))
	return k.save(m)
}

func (s *operatorScreen) save(m *assets.Catalog) string { return s.k.save(m) }

func (k *kiosk) save(m *assets.Catalog) string {
	if k.opt.SaveSettings == nil {
		return m.T("operator.settings.saved")
	}
	if err := k.opt.SaveSettings(k.opt.Settings); err != nil {
		k.log.Error("operator: settings not saved", "err", err)
		return m.T("operator.settings.invalid", err.Error())
	}
	return m.T("operator.settings.saved")
}

func (k *kiosk) changePIN(p string, m *assets.Catalog) string {
	if !pin.Valid(p) || k.opt.SetPIN == nil || k.opt.PIN == nil {
		return m.T("operator.settings.invalid", m.T("operator.settings.new_pin"))
	}
	h, err := pin.Hash(p)
	if err == nil {
		err = k.opt.SetPIN(h)
	}
	if err == nil {
		err = k.opt.PIN.SetHash(h)
	}
	if err != nil {
		return m.T("operator.settings.invalid", err.Error())
	}
	k.log.Info("operator: PIN changed")
	return m.T("operator.settings.pin_set")
}

func (s *operatorScreen) today(m *assets.Catalog) fyne.CanvasObject {
	st := s.k.flow.Stats()
	box := container.NewVBox(label(m.T("operator.today.heading", st.Day.String()), widget.MediumImportance))
	for _, l := range []string{m.T("operator.today.sessions", st.Sessions), m.T("operator.today.applications", st.Applications),
		m.T("operator.today.photos", st.Photos), m.T("operator.today.retakes", st.Retakes),
		m.T("operator.today.overrides", st.Overrides), m.T("operator.today.slip_failures", st.SlipFailures)} {
		box.Add(label(l, widget.MediumImportance))
	}
	if top := st.TopProblems(5); len(top) > 0 {
		box.Add(label(m.T("operator.today.problems"), widget.MediumImportance))
		for _, p := range top {
			box.Add(label(m.T("operator.today.problem", p.Code, p.Count), widget.MediumImportance))
		}
	}
	return box
}
