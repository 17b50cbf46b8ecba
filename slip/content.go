package slip

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/idbooth/idbooth/assets"
)

// Relative type sizes of the slip.
const (
	scaleTitle     = 1.3
	scaleHeading   = 1.1
	scaleNumber    = 1.6 // the receipt number: what staff ask for
	scaleSecondary = 0.85
)

// slipLanguage is the language the slip is printed in besides Japanese for a resident who
// chose lang. The slip sets text glyph by glyph from the fonts' character maps, without
// OpenType shaping (gopdf has neither GSUB nor GPOS, nor has x/image's rasteriser), and two of
// the offered scripts do not survive that, as renderings of the slip showed:
//   - Devanagari (Nepali): conjuncts are ligatures and the vowel sign i is written before the
//     consonant it follows; "मिति" printed with its i-signs after the consonants, "कार्ड" with a
//     visible virama where the reph goes.
//   - Thai: without mark positioning a tone mark is drawn where it would sit on a bare
//     consonant, inside an upper vowel or a tall consonant: "ที่" printed as "ที" and "ป่า" as
//     "ปา", other words.
//
// Those residents get the slip in Japanese and English, which the counter staff read as well.
func slipLanguage(lang string) string {
	switch assets.Messages(lang).Lang() {
	case "ne", "th":
		return "en"
	}
	return lang
}

// content describes the slip of r: Japanese first, each part followed by the resident's
// language (slipLanguage) when that is not Japanese.
func content(r Receipt) ([]block, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if _, err := loadFonts(); err != nil {
		return nil, err
	}
	ja := assets.Messages("ja")
	langs := []*assets.Catalog{ja}
	if c := assets.Messages(slipLanguage(r.Lang)); c.Lang() != ja.Lang() {
		langs = append(langs, c)
	}
	// each returns one span per language for key, the first in Japanese at scale.
	each := func(scale float64, key string, args func(c *assets.Catalog) []any) []span {
		var out []span
		for i, c := range langs {
			var a []any
			if args != nil {
				a = args(c)
			}
			s := scale
			if i > 0 {
				s *= scaleSecondary
			}
			out = append(out, span{text: norm.NFC.String(c.T(key, a...)), scale: s, face: typefaceFor(c.Lang())})
		}
		return out
	}
	created := r.CreatedAt.In(JST)

	var b []block
	b = append(b, block{kind: blockText, center: true, oneLine: true, spans: each(scaleTitle, "slip.title", nil)})
	if r.Reprint > 0 {
		b = append(b, block{kind: blockBadge, spans: each(1, "slip.reprint", func(*assets.Catalog) []any { return []any{r.Reprint} })})
	}
	b = append(b, block{kind: blockGap, gap: 0.3})

	field := func(key string, values ...span) block {
		return block{kind: blockField, labels: each(1, key, nil), spans: values}
	}
	b = append(b,
		field("slip.field.number", span{text: r.Number, scale: scaleNumber, face: japanese()}),
		field("slip.field.date", each(1, "slip.datetime", func(c *assets.Catalog) []any { return dateArgs(c, created) })...),
		field("slip.field.place", placeSpans(r, langs)...),
		field("slip.field.form_id", append([]span{{text: r.MaskedFormID(), scale: 1, face: japanese()}}, each(0.85, "slip.form_id_note", nil)...)...),
	)

	b = append(b, block{kind: blockHeading, spans: each(scaleHeading, "slip.next.heading", nil)})
	if r.CardMailed {
		b = append(b, block{kind: blockText, spans: each(1, "slip.next.mailed", nil)})
	} else {
		b = append(b, block{kind: blockText, spans: each(1, "slip.next.collect", nil)})
	}
	from, until := created.AddDate(0, 0, 3), created.AddDate(0, 6, 0)
	// The status text is the caption of the QR code that leads to the status page.
	status := each(1, "slip.next.status", func(c *assets.Catalog) []any {
		return []any{c.T("slip.date", dateArgs(c, from)...), c.T("slip.date", dateArgs(c, until)...)}
	})
	b = append(b, block{kind: blockQR, qr: r.statusURL(), spans: status})

	// A mailed card is neither collected nor needs PINs decided: they were set at the counter.
	if !r.CardMailed {
		b = append(b, block{kind: blockHeading, spans: each(scaleHeading, "slip.bring.heading", nil)})
		for _, k := range []string{"slip.bring.postcard", "slip.bring.notification", "slip.bring.identity", "slip.bring.old_cards"} {
			b = append(b, block{kind: blockText, bullet: true, spans: each(1, k, nil)})
		}
		b = append(b, block{kind: blockText, spans: each(1, "slip.bring.busy", nil)})

		b = append(b, block{kind: blockHeading, spans: each(scaleHeading, "slip.pin.heading", nil)})
		for _, k := range []string{"slip.pin.signature", "slip.pin.others", "slip.pin.avoid"} {
			b = append(b, block{kind: blockText, bullet: true, spans: each(1, k, nil)})
		}
	}
	b = append(b, block{kind: blockText, spans: each(0.9, "slip.keep", nil)})
	return b, nil
}

// dateArgs are the arguments of the slip.date and slip.datetime texts: year, month, day,
// weekday name, month name, hour, minute.
func dateArgs(c *assets.Catalog, t time.Time) []any {
	weekdays := strings.Split(c.T("slip.weekdays"), ",")
	months := strings.Split(c.T("slip.months"), ",")
	wd, mn := t.Weekday().String(), t.Month().String()
	if len(weekdays) == 7 {
		wd = weekdays[t.Weekday()]
	}
	if len(months) == 12 {
		mn = months[t.Month()-1]
	}
	return []any{t.Year(), int(t.Month()), t.Day(), wd, mn, t.Hour(), t.Minute()}
}

// placeSpans: the booth or counter's name and ID (Japanese), with the channel in each
// language on one line, set in the resident's typeface: its own words need their font, and
// the Japanese word finds its glyphs in IPAex Gothic when that font lacks them.
func placeSpans(r Receipt, langs []*assets.Catalog) []span {
	name := strings.TrimSpace(r.BoothName)
	if id := strings.TrimSpace(r.BoothID); id != "" {
		if name == "" {
			name = id
		} else {
			name = fmt.Sprintf("%s（%s）", name, id)
		}
	}
	var channels []string
	for _, c := range langs {
		channels = append(channels, c.T("slip.channel."+string(r.Channel)))
	}
	out := []span{{text: norm.NFC.String(name), scale: 1, face: japanese()}}
	channel := span{text: norm.NFC.String(strings.Join(channels, " / ")), scale: scaleSecondary, face: typefaceFor(langs[len(langs)-1].Lang())}
	return append(out, channel)
}
