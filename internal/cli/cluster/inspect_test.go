package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
)

func TestParseDays(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "2w", want: 14 * 24 * time.Hour},
		{in: "1.5d", want: 36 * time.Hour},
		{in: "36h", want: 36 * time.Hour},
		{in: "30", want: 30 * 24 * time.Hour},
		{in: "", wantErr: true},
		{in: "soon", wantErr: true},
		{in: "0d", wantErr: true},
		{in: "-3d", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDays(tt.in)
			var fe *cmdutil.FlagError
			if tt.wantErr {
				if !errors.As(err, &fe) {
					t.Fatalf("got %v, %v; want a flag error", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestParseTimeFlag(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "", want: time.Time{}},
		{in: "2025-06-01T08:00:00Z", want: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)},
		{in: "2025-06-01", want: time.Date(2025, 6, 1, 0, 0, 0, 0, time.Local)},
		{in: "7d", want: now.Add(-7 * 24 * time.Hour)},
		{in: "12h", want: now.Add(-12 * time.Hour)},
		{in: "yesterday", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTimeFlag("--created-after", tt.in, now)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error: %v", err, tt.wantErr)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
