package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"watchtrail/ui"
)

// noAWS clears every AWS setting a developer machine may have.
func noAWS(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func TestWithoutCredentialsTheDemoStarts(t *testing.T) {
	noAWS(t)
	var cfg ui.Config
	if err := chooseSource(&cfg, options{}); err != nil {
		t.Fatal(err)
	}
	if !cfg.Demo || !strings.HasPrefix(cfg.Source.Describe(), "demo") || len(cfg.LogGroups) == 0 || cfg.Refresh <= 0 {
		t.Fatalf("want the demo with its log groups, got %+v", cfg)
	}
}

func TestCredentialsWithoutARegionIsAClearError(t *testing.T) {
	noAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "a")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "b")
	var cfg ui.Config
	if err := chooseSource(&cfg, options{}); err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Fatalf("got %v, want the missing region named", err)
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	if err := chooseSource(&cfg, options{}); err != nil || cfg.Demo || cfg.Source.Describe() != "aws default/eu-west-1" {
		t.Fatalf("got %v and %q, want the AWS source", err, cfg.Source.Describe())
	}
}

func TestAProfileWithoutCredentialsDoesNotFallBackToTheDemo(t *testing.T) {
	noAWS(t)
	var cfg ui.Config
	if err := chooseSource(&cfg, options{endpointURL: "http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Fatalf("got %v, want a credentials error rather than a silent demo", err)
	}
}

func TestConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("# comment\nmetric = AWS/EC2/CPUUtilization/InstanceId=i-1:Maximum\nlog-group = /aws/lambda/x\nfilter = ERROR\n"), 0o600)
	fc, err := readConfig(path, true)
	if err != nil || len(fc.Metrics) != 1 || fc.LogGroups[0] != "/aws/lambda/x" || fc.Filter != "ERROR" {
		t.Fatalf("read %+v, %v", fc, err)
	}
	os.WriteFile(path, []byte("colour = red\n"), 0o600)
	if _, err := readConfig(path, true); err == nil || !strings.Contains(err.Error(), ":1: unknown setting") {
		t.Fatalf("got %v, want the bad line named", err)
	}
	if _, err := readConfig(filepath.Join(t.TempDir(), "missing"), false); err != nil {
		t.Fatalf("a missing default config is not an error: %v", err)
	}
	if _, err := readConfig(filepath.Join(t.TempDir(), "missing"), true); err == nil {
		t.Fatal("a missing --config file must be an error")
	}
}
