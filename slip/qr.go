package slip

import (
	"fmt"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// qrQuietZone is the blank border, in modules, the QR specification asks for around a code.
const qrQuietZone = 4

// qrMatrix encodes payload at error correction level M and returns its modules (true is dark),
// without the quiet zone: the renderers draw modules as filled rectangles, so the code stays
// sharp at any scale.
func qrMatrix(payload string) ([][]bool, error) {
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
