#!/usr/bin/env bash
# Runs every cargo-fuzz target for a while, with corpora seeded from the real X-Ray fixtures.
#
#   ./scripts/fuzz.sh [SECONDS] [TARGET...]     # default: 60 s each, every target in turn
#
# Environment:
#   FUZZ_SANITIZER   address (default) or none
#   FUZZ_TIMEOUT     seconds one input may take before libFuzzer calls it a hang (default 10)
#   FUZZ_JOBS        cargo build jobs (default 2)
#   FUZZ_ARGS        more libFuzzer flags, e.g. "-fork=1 -ignore_crashes=1" to keep going after
#                    a crash (every crash is still written to fuzz/artifacts and reported)
#
# Works on the stable toolchain: cargo-fuzz's nightly flags are let through with
# RUSTC_BOOTSTRAP=1. Exits non-zero when a target crashes, printing the artifact paths;
# reproduce one with `cargo fuzz run TARGET ARTIFACT` (same environment).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(filter_parser documents file_loader render service_map datagrams otlp_logs)
fi
sanitizer=${FUZZ_SANITIZER:-address}
timeout=${FUZZ_TIMEOUT:-10}
export RUSTC_BOOTSTRAP=1
export LC_ALL=C # for comm below
export CARGO_BUILD_JOBS=${FUZZ_JOBS:-2}
export PATH="$HOME/.cargo/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

fixtures=$root/tests/fixtures/xray
corpus=$root/fuzz/corpus
mkdir -p "$corpus"

# A file named after its contents, so seeding twice adds nothing.
seed() { # seed TARGET TEXT
    local dir=$corpus/$1
    mkdir -p "$dir"
    local name
    name=$(printf '%s' "$2" | sha1sum | cut -c1-40)
    printf '%s' "$2" >"$dir/seed-$name"
}

