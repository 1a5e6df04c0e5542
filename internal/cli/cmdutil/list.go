package cmdutil

import (
	"errors"
	"fmt"

	"github.com/emrctl/emrctl/internal/output"
)

// errLimit stops a paged listing once --limit items were written.
var errLimit = errors.New("limit reached")

// ListStream writes a listing page by page to stdout in the -o format,
// honouring --query, --no-headers and a limit, so memory does not grow
// with the number of items.
type ListStream struct {
	f      *Factory
	format output.Format
	lw     *output.ListWriter
	limit  int
	n      int
}

// ListStream starts a listing with the given table columns; limit 0 means
// every item.
func (f *Factory) ListStream(cols []output.Column, limit int) (*ListStream, error) {
	format, err := f.Format()
	if err != nil {
		return nil, err
	}
	var o []output.Option
	if f.NoHeaders {
		o = append(o, output.NoHeaders())
	}
	if f.Query != "" {
		o = append(o, output.WithQuery(f.Query))
	}
	return &ListStream{f: f, format: format, lw: output.NewListWriter(f.IOStreams.Out, format, cols, o...), limit: limit}, nil
}

// WritePage writes one page; once the limit is reached it returns an error
// that Finish recognises, which stops the engine's paging.
func WritePage[T any](s *ListStream, page []T) error {
	items := make([]any, 0, len(page))
	for i := range page {
		if s.limit > 0 && s.n >= s.limit {
			break
		}
		items = append(items, page[i])
		s.n++
	}
	if err := s.lw.WriteItems(items...); err != nil {
		return err
	}
	if s.limit > 0 && s.n >= s.limit {
		return errLimit
	}
	return nil
}

// Finish ends the listing after the engine returned err; with nothing
// listed, people get the empty message on stderr (structured output stays
// an empty list).
func (s *ListStream) Finish(err error, empty string) error {
	if err != nil && !errors.Is(err, errLimit) {
		return err
	}
	if err := s.lw.Close(); err != nil {
		return err
	}
	if s.n == 0 && !s.format.Structured() && s.f.Query == "" {
		fmt.Fprintln(s.f.IOStreams.ErrOut, empty)
	}
	return nil
}
