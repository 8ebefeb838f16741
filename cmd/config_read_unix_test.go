//go:build unix

package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 18 item 10: a config path that is not a regular file, or a file too
// large or nested too deep, is refused at once, naming the file (and the
// line), before its content is read or parsed.
func TestHostileConfigFilesAreRefusedAtOnce(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	deepFlow := writeFile(t, filepath.Join(dir, "flow.yaml"), "region: "+strings.Repeat("[", 50000)+"\n")
	var block strings.Builder
	for i := range 40 {
		block.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	deepBlock := writeFile(t, filepath.Join(dir, "block.yaml"), "demo: true\n"+block.String())
	compact := writeFile(t, filepath.Join(dir, "compact.yaml"), "demo: true\nregion:\n"+strings.Repeat("- ", 5000)+"x\n")
	keys := writeFile(t, filepath.Join(dir, "keys.yaml"), strings.Repeat("k: v\n", 20000))
	laughs := "log-group: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i, key := range []string{"metric", "filter", "linked-accounts", "trail-log-group", "changes-log-group", "group", "name", "user", "profile"} {
		laughs += fmt.Sprintf("%s: &a%d [%s]\n", key, i+1, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i), 9), ","))
	}
	aliases := writeFile(t, filepath.Join(dir, "laughs.yaml"), laughs) // 9^10 values if expanded
	big := writeFile(t, filepath.Join(dir, "big.yaml"), "# "+strings.Repeat("x", maxConfigSize)+"\n")
	for path, want := range map[string]string{
		"/dev/zero": "/dev/zero is a character device: the config must be a regular file",
		fifo:        fifo + " is a named pipe (FIFO): the config must be a regular file",
		dir:         dir + " is a directory",
		deepFlow:    deepFlow + ":1: nested deeper than 16 levels",
		deepBlock:   deepBlock + ":18: nested deeper than 16 levels",
		compact:     compact + ":3: nested deeper than 16 levels",
		keys:        keys + ":201: more than 200 keys",
		aliases:     aliases + ":1:1: log-group: anchors (&) and aliases (*) are not read",
		big:         big + ": over 256 KB, the most a config file may have",
	} {
		done := make(chan result, 1)
		go func() { done <- run(t, "--config", path, "--demo") }()
		select {
		case r := <-done:
			if r.err == nil || !strings.Contains(r.err.Error(), want) || r.cfg != nil {
				t.Errorf("--config %s: %v, want %q", filepath.Base(path), r.err, want)
			}
		case <-time.After(20 * time.Second): // a hang, not a timing
			t.Fatalf("--config %s: no answer in 20 s", path)
		}
	}
}

// Brackets and quotes in values, /dev/null (no config, as ssh -F takes it)
// and a file reached through a symbolic link are all fine.
func TestOrdinaryConfigsPassTheShapeCheck(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "config.yaml"), `# [[[[ a comment
demo: true
filter: "[[[[[[[[[[[[[[[[[[[[ \" {"
log-group: [/aws/lambda/a, '/aws/lambda/b']
metric:
  - AWS/EC2/CPUUtilization/InstanceId=i-1[[[[[[[[[[[[[[[[[[[[
`)
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{good, link} {
		if r := run(t, "--config", path); r.err != nil || r.cfg == nil || r.cfg.LogFilter != `[[[[[[[[[[[[[[[[[[[[ " {` || len(r.cfg.LogGroups) != 2 {
			t.Errorf("--config %s: %v %+v", path, r.err, r.cfg)
		}
	}
	if r := run(t, "--config", os.DevNull, "--demo"); r.err != nil || r.cfg == nil {
		t.Errorf("--config /dev/null: %v", r.err)
	}
}
