# Shell helpers of the robustness tests and scripts/interrupt-bench.sh: leak
# checks for our BPF programs and the run lock. Source it; it defines no
# top-level side effects.
#
# Our programs are the ones whose names end in "_e" (openat_e,
# ia32_compat_openat_e, rawtp_e ...). Other tests on the same machine may keep
# such programs open legitimately. So a program counts as left behind only when
# no process has it open: no fd in /proc/*/fdinfo names its prog_id, directly or
# through a link. Nothing of ours is pinned, so a program without a holder
# is one the kernel keeps attached on its own, or one being freed.

TTM_RUN_LOCK=${TTM_RUN_LOCK:-/run/ttmbench.lock}

# Print "ID NAME" of every program of ours that no process holds.
ttm_orphan_programs() {
	local held
	held=$(cat /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u)
	bpftool prog show -j 2>/dev/null |
		jq -r '.[] | select((.name // "") | endswith("_e")) | "\(.id) \(.name)"' |
		while read -r id name; do
			grep -qx "$id" <<<"$held" || echo "$id $name"
		done
}

# Print "ID PROG_ID" of every link to a program of ours that no process holds.
ttm_orphan_links() {
	local ours held
	ours=$(bpftool prog show -j 2>/dev/null |
		jq -r '.[] | select((.name // "") | endswith("_e")) | .id')
	held=$(cat /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '$1 == "link_id:" { print $2 }' | sort -u)
	bpftool link show -j 2>/dev/null | jq -r '.[] | "\(.id) \(.prog_id)"' |
		while read -r id prog; do
			grep -qx "$prog" <<<"$ours" || continue
			grep -qx "$id" <<<"$held" || echo "$id $prog"
		done
}

# Wait up to $1 seconds (default 5) until no program or link of ours is left
# without a holder, because the kernel frees them a little after their last
# fd closes. Prints what is left and returns 1 on timeout.
ttm_wait_no_orphans() {
	local deadline=$((SECONDS + ${1:-5})) left
	while :; do
		left="$(ttm_orphan_programs)$(ttm_orphan_links)"
		[[ -z $left ]] && return 0
		if ((SECONDS >= deadline)); then
			echo "left attached or loaded without a holder: $left"
			return 1
		fi
		sleep 0.2
	done
}

# Whether the run lock is free: flock(1) can take it without waiting.
ttm_lock_free() {
	[[ ! -e $TTM_RUN_LOCK ]] || flock -n "$TTM_RUN_LOCK" true
}

# Whether PID has an fd that names the prog_id of a program of ours.
ttm_pid_holds_programs() {
	local pid=$1 ours
	ours=$(bpftool prog show -j 2>/dev/null |
		jq -r '.[] | select((.name // "") | endswith("_e")) | .id')
	[[ -n $ours ]] || return 1
	cat /proc/"$pid"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' |
		grep -qxF "$ours"
}

# Whether the run lock is free of pid $1: free, or held by another live
# process (another test or run on this machine), as its content names it.
ttm_lock_released_by() {
	local holder
	ttm_lock_free && return 0
	holder=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' "$TTM_RUN_LOCK" 2>/dev/null)
	[[ -n $holder && $holder != "$1" ]] && kill -0 "$holder" 2>/dev/null
}

# Whether pid $1 is gone: no such process, or a zombie waiting for its reaper.
ttm_process_gone() {
	local state
	state=$(awk '{ print $3 }' /proc/"$1"/stat 2>/dev/null)
	[[ -z $state || $state == Z ]]
}
