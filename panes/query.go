package panes

import (
	"strconv"
	"strings"

	"watchtrail/sources"
	"watchtrail/theme"
)

// QueryTable shows Logs Insights results as a table sized to its box: one
// column per field, each as wide as its widest value up to a share of the
// width, the last one taking what is left.
type QueryTable struct {
	list          *List[sources.QueryRow]
	cols          []string
	width, height int
}

// NewQueryTable returns an empty table.
func NewQueryTable() *QueryTable {
	t := &QueryTable{}
	t.list = NewList(func(r sources.QueryRow) string { return "" }, nil)
	return t
}

// SetResult shows a result's rows.
func (t *QueryTable) SetResult(res sources.QueryResult) {
	t.cols = res.Columns()
	t.list.SetItems(res.Rows)
}

// SetSize sets the cells the table draws into, borders included.
func (t *QueryTable) SetSize(width, height int) {
	t.width, t.height = width, height
	t.list.SetRows(height - 3) // borders and the header row
}

// Move moves the selection by delta rows.
func (t *QueryTable) Move(delta int) { t.list.Move(delta) }

// Page moves the selection by the rows shown (dir -1 up, 1 down).
func (t *QueryTable) Page(dir int) { t.list.Page(dir) }

// Selected is the selected row.
func (t *QueryTable) Selected() (sources.QueryRow, bool) { return t.list.Selected() }

// Len is the number of rows.
func (t *QueryTable) Len() int { return len(t.list.All()) }

// widths fits the columns into width: each gets its widest cell (header
// included) capped at a fair share, and the last column the rest.
func (t *QueryTable) widths(width int) []int {
	n := len(t.cols)
	w := make([]int, n)
	if n == 0 {
		return w
	}
	share := max(8, width/n)
	used := 0
	for i, c := range t.cols {
		w[i] = len([]rune(c))
		for _, r := range t.list.All() {
			v, _ := r.Get(c)
			w[i] = max(w[i], len([]rune(v)))
		}
		if i < n-1 {
			w[i] = min(w[i], share)
			used += w[i] + 1
		}
	}
	w[n-1] = max(1, width-used)
	return w
}

// View draws the table with title and note on its border.
func (t *QueryTable) View(title, note string, focused bool) string {
	innerW := t.width - 2
	if len(t.cols) == 0 {
		return Frame(title, note, theme.Dim.Render("no rows"), t.width, t.height, focused)
	}
	widths := t.widths(innerW - 2)
	line := func(cells []string) string {
		parts := make([]string, len(cells))
		for i, c := range cells {
			parts[i] = FitLine(strings.ReplaceAll(c, "\n", "⏎"), widths[i])
		}
		return strings.Join(parts, " ")
	}
	lines := []string{"  " + theme.Title.Render(line(t.cols))}
	from, to := t.list.Visible()
	shown := t.list.Shown()
	for i := from; i < to; i++ {
		cells := make([]string, len(t.cols))
		for j, c := range t.cols {
			cells[j], _ = shown[i].Get(c)
		}
		row := "  " + line(cells)
		if i == t.list.Index() {
			row = "› " + line(cells)
			if focused {
				row = theme.Selected.Render(FitLine(row, innerW))
			}
		}
		lines = append(lines, row)
	}
	if note == "" {
		note = strconv.Itoa(len(shown)) + " rows"
	}
	return Frame(title, note, strings.Join(lines, "\n"), t.width, t.height, focused)
}
