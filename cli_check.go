package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/internal/atomicfile"
)

func init() {
	commands["check"] = command{summary: "check ID photos against the J-LIS rules and make the 35:45 crop", run: runCheck}
}

// checkResult is one line of `idbooth check` (DESIGN §2).
type checkResult struct {
	File     string          `json:"file"`
	OK       bool            `json:"ok"`
	Problems []checkProblem  `json:"problems"`
	Face     *photo.FaceInfo `json:"face"`
	Crop     *checkCrop      `json:"crop"`
	Output   string          `json:"output"`
	// Error is set (with ok false) when the file could not be read at all: an I/O error,
	// exit status 2. A file that is not a photo is a not_an_image problem instead.
	Error string `json:"error,omitempty"`
}

type checkProblem struct {
	Code    photo.Code `json:"code"`
	Message string     `json:"message"`
	// Detail is the precise finding for operators.
	Detail string `json:"detail,omitempty"`
}

// translateProblems gives each problem its message in the resident's language.
func translateProblems(msgs *assets.Catalog, ps []photo.Problem) []checkProblem {
	out := make([]checkProblem, 0, len(ps))
	for _, p := range ps {
		out = append(out, checkProblem{Code: p.Code, Message: msgs.T(p.Key, p.Args...), Detail: p.Detail})
	}
	return out
}

type checkCrop struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

func runCheck(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "check", "[--out DIR] FILE...")
	out := fs.String("out", "", "directory for the 35:45 JPEG of each accepted photo, named FILE_35x45.jpg (env IDBOOTH_OUT)")
	opts := photoFlags(fs)
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintln(env.stderr, "idbooth check:", err)
			return exitUsage
		}
	}
	checker, err := photo.NewChecker(*opts)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth check:", err)
		return exitUsage
	}
	defer checker.Close()
	code := exitOK
	written := map[string]bool{}
	for _, file := range fs.Args() {
		if err := ctx.Err(); err != nil {
			fmt.Fprintln(env.stderr, "idbooth check:", err)
			return exitUsage
		}
		res, fileCode := checkFile(checker, assets.Messages(common.lang), file, *out, written)
		if err := printJSON(env.stdout, res); err != nil {
			fmt.Fprintln(env.stderr, "idbooth check:", err)
			return exitUsage
		}
		code = max(code, fileCode)
	}
	return code
}

// checkFile checks one file, writes its crop into outDir when accepted, and returns its line
// and exit status.
func checkFile(checker *photo.Checker, msgs *assets.Catalog, file, outDir string, written map[string]bool) (checkResult, int) {
	line := checkResult{File: file, Problems: []checkProblem{}}
	res, err := checker.CheckFile(file)
	if err != nil {
		line.Error = err.Error()
		return line, exitUsage
	}
	line.OK = res.OK
	line.Problems = append(line.Problems, translateProblems(msgs, res.Problems)...)
	line.Face = res.Face
	if !res.Crop.Empty() {
		line.Crop = &checkCrop{X: res.Crop.Min.X, Y: res.Crop.Min.Y, W: res.Crop.Dx(), H: res.Crop.Dy()}
	}
	if !res.OK {
		return line, exitFailed
	}
	if outDir != "" && len(res.JPEG) > 0 {
		path, err := writeCrop(outDir, file, res.JPEG, written)
		if err != nil {
			line.Error = err.Error()
			return line, exitUsage
		}
		line.Output = path
	}
	return line, exitOK
}

// writeCrop stores the crop as DIR/NAME_35x45.jpg after the input's name (NAME_35x45-2.jpg
// when two inputs share a name), through a temporary file so that no half-written photo is
// ever left under the final name.
func writeCrop(dir, input string, jpg []byte, written map[string]bool) (string, error) {
	stem := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
	path := filepath.Join(dir, stem+"_35x45.jpg")
	for n := 2; written[path]; n++ {
		path = filepath.Join(dir, fmt.Sprintf("%s_35x45-%d.jpg", stem, n))
	}
	if err := atomicfile.WriteFile(path, jpg, 0o600); err != nil {
		return "", err
	}
	written[path] = true
	return path, nil
}

// photoFlags defines the photo check's options for one applicant, the same for check and submit,
// and returns the options they fill. The kiosk has none: a covering the check cannot tell from a
// cap goes through staff's override there (a PIN and a reason), applicant by applicant.
func photoFlags(fs *flag.FlagSet) *photo.Options {
	o := &photo.Options{}
	fs.BoolVar(&o.AllowReligiousCovering, "allow-religious-covering", false,
		"let a head covering worn for religious or medical reasons pass when the face outline from chin to forehead shows (J-LIS; the operator's decision)")
	return o
}
