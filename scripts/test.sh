#!/usr/bin/env bash
# Runs every Folio test on a fresh machine: installs what the tests need (redis-server for the
# Redis store's tests, sqlite3 for the import/export comparisons), builds the solution and runs
# every test project, then prints one line "N passed, N failed[, N skipped]" counted from the
# test results. Exits non-zero when anything failed. The Garnet tests install the dotnet tool
# garnet-server into artifacts/tools/ on first use (tests/Folio.Testing/GarnetTool.cs).
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "could not install ${missing[*]}" >&2; exit 1; }
fi

# The NativeAOT publish of samples/Todo is part of the suite (about two minutes).
export FOLIO_AOT_TESTS="${FOLIO_AOT_TESTS:-1}"

results="$(mktemp -d)"
dotnet test Generated.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  # An ignored NUnit test is counted in total but not in executed (its notExecuted counter stays 0).
  skipped=$((skipped + $(value total) - $(value executed)))
done
rm -rf "$results"

if [ "$files" -eq 0 ]; then
  echo "no test results were produced" >&2
  exit 1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A build error or a crashed test host leaves no failed result behind: say so, and fail below.
  echo "dotnet test exited with $status although no test result failed" >&2
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
