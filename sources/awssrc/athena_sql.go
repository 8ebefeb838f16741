package awssrc

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"watchtrail/sources"
)

// maxListedDays: a window of more days names its date partitions by range
// instead of one by one.
const maxListedDays = 31

// athenaStamp is how a CloudTrail record writes eventTime; such strings
// sort as the times do.
const athenaStamp = "2006-01-02T15:04:05Z"

// trailSQL is the query for the events of q in [start, end], newest first,
// at most limit of them, in region (when the table has a region
// partition) and q's account, or the one its resource ARN names (when the
// table has an account partition).
//
// The conditions keep at least every event the readers' client-side checks
// keep (sources.MatchesQuery, TrailFilter.Match), so the checks decide and
// the SQL only narrows what Athena reads and returns: a user matches by
// name, ARN or session, a resource anywhere in the resources' ARNs or the
// request parameters. Every value is a quoted literal, every name a quoted
// identifier.
func (l tableLayout) trailSQL(q sources.TrailQuery, start, end time.Time, limit int, region string) (string, error) {
	var where []string
	add := func(cond string) {
		if cond != "" {
			where = append(where, cond)
		}
	}
	account := cmp.Or(q.Account, accountOfARN(q.ResourceName))
	add(l.partitions(start, end, region, account))
	if l.injectedAccount && account == "" {
		return "", fmt.Errorf("table %s: its %s partition is injected, so every query must name one account; "+
			"project it as an enum of the organisation's accounts instead (docs/organisation.md)", l.name, l.account)
	}
	add(l.cond("eventtime", ident("eventtime")+" BETWEEN "+quote(start.UTC().Format(athenaStamp))+" AND "+quote(end.UTC().Format(athenaStamp))))
	if q.Insights {
		add(l.cond("eventtype", ident("eventtype")+" = 'AwsCloudTrailInsight'"))
	}
	if q.WriteOnly || q.Where.Writes {
		add(l.readOnly(false))
	}
	if q.Where.Reads {
		add(l.readOnly(true))
	}
	if q.ResourceName != "" {
		add(l.resource(q.ResourceName))
	}
	add(l.lookup(q.Lookup))
	w := q.Where
	add(l.user(w.User))
	add(l.like("eventname", w.Name))
	add(l.like("eventsource", w.Source))
	add(l.resource(w.Resource))
	add(l.resourceType(w.ResourceType))
	add(l.like("useridentity", w.AccessKey, "accesskeyid"))
	if w.Errors {
		add(l.cond("errorcode", "coalesce("+ident("errorcode")+", '') <> ''"))
	}

	var b strings.Builder
	b.WriteString("SELECT " + l.selectList() + "\nFROM " + ident(l.database) + "." + ident(l.name))
	if len(where) > 0 {
		b.WriteString("\nWHERE " + strings.Join(where, "\n  AND "))
	}
	fmt.Fprintf(&b, "\nORDER BY %s DESC\nLIMIT %d", ident("eventtime"), limit)
	return b.String(), nil
}

// partitions pins the date, region and account partitions the table has:
// the days whose folders may hold [start, end]'s events (a file is filed by
// the day it was delivered, up to trailDeliveryLag after the call).
func (l tableLayout) partitions(start, end time.Time, region, account string) string {
	var conds []string
	if l.date != "" {
		from := start.UTC().Truncate(24 * time.Hour)
		to := end.Add(trailDeliveryLag).UTC().Truncate(24 * time.Hour)
		if days := int(to.Sub(from)/(24*time.Hour)) + 1; days <= maxListedDays {
			var list []string
			for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
				list = append(list, quote(d.Format(l.dateLayout)))
			}
			conds = append(conds, ident(l.date)+" IN ("+strings.Join(list, ", ")+")")
		} else if strings.HasPrefix(l.dateLayout, "2006") { // sorts as the dates do
			conds = append(conds, ident(l.date)+" BETWEEN "+quote(from.Format(l.dateLayout))+" AND "+quote(to.Format(l.dateLayout)))
		}
	}
	if l.region != "" && region != "" {
		conds = append(conds, ident(l.region)+" = "+quote(region))
	}
	if l.account != "" && account != "" {
		conds = append(conds, ident(l.account)+" = "+quote(account))
	}
	return strings.Join(conds, " AND ")
}

