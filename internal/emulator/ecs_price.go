package emulator

import (
	"fmt"
	"math"
	"net/http"

	"github.com/emrctl/emrctl/internal/wire/ecswire"
)

// DescribePrice answers with a deterministic price model, good for
// estimates and for tests that compare costs, never for bills. In CNY:
//
//	instance, per hour = (0.12 × vCPU + 0.03 × GiB of memory) × family factor
//	                     + 8.00 × GPUs + 0.00005 × GiB of local disk
//	                     (family factor: 8th generation 1.0, g8y 0.85, g7 0.95,
//	                     g6 0.9, hfg6 1.05, d3s 1.1; see families)
//	disk, per hour     = GiB × monthly price per GiB / 720; per GiB and month:
//	                     cloud 0.30, cloud_efficiency 0.35, cloud_ssd 1.00,
//	                     cloud_essd PL0 0.50, PL1 1.00, PL2 2.00, PL3 4.00,
//	                     cloud_auto 0.50, cloud_essd_entry 0.50
//	bandwidth, per hour = 0.063 × Mbit/s with PayByBandwidth (PayByTraffic
//	                     is billed per GB afterwards, so it costs 0 here)
//	Week = 168 h × 0.6, Month = 720 h × 0.45, Year = 12 months, 15% off
//	spot (PriceUnit Hour only) = 20% of the on-demand instance price
//
// OriginalPrice = unit price × Period × Amount, DiscountPrice is the annual
// discount, TradePrice = OriginalPrice − DiscountPrice. Hourly prices keep
// four decimals, the others two.

var diskMonthlyPerGiB = map[string]float64{
	"cloud": 0.30, "cloud_efficiency": 0.35, "cloud_ssd": 1.00, "cloud_auto": 0.50, "cloud_essd_entry": 0.50,
}

var essdMonthlyPerGiB = map[string]float64{"PL0": 0.50, "PL1": 1.00, "PL2": 2.00, "PL3": 4.00}

const (
	annualDiscount     = 0.15
	annualDiscountRule = 587
	spotShare          = 0.2
	bandwidthPerMbit   = 0.063
)

// priceLine is one priced resource (DetailInfos.DetailInfo).
type priceLine struct {
	resource string
	hourly   float64
}

func ecsDescribePrice(c *call, w *World) (any, error) {
	var req ecswire.DescribePriceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	if err := checkPriceRequest(c, reg, &req); err != nil {
		return nil, err
	}
	var lines []priceLine
	switch orDefault(req.ResourceType, "instance") {
	case "instance":
		lines, err = instancePriceLines(reg, &req)
	case "disk":
		lines, err = diskOnlyPriceLines(&req)
	default:
		err = errInvalidParameter("ResourceType %s is not priced by the sandbox; use instance or disk", req.ResourceType)
	}
	if err != nil {
		return nil, err
	}
	return priceResponse(c, &req, lines), nil
}

func checkPriceRequest(c *call, reg *regionRec, req *ecswire.DescribePriceRequest) error {
	for _, p := range [][2]string{
		{"ResourceType", req.ResourceType}, {"PriceUnit", req.PriceUnit}, {"SpotStrategy", req.SpotStrategy},
		{"InternetChargeType", req.InternetChargeType}, {"IoOptimized", req.IoOptimized}, {"Platform", req.Platform},
		{"InstanceNetworkType", req.InstanceNetworkType},
	} {
		if err := c.checkEnum(p[0], p[1]); err != nil {
			return err
		}
	}
	if req.ZoneId != "" && !reg.zone(req.ZoneId) {
		return errNotFound("InvalidZoneId.NotFound", "The specified zone %s does not exist in %s; call DescribeZones", req.ZoneId, reg.ID)
	}
	if a := i64(req.Amount); req.Amount != nil && (a < 1 || a > 1000) {
		return errInvalidParameter("Amount must be 1 to 1000, got %d", a)
	}
	if b := i64(req.InternetMaxBandwidthOut); b < 0 || b > 100 {
		return errInvalidParameter("InternetMaxBandwidthOut must be 0 to 100, got %d", b)
	}
	unit := orDefault(req.PriceUnit, "Hour")
	if s := req.SpotStrategy; s != "" && s != "NoSpot" && unit != "Hour" {
		return errInvalidParameter("SpotStrategy %s is priced per Hour only, got PriceUnit %s", s, unit)
	}
	maxPeriod := map[string]int64{"Hour": 1, "Week": 4, "Month": 9, "Year": 5}[unit]
	if p := i64(req.Period); req.Period != nil && (p < 1 || p > maxPeriod) {
		return errInvalidParameter("Period must be 1 to %d when PriceUnit is %s, got %d", maxPeriod, unit, p)
	}
	return nil
}

