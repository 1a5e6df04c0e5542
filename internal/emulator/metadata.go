package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The ECS instance metadata service (http://100.100.100.200/latest/...),
// served by the same HTTP server as the APIs, for one instance of the
// sandbox: the good gateway candidate unless POST /_emulator/metadata chose
// another. The choice is kept in the state, like the clock, so every
// process on the same store sees the same machine.
//
// The role credentials it hands out are fake and say so: they are not the
// caller's keys and no API of the emulator accepts them.

const (
	metadataPrefix = "/latest/"
	metaDataPath   = "/latest/meta-data/"
	tokenPath      = "/latest/api/token"
	// tokenTTLHeader and tokenHeader are the hardened-mode (IMDSv2-style)
	// headers of the ECS metadata service. The sandbox runs in normal mode:
	// a token is optional, but a wrong one is refused.
	tokenTTLHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
	tokenHeader    = "X-aliyun-ecs-metadata-token"
	sandboxToken   = "SANDBOX-FAKE-METADATA-TOKEN"
)

// metadataKeys are the items /latest/meta-data/ lists.
var metadataKeys = []string{
	"hostname", "image-id", "instance-id", "instance/", "mac", "network-type", "owner-account-id",
	"private-ipv4", "ram/", "region-id", "vpc-id", "vswitch-id", "zone-id",
}

func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == tokenPath {
		s.serveMetadataToken(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		metadataText(w, http.StatusMethodNotAllowed, "405 - Method Not Allowed")
		return
	}
	if tok := r.Header.Get(tokenHeader); tok != "" && tok != sandboxToken {
		metadataText(w, http.StatusUnauthorized, "401 - Unauthorized")
		return
	}
	in, err := s.metadataInstance()
	if err != nil {
		metadataText(w, http.StatusNotFound, "404 - Not Found: "+err.Error())
		return
	}
	item, ok := strings.CutPrefix(r.URL.Path, metaDataPath)
	if !ok {
		metadataText(w, http.StatusNotFound, "404 - Not Found")
		return
	}
	body, status := s.metadataItem(in, item)
	metadataText(w, status, body)
}

// metadataItem answers one path under /latest/meta-data/.
func (s *Server) metadataItem(in ecsInstance, item string) (string, int) {
	values := map[string]string{
		"hostname": in.HostName, "image-id": "aliyun_3_x64_20G_alibase_20240528.vhd", "instance-id": in.ID,
		"instance/instance-type": in.InstanceType, "mac": macOf(in.ID), "network-type": "vpc",
		"owner-account-id": strconv.FormatInt(sandboxAccountID, 10), "private-ipv4": in.PrivateIP,
		"region-id": in.Region, "vpc-id": in.VpcID, "vswitch-id": in.VSwitchID, "zone-id": in.ZoneID,
	}
	switch {
	case item == "":
		return strings.Join(metadataKeys, "\n"), http.StatusOK
	case item == "instance/":
		return "instance-type", http.StatusOK
	case item == "ram/":
		return "security-credentials/", http.StatusOK
	case item == "ram/security-credentials/":
		if in.RAMRole == "" {
			return "404 - Not Found: no RAM role is attached to " + in.ID, http.StatusNotFound
		}
		return in.RAMRole, http.StatusOK
	case strings.HasPrefix(item, "ram/security-credentials/"):
		role := strings.TrimPrefix(item, "ram/security-credentials/")
		if in.RAMRole == "" || role != in.RAMRole {
			return "404 - Not Found", http.StatusNotFound
		}
		return fakeCredentials(role, s.clock.Now()), http.StatusOK
	}
	if v, ok := values[item]; ok {
		return v, http.StatusOK
	}
	return "404 - Not Found", http.StatusNotFound
}

// fakeCredentials is the STS document of a role, with values that cannot
// be mistaken for real ones.
func fakeCredentials(role string, now time.Time) string {
	doc := map[string]string{
		"AccessKeyId":     "STS.SANDBOX-FAKE-ACCESS-KEY-ID",
		"AccessKeySecret": "SANDBOX-FAKE-SECRET-NOT-A-REAL-KEY",
		"SecurityToken":   "SANDBOX-FAKE-SECURITY-TOKEN-FOR-" + role,
		"Expiration":      now.Add(6 * time.Hour).UTC().Format("2006-01-02T15:04:05Z"),
		"LastUpdated":     now.UTC().Format("2006-01-02T15:04:05Z"),
		"Code":            "Success",
	}
	raw, _ := json.MarshalIndent(doc, "", "  ") // a map of strings always encodes
	return string(raw)
}

func macOf(id string) string {
	sum := 0
	for _, c := range id {
		sum = (sum*31 + int(c)) & 0xffffff
	}
	return fmt.Sprintf("00:16:3e:%02x:%02x:%02x", sum>>16&0xff, sum>>8&0xff, sum&0xff)
}

func (s *Server) serveMetadataToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		metadataText(w, http.StatusMethodNotAllowed, "405 - Method Not Allowed")
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get(tokenTTLHeader))
	if err != nil || ttl < 1 || ttl > 21600 {
		metadataText(w, http.StatusBadRequest, "400 - Bad Request: "+tokenTTLHeader+" must be 1 to 21600")
		return
	}
	metadataText(w, http.StatusOK, sandboxToken)
}

