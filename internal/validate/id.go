package validate

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is a kind of identifier with one exact format.
type Kind int

// The identifier kinds ID checks. Each comment gives the format.
const (
	// RegionID: ^[a-z]{2,}(-[a-z0-9]+)+$, e.g. cn-hangzhou, ap-southeast-1, us-east-1.
	RegionID Kind = iota + 1
	// ZoneID: ^[a-z]{2,}(-[a-z0-9]+)+$, e.g. cn-hangzhou-h, us-east-1a.
	ZoneID
	// ClusterID: ^c-[a-z0-9]{8,32}$, e.g. c-b933c5aac8fe4a1d.
	ClusterID
	// NodeGroupID: ^ng-[a-z0-9]{8,32}$, e.g. ng-869471354ecd4a1b.
	NodeGroupID
	// NodeID: ^i-[a-z0-9]{8,32}$, e.g. i-bp1cudc25w2bfwl5xxxx.
	NodeID
	// OperationID: ^op-[a-z0-9]{8,32}$, e.g. op-13c37a77c505a1b2.
	OperationID
	// VPCID: ^vpc-[a-z0-9]{8,32}$, e.g. vpc-bp1tgey2p0ytxmdo5dt19.
	VPCID
	// VSwitchID: ^vsw-[a-z0-9]{8,32}$, e.g. vsw-bp1e2f5fhaplp0g6p4lqf.
	VSwitchID
	// SecurityGroupID: ^sg-[a-z0-9]{8,32}$, e.g. sg-bp1a7x3f2ds8b3f0z1mq.
	SecurityGroupID
	// ResourceGroupID: ^rg-[a-z0-9]{8,32}$, e.g. rg-acfmzabjyop1234.
	ResourceGroupID
	// ScalingActivityID: ^asa-[a-z0-9]{8,40}$, e.g. asa-36373b084d6b4b13.
	ScalingActivityID
	// InstanceType: ^ecs\.[a-z0-9-]+\.[a-z0-9-]+$, e.g. ecs.g8i.2xlarge.
	InstanceType
	// KeyPairName: 2-128 characters, starts with an ASCII letter, then ASCII
	// letters, digits, '.', '_', '-' and ':', e.g. emr-key.
	KeyPairName
	// AWSClusterID: ^j-[A-Z0-9]{8,16}$, e.g. j-2AXXXXXXGAPLF.
	AWSClusterID
	// AWSInstanceGroupID: ^ig-[A-Z0-9]{8,16}$, e.g. ig-1234567890AB.
	AWSInstanceGroupID
	// AWSInstanceFleetID: ^if-[A-Z0-9]{8,16}$, e.g. if-1234567890AB.
	AWSInstanceFleetID
	// AWSStepID: ^s-[A-Z0-9]{8,16}$, e.g. s-1234567890AB.
	AWSStepID
	// AWSServerlessAppID: ^[0-9a-z]{16}$, e.g. 00f1abcd2efgh3ij.
	AWSServerlessAppID
	// AWSJobRunID: ^[0-9a-z]{16}$, e.g. 00f1abcd2efgh3kl.
	AWSJobRunID
	// WorkspaceID: ^w-[a-z0-9]{8,32}$, e.g. w-d2d82aa09155a1b2.
	WorkspaceID
	// AWSInstanceType: ^[a-z][a-z0-9-]*\.[a-z0-9]+$, e.g. m5.xlarge.
	AWSInstanceType
)

// idCase says which letter case an identifier's body uses.
type idCase int

const (
	anyCase idCase = iota
	lowerCase
	upperCase
)

// idFormat describes one Kind.
type idFormat struct {
	name    string
	pattern string
	example string
	prefix  string // fixed prefix, or ""
	min     int    // body length after the prefix, when prefix != ""
	max     int
	letters idCase
}

