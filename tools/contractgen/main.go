// Command contractgen extracts API actions from an official alibabacloud-go
// SDK checkout into the contract JSON format of internal/contract/data
// (described in its README.md, section 2) and adds them to an existing
// contract file, keeping the entries already there byte for byte.
//
// It parses client/client.go and client/*_model.go with go/parser: the
// openapiutil.Params literal and every query[...]/body[...] assignment of
// <Action>WithOptions (in source order), ArrayToStringWithSpecifiedStyle
// shrinks, and the request/response model structs (json tags, Go types, doc
// comments). -doc-ref names an older checkout of the same SDK whose comments
// fill fields that have none (the "docFallback" of the file).
//
//	git -C MIRROR archive COMMIT client | tar -x -C /tmp/sdk
//	go run ./tools/contractgen -sdk /tmp/sdk -doc-ref /tmp/sdk-old \
//	    -merge internal/contract/data/ecs-20140526.json \
//	    -add DescribeInstances,DescribeDisks,DescribeInstanceRamRole \
//	    -out internal/contract/data/ecs-20140526.json
//
// Scope: RPC-style actions (query/body parameters, plain, flat and shrink
// serializations). ROA path and JSON-body parameters are not handled; the
// file header (source, endpoint) is taken from the -merge file.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

type generator struct {
	sdk    *sdk
	docRef *sdk
	types  map[string]*Node
	filled int // fields whose docs came from docRef
}

func newGenerator(sdkDir, docRefDir string) (*generator, error) {
	s, err := loadSDK(sdkDir)
	if err != nil {
		return nil, fmt.Errorf("load -sdk: %w", err)
	}
	g := &generator{sdk: s, types: map[string]*Node{}}
	if docRefDir != "" {
		if g.docRef, err = loadSDK(docRefDir); err != nil {
			return nil, fmt.Errorf("load -doc-ref: %w", err)
		}
	}
	return g, nil
}

func main() {
	sdkDir := flag.String("sdk", "", "SDK checkout (directory holding client/client.go)")
	docRef := flag.String("doc-ref", "", "older checkout of the same SDK for missing field docs (optional)")
	merge := flag.String("merge", "", "existing contract file to add the actions to")
	add := flag.String("add", "", "comma-separated action names to add")
	out := flag.String("out", "", "output file (default: stdout)")
	flag.Parse()
	if err := run(*sdkDir, *docRef, *merge, *add, *out); err != nil {
		fmt.Fprintln(os.Stderr, "contractgen:", err)
		os.Exit(1)
	}
}

func run(sdkDir, docRef, mergePath, add, out string) error {
	if sdkDir == "" || mergePath == "" || add == "" {
		return fmt.Errorf("-sdk, -merge and -add are required (see go doc ./tools/contractgen)")
	}
	g, err := newGenerator(sdkDir, docRef)
	if err != nil {
		return err
	}
	existing, err := os.ReadFile(mergePath)
	if err != nil {
		return err
	}
	res, err := g.merge(existing, strings.Split(add, ","))
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(res)
		return err
	}
	return os.WriteFile(out, res, 0o644)
}
