package main

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/storage"
)

const submitFormID = "12345678901234567890123"

// labelledFaces lists ../shared/testdata/faces files with the given verdict. Outside CI a
// missing ../shared skips the test; in CI it fails.
func labelledFaces(t *testing.T, verdict string) []string {
	dir := testsupport.SharedTestdata(t, "faces")
	data, err := os.ReadFile(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, line := range strings.Split(string(data), "\n")[1:] {
		if f := strings.Split(line, "\t"); len(f) > 2 && f[1] == verdict {
			files = append(files, filepath.Join(dir, f[0]))
		}
	}
	return files
}

// TestSubmitQueueSync is the operator's path end to end: submit a good photo, see it queued
// without personal data, sync it, see it sent and held by the intake as the checker cropped it.
func TestSubmitQueueSync(t *testing.T) {
	e := newQueueTestEnv(t)
	var res map[string]any
	var tried []string
	for _, f := range labelledFaces(t, "accept") {
		code, out, errOut := e.idbooth(t, "submit", "--lang", "en", "--id", "123-4567-8901-2345-6789-0123",
			"--dob", "1985-06-15", "--photo", f, "--braille=yes", "--booth", "booth-7")
		lines := jsonLines(t, out)
		if code == exitOK {
			res = lines[0]
			t.Logf("submitted %s", filepath.Base(f))
			break
		}
		if code != exitFailed || lines[0]["error"] != "photo_rejected" {
			t.Fatalf("%s: exit %d %s %s", f, code, out, errOut)
		}
		tried = append(tried, filepath.Base(f)+": "+out)
	}
	if res == nil {
		t.Fatalf("the checker refused every accept-labelled photo:\n%s", strings.Join(tried, ""))
	}
	uuid, receipt := res["uuid"].(string), res["receipt"].(string)
	if !booth.ValidUUID(uuid) || len(receipt) != 9 || res["masked_id"] != "***-****-****-****-****-0123" ||
		res["state"] != "pending" || !strings.Contains(res["message"].(string), receipt) {
		t.Fatalf("submit printed %v", res)
	}

	code, out, _ := e.idbooth(t, "queue")
	lines := jsonLines(t, out)
	if code != exitOK || len(lines) != 2 || lines[0]["kind"] != "summary" || lines[0]["pending"] != 1.0 ||
		lines[1]["uuid"] != uuid || lines[1]["state"] != "pending" || lines[1]["slip"].(map[string]any)["state"] != "not_printed" {
		t.Fatalf("queue: %d %s", code, out)
	}
	if strings.Contains(out, submitFormID) || strings.Contains(out, "1985-06-15") {
		t.Fatalf("queue shows personal data: %s", out)
	}

	srv, held := startTestIntake(t)
	code, out, errOut := e.idbooth(t, "sync", "--once", "--intake", srv.URL, "--token", intakeToken)
	if report := jsonLines(t, out); code != exitOK || report[0]["sent"] != 1.0 {
		t.Fatalf("sync --once: exit %d %s %s", code, out, errOut)
	}
	if strings.Contains(errOut, submitFormID) || strings.Contains(errOut, "1985-06-15") {
		t.Fatalf("sync logged personal data: %s", errOut)
	}
	code, out, _ = e.idbooth(t, "queue", "--state", "sent")
	if lines := jsonLines(t, out); code != exitOK || len(lines) != 2 || lines[1]["state"] != "sent" {
		t.Fatalf("queue after sync: %s", out)
	}
	a, err := held.Get(context.Background(), uuid)
	if err != nil || a.FormID != submitFormID || a.BirthDate != "1985-06-15" || !a.Options.Braille || !a.Options.ECertificate ||
		a.BoothID != "booth-7" || a.Lang != "en" || !a.PhotoCheck.OK {
		t.Fatalf("intake holds %+v, %v", a, err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(a.PhotoJPEG))
	if err != nil || cfg.Width*45 != cfg.Height*35 && (cfg.Width*45-cfg.Height*35)/35 > 1 {
		t.Fatalf("submitted photo is not the 35:45 crop: %+v %v", cfg, err)
	}
}

func TestSubmitRefusesBadInputAndQueuesNothing(t *testing.T) {
	e := newQueueTestEnv(t)
	notImage := filepath.Join(e.dir, "photo.jpg")
	os.WriteFile(notImage, []byte("this is not a photo"), 0o600)
	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"22 digits", []string{"--id", submitFormID[1:], "--dob", "1990-01-01", "--photo", notImage}, exitFailed, "wrong_digit_count"},
		{"letters", []string{"--id", "ABCDEFG", "--dob", "1990-01-01", "--photo", notImage}, exitFailed, "not_a_form_qr"},
		{"no such date", []string{"--id", submitFormID, "--dob", "1990-02-30", "--photo", notImage}, exitFailed, "birth_date_invalid"},
		{"future", []string{"--id", submitFormID, "--dob", "2999-01-01", "--photo", notImage}, exitFailed, "birth_date_future"},
		{"too old", []string{"--id", submitFormID, "--dob", "1850-01-01", "--photo", notImage}, exitFailed, "birth_date_implausible"},
		{"not an image", []string{"--id", submitFormID, "--dob", "1990-01-01", "--photo", notImage}, exitFailed, "photo_unusable"},
		{"not an image, overridden", []string{"--id", submitFormID, "--dob", "1990-01-01", "--photo", notImage,
			"--accept-photo-as-is", "staff says fine"}, exitFailed, "photo_unusable"},
		{"missing photo file", []string{"--id", submitFormID, "--dob", "1990-01-01", "--photo", filepath.Join(e.dir, "nope.jpg")}, exitUsage, ""},
		{"no --id", []string{"--dob", "1990-01-01", "--photo", notImage}, exitUsage, ""},
		{"bad yes/no", []string{"--id", submitFormID, "--dob", "1990-01-01", "--photo", notImage, "--e-cert=maybe"}, exitUsage, ""},
		{"booth mails card", []string{"--id", submitFormID, "--dob", "1990-01-01", "--photo", notImage, "--card-mailed"}, exitUsage, ""},
	}
	for _, c := range cases {
		code, out, errOut := e.idbooth(t, append([]string{"submit", "--lang", "en"}, c.args...)...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d: %s %s", c.name, code, c.code, out, errOut)
			continue
		}
		if c.err != "" {
			line := jsonLines(t, out)[0]
			if line["error"] != c.err || line["ok"] != false || line["message"] == "" || strings.HasPrefix(line["message"].(string), "queue.") {
				t.Errorf("%s: %s", c.name, out)
			}
		}
	}
	if _, err := os.Stat(e.db); err == nil {
		t.Fatal("a refused submission created the queue")
	}
}

