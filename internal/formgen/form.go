// Package formgen renders synthetic Individual Number Card application forms (交付申請書) and
// camera-like frames of them: test inputs the project makes itself, and the kiosk's demo camera.
// Nothing here is a real form: the layout is plausible, not official.
package formgen

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"github.com/idbooth/idbooth/assets"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// FormOptions shape a rendered form. Zero values take the defaults.
type FormOptions struct {
	Width    int    // page width in pixels (A4 portrait, height = Width×297/210); default 1000
	ModulePx int    // QR module size in pixels; default Width/160, at least 3
	ECLevel  string // QR error correction "L", "M", "Q" or "H"; default "M"
	Caption  string // text printed under the QR code, e.g. the grouped ID; default none
}

// A Page is a rendered form and where its QR code is.
type Page struct {
	*image.RGBA
	QR image.Rectangle // the code's modules, without quiet zone, in page pixels
}

// QRCenter returns the centre of the QR code as fractions of the page (for FrameOptions'
// AnchorX/AnchorY, to keep the code in view when zoomed in).
func (p *Page) QRCenter() (x, y float64) {
	b := p.Bounds()
	c := p.QR.Min.Add(p.QR.Max).Div(2)
	return float64(c.X) / float64(b.Dx()), float64(c.Y) / float64(b.Dy())
}

// Form renders a form whose QR code (lower right) encodes payload. Render it once and reuse
// it: Frame and Scene only transform the image.
func Form(payload string, opts FormOptions) (*Page, error) {
	if opts.Width == 0 {
		opts.Width = 1000
	}
	if opts.Width < 300 {
		return nil, fmt.Errorf("formgen: width %d too small (min 300)", opts.Width)
	}
	if opts.ModulePx == 0 {
		opts.ModulePx = max(3, opts.Width/160)
	}
	if opts.ECLevel == "" {
		opts.ECLevel = "M"
	}
	code, err := encodeQR(payload, opts.ECLevel)
	if err != nil {
		return nil, err
	}
	w := opts.Width
	h := w * 297 / 210
	u := float64(w) / 1000 // layout unit: 1/1000 of the page width
	px := func(v float64) int { return int(v * u) }

	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	faces, err := loadFaces(u)
	if err != nil {
		return nil, err
	}

	text(img, faces.title, px(60), px(95), "個人番号カード交付申請書")
	text(img, faces.small, px(60), px(135), "Individual Number Card Application Form (sample for testing)")
	hline(img, px(60), px(940), px(160), max(2, px(3)))

	// Ruled boxes for the resident's details, and the photo frame (35×45 mm).
	rows := []string{"氏名", "住所", "生年月日", "電話番号", "電子証明書の発行", "点字表記の希望"}
	top := px(200)
	rowH := px(90)
	rect(img, px(60), top, px(640), top+rowH*len(rows), max(1, px(2)))
	for i, label := range rows {
		y := top + rowH*i
		if i > 0 {
			hline(img, px(60), px(640), y, max(1, px(1)))
		}
		text(img, faces.body, px(75), y+rowH/2+px(10), label)
	}
	vline(img, px(300), top, top+rowH*len(rows), max(1, px(1)))
	rect(img, px(690), top, px(940), top+px(321), max(1, px(2)))
	text(img, faces.body, px(760), top+px(170), "写真")
	text(img, faces.small, px(730), top+px(210), "縦4.5cm × 横3.5cm")

	// Notes: grey text lines standing for the form's printed instructions.
	y := top + rowH*len(rows) + px(60)
	text(img, faces.body, px(60), y, "記入上の注意")
	for _, line := range notes {
		y += px(42)
		text(img, faces.small, px(60), y, line)
	}

	// The QR code at the lower right, with its label above and the caption below.
	side := code.GetWidth() * opts.ModulePx
	qx := w - px(60) - side
	qy := h - px(130) - side
	if qx < px(60) || qy < px(200)+rowH*len(rows)+px(20) || (qx < px(560) && qy < y+px(40)) {
		return nil, fmt.Errorf("formgen: a %d-module code at %d px/module does not fit a %d px page", code.GetWidth(), opts.ModulePx, w)
	}
	text(img, faces.small, qx, qy-px(20), "申請用QRコード")
	for my := 0; my < code.GetHeight(); my++ {
		for mx := 0; mx < code.GetWidth(); mx++ {
			if code.Get(mx, my) {
				r := image.Rect(qx+mx*opts.ModulePx, qy+my*opts.ModulePx, qx+(mx+1)*opts.ModulePx, qy+(my+1)*opts.ModulePx)
				draw.Draw(img, r, image.NewUniform(ink), image.Point{}, draw.Src)
			}
		}
	}
	text(img, faces.small, qx, qy+side+px(35), "申請書ID")
	if opts.Caption != "" {
		cw := font.MeasureString(faces.small, opts.Caption).Ceil()
		text(img, faces.small, min(qx, w-px(30)-cw), qy+side+px(70), opts.Caption)
	}
	return &Page{RGBA: img, QR: image.Rect(qx, qy, qx+side, qy+side)}, nil
}

