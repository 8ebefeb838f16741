package awssrc

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"watchtrail/sources"
)

// orgTrailTable is the table docs/organisation.md creates: the columns of
// AWS's CloudTrail table, partitioned by account, region and day with
// partition projection over AWSLogs/<org-id>/<account>/CloudTrail/<region>/<yyyy/MM/dd>.
func orgTrailTable(name string, accountProjection string) *gluetypes.Table {
	col := func(name, typ string) gluetypes.Column {
		return gluetypes.Column{Name: aws.String(name), Type: aws.String(typ)}
	}
	return &gluetypes.Table{
		Name: aws.String(name),
		StorageDescriptor: &gluetypes.StorageDescriptor{Columns: []gluetypes.Column{
			col("eventversion", "string"),
			col("useridentity", "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,"+
				"onbehalfof:struct<userid:string,identitystorearn:string>,sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,"+
				"sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,ec2roledelivery:string,"+
				"webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>"),
			col("eventtime", "string"), col("eventsource", "string"), col("eventname", "string"), col("awsregion", "string"),
			col("sourceipaddress", "string"), col("useragent", "string"), col("errorcode", "string"), col("errormessage", "string"),
			col("requestparameters", "string"), col("responseelements", "string"), col("additionaleventdata", "string"),
			col("requestid", "string"), col("eventid", "string"), col("readonly", "string"),
			col("resources", "array<struct<arn:string,accountid:string,type:string>>"),
			col("eventtype", "string"), col("apiversion", "string"), col("recipientaccountid", "string"),
			col("serviceeventdetails", "string"), col("sharedeventid", "string"), col("vpcendpointid", "string"),
			col("eventcategory", "string"), col("managementevent", "string"),
			col("tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"),
		}},
		PartitionKeys: []gluetypes.Column{col("account", "string"), col("region", "string"), col("timestamp", "string")},
		Parameters: map[string]string{
			"projection.enabled": "true", "projection.account.type": accountProjection, "projection.account.values": "111111111111,222222222222",
			"projection.region.type": "enum", "projection.region.values": "us-east-1,eu-west-1",
			"projection.timestamp.type": "date", "projection.timestamp.format": "yyyy/MM/dd", "projection.timestamp.range": "2024/01/01,NOW",
			"projection.timestamp.interval": "1", "projection.timestamp.interval.unit": "DAYS",
		},
	}
}

