package awssrc

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// tableLayout is what the queries need to know of the trail's table: its
// columns (and their struct fields), and which partitions hold the date,
// region and account, from the table's partition projection settings.
type tableLayout struct {
	database, name  string
	columns         []tableColumn
	date            string // the date partition ("" when none is projected)
	dateLayout      string // its values, as a Go time layout: "2006/01/02"
	region, account string // the region and account partitions, "" when none
	injectedAccount bool   // queries must name the account
}

type tableColumn struct {
	name    string
	complex bool            // a struct, array or map: selected as JSON
	fields  map[string]bool // a struct's (or an array of structs') fields
}

// Partition names a table may give the account and region.
var (
	accountPartitions = []string{"account", "accountid", "account_id"}
	regionPartitions  = []string{"region", "aws_region", "awsregion"}
)

// readLayout asks Glue for the table (glue:GetTable).
func readLayout(ctx context.Context, client *glue.Client, database, table string) (tableLayout, error) {
	out, err := client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String(database), Name: aws.String(table)})
	if err != nil {
		return tableLayout{}, fmt.Errorf("athena table %s.%s: %w", database, table, err)
	}
	return layoutOf(database, out.Table)
}

func layoutOf(database string, t *gluetypes.Table) (tableLayout, error) {
	l := tableLayout{database: database, name: aws.ToString(t.Name)}
	if t.StorageDescriptor != nil {
		for _, c := range t.StorageDescriptor.Columns {
			typ := strings.ToLower(aws.ToString(c.Type))
			l.columns = append(l.columns, tableColumn{name: strings.ToLower(aws.ToString(c.Name)),
				complex: strings.ContainsAny(typ, "<"), fields: fieldsOf(typ)})
		}
	}
	if !l.has("eventtime") || !l.has("eventid") {
		return l, fmt.Errorf("athena table %s.%s has no eventtime or eventid column: is it a CloudTrail table? (docs/organisation.md)", database, l.name)
	}
	param := func(key, setting string) string { return t.Parameters["projection."+key+"."+setting] }
	projected := strings.EqualFold(t.Parameters["projection.enabled"], "true")
	for _, p := range t.PartitionKeys {
		key := strings.ToLower(aws.ToString(p.Name))
		switch {
		case projected && param(key, "type") == "date" && l.date == "":
			l.date, l.dateLayout = key, javaDateLayout(cmp.Or(param(key, "format"), "yyyy/MM/dd"))
		case slices.Contains(regionPartitions, key):
			l.region = key
		case slices.Contains(accountPartitions, key):
			l.account = key
			l.injectedAccount = projected && param(key, "type") == "injected"
		}
	}
	return l, nil
}

// javaDateLayout turns the Java date format of a projected date partition
// (yyyy/MM/dd) into a Go layout.
func javaDateLayout(format string) string {
	return strings.NewReplacer("yyyy", "2006", "MM", "01", "dd", "02", "HH", "15", "mm", "04", "ss", "05").Replace(format)
}

// fieldsOf lists the top-level fields of a struct<…> type, or of the
// struct an array<struct<…>> holds.
func fieldsOf(typ string) map[string]bool {
	typ = strings.TrimPrefix(typ, "array<")
	inner, ok := strings.CutPrefix(typ, "struct<")
	if !ok {
		return nil
	}
	fields := map[string]bool{}
	depth, start := 0, 0
	for i, r := range inner {
		switch r {
		case '<':
			depth++
		case '>':
			depth--
		}
		if depth < 0 || r == ',' && depth == 0 {
			name, _, _ := strings.Cut(inner[start:i], ":")
			fields[strings.TrimSpace(name)] = true
			start = i + 1
		}
		if depth < 0 {
			break
		}
	}
	return fields
}

func (l tableLayout) column(name string) (tableColumn, bool) {
	i := slices.IndexFunc(l.columns, func(c tableColumn) bool { return c.name == name })
	if i < 0 {
		return tableColumn{}, false
	}
	return l.columns[i], true
}

func (l tableLayout) has(column string) bool {
	_, ok := l.column(column)
	return ok
}

func (l tableLayout) hasField(column, field string) bool {
	c, ok := l.column(column)
	return ok && c.fields[field]
}

// selectList names every column; structs, arrays and maps as JSON.
func (l tableLayout) selectList() string {
	var cols []string
	for _, c := range l.columns {
		if c.complex {
			cols = append(cols, "json_format(CAST("+ident(c.name)+" AS JSON)) AS "+ident(c.name))
		} else {
			cols = append(cols, ident(c.name))
		}
	}
	return strings.Join(cols, ", ")
}

// complexColumns are the columns selected as JSON.
func (l tableLayout) complexColumns() map[string]bool {
	set := map[string]bool{}
	for _, c := range l.columns {
		set[c.name] = c.complex
	}
	return set
}
