package awssrc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// athenaSource is a Source reading its trail from a fresh Glue table
// (orgTrailTable's layout) on moto, through a workgroup, its calls counted.
func athenaSource(t testing.TB, endpoint string) (*Source, *opCounter) {
	t.Helper()
	cfg := testConfig(t)
	calls := countOps(&cfg)
	return athenaOn(t, cfg, endpoint), calls
}

// athenaOn is a Source of cfg's region reading its trail from a fresh Glue
// table there.
func athenaOn(t testing.TB, cfg aws.Config, endpoint string) *Source {
	t.Helper()
	s := New(cfg, endpoint)
	db, table, wg := fmt.Sprintf("trails%d", time.Now().UnixNano()), "org_trail", "ops"
	ctx := context.Background()
	if err := s.UseTrailAthena(AthenaOptions{Table: db + "." + table, Workgroup: wg, Output: "s3://athena-results/watchtrail/"}); err != nil {
		t.Fatal(err)
	}
	g := s.athena.glue
	if _, err := g.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(db)}}); err != nil {
		t.Fatal(err)
	}
	def := orgTrailTable(table, "enum")
	if _, err := g.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String(db), TableInput: &gluetypes.TableInput{
		Name: def.Name, StorageDescriptor: def.StorageDescriptor, PartitionKeys: def.PartitionKeys, Parameters: def.Parameters,
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.athena.athena.CreateWorkGroup(ctx, &athena.CreateWorkGroupInput{Name: aws.String(wg)}); err != nil && !strings.Contains(err.Error(), "exists") {
		t.Fatal(err)
	}
	return s
}

// athenaRow is how Athena returns a record as a row of the table's columns:
// strings; structs and arrays as JSON with the table's lower-case field
// names; the JSON text columns as the text; NULL for what is missing.
func athenaRow(columns []string, record map[string]any) []map[string]string {
	lower := func(v any) any { // Hive lower-cases field names
		var walk func(any) any
		walk = func(v any) any {
			switch v := v.(type) {
			case map[string]any:
				out := map[string]any{}
				for k, x := range v {
					out[strings.ToLower(k)] = walk(x)
				}
				return out
			case []map[string]any:
				var out []any
				for _, x := range v {
					out = append(out, walk(map[string]any(x)))
				}
				return out
			}
			return v
		}
		return walk(v)
	}
	row := make([]map[string]string, len(columns))
	for i, c := range columns {
		row[i] = map[string]string{}
		for k, v := range record {
			if strings.ToLower(k) != c || v == nil {
				continue
			}
			switch v := v.(type) {
			case string:
				row[i]["VarCharValue"] = v
			case bool:
				row[i]["VarCharValue"] = fmt.Sprint(v)
			default:
				if !jsonTextColumns[c] {
					v = lower(v)
				}
				text, _ := json.Marshal(v)
				row[i]["VarCharValue"] = string(text)
			}
		}
	}
	return row
}

// queueAthenaResults has moto answer the next query with records, as rows
// after the header row Athena puts first.
func queueAthenaResults(t testing.TB, endpoint string, columns []string, records ...map[string]any) {
	queueAthenaResultsIn(t, endpoint, "us-east-1", columns, records...)
}

func queueAthenaResultsIn(t testing.TB, endpoint, region string, columns []string, records ...map[string]any) {
	t.Helper()
	header := make([]map[string]string, len(columns))
	info := make([]map[string]any, len(columns))
	for i, c := range columns {
		header[i] = map[string]string{"VarCharValue": c}
		info[i] = map[string]any{"Name": c, "Label": c, "Type": "varchar"}
	}
	rows := []map[string]any{{"Data": header}}
	for _, r := range records {
		rows = append(rows, map[string]any{"Data": athenaRow(columns, r)})
	}
	body, _ := json.Marshal(map[string]any{"region": region,
		"results": []map[string]any{{"rows": rows, "column_info": info}}})
	resp, err := http.Post(endpoint+"/moto-api/static/athena/query-results", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("queueing Athena results: %s", resp.Status)
	}
}

