package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"watchtrail/sources"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// fileConfig is what a config file may add to the command line:
//
//	# watched metrics, log groups and a log filter pattern
//	metric = AWS/EC2/CPUUtilization/InstanceId=i-0abc:Maximum
//	log-group = /aws/lambda/checkout-api
//	filter = ERROR
type fileConfig struct {
	Metrics   []string
	LogGroups []string
	Filter    string
}

// defaultConfigPath is ~/.config/watchtrail/config (or $XDG_CONFIG_HOME's).
func defaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "watchtrail", "config")
}

// readConfig reads a config file; a missing default file is not an error.
func readConfig(path string, explicit bool) (fileConfig, error) {
	var fc fileConfig
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) && !explicit {
			return fc, nil
		}
		return fc, err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case !ok:
			return fc, fmt.Errorf("%s:%d: want name = value", path, n)
		case name == "metric":
			fc.Metrics = append(fc.Metrics, value)
		case name == "log-group":
			fc.LogGroups = append(fc.LogGroups, value)
		case name == "filter":
			fc.Filter = value
		default:
			return fc, fmt.Errorf("%s:%d: unknown setting %q (metric, log-group, filter)", path, n, name)
		}
	}
	return fc, scanner.Err()
}

func parseMetrics(texts []string) ([]sources.MetricSpec, error) {
	specs := make([]sources.MetricSpec, 0, len(texts))
	for _, t := range texts {
		spec, err := sources.ParseMetricSpec(t)
		if err != nil {
			return nil, err
		}
		specs = append(specs, spec)
	}
	return specs, nil
}
