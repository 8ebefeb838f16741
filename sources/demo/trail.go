package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"watchtrail/sources"
	"watchtrail/text"
)

// defaultTrailLimit caps a FetchTrail call when the query sets no Limit.
const defaultTrailLimit = 1000

// trailRetention is how far back LookupEvents reaches, as in CloudTrail.
const trailRetention = 90 * 24 * time.Hour

// trailSlot is the background-noise grid: about every other slot holds one
// event, so events come every 10–30 s.
const trailSlot = 10 * time.Second

// principal is who made a call.
type principal struct {
	kind      string // IAMUser or AssumedRole
	name      string // user name, or role name
	session   string // role session name
	ip, ua    string
	invokedBy string // the AWS service acting, if any
}

var (
	alice      = principal{kind: "IAMUser", name: "alice", ip: "203.0.113.42", ua: "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/lambda.update-function-configuration"}
	bob        = principal{kind: "IAMUser", name: "bob", ip: "198.51.100.14", ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"}
	carol      = principal{kind: "IAMUser", name: "carol", ip: "198.51.100.61", ua: "[aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/s3.cp]"}
	dave       = principal{kind: "IAMUser", name: "dave", ip: "198.51.100.200", ua: "AWS Internal"}
	monitoring = principal{kind: "AssumedRole", name: "monitoring-readonly", session: "grafana-cloudwatch", ip: "192.0.2.10", ua: "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64"}
	ciDeployer = principal{kind: "AssumedRole", name: "ci-deployer", session: "github-actions", ip: "198.51.100.23", ua: "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1017-azure exe/x86_64.ubuntu.22 prompt/off"}
	erin       = principal{kind: "IAMUser", name: "erin", ip: "198.51.100.77", ua: "AWS Internal"}
	frank      = principal{kind: "IAMUser", name: "frank", ip: "203.0.113.180", ua: "aws-cli/2.15.30 Python/3.11.8 Linux/6.8.0 exe/x86_64 prompt/off"}
	tagBot     = principal{kind: "AssumedRole", name: "auto-tagger", session: "tag-bot", ip: "192.0.2.33", ua: "Boto3/1.34.69 md/Botocore#1.34.69 Python/3.12.2 Linux/5.10 exec-env/AWS_Lambda_python3.12"}
	awsBackup  = principal{kind: "AssumedRole", name: "AWSBackupDefaultServiceRole", session: "AWSBackup-AWSBackupDefaultServiceRole", ip: "backup.amazonaws.com", ua: "backup.amazonaws.com", invokedBy: "backup.amazonaws.com"}
)

// call is one CloudTrail event before it is rendered.
type call struct {
	at                time.Time
	id                string
	who               principal
	source, name      string
	resources         []string
	request, response any
	errCode, errMsg   string
	readOnly          bool
}

// FetchTrail returns management events in [Start, End] (never past Now),
// only those touching ResourceName and matching Lookup and WriteOnly when
// set, oldest first, at most Limit: the newest. With Insights set, the
// Insights events instead.
func (s *Source) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultTrailLimit
	}
	now := s.now()
	start, end := later(q.Start, now.Add(-trailRetention)), earlier(q.End, now)
	if q.Insights {
		return s.insightEvents(q, start, end), nil
	}
	// Lookup attributes and WriteOnly need the rendered event: only then
	// is it rendered for every candidate.
	narrowed := q.WriteOnly || !q.Lookup.IsZero()
	wanted := func(c call) bool {
		return !c.at.Before(start) && !c.at.After(end) && (q.ResourceName == "" || slices.Contains(c.resources, q.ResourceName)) &&
			(!narrowed || sources.MatchesQuery(q, c.event()))
	}
	var calls []call
	for _, c := range append(s.scriptedCalls(), s.deniedCalls()...) {
		if wanted(c) {
			calls = append(calls, c)
		}
	}
	noise := 0
	// Newest first, as LookupEvents pages: a limited query gets the latest.
	slot := int64(trailSlot.Seconds())
	for n := floorDiv(end.Unix(), slot); noise < limit && time.Unix((n+1)*slot, 0).After(start); n-- {
		if c, ok := noiseCall(n); ok && wanted(c) {
			calls = append(calls, c)
			noise++
		}
	}
	sort.Slice(calls, func(i, j int) bool {
		if !calls[i].at.Equal(calls[j].at) {
			return calls[i].at.Before(calls[j].at)
		}
		return calls[i].id < calls[j].id
	})
	out := make([]sources.TrailEvent, 0, min(len(calls), limit))
	for _, c := range calls[max(0, len(calls)-limit):] {
		out = append(out, c.event())
	}
	return out, nil
}

