package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/spec"
)

const region = "cn-hangzhou"

// pageSize is moto's fixed ListClusters page, asked of the emulator too,
// so a page is the same work on both.
const pageSize = "50"

type emulatorTarget struct {
	host          string
	hc            *http.Client
	cl            *openapi.Client
	keyID, secret string
}

// sdkHTTP adapts an *http.Client to the SDK's HttpClient interface, so
// connections are kept alive across calls.
type sdkHTTP struct{ c *http.Client }

func (h sdkHTTP) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return h.c.Do(req)
}

func newEmulatorTarget(host string, hc *http.Client) (*emulatorTarget, error) {
	cred := emulator.SandboxCredential
	cl, err := openapi.NewClient(&openapi.Config{
		AccessKeyId: dara.String(cred.AccessKeyID), AccessKeySecret: dara.String(cred.AccessKeySecret),
		Endpoint: dara.String(host), Protocol: dara.String("HTTP"), RegionId: dara.String(region),
		HttpClient: sdkHTTP{hc},
	})
	if err != nil {
		return nil, err
	}
	cl.DisableSDKError = dara.Bool(true)
	return &emulatorTarget{host: host, hc: hc, cl: cl, keyID: cred.AccessKeyID, secret: cred.AccessKeySecret}, nil
}

// callEMR sends an RPC action of the EMR API with query parameters.
func (e *emulatorTarget) callEMR(ctx context.Context, name string, q map[string]string) (map[string]any, error) {
	query := map[string]*string{"RegionId": dara.String(region)}
	for k, v := range q {
		query[k] = dara.String(v)
	}
	out, err := e.cl.CallApiWithCtx(ctx, rpcParams(name, "json"), &openapiutil.OpenApiRequest{Query: query}, &dara.RuntimeOptions{Autoretry: dara.Bool(false)})
	if err != nil {
		return nil, err
	}
	body, _ := out["body"].(map[string]any)
	return body, nil
}

// rpcParams are the EMR 2021-03-20 contract's parameters of an RPC action
// (every EMR action has these), with the answer read as bodyType.
func rpcParams(action, bodyType string) *openapiutil.Params {
	return &openapiutil.Params{
		Action: dara.String(action), Version: dara.String("2021-03-20"), Protocol: dara.String("HTTPS"),
		Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"),
		Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String(bodyType),
	}
}

func (e *emulatorTarget) list() caller {
	return func(ctx context.Context) error {
		return e.raw(ctx, "ListClusters", map[string]string{"MaxResults": pageSize})
	}
}

func (e *emulatorTarget) get(id string) caller {
	return func(ctx context.Context) error {
		return e.raw(ctx, "GetCluster", map[string]string{"ClusterId": id})
	}
}

func (e *emulatorTarget) firstCluster(ctx context.Context) (string, error) {
	body, err := e.callEMR(ctx, "ListClusters", map[string]string{"MaxResults": "1"})
	if err != nil {
		return "", err
	}
	if cls, _ := body["Clusters"].([]any); len(cls) > 0 {
		if c, _ := cls[0].(map[string]any); c != nil {
			if id, _ := c["ClusterId"].(string); id != "" {
				return id, nil
			}
		}
	}
	return "", fmt.Errorf("the emulator at %s has no cluster; run load seed first", e.host)
}

// seed creates n clusters from examples/dev-cluster.yaml with RunCluster,
// as 'emrctl cluster create' sends it.
func (e *emulatorTarget) seed(ctx context.Context, from, n int) error {
	cred, err := sandboxCredential()
	if err != nil {
		return err
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: region, Endpoint: e.host, Insecure: true, Credential: cred, Transport: e.hc.Transport})
	if err != nil {
		return err
	}
	p := aliyun.New(c)
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "examples", "dev-cluster.yaml"))
	if err != nil {
		return err
	}
	s, err := spec.Load(raw)
	if err != nil {
		return err
	}
	spec.SetDefaults(s)
	for i := from; i < from+n; i++ {
		s.Name = fmt.Sprintf("bench-%05d", i)
		req, err := p.PrepareCreate(s, &spec.Resolved{})
		if err != nil {
			return err
		}
		if err := createOnce(ctx, p, req, fmt.Sprintf("bench-token-%05d", i)); err != nil {
			return fmt.Errorf("seed cluster %d: %w", i, err)
		}
	}
	return nil
}

func sandboxCredential() (credentials.Credential, error) {
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	return credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
}

// repoRoot is the module root: this file is bench/cmd/load/emulator.go.
func repoRoot() string {
	if d := os.Getenv("EMRCTL_REPO"); d != "" {
		return d
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "."
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// createOnce sends RunCluster up to three times with one client token: the
// emulator answers a repeat with the cluster the first one created.
func createOnce(ctx context.Context, p *aliyun.Provider, req provider.CreateRequest, token string) error {
	var err error
	for range 3 {
		if _, err = p.CreateCluster(ctx, req, token); err == nil {
			return nil
		}
	}
	return err
}
