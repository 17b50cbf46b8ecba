package app

import (
	"fyne.io/fyne/v2"

	"github.com/idbooth/idbooth/app/flow"
)

// The keyboard contract (DESIGN §7): digits (half- or full-width) type into the current
// numeric field, Backspace deletes, Enter is the screen's primary action, Escape goes back. On
// the scan screen everything typed goes to the form-ID reader: 23 digits and Enter from a
// barcode reader, or a person typing.

// typedRune takes a character typed anywhere in the window.
func (k *kiosk) typedRune(r rune) {
	if r >= '０' && r <= '９' {
		r = r - '０' + '0'
	}
	if k.counter() && k.flow.State() == flow.Confirm && r|0x20 == 'l' {
		k.cycleSlipLang()
		return
	}
	if k.counter() && k.counterRune(r) {
		return
	}
	switch k.flow.State() {
	case flow.Scan:
		k.keyboard.Rune(r)
		if s := k.screens[flow.Scan].(*scanScreen); !s.typing && r >= '0' && r <= '9' && k.flow.ScanPhase() != flow.ScanRead {
			s.typing = true // someone types the ID: show what they type
		}
		k.send(flow.Activity{})
		k.refreshScreen()
	case flow.BirthDate, flow.StaffPIN, flow.OperatorPIN:
		if r >= '0' && r <= '9' {
			k.send(flow.Digit{D: byte(r)})
			return
		}
		k.send(flow.Activity{})
	default:
		k.send(flow.Activity{})
	}
}

// typedKey takes Enter, Escape, Backspace and the other named keys.
func (k *kiosk) typedKey(e *fyne.KeyEvent) {
	st := k.flow.State()
	scan := k.screens[flow.Scan].(*scanScreen)
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case k.idle.choosing:
			k.idle.choosing = false
			k.refreshScreen()
		case st == flow.Scan && k.keyboard.Text() != "":
			k.enterTypedID()
		default:
			k.send(flow.Next{})
		}
	case fyne.KeyEscape:
		switch {
		case k.idle.choosing:
			k.idle.choosing = false
			k.refreshScreen()
		case st == flow.Scan && scan.typing:
			scan.closeTyping(k)
		default:
			k.send(flow.Back{})
		}
	case fyne.KeyTab:
		if st == flow.SignIn {
			k.send(flow.SetField{Field: 1 - k.flow.SignInField()})
			return
		}
		k.send(flow.Activity{})
	case fyne.KeyBackspace:
		if id, ok := k.screens[st].(*identityScreen); ok && id.digits != "" {
			id.digits = ""
			k.send(flow.Activity{})
			k.refreshScreen()
			return
		}
		if st == flow.Scan {
			k.keyboard.Backspace()
			k.send(flow.Activity{})
			k.refreshScreen()
			return
		}
		k.send(flow.Backspace{})
	default:
		k.send(flow.Activity{})
	}
}

// refreshScreen redraws the current screen and the overlay for a change the flow does not
// track (what is being typed on the scan screen, an operator's tab).
func (k *kiosk) refreshScreen() {
	k.chrome.render(k, k.shown)
	if s, ok := k.screens[k.shown]; ok {
		s.render(k)
		k.root.Objects[0].Refresh()
	}
	k.idle.render(k)
}
