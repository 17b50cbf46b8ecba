// Package browser drives Debian's headless Chromium for tests of web pages (chromedp). Apart
// from testsupport so that only the tests that use a browser link chromedp.
package browser

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/idbooth/idbooth/internal/testsupport"
)

// Start starts Debian's chromium headless (no sandbox: tests run as root) with a profile of
// its own, and returns a chromedp context that ends with the test (or after a minute).
func Start(t testing.TB) context.Context {
	t.Helper()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		testsupport.Missing(t, "chromium: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 800), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// LogIn fills the password field #password, clicks #login and waits for the element wait.
func LogIn(ctx context.Context, url, password, wait string) error {
	return chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible("#password"),
		chromedp.SendKeys("#password", password), chromedp.Click("#login"), chromedp.WaitVisible(wait))
}
