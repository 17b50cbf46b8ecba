package upload_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/idbooth/idbooth/upload"
)

// TestWorkerReports: a running worker reports after its rounds, at most every ReportEvery, and
// the report reaches the real intake with PutStatus.
func TestWorkerReports(t *testing.T) {
	checkNoGoroutineLeak(t)
	q := openQueue(t)
	enqueueN(t, q, 3, photo)
	srv, held := startIntake(t)
	client := newClient(t, srv.URL, testToken)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := make(chan struct{}, 100)
	w := &upload.Worker{Store: q, Target: client, Backoff: fastBackoff, Poll: 10 * time.Millisecond, ReportEvery: 200 * time.Millisecond,
		Report: func(ctx context.Context) {
			st := mustStats(t, q)
			err := client.PutStatus(ctx, "booth-test-1", &upload.BoothStatus{AppVersion: "test",
				Queue:      upload.QueueDepth{Pending: st.Pending, Sending: st.Sending, Sent: st.Sent, Failed: st.Failed},
				PhotoCheck: upload.Device{State: upload.DeviceUnknown}, Printer: upload.Device{State: upload.DeviceUnknown}})
			if err != nil {
				t.Error(err)
			}
			reports <- struct{}{}
		}}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	time.Sleep(500 * time.Millisecond) // about 50 rounds
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(reports); n < 2 || n > 4 {
		t.Fatalf("%d reports in 0.5 s, one every 0.2 s wanted", n)
	}
	booths, err := held.Booths(context.Background())
	if err != nil || len(booths) != 1 || booths[0].Status.Queue.Sent != 3 {
		t.Fatalf("the intake's view: %+v %v", booths, err)
	}
	// A refused token is ErrAuth, as for applications.
	bad := newClient(t, srv.URL, "wrong-token-0123456789")
	if err := bad.PutStatus(context.Background(), "booth-test-1", &upload.BoothStatus{}); !errors.Is(err, upload.ErrAuth) {
		t.Fatal("a wrong token was taken")
	}
}
