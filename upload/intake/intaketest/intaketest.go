// Package intaketest runs the reference intake server on 127.0.0.1 for tests, and makes the
// damaged photos an intake must refuse.
package intaketest

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"net/http/httptest"
	"testing"

	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload/intake"
)

// Start serves a fresh intake (its database in a temp dir) accepting token, until the test ends.
func Start(t testing.TB, token string) (*httptest.Server, *intake.Store) {
	t.Helper()
	st, err := intake.OpenStore(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &intake.Server{Store: st, Token: token}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); st.Close() })
	return srv, st
}

// CorruptPhotos returns JPEGs within the size limits whose header and end-of-image marker look
// right but whose image data does not decode, by name: a file cut short with the end marker
// appended, a 480×640 file whose header claims 6000×6000, and random scan data.
func CorruptPhotos() map[string][]byte {
	good := storagetest.Photo(600, 800, 8, 1) // about 64 KB
	cut := append(bytes.Clone(good[:len(good)*2/3]), 0xFF, 0xD9)

	small := bytes.Clone(storagetest.Photo(480, 640, 8, 1)) // about 41 KB
	sof := bytes.Index(small, []byte{0xFF, 0xC0})           // baseline frame header
	binary.BigEndian.PutUint16(small[sof+5:], 6000)         // height
	binary.BigEndian.PutUint16(small[sof+7:], 6000)         // width

	sos := bytes.Index(good, []byte{0xFF, 0xDA}) // start of scan; its data follows the header
	start := sos + 2 + int(binary.BigEndian.Uint16(good[sos+2:]))
	random := bytes.Clone(good[:start])
	r := rand.New(rand.NewPCG(9, 9))
	for len(random) < len(good)-2 {
		random = append(random, byte(r.Uint32()))
	}
	random = append(random, 0xFF, 0xD9)
	return map[string][]byte{
		"truncated, end marker appended": cut,
		"header claims 6000x6000":        small,
		"random scan data":               random,
	}
}
