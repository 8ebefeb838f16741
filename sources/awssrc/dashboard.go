package awssrc

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"watchtrail/sources"
	"watchtrail/text"
)

var _ sources.DashboardReader = (*Source)(nil)

// ListDashboards returns the names of the dashboards starting with prefix
// (all pages).
func (s *Source) ListDashboards(ctx context.Context, prefix string) ([]string, error) {
	in := &cloudwatch.ListDashboardsInput{}
	if prefix != "" {
		in.DashboardNamePrefix = aws.String(prefix)
	}
	var names []string
	for {
		out, err := s.cw.ListDashboards(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, d := range out.DashboardEntries {
			names = append(names, text.Sanitize(aws.ToString(d.DashboardName)))
		}
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			return names, nil
		}
		in.NextToken = out.NextToken
	}
}

// GetDashboard reads one dashboard and parses its body (see
// sources.ParseDashboard: malformed widgets are kept and reported).
func (s *Source) GetDashboard(ctx context.Context, name string) (sources.Dashboard, error) {
	out, err := s.cw.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String(name)})
	if err != nil {
		return sources.Dashboard{Name: text.Sanitize(name)}, err
	}
	return sources.ParseDashboard(aws.ToString(out.DashboardName), aws.ToString(out.DashboardBody))
}
