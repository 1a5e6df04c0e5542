// Package ecsmeta reads the identity of the ECS instance emrctl runs on
// from the instance metadata service (http://100.100.100.200): its ID,
// region, zone, network and the name of its RAM role. It never reads the
// role's credentials.
//
// Outside ECS nothing answers at that address, so every call has a short
// total budget and a typed error (NotOnECSError) that callers turn into
// "could not be checked" rather than a failure.
package ecsmeta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// DefaultBaseURL is the address of the metadata service on every ECS
// instance.
const DefaultBaseURL = "http://100.100.100.200"

// Budget is the most one Identity call may take, all requests included: a
// laptop outside ECS gets its answer within it.
const Budget = time.Second

// Hardened-mode headers: a token is asked for first and sent when the
// service gives one; an instance in normal mode works without.
const (
	tokenPath      = "/latest/api/token"
	tokenTTLHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
	tokenHeader    = "X-aliyun-ecs-metadata-token"
	metaDataPath   = "/latest/meta-data/"
	maxBody        = 4 << 10
)

// Client reads the metadata service.
type Client struct {
	// BaseURL is the service address; "" means DefaultBaseURL.
	BaseURL string
	// HTTP sends the requests; nil means a client that never uses a
	// proxy (the service is link-local to the instance).
	HTTP *http.Client
}

// Identity is what the metadata service says about the instance.
type Identity struct {
	InstanceID string
	RegionID   string
	ZoneID     string
	VpcID      string
	VSwitchID  string
	PrivateIP  string
	Hostname   string
	// RAMRole is the name of the attached RAM role, "" when none is.
	RAMRole string
}

// NotOnECSError reports that the metadata service did not answer.
type NotOnECSError struct {
	URL string
	Err error
}

func (e *NotOnECSError) Error() string {
	return fmt.Sprintf("the metadata service at %s did not answer (%v), so this machine is not an ECS instance or has no access to it", e.URL, e.Err)
}

func (e *NotOnECSError) Unwrap() error { return e.Err }

// Identity reads the instance's identity within Budget.
func (c *Client) Identity(ctx context.Context) (*Identity, error) {
	ctx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	r := &reader{base: c.baseURL(), http: c.httpClient(), parent: ctx}
	if err := r.fetchToken(ctx); err != nil {
		return nil, err
	}
	id := &Identity{}
	for _, f := range []struct {
		item string
		dst  *string
	}{
		{"instance-id", &id.InstanceID}, {"region-id", &id.RegionID}, {"zone-id", &id.ZoneID},
		{"vpc-id", &id.VpcID}, {"vswitch-id", &id.VSwitchID}, {"private-ipv4", &id.PrivateIP}, {"hostname", &id.Hostname},
	} {
		v, found, err := r.get(ctx, f.item)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("read instance metadata %s: the service at %s has no such item", f.item, r.base)
		}
		*f.dst = v
	}
	role, found, err := r.get(ctx, "ram/security-credentials/")
	if err != nil {
		return nil, err
	}
	if found {
		id.RAMRole = roleName(role)
	}
	return id, nil
}

// roleName takes the first name of the role listing (one a line).
func roleName(listing string) string {
	first, _, _ := strings.Cut(listing, "\n")
	return strings.TrimSuffix(strings.TrimSpace(first), "/")
}

func (c *Client) baseURL() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimSuffix(c.BaseURL, "/")
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:       nil,
		DialContext: (&net.Dialer{Timeout: Budget}).DialContext,
	}}
}

type reader struct {
	base   string
	http   *http.Client
	parent context.Context
	token  string
}

// fetchToken asks for a hardened-mode token. A service that answers
// without one (normal mode, or an older service) is used without a token.
func (r *reader) fetchToken(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, r.base+tokenPath, nil)
	if err != nil {
		return fmt.Errorf("read instance metadata: bad BaseURL %q: %w", r.base, err)
	}
	req.Header.Set(tokenTTLHeader, "60")
	body, status, err := r.do(req)
	if err != nil {
		return err
	}
	if status == http.StatusOK {
		r.token = strings.TrimSpace(body)
	}
	return nil
}

// get reads one item; found is false on 404.
func (r *reader) get(ctx context.Context, item string) (value string, found bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+metaDataPath+item, nil)
	if err != nil {
		return "", false, fmt.Errorf("read instance metadata: bad BaseURL %q: %w", r.base, err)
	}
	if r.token != "" {
		req.Header.Set(tokenHeader, r.token)
	}
	body, status, err := r.do(req)
	switch {
	case err != nil:
		return "", false, err
	case status == http.StatusNotFound:
		return "", false, nil
	case status != http.StatusOK:
		return "", false, fmt.Errorf("read instance metadata %s: the service at %s answered HTTP %d", item, r.base, status)
	}
	return strings.TrimSpace(body), true, nil
}

// do sends a request; a transport failure or the budget running out is a
// NotOnECSError, a cancelled caller context is returned as such.
func (r *reader) do(req *http.Request) (string, int, error) {
	resp, err := r.http.Do(req)
	if err != nil {
		if ctxErr := context.Cause(r.parent); ctxErr != nil && !errors.Is(ctxErr, context.DeadlineExceeded) {
			return "", 0, fmt.Errorf("read instance metadata: %w", ctxErr)
		}
		return "", 0, &NotOnECSError{URL: r.base, Err: unwrapURL(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", 0, &NotOnECSError{URL: r.base, Err: err}
	}
	return string(raw), resp.StatusCode, nil
}

// unwrapURL drops the *url.Error wrapper, whose text repeats the URL.
func unwrapURL(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
