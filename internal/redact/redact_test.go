package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// createRequest, nodeAttributes and appConfig have the shape and JSON
// names of Alibaba's CreateCluster request members that carry secrets:
// a sample struct for Value, which walks any value through its JSON form.
type createRequest struct {
	ClientToken        string          `json:"ClientToken,omitempty"`
	ClusterName        string          `json:"ClusterName,omitempty"`
	DeletionProtection *bool           `json:"DeletionProtection,omitempty"`
	NodeAttributes     *nodeAttributes `json:"NodeAttributes,omitempty"`
	ApplicationConfigs []appConfig     `json:"ApplicationConfigs,omitempty"`
}

type nodeAttributes struct {
	MasterRootPassword string `json:"MasterRootPassword,omitempty"`
	VpcId              string `json:"VpcId,omitempty"`
}

type appConfig struct {
	ApplicationName string `json:"ApplicationName,omitempty"`
	ConfigFileName  string `json:"ConfigFileName,omitempty"`
	ConfigItemKey   string `json:"ConfigItemKey,omitempty"`
	ConfigItemValue string `json:"ConfigItemValue,omitempty"`
}

// Real-looking fake secrets, shared by the tests of this package.
const (
	fakeAKID       = "LTAI5tRzXq8Vn3KpW7mYcJ2d"
	fakeAKSecret   = "kG7vQ2mXp9LsT4wZr8YbN3cH6jFd1E"
	fakeAWSKeyID   = "AKIAIOSFODNN7EXAMPLE"
	fakeAWSSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	fakeSTSToken   = "CAIS1gJ1q6Ft5B2yfSjIr5bjLtPhjOhm1bqHVkXcq2YiaetHh6Lzrzz2IHhMeXdqAO8b+vs/lWBZ7f=="
	fakePassword   = "Emr@Pa55w0rd!2024"
	fakeRDSPass    = "HiveMeta#Rds2024"
	fakeClientTok  = "0b9c6c1e-4f1a-4e7e-9a55-1d1f5a0d7c3e"
	fakeACS3Header = "ACS3-HMAC-SHA256 Credential=" + fakeAKID + ",SignedHeaders=host;x-acs-action;x-acs-date,Signature=6e2a0c1f9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
)

func TestIsSecretKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{key: "MasterRootPassword", want: true},
		{key: "password", want: true},
		{key: "AccessKeySecret", want: true},
		{key: "access_key_secret", want: true},
		{key: "SecurityToken", want: true},
		{key: "x-acs-security-token", want: true},
		{key: "X-Amz-Security-Token", want: true},
		{key: "Authorization", want: true},
		{key: "Proxy-Authorization", want: true},
		{key: "Credentials", want: true},
		{key: "credential", want: true},
		{key: "PrivateKey", want: true},
		{key: "private_key", want: true},
		{key: "KdcAdminPassword", want: true},
		{key: "javax.jdo.option.ConnectionPassword", want: true},
		{key: "fs.s3a.secret.key", want: true},
		{key: "fs.oss.accessKeySecret", want: true},
		{key: "ClientToken", want: false},
		{key: "clientToken", want: false},
		{key: "tokenId", want: false},
		{key: "token", want: true},
		{key: "client_token", want: false},
		{key: "NextToken", want: false},
		{key: "nextToken", want: false},
		{key: "ClusterName", want: false},
		{key: "AccessKeyId", want: false},
		{key: "KeyPairName", want: false},
		{key: "ConfigItemValue", want: false},
		{key: "", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := IsSecretKey(tt.key); got != tt.want {
				t.Errorf("IsSecretKey(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestValue(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		key  string
		in   any
		want any
	}{
		{
			name: "secret key redacts scalar",
			key:  "MasterRootPassword",
			in:   fakePassword,
			want: Marker,
		},
		{
			name: "secret key redacts whole object",
			key:  "Credentials",
			in:   map[string]any{"AccessKeyId": fakeAKID, "Expiration": "2024-01-01T00:00:00Z"},
			want: Marker,
		},
		{
			name: "empty secret stays empty",
			key:  "Password",
			in:   "",
			want: "",
		},
		{
			name: "alibaba create cluster request",
			in: createRequest{
				ClientToken:        fakeClientTok,
				ClusterName:        "etl-prod",
				DeletionProtection: &yes,
				NodeAttributes: &nodeAttributes{
					MasterRootPassword: fakePassword,
					VpcId:              "vpc-bp1a2b3c4d5e6f7g8h9i0",
				},
				ApplicationConfigs: []appConfig{
					{ApplicationName: "HIVE", ConfigFileName: "hivemetastore-site.xml", ConfigItemKey: "javax.jdo.option.ConnectionPassword", ConfigItemValue: fakeRDSPass},
					{ApplicationName: "HIVE", ConfigFileName: "hivemetastore-site.xml", ConfigItemKey: "javax.jdo.option.ConnectionUserName", ConfigItemValue: "hive"},
				},
			},
			want: map[string]any{
				"ClientToken":        fakeClientTok,
				"ClusterName":        "etl-prod",
				"DeletionProtection": true,
				"NodeAttributes": map[string]any{
					"MasterRootPassword": Marker,
					"VpcId":              "vpc-bp1a2b3c4d5e6f7g8h9i0",
				},
				"ApplicationConfigs": []any{
					map[string]any{"ApplicationName": "HIVE", "ConfigFileName": "hivemetastore-site.xml", "ConfigItemKey": "javax.jdo.option.ConnectionPassword", "ConfigItemValue": Marker},
					map[string]any{"ApplicationName": "HIVE", "ConfigFileName": "hivemetastore-site.xml", "ConfigItemKey": "javax.jdo.option.ConnectionUserName", "ConfigItemValue": "hive"},
				},
			},
		},
		{
			name: "serverless spark config item in lower camel case",
			in:   []any{map[string]any{"configItemKey": "spark.hadoop.fs.oss.accessKeySecret", "configItemValue": fakeAKSecret}},
			want: []any{map[string]any{"configItemKey": "spark.hadoop.fs.oss.accessKeySecret", "configItemValue": Marker}},
		},
		{
			name: "config item whose key only mentions password",
			in:   map[string]any{"ConfigItemKey": "hive.metastore.dbpassword.file", "ConfigItemValue": "/etc/pw"},
			want: map[string]any{"ConfigItemKey": "hive.metastore.dbpassword.file", "ConfigItemValue": Marker},
		},
		{
			name: "aws configurations properties",
			in: map[string]any{
				"Configurations": []any{map[string]any{
					"Classification": "hive-site",
					"Properties": map[string]string{
						"javax.jdo.option.ConnectionPassword": fakeRDSPass,
						"fs.s3a.secret.key":                   fakeAWSSecret,
						"hive.metastore.uris":                 "thrift://m1:9083",
					},
				}},
			},
			want: map[string]any{
				"Configurations": []any{map[string]any{
					"Classification": "hive-site",
					"Properties": map[string]any{
						"javax.jdo.option.ConnectionPassword": Marker,
						"fs.s3a.secret.key":                   Marker,
						"hive.metastore.uris":                 "thrift://m1:9083",
					},
				}},
			},
		},
		{
			name: "aws kerberos attributes and tokens",
			in: map[string]any{
				"KerberosAttributes": map[string]any{"Realm": "EC2.INTERNAL", "KdcAdminPassword": fakePassword},
				"NextToken":          "eyJuZXh0IjoxfQ==",
				"SessionToken":       fakeSTSToken,
			},
			want: map[string]any{
				"KerberosAttributes": map[string]any{"Realm": "EC2.INTERNAL", "KdcAdminPassword": Marker},
				"NextToken":          "eyJuZXh0IjoxfQ==",
				"SessionToken":       Marker,
			},
		},
		{
			name: "free text in ordinary fields is scrubbed",
			in:   map[string]any{"Description": "uses key " + fakeAKID, "Count": json.Number("3")},
			want: map[string]any{"Description": "uses key " + Marker, "Count": json.Number("3")},
		},
		{
			name: "jdbc url in an ordinary config value",
			in:   map[string]any{"ConfigItemKey": "javax.jdo.option.ConnectionURL", "ConfigItemValue": "jdbc:mysql://hive:" + fakeRDSPass + "@rm-bp1:3306/hivemeta"},
			want: map[string]any{"ConfigItemKey": "javax.jdo.option.ConnectionURL", "ConfigItemValue": "jdbc:mysql://hive:" + Marker + "@rm-bp1:3306/hivemeta"},
		},
		{
			name: "raw message is decoded",
			in:   json.RawMessage(`{"password":"` + fakePassword + `","n":1.50}`),
			want: map[string]any{"password": Marker, "n": json.Number("1.50")},
		},
		{
			name: "unencodable value",
			in:   func() {},
			want: Marker,
		},
		{
			name: "nil",
			in:   nil,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Value(tt.key, tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Value(%q, ...) mismatch (-want +got):\n%s", tt.key, diff)
			}
		})
	}
}

func TestValueDoesNotModifyInput(t *testing.T) {
	in := map[string]any{"Password": fakePassword, "Nested": map[string]any{"Token": fakeSTSToken}}
	_ = Value("", in)
	want := map[string]any{"Password": fakePassword, "Nested": map[string]any{"Token": fakeSTSToken}}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("input changed (-want +got):\n%s", diff)
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "object",
			in:   `{"RegionId":"cn-hangzhou","AccessKeySecret":"` + fakeAKSecret + `","Size":10,"Ratio":0.10,"Tags":[{"Key":"a<b","Value":"x"}]}`,
			want: `{"AccessKeySecret":"[REDACTED]","Ratio":0.10,"RegionId":"cn-hangzhou","Size":10,"Tags":[{"Key":"a<b","Value":"x"}]}`,
		},
		{
			name: "not json is scrubbed as text",
			in:   `password=` + fakePassword + ` {`,
			want: `password=[REDACTED] {`,
		},
		{
			name: "trailing data is not json",
			in:   `{"a":1} {"token":"x"}`,
			want: `{"a":1} {"token":"[REDACTED]"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(JSON([]byte(tt.in))); got != tt.want {
				t.Errorf("JSON(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRegistryValue(t *testing.T) {
	r := NewRegistry(fakeAKSecret)
	in := map[string]any{
		"Description":  "secret is " + fakeAKSecret,
		fakeAKSecret:   "as a key",
		"BootstrapArg": []any{"--key", fakeAKSecret},
	}
	b, err := json.Marshal(r.Value("", in))
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if strings.Contains(string(b), fakeAKSecret) {
		t.Errorf("got %s, want no registered secret", b)
	}
	if got := string(r.JSON([]byte(`{"note":"` + fakeAKSecret + `"}`))); got != `{"note":"[REDACTED]"}` {
		t.Errorf("Registry.JSON = %s, want %s", got, `{"note":"[REDACTED]"}`)
	}
}
