# Record what the steps produced in dvc.lock and send the outputs to the DVC remote.
# Every stage of dvc.yaml ran in this workflow, so `dvc commit` records real results;
# `dvc status` then proves that dvc.lock matches the workspace before anything is pushed.
set -eu
dvc commit --force
if ! dvc status --quiet; then
  dvc status >&2
  echo "dvc.lock does not match the workspace after dvc commit: not pushing" >&2
  exit 1
fi
dvc push
