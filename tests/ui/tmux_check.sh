#!/usr/bin/env bash
# The real app in a real terminal: it starts in 80×24, shows the first lesson within 2 s, and
# exits 0 on ctrl+q within 5 s. Needs tmux (apt-get install tmux). Run from the repository root:
#   tests/ui/tmux_check.sh            (TUTOR_CMD overrides the command, e.g. TUTOR_CMD="tutor --lang en")
# TUTOR_FIRST_SCREEN_MS and TUTOR_QUIT_MS change the limits (test_tmux: only a guard against a hang).
set -euo pipefail

CMD=${TUTOR_CMD:-"python -m tutor.ui --lang en"}
EXPECT=${TUTOR_EXPECT:-"What training a network means"}
LIMIT_MS=${TUTOR_FIRST_SCREEN_MS:-2000}
QUIT_MS=${TUTOR_QUIT_MS:-5000}
WORK=$(mktemp -d)
SESSION="tutor-check-$$"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v tmux >/dev/null || { echo "tmux_check: tmux is not installed" >&2; exit 2; }

tmux new-session -d -s "$SESSION" -x 80 -y 24 \
    "env TUTOR_HOME='$WORK/home' TUTOR_STUDENT=tmux TERM=xterm-256color $CMD; echo \$? > '$WORK/rc'; sleep 30"

now_ms() { echo $(( ${EPOCHREALTIME/[.,]/} / 1000 )); }
start=$(now_ms)
shown=""
while [ -z "$shown" ]; do
    elapsed=$(( $(now_ms) - start ))
    if (( elapsed > LIMIT_MS )); then
        echo "tmux_check: FAIL: '$EXPECT' not on screen after ${LIMIT_MS} ms" >&2
        tmux capture-pane -p -t "$SESSION" >&2
        exit 1
    fi
    tmux capture-pane -p -t "$SESSION" | grep -q "$EXPECT" && shown=$elapsed
    sleep 0.05
done
size=$(tmux display -p -t "$SESSION" '#{window_width}x#{window_height}')
echo "tmux_check: first lesson on screen after ${shown} ms in a ${size} terminal"

tmux send-keys -t "$SESSION" C-q
start=$(now_ms)
while [ ! -s "$WORK/rc" ] && (( $(now_ms) - start <= QUIT_MS )); do
    sleep 0.05
done
rc=$(cat "$WORK/rc" 2>/dev/null || echo "none")
if [ "$rc" != "0" ]; then
    echo "tmux_check: FAIL: exit status $rc after ctrl+q" >&2
    exit 1
fi
echo "tmux_check: exit status 0 after ctrl+q"
