package engine

import "fmt"

// MaxListItems bounds every list a call takes (IDs, names, filters): the
// work of one call stays bounded whatever the caller sends.
const MaxListItems = 100

// distinct drops repeated items, keeping the first of each, and refuses a
// list longer than MaxListItems after that.
func distinct(field string, items []string) ([]string, error) {
	if len(items) == 0 {
		return items, nil
	}
	seen := make(map[string]bool, len(items))
	out := make([]string, 0, len(items))
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	if len(out) > MaxListItems {
		return nil, inputError(field, fmt.Sprintf("%d distinct entries; at most %d are taken in one call", len(out), MaxListItems),
			fmt.Sprintf("split the list into calls of at most %d", MaxListItems))
	}
	return out, nil
}

// namedList is a list argument and the name the caller knows it by.
type namedList struct {
	field string
	items *[]string
}

// distinctEach applies distinct to each list in place.
func distinctEach(lists ...namedList) error {
	for _, l := range lists {
		out, err := distinct(l.field, *l.items)
		if err != nil {
			return err
		}
		*l.items = out
	}
	return nil
}
