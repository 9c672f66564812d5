#!/usr/bin/env bash
# Regenerates the PNGs in screenshots/ from the real program: builds xray-tui, runs it on
# the demo data set in a private tmux server, drives it with send-keys, captures each screen
# with its colours (`capture-pane -e`) and renders it with scripts/ansi_to_png.py.
#
#   scripts/screenshots.sh             # debug build
#   scripts/screenshots.sh --release   # release build
#
# Makes: screenshots/trace-list.png        the list at 140x40, on the incident
#        screenshots/waterfall.png         an incident trace with a fault, 140x40, the
#                                          root cause selected (its exception below)
#        screenshots/help.png              the help popup, 140x40
#        screenshots/service-map.png       the service map, payments selected, 160x45
#        screenshots/service-map-focus.png the map focused on orders, two hops of callers and
#                                          callees, 160x45
#        screenshots/trace-list-80x24.png  the list at 80x24
#        screenshots/group-by.png          the incident's faults grouped by root cause, 140x40
#        screenshots/histogram.png         the list under its response-time histogram, 140x40
#        screenshots/otel-trace.png        a trace through the OpenTelemetry service, its SERVER
#                                          span selected and the OTel tab open, 140x40
#        screenshots/statistics.png        span statistics of the faults by service and
#                                          operation, 140x40
#        screenshots/icicle-listed.png     the faults' icicle merged by path, 140x40
#        screenshots/icicle.png            one failing trace's icicle, the root cause selected
#        screenshots/logs.png              a failing checkout with its log lines (L), 140x40
#        screenshots/trace-diff.png        a trace with a fault against the typical trace of
#                                          its URL pattern (D), 140x40
#        screenshots/span-search.png       the list's / searched over the loaded traces, 140x40
#        screenshots/insights.png          the Insights screen on the demo's outage, 140x40
# The raw captures are kept beside them as *.ansi (ignored by git). XRAY_TUI_BIN=path uses
# that binary instead of building one.
#
# Needs tmux, DejaVu fonts (fonts-dejavu-core), Symbola (fonts-symbola, for ⧗ and ␛) and
# python3 with venv; installs what is missing with apt-get when run as root, and Pillow and
# fontTools into .venv/ (created here with `python3 -m venv`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/screenshots"

profile=debug
for arg in "$@"; do
    case "$arg" in
        --release) profile=release ;;
        -h | --help)
            awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
            exit 0
            ;;
        *)
            echo "screenshots.sh: unknown argument $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() {
    printf 'screenshots.sh: %s\n' "$*" >&2
    exit 1
}

# --- what this needs -----------------------------------------------------------------------

