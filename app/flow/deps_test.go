package flow_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The flow has no Fyne (nor OpenCV) types: it is tested on its own, the screens only draw it.
func TestNoUIOrVisionDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v %s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "gocv.io/") {
			t.Errorf("the flow depends on %s", dep)
		}
	}
}