seed_json_targets() {
    local target=$1
    mkdir -p "$corpus/$target"
    # The fixtures as they are (pretty-printed AWS CLI outputs, API responses, documents).
    find "$fixtures" -name '*.json' | while read -r file; do
        cp "$file" "$corpus/$target/fixture-$(basename "$(dirname "$file")")-$(basename "$file")"
    done
    # The same documents on one line each: NDJSON records and daemon datagrams.
    if command -v jq >/dev/null 2>&1; then
        local all=""
        for file in "$fixtures"/awsdocs-devguide/segment.*.json "$fixtures"/awsdocs-devguide/subsegment.*.json \
            "$fixtures"/otel-contrib-awsxray/*.json; do
            local line
            line=$(jq -c . "$file")
            seed "$target" "$line"
            seed "$target" $'{"format":"json","version":1}\n'"$line"
            all+="$line"$'\n'
        done
        seed "$target" "$all"
        # The inner documents of BatchGetTraces, one per line: a whole trace as NDJSON.
        for file in "$fixtures"/*/BatchGetTraces.*.json; do
            seed "$target" "$(jq -r '.Traces[].Segments[].Document | fromjson | tojson' "$file")"
        done
    fi
    # Hand-made shapes: a trace with an independent subsegment, an inferred segment, a
    # subsegment whose parent is missing, and a parent cycle; as NDJSON, datagrams, an array.
    local t='"trace_id":"1-5759e988-bd862e3fe1be46a994272793"'
    local seg='{"name":"front","id":"70de5b6f19ff9a0a","start_time":1.478293361271E9,"end_time":1478293361.449,'"$t"',"http":{"request":{"method":"GET","url":"https://example.com/a"},"response":{"status":502}},"fault":true,"subsegments":[{"name":"db","id":"53995c3f42cd8ad8","start_time":1478293361.3,"end_time":1478293361.4,"namespace":"aws","aws":{"operation":"GetItem","table_name":"t"},"cause":{"exceptions":[{"id":"e1","message":"boom","type":"Err","stack":[{"path":"a.go","line":3,"label":"f"}]}]}}],"annotations":{"k":"v","n":1,"b":true},"metadata":{"x":{"y":[1,2]}}}'
    local indep='{"name":"api","id":"6b55dcc497934f1a","start_time":1478293361.31,"end_time":1478293361.35,"type":"subsegment",'"$t"',"parent_id":"53995c3f42cd8ad8","namespace":"remote","sql":{"url":"jdbc:x","sanitized_query":"SELECT 1"}}'
    local inferred='{"name":"DynamoDB","id":"5f3a2b1c0d9e8f7a","start_time":1478293361.3,"end_time":1478293361.4,'"$t"',"parent_id":"53995c3f42cd8ad8","inferred":true,"origin":"AWS::DynamoDB::Table"}'
    local orphan='{"name":"lost","id":"1111111111111111","start_time":1478293361.5,"in_progress":true,"type":"subsegment",'"$t"',"parent_id":"ffffffffffffffff"}'
    local cyc1='{"name":"a","id":"aaaaaaaaaaaaaaaa","start_time":1,"end_time":2,"type":"subsegment",'"$t"',"parent_id":"bbbbbbbbbbbbbbbb"}'
    local cyc2='{"name":"b","id":"bbbbbbbbbbbbbbbb","start_time":1,"end_time":2,"type":"subsegment",'"$t"',"parent_id":"aaaaaaaaaaaaaaaa"}'
    local header='{"format":"json","version":1}'
    seed "$target" "$seg"$'\n'"$indep"$'\n'"$inferred"$'\n'"$orphan"$'\n'"$cyc1"$'\n'"$cyc2"$'\n'
    seed "$target" "$header"$'\n'"$seg"
    seed "$target" "$header"$'\n'"$indep"
    seed "$target" "$header"$'\n'"$seg"$'\n'"$header"$'\n'"$inferred"$'\n'
    seed "$target" "[$seg,$indep,$inferred,$orphan]"
    seed "$target" "[[$seg],[$cyc1,$cyc2]]"
    seed "$target" "$seg"$'\n''{"broken": '$'\n'"$indep"$'\n'
    seed "$target" '{"Traces":[{"Id":"1-5759e988-bd862e3fe1be46a994272793","Duration":0.1,"LimitExceeded":true,"Segments":[{"Id":"70de5b6f19ff9a0a","Document":'"$(printf '%s' "$seg" | jq -R . 2>/dev/null || echo '"{}"')"'}]}],"UnprocessedTraceIds":["1-00000000-000000000000000000000000"]}'
    seed "$target" '{"TraceSummaries":[{"Id":"1-5759e988-bd862e3fe1be46a994272793","StartTime":1478293361.2,"Duration":0.2,"ResponseTime":0.2,"HasFault":true,"Http":{"HttpURL":"https://example.com/\u001b[31m","HttpStatus":502},"Annotations":{"k":[{"AnnotationValue":{"StringValue":"v"}}]},"Users":[{"UserName":"u"}]}],"ApproximateTime":1478293361}'
    seed "$target" '{"Services":[{"ReferenceId":0,"Name":"front","Type":"client","Edges":[{"ReferenceId":1}]},{"ReferenceId":1,"Name":"db","Type":"AWS::DynamoDB::Table","Root":true}]}'
    seed "$target" '{"name":"\u001b]52;c;aGk=\u0007\u009b2J","id":"1","start_time":1,'"$t"',"http":{"request":{"url":"\r\n\t"}},"annotations":{"\u0000":"\u007f"}}'
}

