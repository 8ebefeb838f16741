package cmd

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newConfigCmd(*globals) *cobra.Command {
	cfg := &cobra.Command{
		Use:   "config",
		Short: "Work with the config file",
		Args:  cobra.NoArgs,
	}
	cfg.AddCommand(&cobra.Command{
		Use:   "convert [FILE]",
		Short: `Print an old "name = value" config file as YAML`,
		Example: "  watchtrail config convert > " + defaultConfigPath() +
			"\n  rm " + legacyConfigPath(),
		Args:        cobra.MaximumNArgs(1),
		Annotations: map[string]string{skipConfig: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			path := legacyConfigPath()
			if len(args) == 1 {
				path = args[0]
			}
			out, err := convertLegacy(cmd.Root(), path)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	})
	return cfg
}

// convertLegacy reads an old-format file and writes it as YAML, keys in
// their first order, a list for each list flag.
func convertLegacy(root *cobra.Command, path string) ([]byte, error) {
	settings, legacy, err := readConfig(path)
	if err != nil {
		return nil, err
	}
	if !legacy {
		return nil, fmt.Errorf("%s is not in the old \"name = value\" format", path)
	}
	known := configurableFlags(root)
	var doc yaml.MapSlice
	index := map[string]int{}
	for _, s := range settings {
		f := known[s.key]
		if f == nil {
			return nil, fmt.Errorf("%s:%d: unknown key %q", path, s.line, s.key)
		}
		_, list := f.Value.(pflag.SliceValue)
		i, seen := index[s.key]
		switch {
		case !seen:
			index[s.key] = len(doc)
			var v any = s.values[0]
			if list {
				v = s.values
			}
			doc = append(doc, yaml.MapItem{Key: s.key, Value: v})
		case list:
			doc[i].Value = append(doc[i].Value.([]string), s.values...)
		default:
			doc[i].Value = s.values[0] // the old reader kept the last
		}
	}
	if len(doc) == 0 {
		return nil, errors.New(path + " sets nothing")
	}
	return yaml.MarshalWithOptions(doc, yaml.IndentSequence(true))
}
