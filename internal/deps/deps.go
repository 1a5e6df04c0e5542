package deps

import (
	_ "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	_ "github.com/alibabacloud-go/tea/dara"
	_ "github.com/aliyun/credentials-go/credentials"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/service/emr"
	_ "github.com/aws/aws-sdk-go-v2/service/emrserverless"
	_ "github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/charmbracelet/huh"
	_ "github.com/creack/pty"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/jmespath/go-jmespath"
	_ "github.com/modelcontextprotocol/go-sdk/mcp"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/term"
	_ "gopkg.in/yaml.v3"
	_ "modernc.org/sqlite"
)