func tableColumns(t testing.TB) []string {
	l, err := layoutOf("trails", orgTrailTable("org_trail", "enum"))
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range l.columns {
		cols = append(cols, c.name)
	}
	return cols
}

// The wire path: Glue's table, StartQueryExecution in the workgroup with
// the output location, GetQueryExecution until done, GetQueryResults; rows
// become the events the S3 reader makes of the same records.
func TestMotoAthenaTrail(t *testing.T) {
	endpoint := motoserver.Shared(t)
	s, calls := athenaSource(t, endpoint)
	ctx := ctxFor(t)
	at := time.Date(2026, 11, 20, 11, 50, 0, 0, time.UTC)
	update := trailRecord("update", at, "UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", map[string]any{
		"readOnly": false, "recipientAccountId": "222222222222", "sourceIPAddress": "198.51.100.7",
		"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::222222222222:assumed-role/Deployer/alice",
			"accountId": "222222222222", "accessKeyId": "ASIAEXAMPLE", "sessionContext": map[string]any{"sessionIssuer": map[string]any{"userName": "Deployer"}}},
		"requestParameters": map[string]any{"functionName": checkoutARN, "memorySize": 128},
		"resources":         []map[string]any{{"ARN": checkoutARN, "accountId": "222222222222", "type": "AWS::Lambda::Function"}},
		"errorCode":         "ThrottlingException", "errorMessage": "Rate exceeded\x1b[31m",
	})
	denied := trailRecord("denied", at.Add(-5*time.Minute), "DeleteBucket", "s3.amazonaws.com", map[string]any{"readOnly": false})
	queueAthenaResults(t, endpoint, tableColumns(t), update, denied) // newest first, as the query orders them

	events, err := s.FetchTrail(ctx, sources.TrailQuery{Start: at.Add(-40 * time.Minute), End: at.Add(time.Minute), WriteOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(events); !reflect.DeepEqual(got, []string{"denied", "update"}) {
		t.Fatalf("events = %v, want oldest first", got)
	}
	for i, rec := range []map[string]any{denied, update} {
		doc, _ := json.Marshal(rec)
		want, _, _ := recordEvent(doc)
		got := events[i]
		got.JSON, want.JSON = "", ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("event %s from Athena\n %+v\nfrom the record\n %+v", rec["eventID"], got, want)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(events[1].JSON), &doc); err != nil {
		t.Fatal(err)
	}
	id, _ := doc["userIdentity"].(map[string]any)
	res, _ := doc["resources"].([]any)
	if id["accessKeyId"] != "ASIAEXAMPLE" || doc["requestParameters"].(map[string]any)["memorySize"] != 128.0 ||
		len(res) != 1 || res[0].(map[string]any)["ARN"] != checkoutARN || doc["readOnly"] != false || doc["sourceIPAddress"] != "198.51.100.7" {
		t.Errorf("the record is not rebuilt with CloudTrail's names: %s", events[1].JSON)
	}
	if events[1].Account != "222222222222" || events[1].ErrorMessage != "Rate exceeded" {
		t.Errorf("account %q, error message %q", events[1].Account, events[1].ErrorMessage)
	}
	for op, n := range map[string]int{"GetTable": 1, "StartQueryExecution": 1, "GetQueryResults": 1, "StopQueryExecution": 0} {
		if got := calls.get(op); got != n {
			t.Errorf("%s called %d times, want %d", op, got, n)
		}
	}
	// The query Athena ran: the workgroup's, bounded to the window's day and region.
	list, err := s.athena.athena.ListQueryExecutions(ctx, &athena.ListQueryExecutionsInput{WorkGroup: aws.String("ops")})
	if err != nil || len(list.QueryExecutionIds) == 0 {
		t.Fatalf("ListQueryExecutions: %v %v", list, err)
	}
	qe, err := s.athena.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(list.QueryExecutionIds[len(list.QueryExecutionIds)-1])})
	if err != nil {
		t.Fatal(err)
	}
	if sql := aws.ToString(qe.QueryExecution.Query); !strings.Contains(sql, `"timestamp" IN ('2026/11/20')`) || !strings.Contains(sql, `"region" = 'us-east-1'`) ||
		!strings.Contains(sql, `coalesce("readonly", '') <> 'true'`) {
		t.Errorf("query ran:\n%s", sql)
	}
	if out := aws.ToString(qe.QueryExecution.ResultConfiguration.OutputLocation); !strings.HasPrefix(out, "s3://athena-results/watchtrail/") {
		t.Errorf("output location %q", out)
	}
	if _, queries := s.Scanned(); queries != 1 {
		t.Errorf("%d queries counted, want 1", queries)
	}

	// One table in one region serves a reader watching another region.
	euCfg := testConfig(t)
	euCfg.Region = "eu-west-1"
	eu := New(euCfg, endpoint)
	if err := eu.UseTrailAthena(AthenaOptions{Table: s.athena.Name(), Workgroup: "ops", Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	queueAthenaResults(t, endpoint, tableColumns(t), denied)
	if events, err := eu.FetchTrail(ctx, sources.TrailQuery{Start: at.Add(-time.Hour), End: at}); err != nil || len(events) != 1 {
		t.Fatalf("eu-west-1 through the us-east-1 table: %v, %v", events, err)
	}
	list, err = eu.athena.athena.ListQueryExecutions(ctx, &athena.ListQueryExecutionsInput{WorkGroup: aws.String("ops")})
	if err != nil || len(list.QueryExecutionIds) == 0 {
		t.Fatal(list, err)
	}
	found := false
	for _, id := range list.QueryExecutionIds {
		qe, err := eu.athena.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		found = found || err == nil && strings.Contains(aws.ToString(qe.QueryExecution.Query), `"region" = 'eu-west-1'`)
	}
	if !found {
		t.Error("no query of the eu-west-1 partition ran in us-east-1")
	}

	// Glue is asked once; a table that is not there is named.
	if _, err := s.FetchTrail(ctx, sources.TrailQuery{Start: at.Add(-time.Hour), End: at}); err != nil || calls.get("GetTable") != 1 {
		t.Errorf("second query: %v, GetTable called %d times", err, calls.get("GetTable"))
	}
	missing := New(testConfig(t), endpoint)
	if err := missing.UseTrailAthena(AthenaOptions{Table: "nodb.notable"}); err != nil {
		t.Fatal(err)
	}
	if _, err := missing.FetchTrail(ctx, sources.TrailQuery{}); err == nil || !strings.Contains(err.Error(), "nodb.notable") {
		t.Errorf("missing table: %v", err)
	}
}

// Esc (ctx's end) and the timeout stop a running query: StopQueryExecution.
func TestMotoAthenaStopsQueries(t *testing.T) {
	endpoint := motoserver.Start(t) // its queries never finish: the state setting is global
	body := `{"model_name": "athena::execution", "transition": {"progression": "manual", "times": 1000000}}`
	resp, err := http.Post(endpoint+"/moto-api/state-manager/set-transition", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s, calls := athenaSource(t, endpoint)
	s.athena.firstWait = 10 * time.Millisecond

	ctx, cancel := context.WithTimeout(ctxFor(t), 300*time.Millisecond)
	defer cancel()
	if _, err := s.FetchTrail(ctx, sources.TrailQuery{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled: %v", err)
	}
	if n := calls.get("StopQueryExecution"); n != 1 {
		t.Errorf("StopQueryExecution called %d times after the cancel, want 1", n)
	}
	s.athena.timeout = 200 * time.Millisecond
	if _, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{}); err == nil || !strings.Contains(err.Error(), "stopped after 200ms") {
		t.Errorf("timed out: %v", err)
	}
	if n := calls.get("StopQueryExecution"); n != 2 {
		t.Errorf("StopQueryExecution called %d times after the timeout, want 2", n)
	}
}
