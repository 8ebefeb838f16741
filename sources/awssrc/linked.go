package awssrc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/oam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"watchtrail/sources"
	"watchtrail/text"
)

// linkedNamesTTL is how long the source accounts' names are reused: links
// change rarely.
const linkedNamesTTL = 10 * time.Minute

// linkedAccounts are a monitoring account's source accounts (CloudWatch
// cross-account observability), named by their OAM links' labels.
type linkedAccounts struct {
	client *oam.Client
	mu     sync.Mutex
	names  map[string]string // account id → label
	read   time.Time
	err    error
}

// UseLinkedAccounts reads the source accounts linked to this monitoring
// account: DescribeLogGroups lists theirs too (by ARN), and alarms on their
// metrics (GetMetricData asks with the metric's AccountId) are labelled
// with each account's name from its OAM link (oam:ListSinks,
// oam:ListAttachedLinks).
func (s *Source) UseLinkedAccounts() {
	s.linked = &linkedAccounts{client: oam.NewFromConfig(s.cfg, func(o *oam.Options) {
		if s.endpointURL != "" {
			o.BaseEndpoint = aws.String(s.endpointURL)
		}
		o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
	})}
	s.describe += ", linked accounts"
}

// nameAccounts labels the alarms on linked accounts' metrics.
func (s *Source) nameAccounts(ctx context.Context, alarms []sources.Alarm) {
	for i := range alarms {
		if acct := alarms[i].Metric.Account; acct != "" {
			alarms[i].Account = s.AccountName(ctx, acct)
		}
	}
}

// AccountName is a linked account's OAM label, else its id (also when the
// links cannot be read).
func (s *Source) AccountName(ctx context.Context, account string) string {
	if s.linked == nil {
		return account
	}
	names, _ := s.linked.labels(ctx)
	if name := names[account]; name != "" {
		return name
	}
	return account
}

// labels lists every sink's attached links, at most once per
// linkedNamesTTL; a failure is kept as long, so that a missing permission
// costs one call per TTL, not one per poll.
func (l *linkedAccounts) labels(ctx context.Context) (map[string]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.read.IsZero() && time.Since(l.read) < linkedNamesTTL {
		return l.names, l.err
	}
	names := map[string]string{}
	err := l.list(ctx, names)
	l.names, l.err, l.read = names, err, time.Now()
	return names, err
}

func (l *linkedAccounts) list(ctx context.Context, names map[string]string) error {
	sinks := oam.NewListSinksPaginator(l.client, &oam.ListSinksInput{})
	for sinks.HasMorePages() {
		page, err := sinks.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("oam:ListSinks: %w", err)
		}
		for _, sink := range page.Items {
			links := oam.NewListAttachedLinksPaginator(l.client, &oam.ListAttachedLinksInput{SinkIdentifier: sink.Arn})
			for links.HasMorePages() {
				lp, err := links.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("oam:ListAttachedLinks: %w", err)
				}
				for _, link := range lp.Items {
					// arn:aws:oam:<region>:<source account>:link/<id>
					if parts := strings.SplitN(aws.ToString(link.LinkArn), ":", 6); len(parts) == 6 && isAccountID(parts[4]) {
						names[parts[4]] = text.Sanitize(aws.ToString(link.Label))
					}
				}
			}
		}
	}
	return nil
}

// accountPlaceholder is what an assume-role pattern's account id replaces.
const accountPlaceholder = "{account}"

// CheckAssumeRolePattern wants a role ARN with {account} for the account id.
func CheckAssumeRolePattern(pattern string) error {
	if !strings.HasPrefix(pattern, "arn:") || !strings.Contains(pattern, ":role/") || !strings.Contains(pattern, accountPlaceholder) {
		return fmt.Errorf("%q: want a role ARN with {account} for the account, e.g. arn:aws:iam::{account}:role/watchtrail-read", pattern)
	}
	return nil
}

// UseAssumeRolePattern makes the drill-down's discovery of a linked
// account's resources assume the role the pattern names in that account
// (sts:AssumeRole), instead of saying it cannot see them.
func (s *Source) UseAssumeRolePattern(pattern string) error {
	if err := CheckAssumeRolePattern(pattern); err != nil {
		return err
	}
	s.assumeRole = pattern
	return nil
}

// accountView is s for discovery in account: s itself for its own
// resources (""), else a reader with the role assumed there, made once.
func (s *Source) accountView(ctx context.Context, account string) (*Source, error) {
	if account == "" {
		return s, nil
	}
	if s.assumeRole == "" {
		return nil, fmt.Errorf("could not see the relations of resources in account %s: they are another account's "+
			"(pass --assume-role-pattern 'arn:aws:iam::{account}:role/NAME' naming a role there that may read them)", s.AccountName(ctx, account))
	}
	if !isAccountID(account) {
		return nil, errors.New("could not see the relations: " + account + " is not an account id")
	}
	s.viewsMu.Lock()
	defer s.viewsMu.Unlock()
	if v := s.views[account]; v != nil {
		return v, nil
	}
	role := strings.ReplaceAll(s.assumeRole, accountPlaceholder, account)
	stsClient := sts.NewFromConfig(s.cfg, func(o *sts.Options) {
		if s.endpointURL != "" {
			o.BaseEndpoint = aws.String(s.endpointURL)
		}
		o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
	})
	cfg := s.cfg.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, role,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "watchtrail" }))
	v := &Source{cfg: cfg, endpointURL: s.endpointURL, describe: s.describe + " as " + role, graph: newGraphClients(cfg, s.endpointURL)}
	if s.views == nil {
		s.views = map[string]*Source{}
	}
	s.views[account] = v
	return v, nil
}
