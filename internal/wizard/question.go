package wizard

import (
	"context"
	"errors"
)

// Kind is how a question is answered.
type Kind int

// Kinds of questions.
const (
	// Select picks one option.
	Select Kind = iota
	// MultiSelect picks any number of options.
	MultiSelect
	// Input is free text, checked by Question.Check.
	Input
)

// Option is one choice of a Select or MultiSelect question.
type Option struct {
	Value string
	Label string
}

// Question is one step of the flow, independent of how it is rendered.
type Question struct {
	// ID names the step (stable: tests and transcripts use it).
	ID    string
	Kind  Kind
	Title string
	// Intro is printed above the question: the rules, the recommendation
	// and why, what exists but cannot be used. It may be long.
	Intro string
	// Help is a short line shown with the question.
	Help    string
	Options []Option
	// Default is the recommended answer of a Select (highlighted) or an
	// Input (pre-filled). It is never taken without a keypress.
	Default string
	// Defaults are the recommended options of a MultiSelect (pre-selected).
	Defaults    []string
	Placeholder string
	// Problem says why the previous answer to this question was refused.
	Problem string
	// Check refuses an Input value, with the reason. Renderers call it as
	// the person types and on submit.
	Check func(string) error
	// Feedback describes an answer being edited (the rules it breaks, or
	// that it is fine); nil when there is nothing to say.
	Feedback func(Answer) string
}

// Label returns the label of the option with value v, or v.
func (q *Question) Label(v string) string {
	for _, o := range q.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// Answer is what the person chose: Value for Select and Input, Values for
// MultiSelect.
type Answer struct {
	Value  string
	Values []string
}

// Asker asks questions: a terminal form, or a script in tests.
type Asker interface {
	// Ask shows q and returns the person's answer. It returns ErrAborted
	// when the person quits.
	Ask(ctx context.Context, q *Question) (Answer, error)
	// Say shows a line of information between questions.
	Say(text string)
}

// ErrAborted is returned when the person quits the wizard: nothing was
// created and no file was written. It matches context.Canceled too, as an
// interrupted command does.
var ErrAborted error = aborted{}

type aborted struct{}

func (aborted) Error() string { return "wizard: stopped by the user; nothing was created" }

// Is makes errors.Is(err, context.Canceled) true.
func (aborted) Is(target error) bool { return target == context.Canceled }

// ErrStopped is wrapped by the error returned when the person chooses to
// stop, for example to create a missing VPC first.
var ErrStopped = errors.New("wizard: stopped")

// Run asks the flow's questions until it is done and returns its result.
func Run(ctx context.Context, f *Flow, a Asker) (*Result, error) {
	for {
		q, err := f.Next(ctx)
		if err != nil {
			return nil, err
		}
		if q == nil {
			return f.Result(), nil
		}
		ans, err := a.Ask(ctx, q)
		if err != nil {
			return nil, err
		}
		if err := f.Answer(ctx, ans); err != nil {
			return nil, err
		}
		for _, n := range f.TakeNotes() {
			a.Say(n)
		}
	}
}
