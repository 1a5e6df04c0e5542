package cluster

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/spec"
)

func newInitCmd(f *cmdutil.Factory) *cobra.Command {
	var o spec.TemplateOptions
	var template, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "init --template NAME",
		Short: "Write a cluster spec from a template (" + strings.Join(spec.TemplateNames(), ", ") + ")",
		Long: `Init writes a spec from one of the templates of the EMR cluster lifecycle guide:
  dev                    NORMAL, pay-as-you-go, smallest specs, local Hive metastore
  production-separated   HA, storage-compute separated (OSS-HDFS), external RDS metastore
  production-integrated  HA, subscription, HDFS on d-series local disks
  spot-task              HA with a spot TASK group of several instance types
Network IDs default to the sandbox's; pass yours for the cloud. For a guided
choice of every setting use 'emrctl cluster create --interactive'.`,
		Example: `  emrctl cluster init --template dev -o dev.yaml
  emrctl cluster init --template production-separated --name prod --region cn-shanghai --zone cn-shanghai-e \
      --vpc vpc-... --vswitch vsw-... --security-group sg-... --key-pair my-key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Region = f.Region
			c, err := spec.Template(template, o)
			if err != nil {
				return cmdutil.FlagErrorf("--template: %v (choose %s)", err, strings.Join(spec.TemplateNames(), ", "))
			}
			raw, err := spec.Marshal(c)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = f.IOStreams.Out.Write(raw)
				return err
			}
			if _, err := os.Stat(out); err == nil && !force {
				return cmdutil.FlagErrorf("%s exists; pass --force to overwrite", out)
			}
			if err := os.WriteFile(out, raw, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "wrote %s; check it with 'emrctl cluster plan -f %s'\n", out, out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&template, "template", "dev", "template name")
	fl.StringVar(&out, "out", "", "file to write (default: stdout)")
	fl.BoolVar(&force, "force", false, "overwrite --out")
	fl.StringVar(&o.Name, "name", "", "cluster name")
	fl.StringVar(&o.ZoneID, "zone", "", "zone")
	fl.StringVar(&o.VpcID, "vpc", "", "VPC ID")
	fl.StringVar(&o.VSwitchID, "vswitch", "", "vSwitch ID")
	fl.StringVar(&o.SecurityGroupID, "security-group", "", "security group ID (normal type)")
	fl.StringVar(&o.KeyPairName, "key-pair", "", "key pair name")
	fl.StringVar(&o.ReleaseVersion, "release", "", "EMR release, e.g. EMR-5.21.0")
	fl.StringVar(&o.OSSBucket, "oss-bucket", "", "OSS-HDFS bucket (storage-compute separated templates)")
	fl.StringVar(&o.MetastoreURL, "metastore-url", "", "JDBC URL of the RDS Hive metastore (HA templates)")
	return cmd
}
