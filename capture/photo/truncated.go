package photo

import "bytes"

// jpegComplete reports whether JPEG data ends its last scan with an end-of-image marker.
// OpenCV decodes a truncated JPEG without complaint and paints the missing rows grey, which
// would let a cut-off upload through. Inside a scan 0xFF is always followed by 0x00 or a
// restart marker, so an FF D9 after the last start-of-scan (FF DA) is the real end; an
// embedded thumbnail's markers come before it.
func jpegComplete(data []byte) bool {
	sos := bytes.LastIndex(data, []byte{0xFF, 0xDA})
	if sos < 0 {
		return false
	}
	return bytes.Contains(data[sos:], []byte{0xFF, 0xD9})
}
