package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"watchtrail/sources/awssrc"
)

// orgFlags are the flags of an organisation's trail and telemetry
// (docs/organisation.md).
type orgFlags struct {
	athena     awssrc.AthenaOptions
	linked     bool
	assumeRole string
}

func (o *orgFlags) addFlags(fs *pflag.FlagSet) {
	fs.Var(checkedString{&o.athena.Table, "db.table", checkAthenaTable}, "trail-athena",
		"query CloudTrail with Athena, in this table of the trail's log files (DATABASE.TABLE; docs/organisation.md), instead of LookupEvents")
	fs.StringVar(&o.athena.Workgroup, "athena-workgroup", "", "with --trail-athena: the workgroup queries run in (default: primary)")
	fs.StringVar(&o.athena.Region, "athena-region", "", "with --trail-athena: the region of the table and workgroup, when not the one watched (default: each --region's own)")
	fs.Var(checkedString{&o.athena.Output, "s3-url", checkAthenaOutput}, "athena-output",
		"with --trail-athena: where Athena writes query results, s3://bucket/prefix/ (default: the workgroup's)")
	fs.BoolVar(&o.linked, "linked-accounts", false,
		"in a CloudWatch cross-account monitoring account: list the source accounts' log groups too and name their alarms' accounts (OAM link labels)")
	fs.Var(checkedString{&o.assumeRole, "role-arn", awssrc.CheckAssumeRolePattern}, "assume-role-pattern",
		"the drill-down reads a linked account's resources with this role there, e.g. 'arn:aws:iam::{account}:role/watchtrail-read'")
}

// useOrg applies the monitoring account's flags to src.
func (o *orgFlags) useOrg(src *awssrc.Source) error {
	if o.linked {
		src.UseLinkedAccounts()
	}
	if o.assumeRole != "" {
		if err := src.UseAssumeRolePattern(o.assumeRole); err != nil {
			return fmt.Errorf("--assume-role-pattern: %w", err)
		}
	}
	return nil
}

func checkAthenaTable(s string) error {
	_, _, err := awssrc.ParseAthenaTable(s)
	return err
}

func checkAthenaOutput(s string) error {
	if _, _, err := awssrc.ParseTrailBucket(s); err != nil {
		return errors.New("want s3://bucket/prefix/ for Athena's query results")
	}
	return nil
}

// trailReaders counts the trail sources asked for: at most one may be.
func (g *globals) trailReaders() int {
	n := 0
	for _, set := range []bool{g.trailBucket != "", g.trailLogGroup != "", g.org.athena.Table != ""} {
		if set {
			n++
		}
	}
	return n
}