// format returns the description of k; ok is false for an unknown Kind.
func (k Kind) format() (idFormat, bool) {
	prefixed := func(name, prefix string, min, max int, c idCase, example string) idFormat {
		class := "[a-z0-9]"
		if c == upperCase {
			class = "[A-Z0-9]"
		}
		return idFormat{
			name:    name,
			pattern: fmt.Sprintf("^%s%s{%d,%d}$", prefix, class, min, max),
			example: example, prefix: prefix, min: min, max: max, letters: c,
		}
	}
	const region = `^[a-z]{2,}(-[a-z0-9]+)+$`
	switch k {
	case RegionID:
		return idFormat{name: "region ID", pattern: region, example: "cn-hangzhou", letters: lowerCase}, true
	case ZoneID:
		return idFormat{name: "zone ID", pattern: region, example: "cn-hangzhou-h", letters: lowerCase}, true
	case ClusterID:
		return prefixed("cluster ID", "c-", 8, 32, lowerCase, "c-b933c5aac8fe4a1d"), true
	case NodeGroupID:
		return prefixed("node group ID", "ng-", 8, 32, lowerCase, "ng-869471354ecd4a1b"), true
	case NodeID:
		return prefixed("node ID", "i-", 8, 32, lowerCase, "i-bp1cudc25w2bfwl5xxxx"), true
	case OperationID:
		return prefixed("operation ID", "op-", 8, 32, lowerCase, "op-13c37a77c505a1b2"), true
	case VPCID:
		return prefixed("VPC ID", "vpc-", 8, 32, lowerCase, "vpc-bp1tgey2p0ytxmdo5dt19"), true
	case VSwitchID:
		return prefixed("vSwitch ID", "vsw-", 8, 32, lowerCase, "vsw-bp1e2f5fhaplp0g6p4lqf"), true
	case SecurityGroupID:
		return prefixed("security group ID", "sg-", 8, 32, lowerCase, "sg-bp1a7x3f2ds8b3f0z1mq"), true
	case ResourceGroupID:
		return prefixed("resource group ID", "rg-", 8, 32, lowerCase, "rg-acfmzabjyop1234"), true
	case ScalingActivityID:
		return prefixed("scaling activity ID", "asa-", 8, 40, lowerCase, "asa-36373b084d6b4b13"), true
	case InstanceType:
		return idFormat{name: "instance type", pattern: `^ecs\.[a-z0-9-]+\.[a-z0-9-]+$`, example: "ecs.g8i.2xlarge", letters: lowerCase}, true
	case KeyPairName:
		return idFormat{name: "key pair name", pattern: `^[A-Za-z][A-Za-z0-9._:-]{1,127}$`, example: "emr-key"}, true
	case AWSClusterID:
		return prefixed("AWS cluster ID", "j-", 8, 16, upperCase, "j-2AXXXXXXGAPLF"), true
	case AWSInstanceGroupID:
		return prefixed("AWS instance group ID", "ig-", 8, 16, upperCase, "ig-1234567890AB"), true
	case AWSInstanceFleetID:
		return prefixed("AWS instance fleet ID", "if-", 8, 16, upperCase, "if-1234567890AB"), true
	case AWSStepID:
		return prefixed("AWS step ID", "s-", 8, 16, upperCase, "s-1234567890AB"), true
	case AWSServerlessAppID:
		return idFormat{name: "EMR Serverless application ID", pattern: `^[0-9a-z]{16}$`, example: "00f1abcd2efgh3ij", letters: lowerCase}, true
	case AWSJobRunID:
		return idFormat{name: "EMR Serverless job run ID", pattern: `^[0-9a-z]{16}$`, example: "00f1abcd2efgh3kl", letters: lowerCase}, true
	case WorkspaceID:
		return prefixed("workspace ID", "w-", 8, 32, lowerCase, "w-d2d82aa09155a1b2"), true
	case AWSInstanceType:
		return idFormat{name: "AWS instance type", pattern: `^[a-z][a-z0-9-]*\.[a-z0-9]+$`, example: "m5.xlarge", letters: lowerCase}, true
	}
	return idFormat{}, false
}

// ID checks that v is an identifier of the given kind, in its exact format.
// For a value that only looks right (a Cyrillic 'с' in "с-…", upper case in
// an Alibaba ID, a trailing space, a zero-width character) the error says
// what is wrong and shows the expected format.
func ID(kind Kind, field, v string) *Error {
	f, ok := kind.format()
	if !ok {
		return newError(field, v, fmt.Sprintf("has an unknown identifier kind %d", int(kind)), "")
	}
	fix := fmt.Sprintf("expected %s format %s, for example %s", f.name, f.pattern, f.example)
	if v == "" {
		return newError(field, v, "must not be empty", fix)
	}
	if e := Text(field, v); e != nil {
		e.Fix = fix
		return e
	}
	if strings.TrimSpace(v) != v {
		where := "trailing"
		if strings.TrimLeftFunc(v, unicode.IsSpace) != v {
			where = "leading"
		}
		return newError(field, v, fmt.Sprintf("has %s white space", where), "remove it: "+fix)
	}
	for _, r := range v {
		if r >= utf8.RuneSelf {
			return newError(field, v, nonASCIIRule(r, "ASCII"), fix)
		}
	}
	if matches(f.pattern, v) {
		return nil
	}
	return newError(field, v, diagnose(f, v), fix)
}

// matches reports whether v matches pattern. The patterns are constants, so
// compiling cannot fail; caching them would need package state for little
// gain next to a network call.
func matches(pattern, v string) bool {
	return regexp.MustCompile(pattern).MatchString(v)
}

// diagnose says how an ASCII value misses its format.
func diagnose(f idFormat, v string) string {
	switch f.letters {
	case lowerCase:
		if i := strings.IndexFunc(v, unicode.IsUpper); i >= 0 {
			return fmt.Sprintf("contains upper-case '%c': %ss are lower-case", v[i], f.name)
		}
	case upperCase:
		body := strings.TrimPrefix(v, f.prefix)
		if i := strings.IndexFunc(body, unicode.IsLower); i >= 0 && strings.HasPrefix(v, f.prefix) {
			return fmt.Sprintf("contains lower-case '%c': %ss are upper-case after %q", body[i], f.name, f.prefix)
		}
	}
	if f.prefix != "" {
		if !strings.HasPrefix(v, f.prefix) {
			return fmt.Sprintf("must start with %q", f.prefix)
		}
		body := v[len(f.prefix):]
		for _, r := range body {
			if !isASCIIAlnum(r) {
				return describeRune(r) + " is not allowed after the prefix"
			}
		}
		if n := len(body); n < f.min || n > f.max {
			return fmt.Sprintf("has %d characters after %q, want %d-%d", n, f.prefix, f.min, f.max)
		}
	}
	return "does not match the expected format"
}
