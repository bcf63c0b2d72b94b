#!/usr/bin/env bash
# A single-node Slurm cluster (slurmctld + slurmd + munge on this host) for tests, on Debian 12.
# Run as root. Prints the state folder on its last line; pass it to down.sh.
#   dir=$(bash .ci/slurm/up.sh | tail -1)   ...   bash .ci/slurm/down.sh "$dir"
# (A copy of ../shared/slurm/up.sh, kept with the project so that CI on a fresh clone has it.)
# Checked: apt install about 11 s; `srun hostname` answers about 1 s after the daemons start.
# Without slurmdbd, sacct has no data: read task states with `scontrol show job` (for 300 s after
# a job ends) or from the jobcomp log ($S/log/jobcomp.log).
set -euo pipefail
S=${SLURM_TEST_DIR:-$(mktemp -d)}
export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >&2
fi
mkdir -p "$S"/{state/ctld,state/d,log,run} /etc/slurm
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
fi
install -d -o munge -g munge -m 755 /run/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null
H=$(hostname -s)
read -r CPUS MEM < <(slurmd -C | sed -nE 's/.*CPUs=([0-9]+).*RealMemory=([0-9]+).*/\1 \2/p')
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=test
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$S/state/ctld
SlurmdSpoolDir=$S/state/d
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$S/log/jobcomp.log
NodeName=$H NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld
/usr/sbin/slurmd
for _ in $(seq 120); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 0.5; done
sinfo -h -o %T | grep -qx idle || { echo "slurm did not come up; see $S/log" >&2; exit 1; }
srun hostname >&2
echo "$S"