// scriptedCalls are the incident's two changes: alice's and bob's rollback.
func (s *Source) scriptedCalls() []call {
	update := func(at time.Time, who principal, memory, timeout int) call {
		id := uuid("incident/"+who.name, at.Unix())
		return call{at: at, id: id, who: who, source: "lambda.amazonaws.com", name: "UpdateFunctionConfiguration20150331v2",
			resources: []string{checkoutFn},
			request:   map[string]any{"functionName": checkoutFn, "memorySize": memory, "timeout": timeout},
			response: map[string]any{"functionName": checkoutFn, "functionArn": lambdaARN(checkoutFn), "runtime": "nodejs20.x",
				"role": "arn:aws:iam::" + accountID + ":role/checkout-api-exec", "handler": "index.handler", "codeSize": 5242880,
				"timeout": timeout, "memorySize": memory, "lastModified": at.UTC().Format("2006-01-02T15:04:05.000-0700"),
				"version": "$LATEST", "state": "Active", "lastUpdateStatus": "InProgress", "revisionId": uuid("revision/"+who.name, at.Unix())}}
	}
	return append([]call{
		update(s.story.change, alice, 128, 3),
		update(s.story.rollback, bob, 1024, 30),
	}, s.webCalls()...)
}

// noiseCall is the background event of slot n, if it holds one.
func noiseCall(n int64) (call, bool) {
	h := hash("trail", n)
	if unit(h) >= 0.55 {
		return call{}, false
	}
	c := call{at: time.Unix(n*int64(trailSlot.Seconds())+int64(pick(h>>8, 10)), 0), id: uuid("trail", n), readOnly: true}
	variant := pick(h>>24, 6)
	switch r := pick(h>>16, 100); {
	case r < 45:
		c.who = monitoring
		fn := []string{checkoutFn, resizerFn}[pick(h>>32, 2)]
		switch variant {
		case 0:
			c.source, c.name, c.request = "monitoring.amazonaws.com", "DescribeAlarms", map[string]any{"maxRecords": 100}
		case 1:
			c.source, c.name, c.resources = "ec2.amazonaws.com", "DescribeInstances", []string{web1, web2}
			c.request = map[string]any{"instancesSet": map[string]any{"items": []map[string]string{{"instanceId": web1}, {"instanceId": web2}}}, "filterSet": map[string]any{}}
		case 2:
			c.source, c.name, c.resources = "lambda.amazonaws.com", "GetFunction20150331v2", []string{fn}
			c.request = map[string]any{"functionName": fn}
		case 3:
			c.source, c.name, c.resources = "dynamodb.amazonaws.com", "DescribeTable", []string{ordersTable}
			c.request = map[string]any{"tableName": ordersTable}
		default:
			c.source, c.name, c.request = "logs.amazonaws.com", "DescribeLogGroups", map[string]any{"logGroupNamePrefix": "/aws/"}
		}
	case r < 70:
		c.who = ciDeployer
		switch variant % 3 {
		case 0:
			c.source, c.name, c.request = "ecr.amazonaws.com", "GetAuthorizationToken", map[string]any{"registryIds": []string{accountID}}
		case 1:
			c.source, c.name, c.resources = "ecs.amazonaws.com", "DescribeServices", []string{ecsService}
			c.request = map[string]any{"cluster": "prod", "services": []string{ecsService}}
		default:
			c.source, c.name, c.resources = "cloudformation.amazonaws.com", "DescribeStacks", []string{ecsService}
			c.request = map[string]any{"stackName": ecsService}
		}
	case r < 73: // a deploy: a write, but to an unrelated function
		sha := fmt.Sprintf("%016x", hash("sha", n))[:12]
		c.who, c.readOnly = ciDeployer, false
		c.source, c.name, c.resources = "lambda.amazonaws.com", "UpdateFunctionCode20150331v2", []string{resizerFn}
		c.request = map[string]any{"functionName": resizerFn, "s3Bucket": "acme-ci-artifacts", "s3Key": resizerFn + "/" + sha + ".zip", "publish": false}
		c.response = map[string]any{"functionName": resizerFn, "functionArn": lambdaARN(resizerFn), "codeSha256": fmt.Sprintf("%016x", hash("code", n)), "lastUpdateStatus": "InProgress"}
	case r < 95:
		key := fmt.Sprintf("exports/%s/orders-%04d.csv", c.at.UTC().Format("2006-01-02"), hash("key", n)%1e4)
		c.who, c.readOnly = carol, false
		c.source, c.name, c.resources = "s3.amazonaws.com", "PutObject", []string{reportBucket}
		c.request = map[string]any{"bucketName": reportBucket, "Host": reportBucket + ".s3." + region + ".amazonaws.com", "key": key}
		c.response = map[string]any{"x-amz-server-side-encryption": "AES256"}
	default:
		const role, policy = "prod-web-task-role", "arn:aws:iam::aws:policy/AdministratorAccess"
		c.who, c.readOnly = dave, false
		c.source, c.name, c.resources = "iam.amazonaws.com", "AttachRolePolicy", []string{role}
		c.request = map[string]any{"roleName": role, "policyArn": policy}
		c.errCode = "AccessDenied"
		c.errMsg = "User: arn:aws:iam::" + accountID + ":user/dave is not authorized to perform: iam:AttachRolePolicy on resource: role " +
			role + " because no identity-based policy allows the iam:AttachRolePolicy action"
	}
	return c, true
}

func lambdaARN(fn string) string {
	return "arn:aws:lambda:" + region + ":" + accountID + ":function:" + fn
}

