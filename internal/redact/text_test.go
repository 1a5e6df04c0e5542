package redact

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "alibaba access key id",
			in:   "InvalidAccessKeyId.NotFound: Specified access key " + fakeAKID + " is not found.",
			want: "InvalidAccessKeyId.NotFound: Specified access key " + Marker + " is not found.",
		},
		{
			name: "aws and sts key ids",
			in:   "keys " + fakeAWSKeyID + ", ASIAY34FZKBOKMUTVV7A and STS.NUgYrLnoC37mZZCNnAbez2GzV",
			want: "keys " + Marker + ", " + Marker + " and " + Marker,
		},
		{
			name: "acs3 authorization header",
			in:   "Authorization: " + fakeACS3Header + "\nx-acs-action: CreateCluster",
			want: "Authorization: " + Marker + "\nx-acs-action: CreateCluster",
		},
		{
			name: "sigv4 header in printed http.Header",
			in:   "map[Authorization:[AWS4-HMAC-SHA256 Credential=" + fakeAWSKeyID + "/20240101/us-east-1/elasticmapreduce/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3be] X-Amz-Date:[20240101T000000Z]]",
			want: "map[Authorization:" + Marker + " X-Amz-Date:[20240101T000000Z]]",
		},
		{
			name: "signed scheme without header name",
			in:   `sending "` + fakeACS3Header + `"`,
			want: `sending "ACS3-HMAC-SHA256 ` + Marker + `"`,
		},
		{
			name: "bearer token",
			in:   "got Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl back",
			want: "got Bearer " + Marker + " back",
		},
		{
			name: "security token headers",
			in:   "x-acs-security-token: " + fakeSTSToken + "\nX-Amz-Security-Token: FwoGZXIvYXdzEJr//////////wEaDA",
			want: "x-acs-security-token: " + Marker + "\nX-Amz-Security-Token: " + Marker,
		},
		{
			name: "query string",
			in:   "GET /?Action=RunJobFlow&X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2F&X-Amz-Signature=abcdef0123&ClientToken=" + fakeClientTok,
			want: "GET /?Action=RunJobFlow&X-Amz-Security-Token=" + Marker + "&X-Amz-Signature=" + Marker + "&ClientToken=" + fakeClientTok,
		},
		{
			name: "json pairs",
			in:   `{"AccessKeySecret": "` + fakeAKSecret + `", "ClientToken": "` + fakeClientTok + `", "NextToken": "abc", "Name": "x"}`,
			want: `{"AccessKeySecret": "` + Marker + `", "ClientToken": "` + fakeClientTok + `", "NextToken": "abc", "Name": "x"}`,
		},
		{
			name: "json inside a json string",
			in:   `{"body":"{\"MasterRootPassword\":\"` + fakePassword + `\",\"n\":1}"}`,
			want: `{"body":"{\"MasterRootPassword\":\"` + Marker + `\",\"n\":1}"}`,
		},
		{
			name: "go struct printing",
			in:   "{ClusterName:etl MasterRootPassword:" + fakePassword + " Token:abc123}",
			want: "{ClusterName:etl MasterRootPassword:" + Marker + " Token:" + Marker + "}",
		},
		{
			name: "yaml",
			in:   "password: '" + fakePassword + "'\nuser: hive",
			want: "password: '" + Marker + "'\nuser: hive",
		},
		{
			name: "url userinfo with # and ? in password",
			in:   "jdbc:mysql://hive:" + fakeRDSPass + "?x@rm-bp1:3306/db?useSSL=true",
			want: "jdbc:mysql://hive:" + Marker + "@rm-bp1:3306/db?useSSL=true",
		},
		{
			name: "jdbc password query parameter",
			in:   "jdbc:mysql://rm-bp1.mysql.rds.aliyuncs.com:3306/hivemeta?user=hive&password=" + fakeRDSPass + "&useSSL=true",
			want: "jdbc:mysql://rm-bp1.mysql.rds.aliyuncs.com:3306/hivemeta?user=hive&password=" + Marker + "&useSSL=true",
		},
		{
			name: "jdbc sql server properties",
			in:   "jdbc:sqlserver://db:1433;databaseName=hive;password=" + fakeRDSPass + ";encrypt=true",
			want: "jdbc:sqlserver://db:1433;databaseName=hive;password=" + Marker + ";encrypt=true",
		},
		{
			name: "url userinfo with @ in password",
			in:   "jdbc:mysql://hive:" + fakePassword + "@rm-bp1:3306/db",
			want: "jdbc:mysql://hive:" + Marker + "@rm-bp1:3306/db",
		},
		{
			name: "flattened config items with a secret key",
			in:   "ApplicationConfigs.1.ConfigItemKey=javax.jdo.option.ConnectionPassword&ApplicationConfigs.1.ConfigItemValue=" + fakeRDSPass,
			want: "ApplicationConfigs.1.ConfigItemKey=javax.jdo.option.ConnectionPassword&ApplicationConfigs.1.ConfigItemValue=" + Marker,
		},
		{
			name: "config items without a secret key",
			in:   `{"ConfigItemKey":"dfs.replication","ConfigItemValue":"3"}`,
			want: `{"ConfigItemKey":"dfs.replication","ConfigItemValue":"3"}`,
		},
		{
			name: "pem private key",
			in:   "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\ndone",
			want: "key:\n" + Marker + "\ndone",
		},
		{
			name: "error codes naming a secret keep their message",
			in:   "SignatureDoesNotMatch: The request signature does not conform to Aliyun standards.",
			want: "SignatureDoesNotMatch: The request signature does not conform to Aliyun standards.",
		},
		{
			name: "plain text untouched",
			in:   "cluster c-b933c5aac8fe4d1b is RUNNING; 3 nodes",
			want: "cluster c-b933c5aac8fe4d1b is RUNNING; 3 nodes",
		},
		{
			name: "empty",
			in:   "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			if got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if again := String(got); again != got {
				t.Errorf("String is not idempotent: got %q, want %q", again, got)
			}
		})
	}
}

func TestStringRemovesFakeSecrets(t *testing.T) {
	text := strings.Join([]string{
		"Authorization: " + fakeACS3Header,
		"x-acs-security-token: " + fakeSTSToken,
		`{"AccessKeySecret":"` + fakeAKSecret + `","MasterRootPassword":"` + fakePassword + `"}`,
		"aws_secret_access_key=" + fakeAWSSecret,
	}, "\n")
	got := String(text)
	for _, secret := range []string{fakeAKID, fakeAKSecret, fakeAWSSecret, fakeSTSToken, fakePassword, "6e2a0c1f9b8d7e6f"} {
		if strings.Contains(got, secret) {
			t.Errorf("String kept %q:\n%s", secret, got)
		}
	}
}