// lookup is one LookupEvents attribute as a condition.
func (l tableLayout) lookup(a sources.LookupAttr) string {
	if isPatternValue(a.Value) {
		return "" // an exact value with * or ?: left to the client-side check
	}
	switch a.Key {
	case sources.AttrReadOnly:
		return l.readOnly(a.Value == "true")
	case sources.AttrUsername:
		return l.user(a.Value)
	case sources.AttrEventName:
		return l.like("eventname", a.Value)
	case sources.AttrEventSource:
		return l.like("eventsource", a.Value)
	case sources.AttrResourceName:
		return l.resource(a.Value)
	case sources.AttrResourceType:
		return l.resourceType(a.Value)
	case sources.AttrAccessKeyID:
		return l.like("useridentity", a.Value, "accesskeyid")
	}
	return ""
}

// readOnly: a record without readOnly reads as a write, as elsewhere.
func (l tableLayout) readOnly(reads bool) string {
	op := "<>"
	if reads {
		op = "="
	}
	return l.cond("readonly", "coalesce("+ident("readonly")+", '') "+op+" 'true'")
}

// user matches a user name, session name (an ARN's last part), ARN,
// calling service or identity type, as TrailEvent.User and UserARN do.
func (l tableLayout) user(pattern string) string {
	if pattern == "" || !l.has("useridentity") {
		return ""
	}
	var conds []string
	for _, f := range []string{"username", "arn", "invokedby", "type"} {
		if l.hasField("useridentity", f) {
			conds = append(conds, ident("useridentity")+"."+ident(f)+" LIKE "+likePattern(pattern))
		}
	}
	if l.hasField("useridentity", "arn") { // a session name
		conds = append(conds, ident("useridentity")+"."+ident("arn")+" LIKE "+likePattern("*/"+pattern))
	}
	if len(conds) == 0 {
		return ""
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// resource matches a name or ARN in the resources' ARNs or the request's
// parameters (sources.Touches); a pattern, the resources' ARNs.
func (l tableLayout) resource(name string) string {
	if name == "" || !l.hasField("resources", "arn") {
		return ""
	}
	arns := "cardinality(filter(" + ident("resources") + ", r -> r.arn LIKE %s)) > 0"
	if isPatternValue(name) {
		return fmt.Sprintf(arns, likePattern(name))
	}
	contains := likePattern("*" + name + "*")
	if !l.has("requestparameters") || !jsonVerbatim(name) {
		return fmt.Sprintf(arns, contains)
	}
	return "(" + fmt.Sprintf(arns, contains) + " OR " + ident("requestparameters") + " LIKE " + contains + ")"
}

func (l tableLayout) resourceType(pattern string) string {
	if pattern == "" || !l.hasField("resources", "type") {
		return ""
	}
	return "cardinality(filter(" + ident("resources") + ", r -> r.type LIKE " + likePattern(pattern) + ")) > 0"
}

// like matches column (or its struct field) against a * and ? pattern.
func (l tableLayout) like(column, pattern string, field ...string) string {
	if pattern == "" {
		return ""
	}
	ref := ident(column)
	for _, f := range field {
		if !l.hasField(column, f) {
			return ""
		}
		ref += "." + ident(f)
	}
	return l.cond(column, ref+" LIKE "+likePattern(pattern))
}

// cond is cond when the table has column; a table without it leaves the
// check to the client.
func (l tableLayout) cond(column, cond string) string {
	if !l.has(column) {
		return ""
	}
	return cond
}

// quote is a SQL string literal: quotes doubled, nothing else special.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident is a quoted identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// likePattern turns a * and ? pattern into a LIKE pattern, its own % and _
// taken literally.
func likePattern(glob string) string {
	var b strings.Builder
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteByte('%')
		case '?':
			b.WriteByte('_')
		case '%', '_', '\\':
			b.WriteRune('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return quote(b.String()) + ` ESCAPE '\'`
}

func isPatternValue(s string) bool { return strings.ContainsAny(s, "*?") }

// jsonVerbatim: s appears as itself in JSON text (nothing to escape).
func jsonVerbatim(s string) bool {
	for _, r := range s {
		if r < ' ' || r > '~' || strings.ContainsRune(`"\<>&`, r) {
			return false
		}
	}
	return true
}

// accountOfARN is the account field of an ARN, "" for anything else.
func accountOfARN(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || !isAccountID(parts[4]) {
		return ""
	}
	return parts[4]
}