// event renders the call as the dashboard sees it, with its full
// CloudTrailEvent document.
func (c call) event() sources.TrailEvent {
	doc := cloudTrailEvent{
		EventVersion: "1.09", UserIdentity: c.who.identity(c.at), EventTime: c.at.UTC().Format(time.RFC3339),
		EventSource: c.source, EventName: c.name, AWSRegion: region, SourceIPAddress: c.who.ip, UserAgent: c.who.ua,
		ErrorCode: c.errCode, ErrorMessage: c.errMsg, RequestParameters: c.request, ResponseElements: c.response,
		RequestID: uuid("request/"+c.id, 0), EventID: c.id, ReadOnly: c.readOnly, EventType: "AwsApiCall",
		ManagementEvent: true, RecipientAccountID: accountID, EventCategory: "Management",
	}
	if c.who.ua == bob.ua || c.who.ua == "AWS Internal" {
		doc.SessionCredentialFromConsole = "true"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(doc) // plain data: cannot fail
	resources := make([]string, len(c.resources))
	for i, r := range c.resources {
		resources[i] = text.Sanitize(r)
	}
	return sources.TrailEvent{
		ID: c.id, Time: c.at, Name: text.Sanitize(c.name), Source: text.Sanitize(c.source),
		User: text.Sanitize(c.who.name), SourceIP: text.Sanitize(c.who.ip), Resources: resources,
		ErrorCode: text.Sanitize(c.errCode), ErrorMessage: text.Sanitize(c.errMsg), ReadOnly: c.readOnly,
		JSON: string(bytes.TrimSpace(buf.Bytes())),
		Kind: sources.KindManagement, AccessKeyID: doc.UserIdentity.AccessKeyID, UserARN: doc.UserIdentity.ARN,
	}
}

type cloudTrailEvent struct {
	EventVersion                 string       `json:"eventVersion"`
	UserIdentity                 userIdentity `json:"userIdentity"`
	EventTime                    string       `json:"eventTime"`
	EventSource                  string       `json:"eventSource"`
	EventName                    string       `json:"eventName"`
	AWSRegion                    string       `json:"awsRegion"`
	SourceIPAddress              string       `json:"sourceIPAddress"`
	UserAgent                    string       `json:"userAgent"`
	ErrorCode                    string       `json:"errorCode,omitempty"`
	ErrorMessage                 string       `json:"errorMessage,omitempty"`
	RequestParameters            any          `json:"requestParameters"`
	ResponseElements             any          `json:"responseElements"`
	RequestID                    string       `json:"requestID"`
	EventID                      string       `json:"eventID"`
	ReadOnly                     bool         `json:"readOnly"`
	EventType                    string       `json:"eventType"`
	ManagementEvent              bool         `json:"managementEvent"`
	RecipientAccountID           string       `json:"recipientAccountId"`
	EventCategory                string       `json:"eventCategory"`
	SessionCredentialFromConsole string       `json:"sessionCredentialFromConsole,omitempty"`
}

type userIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId"`
	ARN            string          `json:"arn"`
	AccountID      string          `json:"accountId"`
	AccessKeyID    string          `json:"accessKeyId"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *sessionContext `json:"sessionContext,omitempty"`
	InvokedBy      string          `json:"invokedBy,omitempty"`
}

type sessionContext struct {
	SessionIssuer struct {
		Type        string `json:"type"`
		PrincipalID string `json:"principalId"`
		ARN         string `json:"arn"`
		AccountID   string `json:"accountId"`
		UserName    string `json:"userName"`
	} `json:"sessionIssuer"`
	Attributes struct {
		CreationDate     string `json:"creationDate"`
		MFAAuthenticated string `json:"mfaAuthenticated"`
	} `json:"attributes"`
}

// identity is the principal's userIdentity block, shaped like CloudTrail's:
// users carry userName, assumed roles a sessionContext naming the role.
func (p principal) identity(at time.Time) userIdentity {
	id := fmt.Sprintf("%017X", hash("principal/"+p.name, 0))[:17]
	if p.kind == "IAMUser" {
		return userIdentity{Type: p.kind, PrincipalID: "AIDA" + id, ARN: "arn:aws:iam::" + accountID + ":user/" + p.name,
			AccountID: accountID, AccessKeyID: "AKIA" + id[:16], UserName: p.name}
	}
	ctx := &sessionContext{}
	ctx.SessionIssuer.Type, ctx.SessionIssuer.PrincipalID = "Role", "AROA"+id
	ctx.SessionIssuer.ARN, ctx.SessionIssuer.AccountID, ctx.SessionIssuer.UserName = "arn:aws:iam::"+accountID+":role/"+p.name, accountID, p.name
	ctx.Attributes.CreationDate = at.Truncate(time.Hour).UTC().Format(time.RFC3339)
	ctx.Attributes.MFAAuthenticated = "false"
	return userIdentity{Type: p.kind, PrincipalID: "AROA" + id + ":" + p.session,
		ARN:       "arn:aws:sts::" + accountID + ":assumed-role/" + p.name + "/" + p.session,
		AccountID: accountID, AccessKeyID: "ASIA" + id[:16], SessionContext: ctx, InvokedBy: p.invokedBy}
}
