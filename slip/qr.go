package slip

import (
	"fmt"
	"sync/atomic"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// qrQuietZone is the blank border, in modules, the QR specification asks for around a code.
const qrQuietZone = 4

// lastQR is the last code encoded. A booth's slips all lead to the same status page, and
// fitRows lays the slip out at several sizes: encoding was an eighth of a PDF's time.
var lastQR atomic.Pointer[qrCode]

type qrCode struct {
	payload string
	modules [][]bool // shared: never changed once made
}

// qrMatrix encodes payload at error correction level M and returns its modules (true is dark),
// without the quiet zone: the renderers draw modules as filled rectangles, so the code stays
// sharp at any scale. The result is shared: callers must not change it.
func qrMatrix(payload string) ([][]bool, error) {
	if c := lastQR.Load(); c != nil && c.payload == payload {
		return c.modules, nil
	}
	m, err := encodeQR(payload)
	if err != nil {
		return nil, err
	}
	lastQR.Store(&qrCode{payload, m})
	return m, nil
}

func encodeQR(payload string) ([][]bool, error) {
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: "M",
		gozxing.EncodeHintType_MARGIN:           0,
	}
	bm, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, fmt.Errorf("slip: QR code: %w", err)
	}
	n := bm.GetWidth()
	m := make([][]bool, n)
	for y := range m {
		m[y] = make([]bool, n)
		for x := range m[y] {
			m[y][x] = bm.Get(x, y)
		}
	}
	return m, nil
}
