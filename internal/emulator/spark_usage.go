package emulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// What job runs and Kyuubi applications use of their queues: the CU
// they hold now and the CU-hours they used (GetCuHours).

// queueUsed is the CU a queue's running job runs and Kyuubi applications
// hold at now.
func queueUsed(w *World, wsID, queue string, now time.Time) float64 {
	var used float64
	for _, j := range w.JobRuns.Select(func(j *jobRunRec) bool { return j.WorkspaceID == wsID && j.Queue == queue }) {
		if st := jobState(j, now); st == jrRunning || st == jrCancelling {
			used += j.CU
		}
	}
	for _, a := range w.KyuubiApps.Select(func(a *kyuubiAppRec) bool { return a.WorkspaceID == wsID && a.Queue == queue }) {
		if appState(a, now) == appRunning {
			used += a.CU
		}
	}
	return used
}

// maxCuHoursSpan is the longest GetCuHours range ("over one month not
// allowed").
const maxCuHoursSpan = 31 * 24 * time.Hour

func getCuHours(c *call, w *World) (any, error) {
	var req sparkwire.GetCuHoursRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	if _, ok := queueOf(w, ws, req.Queue); !ok {
		return nil, errNotFoundSpark("queue", req.Queue, " in workspace "+ws.ID+"; call ListWorkspaceQueues")
	}
	from, err := parseSparkTime("startTime", req.StartTime)
	if err != nil {
		return nil, err
	}
	to, err := parseSparkTime("endTime", req.EndTime)
	if err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, errInvalidParameter("Invalid Parameters: endTime %s must be after startTime %s", req.EndTime, req.StartTime)
	}
	if to.Sub(from) > maxCuHoursSpan {
		return nil, errInvalidParameter("Invalid Parameters: Query interval over one month not allowed!")
	}
	hours := cuHoursByHour(w, ws.ID, req.Queue, from, minTime(to, c.now))
	return &sparkwire.GetCuHoursResponse{Data: &sparkwire.GetCuHoursResponseData{CuHours: hours}, RequestId: c.requestID}, nil
}

func parseSparkTime(name, v string) (time.Time, error) {
	t, err := time.ParseInLocation(sparkTimeLayout, v, sparkZone)
	if err != nil {
		return t, errInvalidParameter("Invalid Parameters: %s %q is not a time in the format YYYY-MM-DD HH:mm:ss (China Standard Time), such as 2024-01-01 00:00:00", name, v)
	}
	return t, nil
}

// cuHoursByHour sums the CU-hours of a queue's job runs and Kyuubi
// applications per hour, in the service's format: {2025-01-09
// 00:00:00=2.033333, ...}, hours without use left out.
func cuHoursByHour(w *World, wsID, queue string, from, to time.Time) string {
	var parts []string
	if !to.After(from) {
		return "{}"
	}
	jobs := w.JobRuns.Select(func(j *jobRunRec) bool { return j.WorkspaceID == wsID && j.Queue == queue })
	apps := w.KyuubiApps.Select(func(a *kyuubiAppRec) bool { return a.WorkspaceID == wsID && a.Queue == queue })
	for h := from.In(sparkZone).Truncate(time.Hour); h.Before(to); h = h.Add(time.Hour) {
		lo, hi := maxTime(h, from), minTime(h.Add(time.Hour), to)
		var sum float64
		for _, j := range jobs {
			sum += j.CU * runInterval(j, lo, hi).Hours()
		}
		for _, a := range apps {
			sum += a.CU * appInterval(a, lo, hi).Hours()
		}
		if sum > 0 {
			parts = append(parts, fmt.Sprintf("%s=%.6f", h.Format(sparkTimeLayout), sum))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
