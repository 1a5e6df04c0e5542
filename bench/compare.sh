#!/usr/bin/env bash
# compare.sh: emrctl next to the tools people use today, in one run on one
# machine. See bench/README.md for what each figure means.
#
#   a  one 'cluster list' call on AWS EMR (moto_server): emrctl vs the aws
#      CLI vs a boto3 script vs the floor (emrctl start-up + moto's own answer
#      time); and emrctl on the sandbox over HTTP. Wall, CPU, peak RSS:
#      medians of RUNS interleaved rounds.
#   b  server throughput: 'emrctl sandbox serve --rate off' vs moto_server,
#      ListClusters (a page of 50) and GetCluster/DescribeCluster, at 10 and
#      1,000 clusters, 8 and 32 concurrent clients, DUR each, median of REPS.
#
# Usage: bench/compare.sh [a] [b]     (default: a b)
#        OUT=DIR bench/compare.sh report  (print the tables of an earlier run)
# Env:   RUNS=9 DUR=3s REPS=3 OUT=DIR (results: DIR/a.tsv, DIR/b.tsv)
# Needs: go, moto_server, aws (CLI), python3 with boto3, curl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-9}
DUR=${DUR:-3s}
REPS=${REPS:-3}
PARTS=${*:-a b}
OUT=${OUT:-$(mktemp -d /tmp/emrctl-compare-out.XXXXXX)}
PIDS=()
WORK=
if [ "$PARTS" != report ]; then
	WORK=$(mktemp -d /tmp/emrctl-compare.XXXXXX)
	mkdir -p "$OUT"
	trap cleanup EXIT
fi

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}

need() {
	command -v "$1" >/dev/null || { echo "compare.sh: $1 is not installed ($2)" >&2; exit 1; }
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # URL
	local i
	for i in $(seq 1 300); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "compare.sh: $1 did not answer in 30 s" >&2
	exit 1
}

build() {
	echo "== build (once)" >&2
	(cd "$ROOT" && go build -o "$WORK/emrctl" ./cmd/emrctl && go build -o "$WORK/load" ./bench/cmd/load)
}

start_moto() {
	local port
	port=$(free_port)
	setsid moto_server -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
	PIDS+=($!)
	MOTO=http://127.0.0.1:$port
	wait_http "$MOTO/moto-api/data.json"
}

start_sandbox() {
	setsid "$WORK/emrctl" sandbox serve --listen 127.0.0.1:0 --port-file "$WORK/sandbox.port" \
		--memory --quiet --speed 0 --rate off 2>"$WORK/sandbox.log" &
	PIDS+=($!)
	local i
	for i in $(seq 1 100); do
		[ -s "$WORK/sandbox.port" ] && break
		sleep 0.05
	done
	SANDBOX=http://$(cat "$WORK/sandbox.port")
	wait_http "$SANDBOX/_emulator/health"
}

# An isolated emrctl home with two profiles: moto (AWS) and sbx (the
# sandbox over HTTP); fake AWS credentials and no shared AWS files.
setup_env() {
	export EMRCTL_CONFIG_DIR=$WORK/home/config EMRCTL_DATA_DIR=$WORK/home/data
	mkdir -p "$EMRCTL_CONFIG_DIR" "$EMRCTL_DATA_DIR"
	cat >"$EMRCTL_CONFIG_DIR/config.yaml" <<-YAML
	currentProfile: moto
	profiles:
	  moto:
	    provider: aws
	    region: us-east-1
	    endpoint: $MOTO
	  sbx:
	    provider: sandbox
	    region: cn-hangzhou
	    endpoint: $SANDBOX
	YAML
	export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
	export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=
	cat >"$WORK/boto3_list.py" <<-PY
	import json, boto3
	emr = boto3.client("emr", endpoint_url="$MOTO")
	out = []
	for page in emr.get_paginator("list_clusters").paginate():
	    out.extend(page["Clusters"])
	print(json.dumps(out, default=str))
	PY
}

seed() { # N: both servers hold N clusters afterwards (adds N - current)
	local have=${SEEDED:-0}
	echo "== seed $1 clusters on each server" >&2
	"$WORK/load" seed -target moto -endpoint "$MOTO" -from "$have" -n $(($1 - have))
	EMRCTL_REPO=$ROOT "$WORK/load" seed -target emulator -endpoint "$SANDBOX" -from "$have" -n $(($1 - have))
	SEEDED=$1
}

