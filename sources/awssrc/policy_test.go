package awssrc

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// iamPrefixes maps the SDK service packages awssrc imports to their IAM action prefixes.
var iamPrefixes = map[string]string{
	"cloudwatch": "cloudwatch", "cloudwatchlogs": "logs", "cloudtrail": "cloudtrail", "s3": "s3",
	"athena": "athena", "glue": "glue", "oam": "oam", "sts": "sts",
	"ec2": "ec2", "iam": "iam", "autoscaling": "autoscaling", "lambda": "lambda", "sqs": "sqs",
	"dynamodb": "dynamodb", "applicationautoscaling": "application-autoscaling",
	"elasticloadbalancingv2": "elasticloadbalancing", "rds": "rds", "ecs": "ecs", "apigateway": "apigateway",
}

// helperActions are the actions SDK helpers call for the code: a role's
// credentials come from sts:AssumeRole.
var helperActions = map[string]string{"stscreds.NewAssumeRoleProvider": "sts:AssumeRole"}

// iamActionOf names the actions whose IAM name differs from the operation's.
var iamActionOf = map[string]string{"s3:ListObjectsV2": "s3:ListBucket", "s3:HeadBucket": "s3:ListBucket",
	"apigateway:GetRestApis": "apigateway:GET", "apigateway:GetResources": "apigateway:GET"} // API Gateway's actions are HTTP verbs

// calledActions are the IAM actions of every SDK operation the package's
// code (tests excluded) builds an input for: each call, paginated or not,
// takes a *<service>.<Operation>Input.
func calledActions(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		services := map[string]string{} // import name → IAM prefix
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			pkg, ok := strings.CutPrefix(path, "github.com/aws/aws-sdk-go-v2/service/")
			if !ok || iamPrefixes[pkg] == "" {
				continue
			}
			local := pkg
			if imp.Name != nil {
				local = imp.Name.Name
			}
			services[local] = iamPrefixes[pkg]
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if ok && helperActions[pkg.Name+"."+sel.Sel.Name] != "" {
				set[helperActions[pkg.Name+"."+sel.Sel.Name]] = true
			}
			op, isInput := strings.CutSuffix(sel.Sel.Name, "Input")
			if ok && isInput && services[pkg.Name] != "" {
				action := services[pkg.Name] + ":" + op
				if a := iamActionOf[action]; a != "" {
					action = a
				}
				set[action] = true
			}
			return true
		})
	}
	return sortedKeys(set)
}

func sortedKeys(set map[string]bool) []string {
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// athenaResultsSid names the statement of the S3 actions Athena takes on
// the query results location with the caller's credentials.
const athenaResultsSid = "AthenaQueryResults"

// TestPolicyListsEveryCall keeps iam-policy.json and docs/aws-setup.md's list of
// permissions equal to the operations the code calls.
func TestPolicyListsEveryCall(t *testing.T) {
	called := calledActions(t)
	if len(called) < 10 {
		t.Fatalf("found only %q: the scan is broken", called)
	}
	data, err := os.ReadFile("../../iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Statement []struct {
			Sid      string
			Effect   string
			Action   []string
			Resource json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &policy); err != nil {
		t.Fatalf("iam-policy.json: %v", err)
	}
	inPolicy := map[string]bool{}
	for _, s := range policy.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement %s: want Allow", s.Sid)
		}
		if s.Sid == athenaResultsSid {
			// What Athena does with the caller's credentials to write a
			// query's results: S3 calls on the results bucket alone.
			if !strings.Contains(string(s.Resource), "ATHENA-RESULTS-BUCKET") || strings.Contains(string(s.Resource), `"*"`) {
				t.Errorf("statement %s: want the results bucket only, not %s", s.Sid, s.Resource)
			}
			for _, a := range s.Action {
				if !strings.HasPrefix(a, "s3:") {
					t.Errorf("statement %s allows %s: only S3 calls on the results bucket belong there", s.Sid, a)
				}
			}
			continue
		}
		if string(s.Resource) != `"*"` {
			t.Errorf("statement %s: want Allow on *", s.Sid)
		}
		for _, a := range s.Action {
			inPolicy[a] = true
		}
	}
	if got := sortedKeys(inPolicy); strings.Join(got, " ") != strings.Join(called, " ") {
		t.Errorf("iam-policy.json allows\n  %q\nthe code calls\n  %q", got, called)
	}

	readme, err := os.ReadFile("../../docs/aws-setup.md")
	if err != nil {
		t.Fatal(err)
	}
	// The list runs from the policy file's link to the next code block.
	_, list, _ := strings.Cut(string(readme), "iam-policy.json)")
	list, _, _ = strings.Cut(list, "```")
	inReadme := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z0-9-]+:[A-Za-z0-9]+)`").FindAllStringSubmatch(list, -1) {
		inReadme[m[1]] = true
	}
	if got := sortedKeys(inReadme); strings.Join(got, " ") != strings.Join(called, " ") {
		t.Errorf("docs/aws-setup.md lists\n  %q\nthe code calls\n  %q", got, called)
	}
}