func metadataText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// metadataInstance is the instance the metadata service describes now.
func (s *Server) metadataInstance() (ecsInstance, error) {
	var in ecsInstance
	err := s.store.View(func(w *World) error {
		id := GatewayCandidateID
		if c, ok := w.Controls.Get(controlsKey); ok && c.MetadataInstance != "" {
			id = c.MetadataInstance
		}
		var ok bool
		if in, ok = findInstance(w, id, s.clock.Now()); !ok {
			return fmt.Errorf("instance %s no longer exists in the sandbox", id)
		}
		return nil
	})
	return in, err
}

// MetadataInstance returns the ID of the instance the metadata service
// describes.
func (s *Server) MetadataInstance() (string, error) {
	in, err := s.metadataInstance()
	return in.ID, err
}

// SetMetadataInstance makes the metadata service describe another instance
// (a standalone machine or a live cluster node); "" restores the default,
// the good gateway candidate.
func (s *Server) SetMetadataInstance(id string) error {
	return s.store.Update(func(w *World) error {
		if id != "" {
			if _, ok := findInstance(w, id, s.clock.Now()); !ok {
				return fmt.Errorf("instanceId %s: no such ECS instance in the sandbox; use a gateway candidate (%s ...) or a node of a running cluster", id, GatewayCandidateID)
			}
		}
		w.controls().MetadataInstance = id
		return nil
	})
}

