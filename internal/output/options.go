package output

import (
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// Option changes how output is rendered.
type Option func(*options)

type options struct {
	noHeaders bool
	query     string
	color     bool
	loc       *time.Location
}

func buildOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.loc == nil {
		o.loc = time.Local
	}
	return o
}

// NoHeaders leaves out the header row of table, wide and CSV output, for
// scripts that parse the rows.
func NoHeaders() Option {
	return func(o *options) { o.noHeaders = true }
}

// WithQuery applies a JMESPath expression (the --query flag) to the
// JSON form of the data before rendering. An empty expression is no query.
// A ListWriter with a query buffers the whole list; see NewListWriter.
// JMESPath compares numbers as float64, so integers beyond 2^53 lose
// precision in query results (epoch milliseconds are far below that).
func WithQuery(expr string) Option {
	return func(o *options) { o.query = expr }
}

// WithColor allows ANSI colour (bold table headers, a red "Error:"). Pass
// iostreams.IOStreams.ColorEnabled(). Even when enabled, no colour is written
// to an *os.File that is not a terminal.
func WithColor(enabled bool) Option {
	return func(o *options) { o.color = enabled }
}

// WithLocation sets the time zone of Time columns; the default is the
// process's local zone. Tests use it to get stable output.
func WithLocation(loc *time.Location) Option {
	return func(o *options) { o.loc = loc }
}

// useColor reports whether colour may be written to w: only when asked for,
// and never to a file that is not a terminal, whatever the caller claimed.
func (o options) useColor(w io.Writer) bool {
	if !o.color {
		return false
	}
	if f, ok := w.(*os.File); ok {
		return term.IsTerminal(int(f.Fd()))
	}
	return true
}
