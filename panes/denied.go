package panes

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"watchtrail/sources"
	"watchtrail/theme"
)

// The sections of the denied view, in Tab order.
const (
	deniedByPrincipal = iota
	deniedByIP
	deniedFiles // only with an integrity report
)

// Denied is the view of refused calls and failed sign-ins grouped by
// principal and by source IP, most denied first, and, when the trail's log
// files were validated, the files that did not verify.
type Denied struct {
	zoned
	principals, ips *List[sources.DeniedGroup]
	files           *List[sources.FileIntegrity]
	report          *sources.IntegrityReport // nil: not validated (no --trail-bucket)
	reportErr       error
	total           int
	section         int
	now             time.Time
	width, height   int
}

// NewDenied returns an empty view.
func NewDenied() *Denied {
	group := func(g sources.DeniedGroup) string { return g.Key }
	return &Denied{
		principals: NewList[sources.DeniedGroup](group, nil),
		ips:        NewList[sources.DeniedGroup](group, nil),
		files:      NewList[sources.FileIntegrity](func(f sources.FileIntegrity) string { return f.File }, nil),
	}
}

// SetTally shows the groups of t, keeping the selections.
func (d *Denied) SetTally(t *sources.DeniedTally, now time.Time) {
	d.principals.SetItems(t.ByPrincipal())
	d.ips.SetItems(t.ByIP())
	d.total, d.now = t.Total(), now
	d.relayout()
}

// SetIntegrity shows a validation's outcome: the files that did not
// verify, modified and missing first, or why the validation failed.
func (d *Denied) SetIntegrity(r *sources.IntegrityReport, err error) {
	d.report, d.reportErr = r, err
	rank := map[sources.Integrity]int{sources.IntegrityModified: 0, sources.IntegrityMissing: 1, sources.IntegrityNotValidated: 2}
	var files []sources.FileIntegrity
	if r != nil {
		for _, f := range r.Files {
			if f.Status != sources.IntegrityVerified {
				files = append(files, f)
			}
		}
	}
	slices.SortStableFunc(files, func(a, b sources.FileIntegrity) int { return rank[a.Status] - rank[b.Status] })
	d.files.SetItems(files)
	d.relayout()
}

// SetSize sets the cells the view draws into.
func (d *Denied) SetSize(width, height int) {
	d.width, d.height = width, height
	d.relayout()
}

func (d *Denied) sections() int {
	if d.report != nil || d.reportErr != nil {
		return 3
	}
	return 2
}

// NextSection moves the selection to the next section.
func (d *Denied) NextSection() { d.section = (d.section + 1) % d.sections() }

// PrevSection moves the selection to the previous section.
func (d *Denied) PrevSection() { d.section = (d.section + d.sections() - 1) % d.sections() }

// Move moves the selection in the current section.
func (d *Denied) Move(delta int) { d.focused().Move(delta) }

// Page moves the selection of the current section by the rows it shows.
func (d *Denied) Page(dir int) { d.focused().Page(dir) }

func (d *Denied) focused() scroller {
	switch d.section {
	case deniedByPrincipal:
		return d.principals
	case deniedByIP:
		return d.ips
	}
	return d.files
}

// Term is the trail query term that narrows to the selected principal
// ("user:…") or source IP ("ip:…"); ok is false on a file, or a value the
// query syntax cannot hold.
func (d *Denied) Term() (string, bool) {
	field, list := "user:", d.principals
	switch d.section {
	case deniedByIP:
		field, list = "ip:", d.ips
	case deniedFiles:
		return "", false
	}
	g, ok := list.Selected()
	if !ok || strings.HasPrefix(g.Key, "(") || strings.ContainsAny(g.Key, " \t*?") { // (unknown), (others)
		return "", false
	}
	return field + g.Key, true
}

// OpenFile is the selected file's validation result in full.
func (d *Denied) OpenFile() (title, text string, ok bool) {
	f, ok := d.files.Selected()
	if d.section != deniedFiles || !ok {
		return "", "", false
	}
	return "Log file integrity · " + string(f.Status), f.File + "\n\n" + string(f.Status) + ": " + f.Detail, true
}

// relayout shares the rows among the sections: each gets what it needs
// when all fit, else an equal share, the rest going to those needing more.
func (d *Denied) relayout() {
	lists := []interface{ SetRows(int) }{d.principals, d.ips, d.files}
	need := []int{len(d.principals.All()), len(d.ips.All()), len(d.files.All())}
	n := d.sections()
	// Each section takes a title and a column header; a blank line between.
	free := max(0, d.height-2-3*n+1)
	rows := make([]int, n)
	for free > 0 {
		gave := false
		for i := range n {
			if free > 0 && rows[i] < max(1, need[i]) {
				rows[i]++
				free--
				gave = true
			}
		}
		if !gave {
			break
		}
	}
	for i := range n {
		lists[i].SetRows(rows[i])
	}
}

