package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"watchtrail/internal/motoserver"
)

// `watchtrail trail --trail-athena` end to end against moto: the flag
// reaches the reader, the query's rows come out as CloudTrail records, and
// what the queries scanned is said on stderr.
func TestTrailWithAthenaInMoto(t *testing.T) {
	endpoint := motoCredentials(t)
	ctx := context.Background()
	db := fmt.Sprintf("cli%d", time.Now().UnixNano())
	g := glue.NewFromConfig(motoserver.Config(), func(o *glue.Options) { o.BaseEndpoint = aws.String(endpoint) })
	if _, err := g.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(db)}}); err != nil {
		t.Fatal(err)
	}
	col := func(name, typ string) gluetypes.Column {
		return gluetypes.Column{Name: aws.String(name), Type: aws.String(typ)}
	}
	columns := []gluetypes.Column{col("eventid", "string"), col("eventtime", "string"), col("eventname", "string"),
		col("eventsource", "string"), col("readonly", "string"), col("recipientaccountid", "string"),
		col("useridentity", "struct<type:string,arn:string,username:string>")}
	if _, err := g.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String(db), TableInput: &gluetypes.TableInput{
		Name: aws.String("org_trail"), StorageDescriptor: &gluetypes.StorageDescriptor{Columns: columns},
		PartitionKeys: []gluetypes.Column{col("account", "string"), col("region", "string"), col("timestamp", "string")},
		Parameters: map[string]string{"projection.enabled": "true", "projection.account.type": "enum", "projection.region.type": "enum",
			"projection.timestamp.type": "date", "projection.timestamp.format": "yyyy/MM/dd"},
	}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	row := func(id, name string, at time.Time) []map[string]string {
		cell := func(v string) map[string]string { return map[string]string{"VarCharValue": v} }
		return []map[string]string{cell(id), cell(at.Format(time.RFC3339)), cell(name), cell("ec2.amazonaws.com"), cell("false"),
			cell("222222222222"), cell(`{"type":"IAMUser","arn":"arn:aws:iam::222222222222:user/alice","username":"alice"}`)}
	}
	var header []map[string]string
	var info []map[string]string
	for _, c := range columns {
		header = append(header, map[string]string{"VarCharValue": *c.Name})
		info = append(info, map[string]string{"Name": *c.Name, "Type": "varchar"})
	}
	body, _ := json.Marshal(map[string]any{"region": "us-east-1", "results": []map[string]any{{"column_info": info,
		"rows": []map[string]any{{"Data": header}, {"Data": row("e2", "StopInstances", now.Add(-2*time.Minute))},
			{"Data": row("e1", "TerminateInstances", now.Add(-5*time.Minute))}}}}})
	resp, err := http.Post(endpoint+"/moto-api/static/athena/query-results", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	r := run(t, "trail", "--endpoint-url", endpoint, "--trail-athena", db+".org_trail", "--since", "30m", "--format", "json")
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := lines(r.stdout)
	if len(got) != 2 || !strings.Contains(got[0], `"eventID":"e1"`) || !strings.Contains(got[1], `"recipientAccountId":"222222222222"`) ||
		!strings.Contains(got[0], `"userIdentity":{"arn":"arn:aws:iam::222222222222:user/alice","type":"IAMUser","userName":"alice"}`) {
		t.Fatalf("records, oldest first: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "Athena 0 B scanned in 1 query") {
		t.Errorf("stderr %q does not say what the query scanned", r.stderr)
	}
}
