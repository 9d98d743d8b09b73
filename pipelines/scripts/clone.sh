# Clone the repository at REVISION into REPO_DIR on the shared workspace volume.
# GIT_TOKEN (optional, from the fraudops-git secret) is handed to git by a credential
# helper at run time, so it never lands in .git/config on the volume.
set -eu
rm -rf "${REPO_DIR:?}"
# shellcheck disable=SC2016  # $GIT_TOKEN is expanded by git's helper shell, on purpose
token='!f() { if [ -n "${GIT_TOKEN:-}" ]; then printf "username=x-access-token\npassword=%s\n" "$GIT_TOKEN"; fi; }; f'
git -c credential.helper="$token" clone --depth 1 --branch "$REVISION" "$GIT_SERVER/$REPOSITORY.git" "$REPO_DIR"
git -C "$REPO_DIR" log -1 --format='cloned %H (%s)'
