package awssrc

import (
	"context"

	"watchtrail/sources"
)

// Label names the source among several: "profile/region".
func (s *Source) Label() string { return profile(s.cfg) + "/" + s.cfg.Region }

// NewMulti builds one Source per profile × region, labelled "profile/region"
// (an empty list means the configuration chain's default), merged into one
// sources.Multi. endpointURL, when set, is used for every one of them.
func NewMulti(ctx context.Context, profiles, regions []string, endpointURL string) (*sources.Multi, error) {
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	if len(regions) == 0 {
		regions = []string{""}
	}
	var members []sources.Member
	for _, p := range profiles {
		for _, r := range regions {
			cfg, err := LoadConfig(ctx, Options{Profile: p, Region: r})
			if err != nil {
				return nil, err
			}
			s := New(cfg, endpointURL)
			members = append(members, sources.Member{Label: s.Label(), Source: s})
		}
	}
	return sources.NewMulti(members...)
}
