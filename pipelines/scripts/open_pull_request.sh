# Commit dvc.lock and the metrics on a branch and open a pull request against REVISION, so
# that every model change goes through git and the normal pull-request gates.
# Idempotent, so that a retry is safe: nothing changed, or a pull request already open for
# the branch, and it opens nothing.
set -eu
branch="fraudops/retrain-$WORKFLOW_NAME"
api="$GITHUB_API/repos/$REPOSITORY/pulls"
# shellcheck disable=SC2016  # $GIT_TOKEN is expanded by git's helper shell, on purpose
token='!f() { printf "username=x-access-token\npassword=%s\n" "$GIT_TOKEN"; }; f'
git config user.name "$GIT_AUTHOR_NAME"
git config user.email "$GIT_AUTHOR_EMAIL"
git checkout -B "$branch"
git add --all
if git diff --cached --quiet; then
  echo "dvc.lock and metrics unchanged: no pull request"
  exit 0
fi
git commit --quiet -m "Retrain: $REASON" -m "Argo workflow $WORKFLOW_NAME"
git -c credential.helper="$token" push --force origin "$branch"

github() {
  curl --fail-with-body --silent --show-error \
    --header "Authorization: Bearer $GIT_TOKEN" \
    --header "Accept: application/vnd.github+json" "$@"
}
open=$(github "$api?state=open&head=${REPOSITORY%%/*}:$branch")
if [ "$open" != "[]" ]; then
  echo "a pull request is already open for $branch"
  exit 0
fi
BRANCH="$branch" python - > /tmp/pull-request.json <<'PY'
import json
import os
import pathlib

metrics = pathlib.Path("metrics.json")
body = (
    f"Opened by Argo workflow `{os.environ['WORKFLOW_NAME']}`: {os.environ['REASON']}.\n\n"
    "Test metrics (`metrics.json`):\n\n```json\n"
    + (metrics.read_text() if metrics.exists() else "{}")
    + "\n```\n\nThe pull-request checks rerun the pipeline and its gates from the DVC remote."
)
payload = {
    "title": f"Retrain: {os.environ['REASON']}",
    "head": os.environ["BRANCH"],
    "base": os.environ["REVISION"],
    "body": body,
}
print(json.dumps(payload))
PY
github --request POST --data @/tmp/pull-request.json "$api"