func testLayout(t *testing.T) tableLayout {
	t.Helper()
	l, err := layoutOf("trails", orgTrailTable("org_trail", "enum"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var sqlNoon = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func sqlFor(t *testing.T, l tableLayout, q sources.TrailQuery) string {
	t.Helper()
	sql, err := l.trailSQL(q, sqlNoon.Add(-40*time.Minute), sqlNoon, 200, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	return sql
}

func TestAthenaLayoutFromGlue(t *testing.T) {
	l := testLayout(t)
	if l.date != "timestamp" || l.dateLayout != "2006/01/02" || l.region != "region" || l.account != "account" || l.injectedAccount {
		t.Errorf("layout = %+v", l)
	}
	if !l.hasField("useridentity", "username") || !l.hasField("useridentity", "sessioncontext") || l.hasField("useridentity", "mfaauthenticated") ||
		!l.hasField("resources", "arn") || !l.hasField("resources", "type") {
		t.Errorf("struct fields = %v / %v", l.columns[1].fields, l.columns[16].fields)
	}
	if _, err := layoutOf("trails", &gluetypes.Table{Name: aws.String("flows"), StorageDescriptor: &gluetypes.StorageDescriptor{
		Columns: []gluetypes.Column{{Name: aws.String("srcaddr"), Type: aws.String("string")}}}}); err == nil || !strings.Contains(err.Error(), "CloudTrail table") {
		t.Errorf("a table without eventtime: %v, want an error", err)
	}
}

// Every filter of the trail syntax and of q becomes a condition; the
// window pins the date partitions (and the region, the account of a
// resource ARN) so a 40-minute triage window reads one or two days of one
// region.
func TestAthenaSQLFilters(t *testing.T) {
	l := testLayout(t)
	all := sqlFor(t, l, sources.TrailQuery{})
	for _, want := range []string{
		`SELECT "eventversion", json_format(CAST("useridentity" AS JSON)) AS "useridentity", "eventtime",`,
		`json_format(CAST("resources" AS JSON)) AS "resources"`,
		`FROM "trails"."org_trail"`,
		`"timestamp" IN ('2026/11/20') AND "region" = 'us-east-1'`,
		`"eventtime" BETWEEN '2026-11-20T11:20:00Z' AND '2026-11-20T12:00:00Z'`,
		`ORDER BY "eventtime" DESC` + "\nLIMIT 200",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("SQL lacks %s:\n%s", want, all)
		}
	}
	if strings.Contains(all, `"account" =`) || strings.Contains(all, "coalesce") {
		t.Errorf("no filter, yet:\n%s", all)
	}
	for _, tc := range []struct {
		name string
		q    sources.TrailQuery
		want []string
	}{
		{"writes", sources.TrailQuery{WriteOnly: true}, []string{`coalesce("readonly", '') <> 'true'`}},
		{"reads", sources.TrailQuery{Where: sources.TrailWhere{Reads: true}}, []string{`coalesce("readonly", '') = 'true'`}},
		{"errors", sources.TrailQuery{Where: sources.TrailWhere{Errors: true}}, []string{`coalesce("errorcode", '') <> ''`}},
		{"user", sources.TrailQuery{Where: sources.TrailWhere{User: "alice"}}, []string{
			`("useridentity"."username" LIKE 'alice' ESCAPE '\' OR "useridentity"."arn" LIKE 'alice' ESCAPE '\' OR ` +
				`"useridentity"."invokedby" LIKE 'alice' ESCAPE '\' OR "useridentity"."type" LIKE 'alice' ESCAPE '\' OR "useridentity"."arn" LIKE '%/alice' ESCAPE '\')`}},
		{"username lookup", sources.TrailQuery{Lookup: sources.LookupAttr{Key: sources.AttrUsername, Value: "bob"}}, []string{`"useridentity"."username" LIKE 'bob'`}},
		{"event pattern", sources.TrailQuery{Where: sources.TrailWhere{Name: "Delete*"}}, []string{`"eventname" LIKE 'Delete%' ESCAPE '\'`}},
		{"event lookup", sources.TrailQuery{Lookup: sources.LookupAttr{Key: sources.AttrEventName, Value: "RunInstances"}}, []string{`"eventname" LIKE 'RunInstances' ESCAPE '\'`}},
		{"service", sources.TrailQuery{Where: sources.TrailWhere{Source: "ec2.amazonaws.com"}}, []string{`"eventsource" LIKE 'ec2.amazonaws.com' ESCAPE '\'`}},
		{"resource", sources.TrailQuery{ResourceName: "checkout-api"}, []string{
			`(cardinality(filter("resources", r -> r.arn LIKE '%checkout-api%' ESCAPE '\')) > 0 OR "requestparameters" LIKE '%checkout-api%' ESCAPE '\')`}},
		{"resource pattern", sources.TrailQuery{Where: sources.TrailWhere{Resource: "arn:aws:s3:::logs-*"}}, []string{
			`cardinality(filter("resources", r -> r.arn LIKE 'arn:aws:s3:::logs-%' ESCAPE '\')) > 0`}},
		{"resource type", sources.TrailQuery{Where: sources.TrailWhere{ResourceType: "AWS::EC2::Instance"}}, []string{
			`cardinality(filter("resources", r -> r.type LIKE 'AWS::EC2::Instance' ESCAPE '\')) > 0`}},
		{"access key", sources.TrailQuery{Where: sources.TrailWhere{AccessKey: "AKIAEXAMPLE"}}, []string{`"useridentity"."accesskeyid" LIKE 'AKIAEXAMPLE' ESCAPE '\'`}},
		{"insights", sources.TrailQuery{Insights: true}, []string{`"eventtype" = 'AwsCloudTrailInsight'`}},
		{"account of a resource ARN", sources.TrailQuery{ResourceName: "arn:aws:lambda:us-east-1:222222222222:function:pay"}, []string{`"account" = '222222222222'`}},
		{"account", sources.TrailQuery{Account: "111111111111", WriteOnly: true}, []string{`"account" = '111111111111'`}},
	} {
		sql := sqlFor(t, l, tc.q)
		for _, want := range tc.want {
			if !strings.Contains(sql, want) {
				t.Errorf("%s: SQL lacks %s:\n%s", tc.name, want, sql)
			}
		}
	}
}

// Values are literals whatever they hold: a quote cannot end one, a LIKE
// wildcard in a name is taken literally, an identifier cannot be left.
func TestAthenaSQLQuoting(t *testing.T) {
	l := testLayout(t)
	hostile := `x' OR '1'='1'; DROP TABLE t; --`
	sql := sqlFor(t, l, sources.TrailQuery{ResourceName: hostile, Where: sources.TrailWhere{User: `a_b%c\d`, Name: `it's`}})
	for _, want := range []string{
		`'%x'' OR ''1''=''1''; DROP TABLE t; --%'`,
		`"useridentity"."username" LIKE 'a\_b\%c\\d' ESCAPE '\'`,
		`"eventname" LIKE 'it''s' ESCAPE '\'`,
	} {
		if !strings.Contains(sql, want) {
			t.Errorf("SQL lacks %s:\n%s", want, sql)
		}
	}
	// Outside the literals, nothing of the values is left.
	literals := regexp.MustCompile(`'(?:[^']|'')*'`)
	if rest := literals.ReplaceAllString(sql, "''"); strings.Contains(rest, "DROP") || strings.Contains(rest, "1=") {
		t.Errorf("a value escaped its literal:\n%s", rest)
	}
	if got := ident(`a"b`); got != `"a""b"` {
		t.Errorf("ident = %s", got)
	}
	for _, bad := range []string{"trails", "trails.", ".t", `trails.t"; --`, "a.b.c", "a b.c"} {
		if _, _, err := ParseAthenaTable(bad); err == nil {
			t.Errorf("ParseAthenaTable(%q) accepted", bad)
		}
	}
}

// A 40-minute triage window scans at most two days of one region (of one
// account for a resource ARN): wherever the window falls, the partitions
// named are bounded.
func TestAthenaSQLPartitionBound(t *testing.T) {
	l := testLayout(t)
	days := regexp.MustCompile(`"timestamp" IN \(([^)]*)\)`)
	for start := sqlNoon.Add(-12 * time.Hour); start.Before(sqlNoon.Add(12 * time.Hour)); start = start.Add(17 * time.Minute) {
		sql, err := l.trailSQL(sources.TrailQuery{WriteOnly: true, ResourceName: "arn:aws:ec2:us-east-1:111111111111:instance/i-1"},
			start, start.Add(40*time.Minute), 200, "us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		m := days.FindStringSubmatch(sql)
		if m == nil || strings.Count(m[1], ",")+1 > 2 {
			t.Fatalf("window from %s names days %v:\n%s", start, m, sql)
		}
		if !strings.Contains(sql, `"region" = 'us-east-1'`) || !strings.Contains(sql, `"account" = '111111111111'`) {
			t.Fatalf("window from %s does not pin region and account:\n%s", start, sql)
		}
	}
	// A long search names a range instead.
	sql, _ := l.trailSQL(sources.TrailQuery{}, sqlNoon.AddDate(0, -6, 0), sqlNoon, 200, "us-east-1")
	if !strings.Contains(sql, `"timestamp" BETWEEN '2026/05/20' AND '2026/11/20'`) {
		t.Errorf("six months:\n%s", sql)
	}
	// An injected account partition needs an account.
	inj, _ := layoutOf("trails", orgTrailTable("t", "injected"))
	if _, err := inj.trailSQL(sources.TrailQuery{}, sqlNoon.Add(-time.Hour), sqlNoon, 10, "us-east-1"); err == nil || !strings.Contains(err.Error(), "injected") {
		t.Errorf("injected account without one: %v", err)
	}
}
