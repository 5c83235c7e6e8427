#!/usr/bin/env bash
# A cubesim sweep as a Slurm job array: task i runs shard i of N and writes its own folder;
# a dependent job merges them.
#   sbatch deploy/slurm/sweep-array.sh
#   sbatch --dependency=afterok:<array job id> --wrap "npx cubesim merge results/sweep-shard*of8 --out results/sweep"
# Run from a checkout where `npm ci` has been done. --array=1-N and SHARDS must agree.
#SBATCH --job-name=cubesim-sweep
#SBATCH --array=1-8
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=24:00:00
#SBATCH --output=cubesim-sweep-%A_%a.log
set -euo pipefail
SHARDS=8
SHARD=${SLURM_ARRAY_TASK_ID}
npx cubesim sweep experiments/bench-w1.json \
  --param endpoints.cucm.timer.sessionExpires=90,180,900,1800 \
  --param workload.arrivals.rate=25,50 \
  --calls 200000 --replications 5 --workers "${SLURM_CPUS_PER_TASK}" \
  --shard "${SHARD}/${SHARDS}" --out "results/sweep-shard${SHARD}of${SHARDS}" --force
