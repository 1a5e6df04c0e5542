package wizard

import (
	"context"
	"strings"

	"github.com/emrctl/emrctl/internal/spec"
)

func (f *Flow) askName(context.Context) (*Question, applyFunc, error) {
	name := f.st.name
	if name == "" {
		name = f.st.purpose.rec().namePrefix + "-" + strings.ToLower(string(f.st.clusterType))
	}
	check := func(v string) error {
		return asError(problemsAt(&spec.Cluster{Name: v}, false, "name"))
	}
	q := &Question{
		Kind: Input, Title: "Cluster name",
		Help:    "1-128 letters, Chinese characters, digits, '-' and '_', not starting with '-' or '_'.",
		Default: name,
		Check:   check,
		Feedback: func(a Answer) string {
			if err := check(a.Value); err != nil {
				return "Not valid: " + err.Error()
			}
			return "Valid name."
		},
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.name = a.Value
		return nil
	}, nil
}

func (f *Flow) askDescription(context.Context) (*Question, applyFunc, error) {
	check := func(v string) error {
		return asError(problemsAt(&spec.Cluster{Description: v}, false, "description"))
	}
	q := &Question{
		Kind: Input, Title: "Description (optional)",
		Help:        "At most 256 characters, without ` $ ; | & < > \\ \" ' or line breaks.",
		Placeholder: "what the cluster is for",
		Default:     f.st.description,
		Check:       check,
		Feedback: func(a Answer) string {
			if err := check(a.Value); err != nil {
				return "Not valid: " + err.Error()
			}
			return ""
		},
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.description = strings.TrimSpace(a.Value)
		return nil
	}, nil
}

func (f *Flow) askProtection(context.Context) (*Question, applyFunc, error) {
	rec := f.st.purpose.rec().protection || f.st.mode == spec.DeployHA
	q := &Question{
		Kind: Select, Title: "Deletion protection",
		Help: "A protected cluster cannot be released until protection is turned off on its own (recommended for production).",
		Options: []Option{
			{"on", recommended("On", rec)},
			{"off", recommended("Off", !rec)},
		},
		Default: map[bool]string{true: "on", false: "off"}[rec],
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.protection = a.Value == "on"
		return nil
	}, nil
}

func (f *Flow) askReview(ctx context.Context) (*Question, applyFunc, error) {
	c := f.Spec()
	r, err := f.b.Review(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	q := &Question{Kind: Select, Title: "Create this cluster?", Intro: r.Text}
	save := Option{"save", "Save the spec only; create later with 'emrctl cluster create -f <file>'"}
	discard := Option{"discard", "Discard: save nothing, create nothing"}
	if r.Ready {
		q.Help = "Creating asks you once more to confirm the exact request."
		q.Options = []Option{{"create", "Create the cluster"}, save, discard}
		q.Default = "create"
	} else {
		q.Help = "The plan found problems: creating now would fail. Save the spec, fix it and run 'emrctl cluster plan -f <file>'."
		q.Options = []Option{save, discard}
		q.Default = "save"
	}
	return q, func(_ context.Context, a Answer) error {
		act := map[string]Action{"create": Create, "save": SaveOnly, "discard": Discard}[a.Value]
		f.result = &Result{Spec: c, Action: act}
		return nil
	}, nil
}
