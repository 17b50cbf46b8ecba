package photo

import (
	"encoding/binary"

	"gocv.io/x/gocv"
)

// Phone photos are often stored sideways with an EXIF Orientation tag saying how to turn them.
// OpenCV turns them while decoding, and capture.DecodeImage then finds the decoded size
// different from the header's (and, as of this writing, reads the closed Mat to say so, which
// crashes). So the checker decodes a copy whose tag says "as stored" and turns the pixels
// itself.

// exifOrientation finds the Orientation tag of a JPEG. It returns the orientation (1–8; 1 when
// there is none) and the offset of its 2-byte value in data (-1 when there is none).
func exifOrientation(data []byte) (int, int) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1, -1
	}
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return 1, -1
		}
		marker := data[p+1]
		if marker == 0xDA || marker == 0xD9 { // image data: no more metadata
			return 1, -1
		}
		size := int(binary.BigEndian.Uint16(data[p+2:]))
		seg := p + 4
		end := p + 2 + size
		if size < 2 || end > len(data) {
			return 1, -1
		}
		if marker == 0xE1 && end-seg >= 14 && string(data[seg:seg+6]) == "Exif\x00\x00" {
			return tiffOrientation(data, seg+6, end)
		}
		p = end
	}
	return 1, -1
}

// tiffOrientation reads the Orientation entry of IFD0 of the TIFF structure in data[t:end].
func tiffOrientation(data []byte, t, end int) (int, int) {
	var bo binary.ByteOrder
	switch string(data[t : t+2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1, -1
	}
	ifd := t + int(bo.Uint32(data[t+4:]))
	if ifd < t || ifd+2 > end {
		return 1, -1
	}
	n := int(bo.Uint16(data[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > end {
			break
		}
		if bo.Uint16(data[e:]) == 0x0112 && bo.Uint16(data[e+2:]) == 3 { // Orientation, SHORT
			o := int(bo.Uint16(data[e+8:]))
			if o < 1 || o > 8 {
				return 1, -1
			}
			return o, e + 8
		}
	}
	return 1, -1
}

// asStored returns data with its Orientation tag (if any) set to 1, and the orientation it had.
// data itself is not modified.
func asStored(data []byte) ([]byte, int) {
	o, at := exifOrientation(data)
	if at < 0 || o == 1 {
		return data, 1
	}
	c := append([]byte(nil), data...)
	// The value is a SHORT in the file's byte order: 1 is 00 01 or 01 00.
	if c[at] == 0 && c[at+1] == byte(o) {
		c[at+1] = 1
	} else {
		c[at], c[at+1] = 1, 0
	}
	return c, o
}

// orient turns an image stored with EXIF orientation o into its upright view. It returns img
// itself for orientation 1, else a new Mat the caller closes.
func orient(img gocv.Mat, o int) gocv.Mat {
	if o <= 1 || o > 8 {
		return img
	}
	out := gocv.NewMat()
	switch o {
	case 2:
		gocv.Flip(img, &out, 1)
	case 3:
		gocv.Rotate(img, &out, gocv.Rotate180Clockwise)
	case 4:
		gocv.Flip(img, &out, 0)
	case 5:
		gocv.Transpose(img, &out)
	case 6:
		gocv.Rotate(img, &out, gocv.Rotate90Clockwise)
	case 7:
		t := gocv.NewMat()
		gocv.Transpose(img, &t)
		gocv.Rotate(t, &out, gocv.Rotate180Clockwise)
		t.Close()
	case 8:
		gocv.Rotate(img, &out, gocv.Rotate90CounterClockwise)
	}
	return out
}
