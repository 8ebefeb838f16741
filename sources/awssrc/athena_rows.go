package awssrc

import (
	"encoding/json"
	"strings"
)

// recordFields are the CloudTrail record's field names, by their lower
// case: Athena's tables (Hive's) keep names in lower case, and the records
// the other readers return spell them as CloudTrail does.
var recordFields = func() map[string]string {
	names := map[string]string{}
	for _, n := range strings.Fields(`eventVersion userIdentity type principalId arn ARN accountId invokedBy
		accessKeyId userName onBehalfOf userId identityStoreArn sessionContext attributes mfaAuthenticated
		creationDate sessionIssuer sourceIdentity ec2RoleDelivery webIdFederationData federatedProvider
		credentialId eventTime eventSource eventName awsRegion sourceIPAddress userAgent errorCode errorMessage
		requestParameters responseElements additionalEventData requestID eventID readOnly resources eventType
		apiVersion managementEvent recipientAccountId serviceEventDetails sharedEventID vpcEndpointId
		vpcEndpointAccountId eventCategory addendum reason updatedFields originalRequestID originalEventID
		sessionCredentialFromConsole edgeDeviceDetails tlsDetails tlsVersion cipherSuite
		clientProvidedHostHeader insightDetails`) {
		if _, taken := names[strings.ToLower(n)]; !taken {
			names[strings.ToLower(n)] = n
		}
	}
	names["arn"] = "arn" // userIdentity's; a resource's is ARN, set in canonical
	return names
}()

// jsonTextColumns hold a JSON document as a string; the record has it as
// JSON.
var jsonTextColumns = map[string]bool{"requestparameters": true, "responseelements": true,
	"additionaleventdata": true, "serviceeventdetails": true, "edgedevicedetails": true}

// boolColumns are booleans in the record and strings in the table.
var boolColumns = map[string]bool{"readonly": true, "managementevent": true}

// rowRecord rebuilds the CloudTrail record of one result row: the columns
// under CloudTrail's names, structs and arrays (complex, selected as JSON)
// and JSON text as JSON, NULLs left out.
func rowRecord(columns []string, complex map[string]bool, row []*string) []byte {
	doc := map[string]json.RawMessage{}
	for i, name := range columns {
		if i >= len(row) || row[i] == nil {
			continue
		}
		v := *row[i]
		var raw json.RawMessage
		switch {
		case boolColumns[name] && (v == "true" || v == "false"):
			raw = json.RawMessage(v)
		case jsonTextColumns[name] && json.Valid([]byte(v)):
			raw = json.RawMessage(v)
		case complex[name]:
			raw = canonicalJSON(v, name == "resources")
		default:
			raw, _ = json.Marshal(v)
		}
		doc[canonicalName(name, false)] = raw
	}
	out, _ := json.Marshal(doc) // raw messages are valid JSON: cannot fail
	return out
}

func canonicalName(name string, resource bool) string {
	if resource && name == "arn" {
		return "ARN"
	}
	if n, ok := recordFields[name]; ok {
		return n
	}
	return name
}

// canonicalJSON renames a struct's fields (recursively) as CloudTrail
// spells them; resources' elements have ARN.
func canonicalJSON(text string, resources bool) json.RawMessage {
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		out, _ := json.Marshal(text)
		return out
	}
	out, _ := json.Marshal(rename(v, resources))
	return out
}

func rename(v any, resources bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[canonicalName(strings.ToLower(k), resources)] = rename(x, false)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = rename(x, resources)
		}
	}
	return v
}
