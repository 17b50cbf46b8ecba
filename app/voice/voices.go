// Package voice speaks the kiosk's guidance offline: Japanese with Open JTalk and the "Mei"
// voice, the other languages with espeak-ng where it has a voice. Synthesis runs off the UI
// goroutine and is cached per (language, text); playback goes through ALSA's aplay. A booth
// without a sound device logs a warning once and goes on silently.
package voice

// engine is a speech synthesiser program.
type engine int

const (
	noEngine  engine = iota
	openJTalk        // open_jtalk with the naist-jdic dictionary and an HTS voice
	eSpeak           // espeak-ng
)

// spoken is how each offered language is spoken. Tagalog has no espeak-ng voice: its residents
// get the texts on screen only (and the shutter and result sounds).
var spoken = map[string]struct {
	engine engine
	voice  string
}{
	"ja":      {openJTalk, "mei_normal"},
	"en":      {eSpeak, "en-us"},
	"zh-hans": {eSpeak, "cmn"},
	"zh-hant": {eSpeak, "cmn"}, // Mandarin read from traditional characters
	"ko":      {eSpeak, "ko"},
	"vi":      {eSpeak, "vi"},
	"ne":      {eSpeak, "ne"},
	"id":      {eSpeak, "id"},
	"pt":      {eSpeak, "pt-br"}, // most Portuguese speakers in Japan are Brazilian
	"es":      {eSpeak, "es-419"},
	"th":      {eSpeak, "th"},
}

// Speakable reports whether lang has a voice.
func Speakable(lang string) bool {
	v, ok := spoken[lang]
	return ok && v.engine != noEngine
}