// View draws the view in exactly its size.
func (d *Denied) View() string {
	w := d.width - 2
	var lines []string
	add := func(section int, title string, rows []string, empty string) {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		if d.section == section {
			lines = append(lines, theme.Key.Render(FitLine("▸ "+title, w)))
		} else {
			lines = append(lines, theme.Dim.Render(FitLine("  "+title, w)))
		}
		if len(rows) <= 1 {
			rows = []string{theme.Dim.Render("  " + empty)}
		}
		lines = append(lines, rows...)
	}
	const none = "no refused calls or failed sign-ins seen yet"
	add(deniedByPrincipal, fmt.Sprintf("By principal (%d)", len(d.principals.All())),
		d.groupRows(deniedByPrincipal, d.principals, "PRINCIPAL", "FROM", w), none)
	add(deniedByIP, fmt.Sprintf("By source IP (%d)", len(d.ips.All())),
		d.groupRows(deniedByIP, d.ips, "SOURCE IP", "AS", w), none)
	if d.sections() == 3 {
		title := "Log file integrity: validation failed · " + fmt.Sprint(d.reportErr)
		if d.reportErr == nil {
			title = IntegritySummary(*d.report)
		}
		add(deniedFiles, title, d.fileRows(w), "every file verified")
	}
	note := fmt.Sprintf("%d denied · tab section · enter narrows the trail", d.total)
	return Frame("Denied and failed access", note, strings.Join(lines, "\n"), d.width, d.height, true)
}

// deniedKeyMax caps the principal / IP column.
const deniedKeyMax = 26

// groupColumns fits the principal / IP and time columns to what they hold.
func (d *Denied) groupColumns(groups []sources.DeniedGroup, key string) (keyW, whenW int) {
	keyW, whenW = len(key), len("FIRST")
	for _, g := range groups {
		keyW = max(keyW, min(deniedKeyMax, len(g.Key)))
		whenW = max(whenW, len(d.fmtWhen(g.First, d.now)), len(d.fmtWhen(g.Last, d.now)))
	}
	return keyW, whenW
}

func (d *Denied) groupRows(section int, l *List[sources.DeniedGroup], key, other string, w int) []string {
	keyW, whenW := d.groupColumns(l.All(), key)
	row := func(count, key, first, last, other, calls string) string {
		return fmt.Sprintf("%5s  %-*s  %-*s  %-*s  %-20s  %s", count, keyW, FitLine(key, keyW), whenW, first, whenW, last,
			FitLine(other, 20), calls)
	}
	rows := []string{theme.Dim.Render(FitLine("  "+row("COUNT", key, "FIRST", "LAST", other, "CALLS"), w))}
	from, to := l.Visible()
	for i, g := range l.Shown()[from:to] {
		line := row(strconv.Itoa(g.Count), g.Key, d.fmtWhen(g.First, d.now), d.fmtWhen(g.Last, d.now),
			firstAndMore(g.Others, 1), firstAndMore(g.Names, 3))
		rows = append(rows, d.row(section, from+i == l.Index(), line, w))
	}
	return rows
}

func (d *Denied) fileRows(w int) []string {
	from, to := d.files.Visible()
	rows := []string{theme.Dim.Render(FitLine(fmt.Sprintf("  %-13s %s", "STATUS", "FILE · WHY"), w))}
	for i, f := range d.files.Shown()[from:to] {
		line := fmt.Sprintf("%-13s %s", f.Status, f.File)
		if f.Detail != "" {
			line += " · " + f.Detail
		}
		selected := from+i == d.files.Index()
		row := d.row(deniedFiles, selected, line, w)
		if (f.Status == sources.IntegrityModified || f.Status == sources.IntegrityMissing) && !(selected && d.section == deniedFiles) {
			row = theme.StatusErr.Render(row)
		}
		rows = append(rows, row)
	}
	return rows
}

// row marks the selected row, reversed in the current section.
func (d *Denied) row(section int, selected bool, line string, w int) string {
	switch {
	case selected && d.section == section:
		return theme.Selected.Render(FitLine("› "+line, w))
	case selected:
		return FitLine("› "+line, w)
	}
	return FitLine("  "+line, w)
}

// firstAndMore is the first show items and how many more: "a, b +3".
func firstAndMore(items []string, show int) string {
	if len(items) <= show {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:show], ", ") + " +" + strconv.Itoa(len(items)-show)
}

// TamperedText is the banner of a report with modified or missing files.
func TamperedText(r sources.IntegrityReport) string {
	return fmt.Sprintf("⚠ TRAIL LOGS TAMPERED: %d modified · %d missing", r.Count(sources.IntegrityModified), r.Count(sources.IntegrityMissing))
}

// IntegritySummary counts a validation report's files by status:
// "Log file integrity: 2 modified · 1 missing · 40 verified".
func IntegritySummary(r sources.IntegrityReport) string {
	var parts []string
	for _, s := range []sources.Integrity{sources.IntegrityModified, sources.IntegrityMissing,
		sources.IntegrityVerified, sources.IntegrityNotValidated} {
		if n := r.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no files in the window"}
	}
	return "Log file integrity: " + strings.Join(parts, " · ")
}
