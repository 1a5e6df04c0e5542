package redact

import (
	"regexp"
	"strings"
)

// The patterns below are compiled once and never change.
var (
	// pemKey matches a PEM private key block, complete or cut off.
	pemKey = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z ]*PRIVATE KEY-----|$)`)

	// authHeader matches an Authorization header value, whatever its
	// scheme, up to the end of the line or a quote, or the whole bracketed
	// value in Go's http.Header printing.
	authHeader = regexp.MustCompile(`(?i)((?:proxy-)?authorization(?:\\?["'])?[ \t]*[:=][ \t]*(?:\\?["'])?)(?:\[[^\r\n"'\]\\]*\]?|[^\r\n"'\]\\]+)`)

	// signedScheme matches a signed-request credential without its header
	// name (ACS3 and AWS SigV4) and bearer tokens.
	signedScheme = regexp.MustCompile(`((?:ACS3-HMAC-SHA256|ACS3-HMAC-SM3|AWS4-HMAC-SHA256|AWS4-ECDSA-P256-SHA256)[ \t]+)(?:\[REDACTED\]|[^\r\n"'\]\\]+)|((?i:\bbearer)[ \t]+)[A-Za-z0-9\-._~+/]+=*`)

	// userinfo matches the password in scheme://user:password@host,
	// including JDBC URLs (jdbc:mysql://user:pw@host/db); the password runs
	// to the last '@' before the path, as passwords may contain '@'.
	userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@"']*:)([^\s/"']+)@`)

	// keyValue matches key=value, key: value and "key": "value" pairs whose
	// key contains a secret-looking word; IsSecretKey makes the final call.
	// Value forms, first match wins: JSON-in-JSON escaped string, quoted
	// strings, a bracketed value (Go's map printing, or an earlier Marker),
	// then a bare word.
	keyValue = regexp.MustCompile(`(?i)([\w.\-]*(?:pass|pwd|secret|token|credential|private|signature|authorization|cookie|apikey|api_key|api-key|configitemvalue)[\w.\-]*)` +
		`((?:\\?["'])?[ \t]*[:=][ \t]*)` +
		`(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^']*'|\[[^\]\r\n]*\]|[^\s&,;"'<>(){}\[\]\\]+)`)

	// configKey finds the ConfigItemKey of a configuration item in text; a
	// secret one makes every ConfigItemValue in the text secret.
	configKey = regexp.MustCompile(`(?i)configitemkey(?:\\?["'])?[ \t]*[:=][ \t]*(?:\\?["'])?([\w.\-]+)`)

	// accessKeyID matches Alibaba (permanent and STS) and AWS access key IDs.
	accessKeyID = regexp.MustCompile(`LTAI[0-9A-Za-z]{12,30}|STS\.[0-9A-Za-z]{16,40}|(?:AKIA|ASIA)[0-9A-Z]{16}`)

	// apiToken matches emrctl's own bearer tokens (package auth):
	// emrctl_, a 16-hex ID, '_' and a 43-character base64url secret.
	apiToken = regexp.MustCompile(`emrctl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}`)
)

// String scrubs secret-looking substrings from free text: PEM private keys,
// Authorization header values (ACS3-HMAC-SHA256, AWS4-HMAC-SHA256, Bearer,
// Basic, ...), passwords in URLs (including JDBC), key=value and "key": "value"
// pairs whose key is secret (see IsSecretKey; this covers x-acs-security-token,
// X-Amz-Security-Token, password= query parameters and the like), Alibaba
// and AWS access key IDs, and emrctl's API tokens. Secrets that no pattern
// recognises need a Registry.
func String(s string) string {
	if s == "" {
		return s
	}
	// Cheap substring checks skip the regular expressions that cannot
	// match; most text holds no secret at all.
	lower := strings.ToLower(s)
	if strings.Contains(s, "PRIVATE KEY-----") {
		s = pemKey.ReplaceAllLiteralString(s, Marker)
	}
	if strings.Contains(lower, "authorization") {
		s = authHeader.ReplaceAllString(s, "${1}"+Marker)
	}
	if strings.Contains(s, "-HMAC-") || strings.Contains(s, "-ECDSA-") || strings.Contains(lower, "bearer") {
		s = signedScheme.ReplaceAllString(s, "${1}${2}"+Marker)
	}
	if strings.Contains(s, "://") {
		s = userinfo.ReplaceAllString(s, "${1}"+Marker+"@")
	}
	if containsAnyOf(lower, pairWords) {
		s = scrubPairs(s)
	}
	if containsAnyOf(s, keyIDPrefixes) {
		s = accessKeyID.ReplaceAllLiteralString(s, Marker)
	}
	if strings.Contains(s, "emrctl_") {
		s = apiToken.ReplaceAllLiteralString(s, Marker)
	}
	return s
}

// pairWords and keyIDPrefixes gate keyValue and accessKeyID; they must stay
// in step with those patterns.
var (
	pairWords     = []string{"pass", "pwd", "secret", "token", "credential", "private", "signature", "authorization", "cookie", "apikey", "api_key", "api-key", "configitemvalue"}
	keyIDPrefixes = []string{"LTAI", "STS.", "AKIA", "ASIA"}
)

func containsAnyOf(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// scrubPairs redacts the values of secret key/value pairs in s.
func scrubPairs(s string) string {
	secretConfig := false
	for _, m := range configKey.FindAllStringSubmatch(s, -1) {
		if IsSecretKey(m[1]) {
			secretConfig = true
			break
		}
	}
	matches := keyValue.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		key, sep := s[m[2]:m[3]], s[m[4]:m[5]]
		isConfigValue := strings.EqualFold(lastSegment(key), "ConfigItemValue")
		if !IsSecretKey(key) && !(secretConfig && isConfigValue) || isErrorCode(key, sep) {
			continue
		}
		val := s[m[6]:m[7]]
		b.WriteString(s[last:m[6]])
		b.WriteString(quoteLike(val))
		last = m[7]
	}
	b.WriteString(s[last:])
	return b.String()
}

// errorWords mark error codes such as InvalidSecurityToken.Expired or
// SignatureDoesNotMatch, which name a secret without holding one.
var errorWords = []string{"Invalid", "Expired", "Incomplete", "Missing", "Mismatch", "NotMatch", "NotFound", "Exception", "Error", "Denied", "Forbidden"}

// isErrorCode reports whether key followed by sep reads like "Code: message"
// rather than a key/value pair, so the message's first word is kept.
func isErrorCode(key, sep string) bool {
	if sep != ": " || key == "" || key[0] < 'A' || key[0] > 'Z' {
		return false
	}
	for _, w := range errorWords {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

// lastSegment returns the part of a flattened key after its last dot
// ("ApplicationConfigs.1.ConfigItemValue" gives "ConfigItemValue").
func lastSegment(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// quoteLike returns Marker quoted the way val was.
func quoteLike(val string) string {
	switch {
	case strings.HasPrefix(val, `\"`) && len(val) >= 4:
		return `\"` + Marker + `\"`
	case strings.HasPrefix(val, `"`) && len(val) >= 2:
		return `"` + Marker + `"`
	case strings.HasPrefix(val, `'`) && len(val) >= 2:
		return `'` + Marker + `'`
	default:
		return Marker
	}
}
