package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"watchtrail/sources"
)

// The denied-access story: a minute and a half after alice's change, the
// leaked access key of svc-reports is tried from several addresses against
// secrets, IAM, S3 and EC2, and all of it is refused; meanwhile someone
// fails to sign in to the console as admin from a few more. CloudTrail
// Insights notices the unusual error rate on GetSecretValue.
const (
	deniedAfter = 90 * time.Second // from alice's change
	deniedCalls = 36
	deniedEvery = 4 * time.Second
	failedLogin = 6
)

var attackerIPs = []string{"203.0.113.7", "203.0.113.19", "203.0.113.58", "198.18.4.101", "198.18.9.230"}

// probe is one API the leaked key is tried on, and how it is refused.
type probe struct {
	source, name, code string
	request            map[string]any
}

var probes = []probe{
	{"secretsmanager.amazonaws.com", "GetSecretValue", "AccessDenied", map[string]any{"secretId": "prod/orders/db"}},
	{"secretsmanager.amazonaws.com", "GetSecretValue", "AccessDenied", map[string]any{"secretId": "prod/stripe/api-key"}},
	{"iam.amazonaws.com", "ListUsers", "AccessDenied", map[string]any{}},
	{"iam.amazonaws.com", "CreateAccessKey", "AccessDenied", map[string]any{"userName": "admin"}},
	{"s3.amazonaws.com", "ListBuckets", "AccessDenied", map[string]any{"Host": "s3.amazonaws.com"}},
	{"ec2.amazonaws.com", "RunInstances", "Client.UnauthorizedOperation", map[string]any{"instanceType": "p4d.24xlarge"}},
}

// deniedCalls are the burst's refused calls and failed console sign-ins.
func (s *Source) deniedCalls() []call {
	begin := s.story.change.Add(deniedAfter)
	var calls []call
	for n := int64(0); n < deniedCalls; n++ {
		h := hash("denied", n)
		p := probes[pick(h>>8, len(probes))]
		who := principal{kind: "IAMUser", name: "svc-reports", ip: attackerIPs[pick(h>>16, len(attackerIPs))],
			ua: "python-requests/2.31.0"}
		c := call{at: begin.Add(time.Duration(n)*deniedEvery + time.Duration(pick(h>>24, 3))*time.Second),
			id: uuid("denied", n), who: who, source: p.source, name: p.name, request: p.request,
			errCode: p.code, readOnly: p.name == "GetSecretValue" || p.name == "ListUsers" || p.name == "ListBuckets"}
		c.errMsg = fmt.Sprintf("User: arn:aws:iam::%s:user/svc-reports is not authorized to perform: %s:%s",
			accountID, p.source[:len(p.source)-len(".amazonaws.com")], p.name)
		if p.code == "Client.UnauthorizedOperation" {
			c.errMsg = "You are not authorized to perform this operation."
		}
		calls = append(calls, c)
	}
	for n := int64(0); n < failedLogin; n++ {
		h := hash("login", n)
		who := principal{kind: "IAMUser", name: "admin", ip: attackerIPs[pick(h, len(attackerIPs))],
			ua: "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0"}
		calls = append(calls, call{at: begin.Add(time.Duration(n) * 20 * time.Second), id: uuid("login", n), who: who,
			source: "signin.amazonaws.com", name: "ConsoleLogin", errMsg: "Failed authentication",
			response: map[string]any{"ConsoleLogin": "Failure"}})
	}
	return calls
}

// insightEvents are the Insights events (start and, once past, end) of the
// burst's GetSecretValue error rate within [start, end] that meet q, oldest
// first.
func (s *Source) insightEvents(q sources.TrailQuery, start, end time.Time) []sources.TrailEvent {
	begin := s.story.change.Add(deniedAfter)
	shared := uuid("insight", 0)
	var out []sources.TrailEvent
	for i, at := range []time.Time{begin.Add(time.Minute), begin.Add(deniedCalls*deniedEvery + time.Minute)} {
		if at.Before(start) || at.After(end) {
			continue
		}
		state := []string{"Start", "End"}[i]
		doc := map[string]any{
			"eventVersion": "1.08", "eventTime": at.UTC().Format(time.RFC3339), "awsRegion": region,
			"eventID": uuid("insight", int64(i+1)), "eventType": "AwsCloudTrailInsight", "eventCategory": "Insight",
			"recipientAccountId": accountID, "sharedEventID": shared,
			"insightDetails": map[string]any{
				"state": state, "eventSource": "secretsmanager.amazonaws.com", "eventName": "GetSecretValue",
				"insightType": "ApiErrorRateInsight", "errorCode": "AccessDenied",
				"insightContext": map[string]any{"statistics": map[string]any{
					"baseline": map[string]any{"average": 0.0021}, "insight": map[string]any{"average": 4.5},
					"insightDuration": int(deniedCalls * deniedEvery / time.Minute)}},
			},
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(doc) // plain data: cannot fail
		e := sources.TrailEvent{ID: doc["eventID"].(string), Time: at, Name: "GetSecretValue",
			Source: "secretsmanager.amazonaws.com", Kind: sources.KindInsight, JSON: string(bytes.TrimSpace(buf.Bytes()))}
		if sources.MatchesQuery(q, e) {
			out = append(out, e)
		}
	}
	return out
}