func (s *Server) serveMetadataTarget(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var req struct {
			InstanceID string `json:"instanceId"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if err := s.SetMetadataInstance(req.InstanceID); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
	default:
		controlError(w, http.StatusMethodNotAllowed, "use GET or POST")
		return
	}
	id, err := s.MetadataInstance()
	if err != nil {
		controlError(w, http.StatusNotFound, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"instanceId": id})
}

// MachineSpec describes a standalone ECS instance for POST
// /_emulator/instances. Every field is optional: what is left out is taken
// from the good gateway candidate (cn-hangzhou-h, the sandbox VPC, vSwitch
// and normal security group, ESSD PL1 80 GiB, role ECSForEMRGatewayRole).
// RAMRole "" means no role; left out (null) means the good candidate's.
type MachineSpec struct {
	InstanceID       string       `json:"instanceId,omitempty"`
	Name             string       `json:"name,omitempty"`
	RegionID         string       `json:"regionId,omitempty"`
	ZoneID           string       `json:"zoneId,omitempty"`
	VpcID            string       `json:"vpcId,omitempty"`
	VSwitchID        string       `json:"vSwitchId,omitempty"`
	SecurityGroupIDs []string     `json:"securityGroupIds,omitempty"`
	PrivateIP        string       `json:"privateIp,omitempty"`
	InstanceType     string       `json:"instanceType,omitempty"`
	Status           string       `json:"status,omitempty"`
	RAMRole          *string      `json:"ramRole,omitempty"`
	SystemDisk       *MachineDisk `json:"systemDisk,omitempty"`
}

// MachineDisk is the system disk of a MachineSpec.
type MachineDisk struct {
	DiskID           string `json:"diskId,omitempty"`
	Category         string `json:"category,omitempty"`
	PerformanceLevel string `json:"performanceLevel,omitempty"`
	SizeGiB          int64  `json:"sizeGiB,omitempty"`
}

var machineStatuses = []string{"Pending", "Running", "Starting", "Stopping", "Stopped"}

// AddMachine creates a standalone instance and returns its full spec.
func (s *Server) AddMachine(spec MachineSpec) (MachineSpec, error) {
	var out MachineSpec
	err := s.store.Update(func(w *World) error {
		m, err := machineFrom(w, spec)
		if err != nil {
			return err
		}
		if _, taken := w.Machines.Get(m.ID); taken {
			return fmt.Errorf("instanceId %s already exists; leave instanceId out to get a new one", m.ID)
		}
		if _, taken := w.Nodes.Get(m.ID); taken {
			return fmt.Errorf("instanceId %s is a cluster node; leave instanceId out to get a new one", m.ID)
		}
		m.CreatedAt = s.clock.Now()
		w.Machines.Put(m.ID, &m)
		out = specOf(m)
		return nil
	})
	return out, err
}

func machineFrom(w *World, spec MachineSpec) (machineRec, error) {
	m := goodMachine()
	m.ID = spec.InstanceID
	if m.ID == "" {
		m.ID = w.newID("i-", 20)
	}
	m.SystemDisk.ID = "d-" + strings.TrimPrefix(m.ID, "i-")
	m.Name, m.HostName = "gateway-"+strings.TrimPrefix(m.ID, "i-"), "gateway-"+strings.TrimPrefix(m.ID, "i-")
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&m.Name, spec.Name)
	set(&m.HostName, spec.Name)
	set(&m.Region, spec.RegionID)
	set(&m.ZoneID, spec.ZoneID)
	set(&m.VpcID, spec.VpcID)
	set(&m.VSwitchID, spec.VSwitchID)
	set(&m.PrivateIP, spec.PrivateIP)
	set(&m.InstanceType, spec.InstanceType)
	set(&m.Status, spec.Status)
	if spec.SecurityGroupIDs != nil {
		m.SecurityGroupIDs = slices.Clone(spec.SecurityGroupIDs)
	}
	if spec.RAMRole != nil {
		m.RAMRole = *spec.RAMRole
	}
	if d := spec.SystemDisk; d != nil {
		set(&m.SystemDisk.ID, d.DiskID)
		if d.Category != "" {
			m.SystemDisk.Category, m.SystemDisk.PerformanceLevel = d.Category, d.PerformanceLevel
		}
		if d.SizeGiB != 0 {
			m.SystemDisk.SizeGiB = d.SizeGiB
		}
	}
	return m, checkMachine(w, m)
}

func checkMachine(w *World, m machineRec) error {
	var probs []error
	if !strings.HasPrefix(m.ID, "i-") {
		probs = append(probs, fmt.Errorf("instanceId %q must start with i-", m.ID))
	}
	if _, ok := w.region(m.Region); !ok {
		probs = append(probs, fmt.Errorf("regionId %q is not a sandbox region; use cn-hangzhou, cn-shanghai, cn-beijing or ap-southeast-1", m.Region))
	}
	if !slices.Contains(machineStatuses, m.Status) {
		probs = append(probs, fmt.Errorf("status %q is not an ECS status; use one of %s", m.Status, strings.Join(machineStatuses, ", ")))
	}
	if m.SystemDisk.SizeGiB < systemDiskMin || m.SystemDisk.SizeGiB > systemDiskMax {
		probs = append(probs, fmt.Errorf("systemDisk.sizeGiB %d is out of range; use %d to %d", m.SystemDisk.SizeGiB, systemDiskMin, systemDiskMax))
	}
	if _, ok := diskRange[m.SystemDisk.Category]; !ok {
		probs = append(probs, fmt.Errorf("systemDisk.category %q is not a disk category; use cloud_essd, cloud_efficiency, cloud_ssd, cloud_auto or cloud_essd_entry", m.SystemDisk.Category))
	}
	return errors.Join(probs...)
}

func specOf(m machineRec) MachineSpec {
	return MachineSpec{
		InstanceID: m.ID, Name: m.Name, RegionID: m.Region, ZoneID: m.ZoneID, VpcID: m.VpcID, VSwitchID: m.VSwitchID,
		SecurityGroupIDs: m.SecurityGroupIDs, PrivateIP: m.PrivateIP, InstanceType: m.InstanceType, Status: m.Status,
		RAMRole:    ptr(m.RAMRole),
		SystemDisk: &MachineDisk{DiskID: m.SystemDisk.ID, Category: m.SystemDisk.Category, PerformanceLevel: m.SystemDisk.PerformanceLevel, SizeGiB: m.SystemDisk.SizeGiB},
	}
}

func (s *Server) serveCreateInstance(w http.ResponseWriter, r *http.Request) {
	var spec MachineSpec
	if !readControl(w, r, &spec) {
		return
	}
	out, err := s.AddMachine(spec)
	if err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, out)
}