func TestSubmitFlaggedPhotoNeedsStaffOverride(t *testing.T) {
	e := newQueueTestEnv(t)
	for _, f := range labelledFaces(t, "reject") {
		args := []string{"submit", "--lang", "ja", "--id", submitFormID, "--dob", "1970-01-01", "--photo", f}
		code, out, _ := e.idbooth(t, args...)
		if code == exitOK {
			continue // the checker let this one through; the labels are the photo engineer's concern
		}
		line := jsonLines(t, out)[0]
		if code != exitFailed || line["error"] != "photo_rejected" {
			continue // e.g. not an image: not overridable
		}
		problems := line["problems"].([]any)
		if len(problems) == 0 || problems[0].(map[string]any)["message"] == "" {
			t.Fatalf("%s: refused without problems: %s", f, out)
		}
		code, out, errOut := e.idbooth(t, append(args, "--channel", "counter", "--card-mailed", "--accept-photo-as-is", "眼鏡の反射は除去不可")...)
		if code != exitOK {
			t.Fatalf("%s with override: exit %d %s %s", f, code, out, errOut)
		}
		res := jsonLines(t, out)[0]
		t.Logf("%s flagged, then accepted by staff: %s", filepath.Base(f), out)
		pc := res["photo_check"].(map[string]any)
		if pc["ok"] != false || pc["overridden"] != true || len(pc["problems"].([]any)) == 0 || res["card_mailed"] != true {
			t.Fatalf("override not recorded: %s", out)
		}
		s, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		a, err := s.Get(context.Background(), res["uuid"].(string))
		if err != nil || a.PhotoCheck.OverrideReason != "眼鏡の反射は除去不可" || a.Channel != booth.ChannelCounter || !a.CardMailed {
			t.Fatalf("stored %+v %v", a, err)
		}
		return
	}
	t.Fatal("the checker flagged none of the reject-labelled photos")
}
