package awssrc

import (
	"context"
	"fmt"

	"watchtrail/sources"
)

// Label names the source among several: "profile/region".
func (s *Source) Label() string { return profile(s.cfg) + "/" + s.cfg.Region }

// NewMulti builds one Source per profile × region, labelled "profile/region"
// (an empty list means the configuration chain's default), merged into one
// sources.Multi. base gives the rest of every member's options (endpoint,
// log). Each member must have a region and credentials.
func NewMulti(ctx context.Context, base Options, profiles, regions []string) (*sources.Multi, error) {
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	if len(regions) == 0 {
		regions = []string{""}
	}
	var members []sources.Member
	for _, p := range profiles {
		for _, r := range regions {
			opts := base
			opts.Profile, opts.Region = p, r
			cfg, err := LoadConfig(ctx, opts)
			if err != nil {
				return nil, fmt.Errorf("profile %q: %w", p, err)
			}
			s := New(cfg, base.EndpointURL)
			switch {
			case cfg.Region == "":
				return nil, fmt.Errorf("%s: no AWS region: pass --region, or set region in the profile", s.Label())
			case !HasCredentials(ctx, cfg):
				return nil, fmt.Errorf("%s: no AWS credentials found", s.Label())
			}
			members = append(members, sources.Member{Label: s.Label(), Source: s})
		}
	}
	return sources.NewMulti(members...)
}
