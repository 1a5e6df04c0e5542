package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"
	"github.com/emrctl/emrctl/internal/validate"
)

// Terminal asks the flow's questions with huh forms, one form per
// question, and leaves a line per answer so the screen keeps a transcript
// (huh clears a form once it is answered).
type Terminal struct {
	in    io.Reader
	out   io.Writer
	theme *huh.Theme
}

// NewTerminal returns an Asker on a terminal's input and output.
func NewTerminal(in io.Reader, out io.Writer) *Terminal {
	// ThemeBase16 uses the terminal's own 16 colours: readable on light and
	// dark backgrounds alike, whatever the terminal said (or did not say)
	// when asked for its background colour.
	return &Terminal{in: in, out: out, theme: huh.ThemeBase16()}
}

// Say implements Asker.
func (t *Terminal) Say(text string) {
	fmt.Fprintln(t.out, "  "+strings.ReplaceAll(text, "\n", "\n  "))
}

// Ask implements Asker.
func (t *Terminal) Ask(ctx context.Context, q *Question) (Answer, error) {
	if q.Intro != "" {
		fmt.Fprintln(t.out)
		fmt.Fprintln(t.out, validate.Visible(q.Intro))
	}
	if q.Problem != "" {
		fmt.Fprintln(t.out, "✗ Not accepted: "+strings.ReplaceAll(validate.Visible(q.Problem), "\n", "\n    "))
	}
	var (
		field  huh.Field
		value  = newShared(q.Default)
		values = newShared(slices.Clone(q.Defaults))
	)
	describe := func(a Answer) string {
		fb := ""
		if q.Feedback != nil {
			fb = q.Feedback(a)
		}
		return validate.Visible(strings.TrimSpace(q.Help + "\n" + fb))
	}
	one := func() string { return describe(Answer{Value: value.Get()}) }
	switch q.Kind {
	case Select:
		opts := make([]huh.Option[string], len(q.Options))
		for i, o := range q.Options {
			opts[i] = huh.NewOption(validate.Inline(o.Label), o.Value)
		}
		field = huh.NewSelect[string]().Title(q.Title).Options(opts...).Accessor(value).DescriptionFunc(one, value)
	case MultiSelect:
		// The recommended options are pre-selected by value.
		opts := make([]huh.Option[string], len(q.Options))
		for i, o := range q.Options {
			opts[i] = huh.NewOption(validate.Inline(o.Label), o.Value).Selected(slices.Contains(q.Defaults, o.Value))
		}
		field = huh.NewMultiSelect[string]().Title(q.Title).Options(opts...).Accessor(values).
			DescriptionFunc(func() string { return describe(Answer{Values: values.Get()}) }, values)
	case Input:
		in := huh.NewInput().Title(q.Title).Placeholder(q.Placeholder).Accessor(value).DescriptionFunc(one, value)
		if q.Check != nil {
			in = in.Validate(q.Check)
		}
		field = in
	default:
		return Answer{}, fmt.Errorf("wizard: question %s has an unknown kind %d", q.ID, q.Kind)
	}
	form := huh.NewForm(huh.NewGroup(field)).WithTheme(t.theme).WithInput(t.in).WithOutput(t.out).WithShowHelp(true)
	err := form.RunWithContext(ctx)
	switch {
	case errors.Is(err, huh.ErrUserAborted):
		return Answer{}, ErrAborted
	case err != nil:
		return Answer{}, fmt.Errorf("wizard: %s: %w", q.ID, err)
	}
	a := Answer{Value: value.Get(), Values: values.Get()}
	fmt.Fprintf(t.out, "✓ %s: %s\n", q.Title, validate.Inline(t.shown(q, a)))
	return a, nil
}

// shown is how an answer reads in the transcript.
func (t *Terminal) shown(q *Question, a Answer) string {
	switch q.Kind {
	case Select:
		return q.Label(a.Value)
	case MultiSelect:
		if len(a.Values) == 0 {
			return "(none)"
		}
		return strings.Join(a.Values, ", ")
	}
	if a.Value == "" {
		return "(none)"
	}
	return a.Value
}

// shared is the value of a field. huh evaluates description funcs in
// command goroutines while its event loop sets the value, so reads and
// writes take the lock. V is exported for huh to hash the bindings of
// the description func: only the event loop, the one writer, reads it
// without the lock. The lock is behind a pointer because hashing copies
// the struct.
type shared[T any] struct {
	mu *sync.Mutex
	V  T
}

func newShared[T any](v T) *shared[T] { return &shared[T]{mu: &sync.Mutex{}, V: v} }

// Get implements huh.Accessor.
func (s *shared[T]) Get() T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.V
}

// Set implements huh.Accessor.
func (s *shared[T]) Set(v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.V = v
}
