#!/usr/bin/env bash
# A real Slurm array job: starts a private single-node cluster on localhost (munged, slurmctld,
# slurmd, each with its own socket, ports and state under a temporary folder), submits a smoke
# config through scripts/slurm/submit as a 3-task array plus its merge job, and checks that the
# merged run holds every case of the config exactly once. Exits 77 (CTest: skipped) when Slurm
# or munge is not installed (scripts/setup --with-slurm installs them).
#   array_job.sh ATTNBENCH_BINARY REPO_ROOT
set -u
bin=$(realpath "$1") root=$(realpath "$2")
for tool in munged slurmctld slurmd sbatch squeue scontrol; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool not found (scripts/setup --with-slurm)"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIPPED: a private Slurm cluster needs root (slurmd runs jobs as their users)"; exit 77; }

work=$(mktemp -d /tmp/attnbench-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for log in "$work"/*.log "$work"/out/logs/*; do [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }; done
  exit 1
}
free_port() {  # a random port that nothing listens on (/proc/net/tcp holds them in hex)
  local port
  while port=$(shuf -i 20000-60000 -n 1); grep -qi ":$(printf %04X "$port") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; do :; done
  echo "$port"
}
started=$SECONDS

# munge: a fresh key and socket, so that the test neither needs nor disturbs a system munged.
mkdir -m 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/key" bs=1024 count=1 status=none && chmod 400 "$work/munge/key"
munged --force --key-file="$work/munge/key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/pid" --seed-file="$work/munge/seed" --log-file="$work/munged.log" \
  || fail "munged did not start"
pids+=("$(cat "$work/munge/pid")")

node=$(hostname -s)
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=attnbench-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerParameters=sched_interval=1
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -D -c -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  sleep 0.5
done
sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' || fail "the node never became idle: $(sinfo 2>&1)"
echo "cluster up after $((SECONDS - started)) s"

cat > "$work/smoke.yaml" <<'YAML'
name: slurm-smoke
shape: {heads: 2, head_dim: 32}
seq_len: [256, 384, 512]  # three lengths: one baseline group for each of the 3 tasks
executor: [dense, sparse]
threads: 1
repetitions: 2
patterns:
  - {name: dense, sweep: {causal: [false, true]}}
  - {name: sliding_window, sweep: {radius: [16, 64]}}
  - {name: block_local, params: {block: 64}}
YAML
submitted=$SECONDS
timeout 600 "$root/scripts/slurm/submit" "$work/smoke.yaml" --tasks 3 --out "$work/out" \
  --attnbench "$bin" --wait >"$work/submit.log" 2>&1 || fail "the array or merge job failed: $(cat "$work/submit.log")"
echo "array + merge jobs done after $((SECONDS - submitted)) s"

expected=$("$bin" run "$work/smoke.yaml" --mode list --ids | sort)
merged=$(grep -v '"role":"baseline"' "$work/out/merged/results.jsonl" | sed -n 's/^{"type":"case","id":"\([^"]*\)".*/\1/p' | sort)
[ -n "$expected" ] || fail "the config lists no case"
[ "$merged" = "$expected" ] || fail "merged cases differ from the config's:
$(diff <(echo "$expected") <(echo "$merged"))"
for k in 1 2 3; do
  [ -s "$work/out/shards/$k/results.jsonl" ] || fail "shard $k wrote no results"
  grep -q "\"shard\":\"$k/3\"" "$work/out/shards/$k/results.jsonl" || fail "shard $k did not run as $k/3"
done
[ -f "$work/out/merged/comparison.md" ] || fail "no report in the merged folder"

# A task cut short (as by its time limit): shard 2 keeps its context and one case. The merge
# refuses it; `submit --again` resumes it, and the new merge again holds every case once.
head -2 "$work/out/shards/2/results.jsonl" >"$work/partial" && mv "$work/partial" "$work/out/shards/2/results.jsonl"
"$bin" merge "$work/out"/shards/* --out "$work/refused" >"$work/refused.log" 2>&1 &&
  fail "merge accepted an incomplete shard"
grep -q "shard 2/3 is incomplete" "$work/refused.log" || fail "merge did not say why: $(cat "$work/refused.log")"
timeout 600 "$root/scripts/slurm/submit" --again "$work/out" --wait >"$work/again.log" 2>&1 ||
  fail "the resubmitted array or merge failed: $(cat "$work/again.log")"
merged=$(grep -v '"role":"baseline"' "$work/out/merged/results.jsonl" | sed -n 's/^{"type":"case","id":"\([^"]*\)".*/\1/p' | sort)
[ "$merged" = "$expected" ] || fail "after --again the merged cases differ from the config's:
$(diff <(echo "$expected") <(echo "$merged"))"
grep -q "resuming $work/out/shards/2: 1 of" "$work/out/logs/task-2.out" || fail "shard 2 was not resumed: $(cat "$work/out/logs/task-2.out")"
echo "PASS: $(echo "$expected" | wc -l) cases, each once, from a 3-task array, and again after one task was cut short; $((SECONDS - started)) s in all"