# The emulator's inventory may hold clusters before seeding; both sides must
# list the same number.
check_counts() {
	local m s
	m=$("$WORK/emrctl" --profile moto cluster list -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	s=$("$WORK/emrctl" --profile sbx cluster list -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	echo "   clusters listed: moto $m, sandbox $s" >&2
	if [ "$m" != "$s" ]; then
		echo "compare.sh: the servers hold different numbers of clusters" >&2
		exit 1
	fi
}

# The embedded sandbox (the default profile: no server, its state in a
# SQLite file under HOME) gets the same 10 clusters.
seed_embedded() {
	local i
	for i in $(seq 1 10); do
		"$WORK/emrctl" --profile sandbox cluster create -f "$ROOT/examples/dev-cluster.yaml" --yes --another -o json >/dev/null
	done
}

part_a() {
	echo "== a: one cluster list call, $RUNS interleaved rounds" >&2
	seed_embedded
	printf '%s\t%s\n' \
		emrctl-aws "$WORK/emrctl --profile moto cluster list -o json" \
		aws-cli "aws emr list-clusters --endpoint-url $MOTO --output json" \
		boto3 "python3 $WORK/boto3_list.py" \
		emrctl-version "$WORK/emrctl version" \
		moto-raw "@amz-json $MOTO ElasticMapReduce.ListClusters" \
		emrctl-sandbox-http "$WORK/emrctl --profile sbx cluster list -o json" \
		emrctl-sandbox "$WORK/emrctl --profile sandbox cluster list -o json" >"$WORK/a.spec"
	"$WORK/load" measure -runs "$RUNS" -spec "$WORK/a.spec" | tee "$OUT/a.tsv" >&2
	report_a
}

report_a() {
	[ -s "$OUT/a.tsv" ] || return 0
	awk -F'\t' '
		{ w[$1]=$2; c[$1]=$3; r[$1]=$4 }
		END {
			fw = w["emrctl-version"] + w["moto-raw"]
			printf "\n%-34s %9s %9s %9s %8s\n", "a. one ListClusters call", "wall s", "cpu s", "rss MiB", "x floor"
			printf "%-34s %9.3f %9.3f %9.1f %8.2f\n", "floor (emrctl version + raw HTTP)", fw, c["emrctl-version"], r["emrctl-version"], 1
			n = split("emrctl-aws aws-cli boto3 emrctl-sandbox-http emrctl-sandbox", k, " ")
			for (i = 1; i <= n; i++)
				printf "%-34s %9.3f %9.3f %9.1f %8.2f\n", k[i], w[k[i]], c[k[i]], r[k[i]], w[k[i]] / fw
			printf "\naws CLI / emrctl: wall %.1fx, cpu %.1fx, rss %.1fx; boto3 / emrctl: wall %.1fx\n",
				w["aws-cli"] / w["emrctl-aws"], c["aws-cli"] / c["emrctl-aws"], r["aws-cli"] / r["emrctl-aws"], w["boto3"] / w["emrctl-aws"]
			printf "emrctl on AWS / floor: %.2fx (%.0f ms above it)\n", w["emrctl-aws"] / fw, (w["emrctl-aws"] - fw) * 1000
			printf "sandbox path / AWS path (wall): over HTTP %.2fx, embedded %.2fx\n", w["emrctl-sandbox-http"] / w["emrctl-aws"], w["emrctl-sandbox"] / w["emrctl-aws"]
		}' "$OUT/a.tsv"
}

# median of REPS load runs: prints req/s
load_median() { # target endpoint action conc
	local i vals=()
	for i in $(seq 1 "$REPS"); do
		vals+=("$("$WORK/load" run -target "$1" -endpoint "$2" -action "$3" -c "$4" -d "$DUR" | cut -d' ' -f1)")
	done
	printf '%s\n' "${vals[@]}" | sort -g | awk '{ v[NR]=$1 } END { print v[int((NR+1)/2)] }'
}

part_b_size() { # clusters
	local action conc e m
	for action in list get; do
		for conc in 8 32; do
			e=$(load_median emulator "$SANDBOX" "$action" "$conc")
			m=$(load_median moto "$MOTO" "$action" "$conc")
			printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$action" "$conc" "$e" "$m" | tee -a "$OUT/b.tsv" >&2
		done
	done
}

report_b() {
	[ -s "$OUT/b.tsv" ] || return 0
	awk -F'\t' '
		BEGIN { printf "\n%-9s %-6s %5s %14s %14s %8s\n", "b.clusters", "call", "conc", "sandbox req/s", "moto req/s", "ratio" }
		{ call = ($2 == "list") ? "list50" : "get"
		  printf "%-9s %-6s %5s %14.0f %14.0f %7.1fx\n", $1, call, $3, $4, $5, ($5 > 0 ? $4 / $5 : 0) }' "$OUT/b.tsv"
}

main() {
	if [ "$PARTS" = report ]; then
		report_a
		report_b
		return
	fi
	need go "Go 1.26"
	need moto_server "pip install 'moto[server]'"
	need aws "pip install awscli"
	need curl "apt-get install curl"
	python3 -c 'import boto3' || { echo "compare.sh: python3 has no boto3 (pip install boto3)" >&2; exit 1; }
	build
	start_moto
	start_sandbox
	setup_env
	echo "== moto $MOTO, sandbox $SANDBOX (rate off), work dir $WORK" >&2
	: >"$OUT/b.tsv"
	: >"$OUT/a.tsv"
	seed 10
	check_counts
	case " $PARTS " in *" a "*) part_a ;; esac
	case " $PARTS " in *" b "*)
		echo "== b: req/s, $DUR per run, median of $REPS (sandbox, then moto)" >&2
		part_b_size 10
		seed 1000
		check_counts
		part_b_size 1000
		report_b
		;;
	esac
	echo "results: $OUT" >&2
}

main
