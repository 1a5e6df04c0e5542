package emulator

import (
	"net/http"
	"regexp"

	"github.com/emrctl/emrctl/internal/contract"
)

// What the API gateway does before a handler runs: throttling codes,
// RAM checks, and how an ROA (Serverless Spark) request names its region.

// throttled is the gateway's flow-control answer: Throttling.User on the
// RPC products, Throttling on Serverless Spark (the code its skill names).
func throttled(rt *route) *apiError {
	if rt.action.Style == "ROA" {
		return &apiError{Status: http.StatusBadRequest, Code: "Throttling", Message: "Request was denied due to request throttling."}
	}
	return &apiError{Status: http.StatusBadRequest, Code: "Throttling.User", Message: "Request was denied due to user flow control."}
}

// checkRAM refuses writes signed by the read-only RAM user.
func checkRAM(rt *route, accessKey string) *apiError {
	if !rt.write || accessKey != SandboxReadOnlyCredential.AccessKeyID {
		return nil
	}
	return newError(http.StatusForbidden, "Forbidden.RAM",
		"You are not authorized to perform this operation. Action: %s:%s. The RAM user holds read-only policies; ask the account administrator to grant the action (for Serverless Spark: AliyunEMRServerlessSparkDeveloperAccess or a custom policy).",
		ramService(rt.spec), rt.action.Name)
}

func ramService(spec *contract.Spec) string {
	if spec.Product == "emr-serverless-spark" {
		return "emr-serverless-spark"
	}
	return "emr"
}

// roaRegion settles the region of an ROA request. The Spark skill says a
// write (POST, PUT, DELETE) must carry ?regionId= in its URL ("--region
// alone is not enough"), while a GET may take the region of the
// endpoint. A GET with neither fails the same way when its action has a
// regionId parameter; the others act in the region of the workspace they
// name.
func roaRegion(r *http.Request, a *contract.Action, c *call) *apiError {
	if c.region != "" {
		return nil
	}
	if a.Method != http.MethodGet {
		return errMissing("MissingParameter.regionId", "regionId is mandatory for %s %s: append ?regionId=<region> (for example ?regionId=cn-hangzhou) to the URL; the region of the endpoint is not enough for a write", a.Method, a.Pathname)
	}
	c.region = hostRegion(r.Host)
	if c.region == "" && a.Param("regionId") != nil {
		return errMissing("MissingParameter.regionId", "regionId is mandatory: pass the regionId query parameter (for example regionId=cn-hangzhou) or call the regional endpoint emr-serverless-spark.<region>.aliyuncs.com")
	}
	return nil
}

var regionalHost = regexp.MustCompile(`^emr-serverless-spark(?:-[a-z]+)?\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$`)

// hostRegion reads the region of a regional endpoint
// (emr-serverless-spark.cn-hangzhou.aliyuncs.com, or a -vpc variant).
func hostRegion(host string) string {
	if m := regionalHost.FindStringSubmatch(host); m != nil {
		return m[1]
	}
	return ""
}