func instancePriceLines(reg *regionRec, req *ecswire.DescribePriceRequest) ([]priceLine, error) {
	if req.InstanceType == "" {
		return nil, errMissing("MissingParameter", "InstanceType is mandatory when ResourceType is instance")
	}
	it, ok := reg.instanceType(req.InstanceType)
	if !ok {
		return nil, errNotFound("InvalidInstanceType.NotFound", "The instance type %s is not offered in %s; call DescribeInstanceTypes", req.InstanceType, reg.ID)
	}
	f := familyOf(it)
	inst := (0.12*float64(it.Cores)+0.03*float64(it.MemoryGiB))*f.priceFactor + 8.0*float64(it.GPUs) + 0.00005*float64(it.LocalDisks*it.LocalDiskGB)
	if s := req.SpotStrategy; s != "" && s != "NoSpot" {
		inst *= spotShare
	}
	lines := []priceLine{{"instanceType", inst}}
	sys, err := systemDiskLine(f, req.SystemDisk)
	if err != nil {
		return nil, err
	}
	lines = append(lines, sys)
	data, err := dataDiskLine(f.disks, req.DataDisk)
	if err != nil {
		return nil, err
	}
	if data.hourly > 0 {
		lines = append(lines, data)
	}
	if req.InternetChargeType == "PayByBandwidth" && i64(req.InternetMaxBandwidthOut) > 0 {
		lines = append(lines, priceLine{"bandwidth", bandwidthPerMbit * float64(i64(req.InternetMaxBandwidthOut))})
	}
	return lines, nil
}

// systemDiskLine prices the system disk: by default 40 GiB of the family's
// first disk category (cloud_essd on 8th generation types, which take no
// cloud_efficiency).
func systemDiskLine(f familySpec, sd *ecswire.DescribePriceRequestSystemDisk) (priceLine, error) {
	cat, size, pl := f.disks[0], int64(40), "PL1"
	if sd != nil {
		cat, pl = orDefault(sd.Category, cat), orDefault(sd.PerformanceLevel, pl)
		if sd.Size != nil {
			size = *sd.Size
		}
	}
	if !contains(f.disks, cat) {
		return priceLine{}, newError(http.StatusBadRequest, "InvalidSystemDiskCategory.ValueNotSupported", "SystemDisk.Category %s is not supported by this instance type; use one of %s", cat, fmtList(f.disks))
	}
	if size < systemDiskMin || size > systemDiskMax {
		return priceLine{}, errInvalidParameter("SystemDisk.Size must be %d to %d GiB, got %d", systemDiskMin, systemDiskMax, size)
	}
	perGiB, err := diskPrice("SystemDisk", cat, pl)
	if err != nil {
		return priceLine{}, err
	}
	return priceLine{"systemDisk", perGiB * float64(size) / 720}, nil
}

