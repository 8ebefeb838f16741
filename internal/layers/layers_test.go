// Package layers checks that the project's imports only point down: a wrong-way
// import (ui from server, a project package from theme, …) fails the test
// suite, and so CI.
package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "watchtrail"

// layers are the project's packages from the bottom up: a package may import
// those of lower layers only, never one of its own layer or above. A new
// package goes in the lowest layer above everything it imports; a package in
// no layer fails the test. "x/..." stands for x and every package under it.
var layers = [][]string{
	{"text", "theme", "clipboard", "internal/...", "panes/panetest"}, // import no project package
	{"sources"},          // data types, capability interfaces, Multi
	{"filter", "triage"}, // query languages; the analysis of an alarm
	{"sources/awssrc", "sources/demo", "feed", "notebook"},
	{"panes"},        // drawing
	{"ui", "server"}, // the server never imports the ui: cmd wires them
	{"cmd"},          // the command line
	{""},             // main
}

func layerOf(pkg string) int {
	best, bestLen := -1, -1
	for i, layer := range layers {
		for _, p := range layer {
			prefix, tree := strings.CutSuffix(p, "/...")
			if (pkg == prefix || tree && strings.HasPrefix(pkg, prefix+"/")) && len(prefix) > bestLen {
				best, bestLen = i, len(prefix)
			}
		}
	}
	return best
}

func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := project(fields[0])
		from := layerOf(pkg)
		if from < 0 {
			t.Errorf("%s is in no layer: add it to layers in internal/layers", fields[0])
			continue
		}
		for _, imp := range fields[1:] {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			if to := layerOf(project(imp)); to >= from {
				t.Errorf("%s imports %s: imports must point to a lower layer (see internal/layers)", fields[0], imp)
			}
		}
	}
}

// project is a package's path inside the module: "" for the module's root.
func project(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

func TestLayerOf(t *testing.T) {
	for pkg, want := range map[string]int{"": 7, "text": 0, "internal/motoserver": 0, "sources": 1, "sources/awssrc": 3,
		"panes/panetest": 0, "panes": 4, "ui": 5, "nowhere": -1} {
		if got := layerOf(pkg); got != want {
			t.Errorf("layerOf(%q) = %d, want %d", pkg, got, want)
		}
	}
}
