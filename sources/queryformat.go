package sources

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"watchtrail/text"
)

// QueryFormats are the output formats of WriteQueryResult.
var QueryFormats = []string{"text", "json", "csv"}

// WriteQueryResult writes a query's rows (without @ptr) in format: "text"
// (aligned columns and a statistics line), "json" (status, statistics and
// the rows as objects with their fields in order) or "csv" (a header row of
// the columns, then one record per row).
func WriteQueryResult(w io.Writer, res QueryResult, format string) error {
	switch format {
	case "text":
		return writeQueryText(w, res)
	case "json":
		return writeQueryJSON(w, res)
	case "csv":
		return writeQueryCSV(w, res)
	}
	return fmt.Errorf("query output format %q: want one of %s", format, strings.Join(QueryFormats, ", "))
}

// cells returns the row's value of each column, "" where it has none.
func cells(row QueryRow, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i], _ = row.Get(c)
	}
	return out
}

// StatsLine is a one-line summary: "12 rows · 40 records matched · 1,200 scanned · 1.2 MB scanned".
func StatsLine(res QueryResult) string {
	return fmt.Sprintf("%s · %d rows · %.0f records matched · %.0f scanned · %s scanned",
		res.Status, len(res.Rows), res.Stats.RecordsMatched, res.Stats.RecordsScanned, text.ByteSize(res.Stats.BytesScanned))
}

func writeQueryText(w io.Writer, res QueryResult) error {
	cols := res.Columns()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(cols) > 0 {
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	for _, row := range res.Rows {
		vals := cells(row, cols)
		for i, v := range vals {
			// One record, one line: the table must stay a table.
			vals[i] = strings.NewReplacer("\n", "⏎", "\t", " ").Replace(v)
		}
		fmt.Fprintln(tw, strings.Join(vals, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, StatsLine(res))
	return err
}

// writeQueryJSON writes the result as one JSON document, a row at a time.
func writeQueryJSON(w io.Writer, res QueryResult) error {
	head, _ := json.Marshal(struct {
		Status     QueryStatus `json:"status"`
		Statistics QueryStats  `json:"statistics"`
	}{res.Status, res.Stats})
	bw := bufio.NewWriter(w)
	bw.Write(head[:len(head)-1]) // without the closing brace
	bw.WriteString(`,"results":[`)
	for i, row := range res.Rows {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n  {")
		n := 0
		for _, f := range row {
			if f.Name == PtrField {
				continue
			}
			if n > 0 {
				bw.WriteByte(',')
			}
			n++
			k, _ := json.Marshal(f.Name)
			v, _ := json.Marshal(f.Value)
			bw.Write(k)
			bw.WriteByte(':')
			bw.Write(v)
		}
		bw.WriteByte('}')
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

func writeQueryCSV(w io.Writer, res QueryResult) error {
	cols := res.Columns()
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	for _, row := range res.Rows {
		if err := cw.Write(cells(row, cols)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