// dataDiskLine prices every data disk as one line.
func dataDiskLine(allowed []string, disks []ecswire.DescribePriceRequestDataDiskItem) (priceLine, error) {
	if len(disks) > 16 {
		return priceLine{}, errInvalidParameter("DataDisk takes at most 16 disks, got %d", len(disks))
	}
	total := 0.0
	for i, d := range disks {
		p := fmt.Sprintf("DataDisk.%d", i+1)
		if d.Category == "" || d.Size == nil {
			return priceLine{}, errInvalidParameter("%s needs Category and Size", p)
		}
		if allowed != nil && !contains(allowed, d.Category) {
			return priceLine{}, newError(http.StatusBadRequest, "InvalidDataDiskCategory.ValueNotSupported", "%s.Category %s is not supported by this instance type; use one of %s", p, d.Category, fmtList(allowed))
		}
		r, ok := diskRange[d.Category]
		if !ok {
			return priceLine{}, errInvalidParameter("%s.Category %q is not a disk category", p, d.Category)
		}
		if *d.Size < r[0] || *d.Size > r[1] {
			return priceLine{}, errInvalidParameter("%s.Size must be %d to %d GiB for %s, got %d", p, r[0], r[1], d.Category, *d.Size)
		}
		perGiB, err := diskPrice(p, d.Category, orDefault(d.PerformanceLevel, "PL1"))
		if err != nil {
			return priceLine{}, err
		}
		total += perGiB * float64(*d.Size) / 720
	}
	return priceLine{"dataDisk", total}, nil
}

func diskOnlyPriceLines(req *ecswire.DescribePriceRequest) ([]priceLine, error) {
	if len(req.DataDisk) != 1 {
		return nil, errMissing("MissingParameter", "DataDisk.1.Category and DataDisk.1.Size are mandatory when ResourceType is disk")
	}
	line, err := dataDiskLine(nil, req.DataDisk)
	return []priceLine{line}, err
}

// diskPrice is the monthly price of one GiB.
func diskPrice(path, category, level string) (float64, error) {
	if category == "cloud_essd" {
		p, ok := essdMonthlyPerGiB[level]
		if !ok {
			return 0, errInvalidParameter("%s.PerformanceLevel %q is not valid; use PL0, PL1, PL2 or PL3", path, level)
		}
		return p, nil
	}
	p, ok := diskMonthlyPerGiB[category]
	if !ok {
		return 0, errInvalidParameter("%s.Category %q is not a disk category", path, category)
	}
	return p, nil
}

// priceResponse turns hourly prices into the unit, period and amount asked.
func priceResponse(c *call, req *ecswire.DescribePriceRequest, lines []priceLine) *ecswire.DescribePriceResponse {
	unit := orDefault(req.PriceUnit, "Hour")
	mult := map[string]float64{"Hour": 1, "Week": 168 * 0.6, "Month": 720 * 0.45, "Year": 12 * 720 * 0.45}[unit]
	mult *= float64(max(1, i64(req.Period)))
	if req.Amount != nil {
		mult *= float64(*req.Amount)
	}
	discount := 0.0
	if unit == "Year" {
		discount = annualDiscount
	}
	digits := 2.0
	if unit == "Hour" {
		digits = 4
	}
	round := func(v float64) float64 { return math.Round(v*math.Pow(10, digits)) / math.Pow(10, digits) }
	price := &ecswire.DescribePriceResponsePriceInfoPrice{Currency: "CNY", DetailInfos: &ecswire.DescribePriceResponsePriceInfoPriceDetailInfos{}}
	var orig, off float64
	for _, l := range lines {
		o := round(l.hourly * mult)
		d := round(o * discount)
		orig, off = orig+o, off+d
		price.DetailInfos.DetailInfo = append(price.DetailInfos.DetailInfo, ecswire.DescribePriceResponsePriceInfoPriceDetailInfosDetailInfoItem{
			Resource: l.resource, OriginalPrice: ptr(o), DiscountPrice: ptr(d), TradePrice: ptr(round(o - d)),
		})
	}
	price.OriginalPrice, price.DiscountPrice, price.TradePrice = ptr(round(orig)), ptr(round(off)), ptr(round(orig-off))
	info := &ecswire.DescribePriceResponsePriceInfo{Price: price}
	if discount > 0 {
		info.Rules = &ecswire.DescribePriceResponsePriceInfoRules{Rule: []ecswire.DescribePriceResponsePriceInfoRulesRuleItem{
			{RuleId: ptr(int64(annualDiscountRule)), Description: "Annual subscription: 15% off"},
		}}
	}
	return &ecswire.DescribePriceResponse{RequestId: c.requestID, PriceInfo: info}
}
