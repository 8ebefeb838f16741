package cmd

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/spf13/cobra"
)

// changesFeedFlags are the flags of `watchtrail setup changes-feed`.
type changesFeedFlags struct {
	group     string
	retention int
	stack     string
}

// logRetentionDays are the values CloudWatch Logs accepts for a group's retention.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func newSetupCmd(*globals) *cobra.Command {
	setup := &cobra.Command{
		Use:   "setup",
		Short: "Print what to deploy for optional data sources (watchtrail itself changes nothing)",
	}
	f := &changesFeedFlags{}
	feed := &cobra.Command{
		Use:   "changes-feed",
		Short: "Print a CloudFormation template for a seconds-fresh CloudTrail change feed",
		Long: `Print a CloudFormation template (and, in its header, the AWS CLI line that
deploys it) for a change feed: an EventBridge rule on the default event bus
that sends every "AWS API Call via CloudTrail" event into a CloudWatch Logs
group (with a retention, and the group's resource policy letting EventBridge
write to it). Read it with --changes-log-group: changes then reach the trail
pane and triage within seconds instead of CloudTrail's up to 15 minutes.

watchtrail stays read-only: this prints the template and applies nothing.
EventBridge delivers write (mutating) management events only, unless the
rule is changed to receive read-only ones too; and global services (IAM,
STS, CloudFront) send their events to us-east-1's bus only, so deploy the
stack in us-east-1 too to see them.`,
		Example: `  watchtrail setup changes-feed > changes-feed.yaml
  aws cloudformation deploy --stack-name watchtrail-changes-feed --template-file changes-feed.yaml --region eu-west-1
  watchtrail --changes-log-group /watchtrail/changes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !logGroupName.MatchString(f.group) {
				return fmt.Errorf("--log-group %q: not a CloudWatch Logs group name (letters, digits, _ - / . #, up to 512)", f.group)
			}
			if !stackName.MatchString(f.stack) {
				return fmt.Errorf("--stack-name %q: not a CloudFormation stack name (a letter, then letters, digits and -, up to 128)", f.stack)
			}
			if !validRetention(f.retention) {
				return fmt.Errorf("--retention-days %d: CloudWatch Logs accepts %v", f.retention, logRetentionDays)
			}
			_, err := fmt.Fprint(cmd.OutOrStdout(), changesFeedTemplate(*f))
			return err
		},
	}
	fs := feed.Flags()
	fs.StringVar(&f.group, "log-group", "/watchtrail/changes", "the log group the rule writes into (read it with --changes-log-group)")
	fs.IntVar(&f.retention, "retention-days", 7, "how long the log group keeps the events")
	fs.StringVar(&f.stack, "stack-name", "watchtrail-changes-feed", "the stack name in the deploy line")
	setup.AddCommand(feed)
	return setup
}

// stackName is CloudFormation's rule for stack names.
var stackName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)

func validRetention(days int) bool {
	for _, d := range logRetentionDays {
		if d == days {
			return true
		}
	}
	return false
}

// changesFeedTemplate is the change feed's CloudFormation template in
// YAML, long-form intrinsic functions so that any YAML reader takes it.
func changesFeedTemplate(f changesFeedFlags) string {
	q := strconv.Quote
	return `# watchtrail change feed: CloudTrail management events, seconds after each call,
# from the default event bus into the CloudWatch Logs group ` + f.group + `.
#
# Deploy (in each region you watch; global services such as IAM, STS and
# CloudFront send their events to us-east-1 only):
#   watchtrail setup changes-feed > changes-feed.yaml
#   aws cloudformation deploy --stack-name ` + f.stack + ` --template-file changes-feed.yaml --region REGION
# Then read it:
#   watchtrail --changes-log-group ` + f.group + `
#
# EventBridge delivers write (mutating) management events only; read-only
# calls need the rule's state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
# Data events (S3 objects, Lambda invokes) come only from a trail that logs them.
AWSTemplateFormatVersion: "2010-09-09"
Description: "watchtrail change feed: AWS API Call via CloudTrail events into a CloudWatch Logs group"
Resources:
  ChangesLogGroup:
    Type: "AWS::Logs::LogGroup"
    Properties:
      LogGroupName: ` + q(f.group) + `
      RetentionInDays: ` + strconv.Itoa(f.retention) + `
  ChangesLogGroupPolicy:
    Type: "AWS::Logs::ResourcePolicy"
    Properties:
      PolicyName: ` + q(f.stack+"-events-to-logs") + `
      PolicyDocument:
        Fn::Sub: '{"Version":"2012-10-17","Statement":[{"Sid":"EventBridgeWritesChanges","Effect":"Allow","Principal":{"Service":["events.amazonaws.com","delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"${ChangesLogGroup.Arn}"}]}'
  ChangesRule:
    Type: "AWS::Events::Rule"
    DependsOn: ChangesLogGroupPolicy
    Properties:
      Description: "CloudTrail management events for watchtrail"
      EventBusName: default
      State: ENABLED
      EventPattern:
        detail-type:
          - "AWS API Call via CloudTrail"
      Targets:
        - Id: changes-log-group
          Arn:
            Fn::GetAtt: [ChangesLogGroup, Arn]
Outputs:
  ChangesLogGroup:
    Description: "read it with watchtrail --changes-log-group"
    Value:
      Ref: ChangesLogGroup
`
}
