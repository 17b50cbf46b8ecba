package memx

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/qr"
)

func rss() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "RssAnon:") {
			f := strings.Fields(l)
			n, _ := strconv.Atoi(f[1])
			return n / 1024
		}
	}
	return 0
}

func TestMem(t *testing.T) {
	debug.SetGCPercent(50)
	t.Logf("start %d MB", rss())
	d, _ := capture.OpenDemo(capture.DemoOptions{})
	frame := gocv.NewMat()
	for i := 0; i < 50; i++ {
		d.Read(&frame)
	}
	t.Logf("demo form 50 frames %d MB", rss())
	live := qr.NewLive()
	for i := 0; i < 100; i++ {
		d.Read(&frame)
		live.Scan(context.Background(), frame)
	}
	runtime.GC()
	t.Logf("qr live 100 frames %d MB", rss())
	d.SetStage(capture.StagePerson)
	d.Read(&frame)
	time.Sleep(2 * time.Second)
	t.Logf("cut out %d MB", rss())
	d.Read(&frame)
	t.Logf("1 frame %d MB", rss())
	for i := 0; i < 50; i++ {
		d.Read(&frame)
	}
	t.Logf("demo person %d MB", rss())
	Trim()
	t.Logf("demo person, trimmed %d MB", rss())
	c, _ := photo.NewChecker(photo.Options{})
	t.Logf("checker %d MB", rss())
	for i := 0; i < 100; i++ {
		d.Read(&frame)
		c.Guide(frame)
	}
	runtime.GC()
	t.Logf("guide 100 frames %d MB", rss())
	Trim()
	t.Logf("guide, trimmed %d MB", rss())
	for i := 0; i < 3; i++ {
		c.CheckStill(frame)
	}
	runtime.GC()
	t.Logf("3 still checks %d MB", rss())
}