seed_filter() {
    local exprs=(
        'responsetime > 5' 'duration >= 5 AND duration <= 8' 'ok' '!ok' 'ok = false'
        'ok !partial duration <3' 'ok && !partial || fault' 'http.status != 200'
        'rootcause.fault.entity { last and name = "deserialize" }'
        'rootcause.responsetime.entity { remote and coverage > 0.7 and name = "traces" }'
        'service("data-plane") {root = true and fault = true}'
        'rootcause.fault.service { index > 5 }'
        'http.url CONTAINS "/api/game/"' 'user CONTAINS ""'
        'rootcause.responsetime.service { last and type = "AWS::DynamoDB" }'
        'service() { fault }' 'edge("api.example.com", "backend.example.com") { error }'
        'http.url BEGINSWITH "http://api.example.com/" AND http.url CONTAINS "/v2/" AND !service("api.example.com")'
        'http.url AND responseTime > 2' 'annotation.gameid = "817DL6VO"' '!annotation.age'
        'annotation[key with spaces] >= -1.5e3' 'group.name = "high_response_time" AND user = "alice"'
        'group.arn != "arn:aws:xray:us-east-1:1:group/x"'
        'rootcause.json = #[{ "Services": [ { "Name": "GetWeatherData", "EntityPath": [{ "Name": "GetWeatherData" }] } ] }]'
        'service(id(name: "service-name", type:"service::type", account.id: "123")) { fault }'
        'edge(id(name: "one", type:"t"), id(name: "two")) { fault }'
        '(ok OR error) AND !(throttle || partial) http.method = "GET" instance.id ENDSWITH "\"\\"'
        'rootcause.error.exception { message CONTAINS "timeout" and first }'
        'availabilityzone = "us-east-1a" resource.arn BEGINSWITH "arn:" http.clientip = "1.2.3.4" http.useragent CONTAINS "curl" inferred = true'
        'name = "日本" AND type = "AWS::Lambda"' 'http.status > "500"' 'ok AND'
    )
    local expr
    for expr in "${exprs[@]}"; do
        seed filter_parser "$expr"
    done
    cat >"$corpus/filter_parser.dict" <<'EOF'
"ok"
"error"
"throttle"
"fault"
"partial"
"inferred"
"first"
"last"
"remote"
"root"
"responsetime"
"duration"
"http.status"
"index"
"coverage"
"http.url"
"http.method"
"http.useragent"
"http.clientip"
"user"
"name"
"type"
"message"
"availabilityzone"
"instance.id"
"resource.arn"
"annotation."
"annotation["
"group.name"
"group.arn"
"service("
"edge("
"id("
"account.id:"
"rootcause."
"rootcause.json = #["
".fault"
".error"
".responsetime"
".service"
".entity"
".exception"
" AND "
" OR "
"&&"
"||"
"!="
"<="
">="
" CONTAINS "
" BEGINSWITH "
" ENDSWITH "
"true"
"false"
"\\\""
"1e308"
"-0.5"
EOF
}

json_dict() {
    cat >"$corpus/json.dict" <<'EOF'
"{\"format\":\"json\",\"version\":1}\x0a"
"\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\""
"\"id\":"
"\"parent_id\":"
"\"name\":"
"\"start_time\":"
"\"end_time\":"
"\"in_progress\":true"
"\"inferred\":true"
"\"type\":\"subsegment\""
"\"subsegments\":["
"\"namespace\":\"remote\""
"\"fault\":true"
"\"error\":true"
"\"throttle\":true"
"\"cause\":"
"\"exceptions\":["
"\"http\":"
"\"request\":"
"\"response\":"
"\"status\":"
"\"aws\":"
"\"sql\":"
"\"annotations\":"
"\"metadata\":"
"\"origin\":"
"\"Traces\":["
"\"Segments\":["
"\"Document\":"
"\"TraceSummaries\":["
"\"Services\":["
"\"Edges\":["
"\"ReferenceId\":"
"\"LimitExceeded\":true"
"\\u001b"
"\\u009b"
"\\u0000"
"1.568835610432E9"
"null"
"true"
EOF
}

seed_filter
json_dict
for target in documents file_loader render service_map datagrams otlp_logs; do
    seed_json_targets "$target"
done

status=0
failed=()
for target in "${targets[@]}"; do
    dict=$corpus/json.dict
    [ "$target" = filter_parser ] && dict=$corpus/filter_parser.dict
    artifacts=$root/fuzz/artifacts/$target
    mkdir -p "$artifacts"
    before=$(ls -1 "$artifacts")
    echo "fuzz.sh: $target for ${seconds}s (sanitizer: $sanitizer)" >&2
    rc=0
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    cargo fuzz run --sanitizer "$sanitizer" "$target" -- \
        -max_total_time="$seconds" -timeout="$timeout" -dict="$dict" -print_final_stats=1 \
        ${FUZZ_ARGS:-} || rc=$?
    new=$(comm -13 <(echo "$before") <(ls -1 "$artifacts") | grep -v '^minimized-' || true)
    if [ $rc -ne 0 ] || [ -n "$new" ]; then
        status=1
        failed+=("$target")
        echo "fuzz.sh: $target FAILED; artifacts:" >&2
        for file in $new; do echo "  $artifacts/$file" >&2; done
        [ -n "$new" ] || echo "  (none written; see the output above)" >&2
    fi
done

if [ $status -ne 0 ]; then
    echo "fuzz.sh: crashes in: ${failed[*]}" >&2
    echo "reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer $sanitizer TARGET ARTIFACT" >&2
    echo "minimise:  RUSTC_BOOTSTRAP=1 cargo fuzz tmin --sanitizer $sanitizer TARGET ARTIFACT" >&2
fi
exit $status