// notes stand for the form's printed instructions; they keep left of x=560/1000.
var notes = []string{
	"・申請書IDは大切に保管してください。",
	"・写真は最近6か月以内に撮影したもの。",
	"・無帽、正面、無背景のもの。",
	"・署名は枠内に収めてください。",
	"・QRコードを折り曲げないでください。",
}

var (
	paper = color.RGBA{250, 249, 244, 255}
	ink   = color.RGBA{20, 20, 24, 255}
)

// encodeQR returns the code's modules, one bit each, without a quiet zone (the page's white
// margin is the quiet zone).
func encodeQR(payload, ec string) (*gozxing.BitMatrix, error) {
	hints := map[gozxing.EncodeHintType]interface{}{
		gozxing.EncodeHintType_ERROR_CORRECTION: ec,
		gozxing.EncodeHintType_MARGIN:           0,
		gozxing.EncodeHintType_CHARACTER_SET:    "UTF-8",
	}
	m, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 1, 1, hints)
	if err != nil {
		return nil, fmt.Errorf("formgen: encode QR: %w", err)
	}
	return m, nil
}

type faceSet struct{ title, body, small font.Face }

var (
	fontOnce sync.Once
	fontErr  error
	fontJP   *opentype.Font
)

func loadFaces(u float64) (faceSet, error) {
	fontOnce.Do(func() { fontJP, fontErr = opentype.Parse(assets.FontJapanese) })
	if fontErr != nil {
		return faceSet{}, fmt.Errorf("formgen: font: %w", fontErr)
	}
	mk := func(size float64) (font.Face, error) {
		return opentype.NewFace(fontJP, &opentype.FaceOptions{Size: size * u, DPI: 72, Hinting: font.HintingFull})
	}
	var fs faceSet
	var err error
	if fs.title, err = mk(44); err != nil {
		return fs, err
	}
	if fs.body, err = mk(26); err != nil {
		return fs, err
	}
	if fs.small, err = mk(19); err != nil {
		return fs, err
	}
	return fs, nil
}

func text(img *image.RGBA, face font.Face, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func hline(img *image.RGBA, x0, x1, y, t int) {
	draw.Draw(img, image.Rect(x0, y, x1, y+t), image.NewUniform(ink), image.Point{}, draw.Src)
}

func vline(img *image.RGBA, x, y0, y1, t int) {
	draw.Draw(img, image.Rect(x, y0, x+t, y1), image.NewUniform(ink), image.Point{}, draw.Src)
}

func rect(img *image.RGBA, x0, y0, x1, y1, t int) {
	hline(img, x0, x1, y0, t)
	hline(img, x0, x1, y1-t, t)
	vline(img, x0, y0, y1, t)
	vline(img, x1-t, y0, y1, t)
}
