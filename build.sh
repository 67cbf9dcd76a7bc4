#!/usr/bin/env bash
# Entry point of every task: restores the pinned .NET tools, then hands over to Cake (build.cake).
#   ./build.sh run     the platform on the embedded default
#   ./build.sh test    the whole test suite
#   ./build.sh --target=<setup|build|migrate|run|test|bench|seed-perf>   (the first argument may also name the target)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

target_args=()
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then
  target_args=(--target="$1")
  shift
fi

dotnet tool restore >/dev/null
exec dotnet cake build.cake "${target_args[@]}" "$@"