FONT_DIR=/usr/share/fonts/truetype/dejavu
missing=()
command -v tmux >/dev/null || missing+=(tmux)
[[ -f $FONT_DIR/DejaVuSansMono.ttf && -f $FONT_DIR/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
[[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ]] || missing+=(fonts-symbola)
command -v python3 >/dev/null || missing+=(python3)
if [[ ! -x .venv/bin/python ]] && command -v python3 >/dev/null &&
    ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        die "missing ${missing[*]}: install them first, e.g. sudo apt-get install -y ${missing[*]}"
    fi
fi

if [[ ! -x .venv/bin/python ]]; then
    say "creating .venv"
    python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import PIL, fontTools' 2>/dev/null; then
    say "installing Pillow and fontTools into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check Pillow fonttools
fi

# --- the program ---------------------------------------------------------------------------

if [[ -n ${XRAY_TUI_BIN:-} ]]; then
    BIN="$XRAY_TUI_BIN"
    say "using $BIN (XRAY_TUI_BIN), not building"
else
    say "building xray-tui ($profile)"
    if [[ $profile == release ]]; then
        cargo build --release --bin xray-tui
    else
        cargo build --bin xray-tui
    fi
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/$profile/xray-tui"
fi
[[ -x $BIN ]] || die "no binary at $BIN"

export TZ=UTC
# The demo moves in time to end now, so trace ids change from second to second; rows keep
# their order though. Find the first trace with a fault by its row in the list.
list="$("$BIN" --demo --print list --format json)"
read -r FAULT_ROW rows_total < <(python3 -c '
import json, sys
traces = json.load(sys.stdin)["traces"]
faults = [i for i, t in enumerate(traces) if t["status"] == "fault"]
print(faults[0] if faults else -1, len(traces))' <<<"$list")
[[ $FAULT_ROW -ge 0 ]] || die "no trace with a fault in the demo list"

# --- tmux ----------------------------------------------------------------------------------

SOCKET="xray-tui-screenshots-$$"
tmux_() { tmux -u -L "$SOCKET" -f /dev/null "$@"; }
SOCKET_PATH=""
cleanup() {
    tmux_ kill-server 2>/dev/null || true
    # tmux leaves its socket file behind.
    [[ -z $SOCKET_PATH ]] || rm -f "$SOCKET_PATH"
}
trap cleanup EXIT
unset TMUX TMUX_PANE

# start WIDTH HEIGHT ARGS...: a new session running the app (the previous one is closed
# after, so that the server never runs out of sessions and exits under our feet).
SESSION=""
sessions=0
start() {
    local width=$1 height=$2
    shift 2
    local command previous=$SESSION
    sessions=$((sessions + 1))
    SESSION="shot$sessions"
    printf -v command '%q ' env TZ=UTC "$BIN" "$@"
    tmux_ new-session -d -s "$SESSION" -x "$width" -y "$height" "$command"
    tmux_ set-option -t "$SESSION" remain-on-exit on >/dev/null
    [[ -n $SOCKET_PATH ]] || SOCKET_PATH="$(tmux_ display-message -p '#{socket_path}')"
    [[ -z $previous ]] || tmux_ kill-session -t "$previous"
    local size
    size="$(tmux_ display-message -p -t "$SESSION" '#{pane_width}x#{pane_height}')"
    [[ $size == "${width}x${height}" ]] || die "the pane is $size, not ${width}x${height}"
}

screen() { tmux_ capture-pane -p -t "$SESSION"; }

# wait_for REGEX [WHAT]: polls the screen (10 s at most) until a line matches.
wait_for() {
    local deadline=$((SECONDS + 10))
    until screen | grep -qE -- "$1"; do
        if ((SECONDS >= deadline)); then
            screen >&2
            die "timed out waiting for ${2:-$1}"
        fi
        sleep 0.05
    done
}

# settle: waits until the screen has not changed for 0.3 s (all keys sent are handled).
settle() {
    local previous="" current same=0 deadline=$((SECONDS + 10))
    while ((same < 3)); do
        sleep 0.1
        current="$(tmux_ capture-pane -e -p -t "$SESSION")"
        if [[ $current == "$previous" ]]; then same=$((same + 1)); else same=0; fi
        previous=$current
        ((SECONDS < deadline)) || die "the screen does not settle"
    done
}

keys() { tmux_ send-keys -t "$SESSION" "$@"; }

# repeat N KEY: sends KEY N times (nothing for N <= 0).
repeat() { if (($1 > 0)); then keys -N "$1" "$2"; fi; }

# shoot NAME: captures the pane with colours and renders screenshots/NAME.png.
shoot() {
    local name=$1 size width height
    settle
    size="$(tmux_ display-message -p -t "$SESSION" '#{pane_width} #{pane_height}')"
    read -r width height <<<"$size"
    tmux_ capture-pane -e -N -p -t "$SESSION" >"$OUT/$name.ansi"
    .venv/bin/python scripts/ansi_to_png.py "$OUT/$name.ansi" "$OUT/$name.png" \
        --cols "$width" --rows "$height"
    say "screenshots/$name.png"
}

mkdir -p "$OUT"
# The list is ready when its title has the count --print found (it says "0 traces  loading…"
# before).
LIST_READY="^ Traces  demo  $rows_total traces"

# (1) The list at 140x40, the selection on the first trace with a fault, mid-screen: go past
# it, then come back up, so the rows of the incident fill the screen around it.
start 140 40 --demo
wait_for "$LIST_READY" "the trace list"
past=$((FAULT_ROW + 14 < rows_total ? 14 : rows_total - 1 - FAULT_ROW))
repeat $((FAULT_ROW + past)) j
repeat "$past" k
shoot trace-list

# (3) The help popup over that list.
keys '?'
wait_for '╭ Keys  \(.*key closes\)' "the help popup"
shoot help
keys Escape
settle

# (2) That trace's waterfall, with the root cause of its fault selected (r): the details
# below the waterfall then show the exception it raised.
keys Enter
wait_for '^ Trace .*✖' "the waterfall of a trace with a fault"
wait_for ' Span .* Duration' "the waterfall's rows"
keys r
wait_for 'root cause' "r to select the root cause of the fault"
shoot waterfall

# (5) The service map at 160x45, with the payments service selected (found with /).
start 160 45 --demo
wait_for "$LIST_READY" "the trace list"
keys M
wait_for '^ Map .* nodes' "the service map"
keys /
tmux_ send-keys -t "$SESSION" -l 'payments'
keys Enter
wait_for 'EKS AWS::EKS::Container' "payments selected"
shoot service-map

# (9) The same map focused on orders (f, then + for two hops of callers and callees).
keys /
tmux_ send-keys -t "$SESSION" -l 'orders'
keys Enter
wait_for '2 nodes match "orders"' "the search for orders"
keys n
wait_for 'EC2 AWS::EC2::Instance' "orders selected (the database matched first)"
keys f +
wait_for 'focus: orders ±2' "the focus on orders"
shoot service-map-focus

# (4) The list at 80x24.
start 80 24 --demo
wait_for "$LIST_READY" "the trace list"
shoot trace-list-80x24

# (6) The faults (F) grouped by their root cause (a opens on it for a list of faults).
start 140 40 --demo
wait_for "$LIST_READY" "the trace list"
keys F
wait_for 'filter fault' "the list of faults"
keys a
wait_for '^ Group by  fault root cause' "the faults grouped by root cause"
shoot group-by

# (7) The list under its histogram, the band on the slowest bucket (the incident's faults).
keys q
settle
keys x
wait_for "$LIST_READY" "the whole list again"
keys H
wait_for '^ Response time  band' "the histogram"
shoot histogram

# (8) A trace through the demo's OpenTelemetry service (recommendations): the one whose cache
# refused and DynamoDB answered, its SERVER span found with / and the OTel tab open.
start 140 40 --demo
wait_for "$LIST_READY" "the trace list"
keys f
tmux_ send-keys -t "$SESSION" -l 'annotation.recommendation_source = "dynamodb-fallback"'
keys Enter
wait_for 'filter annotation' "the list narrowed to the fallbacks"
keys Enter
wait_for ' Span .* Duration' "the waterfall's rows"
keys /
tmux_ send-keys -t "$SESSION" -l 'recommendations'
keys Enter
wait_for '/recommendations  2/' "the search for the service"
keys n
keys '[' '[' '['
wait_for 'Scope +opentelemetry' "the OTel tab"
shoot otel-trace

# (9) The span statistics of the incident's faults (F, #), by service and operation.
start 140 40 --demo
wait_for "$LIST_READY" "the trace list"
keys F
wait_for 'filter fault' "the list of faults"
keys '#'
wait_for '^ Statistics  by service ' "the statistics of the faults"
keys Tab Tab
wait_for '^ Statistics  by service and operation' "grouped by service and operation"
shoot statistics

# (10) The faults' icicle, merged by path (i), the payments call selected.
keys Escape
settle
keys i
wait_for '^ Icicle  the [0-9]+ listed traces' "the icicle of the faults"
keys j j j j j j j j
shoot icicle-listed

# (11) One failing trace's icicle (i in the waterfall), its fault's root cause selected (r).
keys Escape
settle
keys Enter
wait_for ' Span .* Duration' "the waterfall's rows"
keys i
wait_for '^ Icicle ' "the trace's icicle"
keys r
wait_for 'root cause' "r to select the root cause"
shoot icicle


# (12) A failing checkout of the incident with its log lines (L), the last one selected.
keys i
wait_for ' Span .* Duration' "the waterfall's rows"
keys L
wait_for ' Logs  [0-9]+ lines' "the logs pane"
keys G
shoot logs

# (13) The first trace with a fault diffed with the typical trace of its URL pattern (D).
start 140 40 --demo
wait_for "$LIST_READY" "the trace list"
repeat "$FAULT_ROW" j
keys Enter
wait_for ' Span .* Duration' "the waterfall's rows"
keys D
wait_for '^ Trace diff .*median of' "the diff with the typical trace"
shoot trace-diff

# (14) The list's span search, which the filter language cannot say: the traces with a
# price-format span slower than 4 ms, searched over the loaded traces.
start 140 40 --demo
wait_for "$LIST_READY" "the trace list"
keys /
tmux_ send-keys -t "$SESSION" -l 'name=price-format duration>4ms'
keys Enter
wait_for 'loaded traces locally\)' "the span search's result"
shoot span-search

# (15) The Insights screen on the demo: the payment provider's outage, 09:42 to 09:52.
start 140 40 --demo
wait_for "$LIST_READY" "the trace list"
keys I
wait_for '^Insights · ' "the Insights screen"
shoot insights

say "done: screenshots/{trace-list,waterfall,help,service-map,service-map-focus,trace-list-80x24,group-by,histogram,otel-trace,statistics,icicle-listed,icicle,logs,trace-diff,span-search,insights}.png"
