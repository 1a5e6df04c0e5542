package mcpserver

import (
	"context"
	"strconv"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
)

// localFilesNote says what the gateway tools leave to a person: no tool
// writes files on any machine.
const localFilesNote = " No tool writes files on any machine: deploying, refreshing or rolling back a gateway's client files " +
	"('emrctl gateway deploy --root', 'refresh', 'rollback') is a person's command at the CLI on the gateway machine."

// GatewayConfigsInput selects the client configuration files of a cluster.
type GatewayConfigsInput struct {
	ClusterID string   `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	Apps      []string `json:"apps,omitempty" jsonschema:"applications whose files to return: HDFS, YARN, HBASE, HIVE, SPARK2, SPARK3, JINDOSDK, FLINK, SQOOP, IMPALA, PRESTO, HUDI, ICEBERG, TEZ or DELTALAKE; default every gateway application of the cluster"`
}

// GatewayConfigsOutput is the client configuration of a cluster, secret
// values redacted.
type GatewayConfigsOutput struct {
	Files []provider.ConfigFile `json:"files"`
}

// GatewaySetConfigInput changes keys of one configuration file of a
// cluster's application.
type GatewaySetConfigInput struct {
	ClusterID      string                `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	Application    string                `json:"application" jsonschema:"the application the file belongs to: HDFS, YARN, HIVE, SPARK3, ... (see gateway_configs)"`
	File           string                `json:"file" jsonschema:"the file's name without a directory, such as core-site.xml (see gateway_configs)"`
	Items          []provider.ConfigItem `json:"items" jsonschema:"the keys to change with their new values; each key must already be set in the file"`
	Refresh        bool                  `json:"refresh,omitempty" jsonschema:"also distribute the change to the running services; without it they keep the old values until they restart"`
	IdempotencyKey string                `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// GatewayNodeGroupInput is a GATEWAY node group to add.
type GatewayNodeGroupInput struct {
	ClusterID      string `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	Name           string `json:"name,omitempty" jsonschema:"node group name (default gateway)"`
	Count          int    `json:"count,omitempty" jsonschema:"nodes in the group (default 1)"`
	InstanceType   string `json:"instanceType,omitempty" jsonschema:"ECS instance type (default the MASTER group's)"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

func (s *Server) addGatewayReadTools() {
	scope := s.scope()
	add(s, tool[ClusterInput]{
		name: "gateway_plan", title: "Plan a gateway for a cluster", hints: readCloud,
		description: "Say which gateway modes fit an EMR cluster (a GATEWAY node group, a client environment on an ECS instance, " +
			"a gateway cluster), which one is recommended and why, what the gateway machine needs, and the commands that follow. " +
			"It changes nothing." + localFilesNote + " " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in ClusterInput) (*engine.GatewayPlan, error) {
		return s.eng.PlanGateway(ctx, in.ClusterID)
	})
	add(s, tool[GatewayConfigsInput]{
		name: "gateway_configs", title: "Show a cluster's client configuration", hints: readCloud,
		description: "Show the client configuration files of an EMR cluster's applications (core-site.xml, hive-site.xml, " +
			"spark-defaults.conf, ...) with their keys and values: what a gateway's files are written from. Secret values " +
			"(passwords, access keys) are shown as " + redact.Marker + "." + localFilesNote + " " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in GatewayConfigsInput) (*GatewayConfigsOutput, error) {
		files, err := s.eng.ClientConfigs(ctx, in.ClusterID, in.Apps)
		if err != nil {
			return nil, err
		}
		if files == nil {
			files = []provider.ConfigFile{}
		}
		return &GatewayConfigsOutput{Files: files}, nil
	})
}

func (s *Server) addGatewayWriteTools() {
	scope := s.scope()
	add(s, tool[GatewaySetConfigInput]{
		name: "gateway_set_config", title: "Change keys of a cluster's client configuration", hints: replacing,
		description: "Change existing keys of one configuration file of an EMR cluster's application at the cluster level " +
			"(UpdateApplicationConfigs): what every gateway and, with refresh, the running services read. Keys whose value " +
			"already holds are not sent; when all hold, nothing is sent. The person confirms each key's old and new value. Secret " +
			"keys (passwords, access keys) cannot be changed here: a person does that at the CLI. Gateways then show the file as " +
			"drift until a person refreshes them." + localFilesNote + " " + scope + confirmNote + dedupeNote,
		cli: setConfigCLI,
	}, func(ctx context.Context, c *toolCall, in GatewaySetConfigInput) (*engine.Outcome, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		for _, it := range in.Items {
			if redact.IsSecretKey(it.Key) {
				s.opts.Secrets.Add(it.Value) // never echoed or audited
			}
		}
		return s.eng.UpdateClientConfig(ctx, c.engineCall(in.IdempotencyKey), engine.ClientConfigChange{
			ClusterID: in.ClusterID, Application: in.Application, File: in.File, Items: in.Items, Refresh: in.Refresh,
		})
	})
	add(s, tool[GatewayNodeGroupInput]{
		name: "gateway_deploy_node_group", title: "Add a GATEWAY node group", hints: additive,
		description: "Give an EMR cluster a gateway as a GATEWAY node group (CreateNodeGroup), where gateway_plan says that mode " +
			"fits: EMR keeps its client configuration in sync. By default one node of the MASTER group's instance type, named " +
			"gateway. The node group limits and the person's confirmation apply as for any new node group." + localFilesNote + " " +
			scope + confirmNote + dedupeNote,
		cli: func(s *Server, in GatewayNodeGroupInput) string {
			flags := []string{"--mode", engine.GatewayNodeGroup}
			if in.Count > 0 {
				flags = append(flags, "--count", strconv.Itoa(in.Count))
			}
			if in.InstanceType != "" {
				flags = append(flags, "--instance-type", in.InstanceType)
			}
			if in.Name != "" {
				flags = append(flags, "--name", in.Name)
			}
			return s.cmdline(cli{cmd: []string{"gateway", "deploy"}, pos: []string{in.ClusterID}, flags: flags})
		},
	}, func(ctx context.Context, c *toolCall, in GatewayNodeGroupInput) (*CreateNodeGroupOutput, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		out, err := s.eng.DeployGatewayNodeGroup(ctx, c.engineCall(in.IdempotencyKey), engine.GatewayGroupInput{
			ClusterID: in.ClusterID, Name: in.Name, Count: in.Count, InstanceType: in.InstanceType,
		})
		if err != nil {
			return nil, err
		}
		return &CreateNodeGroupOutput{NodeGroupID: out.NodeGroupID, Outcome: out.Outcome}, nil
	})
}

// setConfigCLI is the command a person runs instead of gateway_set_config;
// a secret key's value is left for them to fill in.
func setConfigCLI(s *Server, in GatewaySetConfigInput) string {
	flags := []string{"--app", in.Application, "--file", in.File}
	if in.Refresh {
		flags = append(flags, "--refresh")
	}
	pos := []string{in.ClusterID}
	for _, it := range in.Items {
		v := it.Value
		if redact.IsSecretKey(it.Key) {
			v = "VALUE"
		}
		pos = append(pos, it.Key+"="+v)
	}
	return s.cmdline(cli{cmd: []string{"gateway", "set-config"}, pos: pos, flags: flags})
}
