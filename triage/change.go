package triage

import (
	"sort"
	"strconv"
	"strings"

	"watchtrail/text"
)

// maxChangeFields bounds a change summary.
const maxChangeFields = 5

// field is one scalar leaf of a request or response: its name (the nearest
// meaningful key) and value as text.
type field struct{ key, value string }

// leaves lists the scalar values of a JSON document by their nearest key,
// in key order. Wrapper keys carry no meaning of their own and are skipped:
// EC2's {"instanceType":{"value":"t3.nano"}} is instanceType = t3.nano.
func leaves(v any, key string, out *[]field) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := k
			if wrapperKeys[k] && key != "" {
				name = key
			}
			leaves(v[k], name, out)
		}
	case []any:
		for _, x := range v {
			leaves(x, key, out)
		}
	case string:
		*out = append(*out, field{key, v})
	case float64:
		*out = append(*out, field{key, strconv.FormatFloat(v, 'f', -1, 64)})
	case bool:
		*out = append(*out, field{key, strconv.FormatBool(v)})
	}
}

// wrapperKeys wrap values without naming them.
var wrapperKeys = map[string]bool{"value": true, "Value": true, "items": true, "member": true}

// changeSummary says what the call set, "memorySize 1024 → 128": each
// request field that does not just name the resource, with the value it had
// before when an earlier event in the window on the same resource shows it
// (in its request or response).
func changeSummary(ev analysed, earlier []analysed) string {
	var fields []field
	leaves(ev.doc.Request, "", &fields)
	ids := ev.matched.Identifiers()
	var parts []string
	for _, f := range fields {
		if f.value == "" || f.key == "" || strings.Contains(strings.ToLower(f.key), "token") || namesAny([]string{f.value}, ids, "", "") {
			continue
		}
		text := f.key + " → " + f.value
		if old, ok := previousValue(f.key, ev, earlier); ok && old != f.value {
			text = f.key + " " + old + " → " + f.value
		}
		parts = append(parts, text)
		if len(parts) == maxChangeFields {
			break
		}
	}
	return text.Sanitize(strings.Join(parts, ", "))
}

// previousValue is key's value in the latest earlier successful event on
// the same resource that mentions key.
func previousValue(key string, ev analysed, earlier []analysed) (string, bool) {
	if !ev.related {
		return "", false
	}
	for i := len(earlier) - 1; i >= 0; i-- {
		e := earlier[i]
		if !e.related || e.matched.ID != ev.matched.ID || e.Failed() {
			continue
		}
		var fields []field
		leaves(e.doc.Response, "", &fields)
		leaves(e.doc.Request, "", &fields) // the request wins: it is what was set
		for j := len(fields) - 1; j >= 0; j-- {
			if fields[j].key == key {
				return fields[j].value, true
			}
		}
	}
	return "", false
}
