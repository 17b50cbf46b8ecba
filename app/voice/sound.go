package voice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Sound is mono 16-bit PCM.
type Sound struct {
	Rate    int
	Samples []int16
}

// Duration is the sound's length in seconds.
func (s *Sound) Duration() float64 {
	if s.Rate == 0 {
		return 0
	}
	return float64(len(s.Samples)) / float64(s.Rate)
}

// RMS is the root mean square amplitude, 0–1: how loud the sound is on average.
func (s *Sound) RMS() float64 {
	if len(s.Samples) == 0 {
		return 0
	}
	var sum float64
	for _, v := range s.Samples {
		f := float64(v) / 32768
		sum += f * f
	}
	return math.Sqrt(sum / float64(len(s.Samples)))
}

// scaled is s at gain (0–1), for the resident's volume.
func (s *Sound) scaled(gain float64) *Sound {
	out := &Sound{Rate: s.Rate, Samples: make([]int16, len(s.Samples))}
	for i, v := range s.Samples {
		out.Samples[i] = int16(math.Round(float64(v) * gain))
	}
	return out
}

// WAV encodes s as a RIFF WAVE file.
func (s *Sound) WAV() []byte {
	var b bytes.Buffer
	data := len(s.Samples) * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(s.Rate), uint32(s.Rate * 2), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	binary.Write(&b, binary.LittleEndian, s.Samples)
	return b.Bytes()
}

// ParseWAV reads the 16-bit PCM WAVE files open_jtalk and espeak-ng write (mono; a stereo file
// is mixed down). espeak-ng writes its data chunk's length as 0x7fffffff: the data runs to the
// end of the file.
func ParseWAV(b []byte) (*Sound, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, errors.New("voice: not a WAVE file")
	}
	var rate, channels, bits int
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		switch id {
		case "fmt ":
			if size < 16 || len(body) < 16 || binary.LittleEndian.Uint16(body[0:2]) != 1 {
				return nil, errors.New("voice: WAVE is not PCM")
			}
			channels = int(binary.LittleEndian.Uint16(body[2:4]))
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
		case "data":
			if bits != 16 || channels < 1 || rate <= 0 {
				return nil, fmt.Errorf("voice: WAVE of %d bits, %d channels at %d Hz", bits, channels, rate)
			}
			if size > len(body) {
				size = len(body)
			}
			n := size / 2 / channels
			s := &Sound{Rate: rate, Samples: make([]int16, n)}
			for i := 0; i < n; i++ {
				var sum int
				for c := 0; c < channels; c++ {
					sum += int(int16(binary.LittleEndian.Uint16(body[(i*channels+c)*2:])))
				}
				s.Samples[i] = int16(sum / channels)
			}
			return s, nil
		}
		p += 8 + size + size%2
	}
	return nil, errors.New("voice: WAVE without data")
}

// The kiosk's sounds, made here rather than recorded: each is told apart by its rhythm and pitch
// as well, so no resident depends on telling green from red.
type Cue int

const (
	Shutter  Cue = iota // a short double click as the photo is taken
	Accepted            // two notes rising: the photo can be used
	Retake              // two notes falling, the second long: please take it again
)

// cueRate is the sample rate of the cues.
const cueRate = 22050

func (c Cue) sound() *Sound {
	s := &Sound{Rate: cueRate}
	tone := func(freq, seconds, amp float64) {
		n := int(seconds * cueRate)
		for i := 0; i < n; i++ {
			t := float64(i) / cueRate
			env := math.Min(1, math.Min(t/0.01, (seconds-t)/0.03)) // no clicks at the ends
			s.Samples = append(s.Samples, int16(amp*env*math.Sin(2*math.Pi*freq*t)*32767))
		}
	}
	silence := func(seconds float64) { s.Samples = append(s.Samples, make([]int16, int(seconds*cueRate))...) }
	switch c {
	case Shutter:
		noise := uint32(12345)
		for k := 0; k < 2; k++ {
			n := cueRate * 3 / 100
			for i := 0; i < n; i++ {
				noise = noise*1664525 + 1013904223
				decay := 1 - float64(i)/float64(n)
				s.Samples = append(s.Samples, int16(float64(int16(noise>>16))*0.7*decay*decay))
			}
			silence(0.05)
		}
	case Accepted:
		tone(880, 0.15, 0.5)
		silence(0.03)
		tone(1318.5, 0.3, 0.5)
	case Retake:
		tone(523.3, 0.2, 0.5)
		silence(0.05)
		tone(392, 0.5, 0.5)
	}
	return s
}

// CueSound is the sound of c (tests, and to check the cues apart).
func CueSound(c Cue) *Sound { return c.sound() }
