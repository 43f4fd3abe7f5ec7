#!/usr/bin/env bash
# What the build's SQL check (FolioValidateSql) costs, measured as a package user's build sees it:
# packs runtime/Folio (as built in Release) into a temporary feed, builds a copy of samples/Todo and
# a generated class with 200 queries against it, and prints the target's time from MSBuild's
# performance summary:
#   figure sqlcheck.<project>.check_ms     the SQL changed: migrations applied, every statement prepared
#   figure sqlcheck.<project>.same_sql_ms  only C# changed: the assembly is read, its models hash as before
#   figure sqlcheck.<project>.compile_ms   CoreCompile of the first of those builds, for scale
# and "skipped" when nothing changed (MSBuild's Inputs/Outputs). Median of 3 builds each.
# Usage: bash scripts/measure-sqlcheck.sh   (after: dotnet build runtime/Folio -c Release)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d /tmp/folio-sqlcheck-cost-XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_PACKAGES="$work/packages"
version=0.1.0-cost.$(date +%s)
dotnet pack runtime/Folio/Folio.csproj --no-build -c Release -o "$work/feed" -p:Version="$version" >/dev/null
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' > "$work/$f"; done
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><add key="feed" value="$work/feed" /></packageSources>
  <fallbackPackageFolders><add key="machine" value="${HOME}/.nuget/packages" /></fallbackPackageFolders>
</configuration>
CONFIG

project() { # name
  mkdir -p "$work/$1"
  cat > "$work/$1/$1.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup><PackageReference Include="Folio" Version="$version" /></ItemGroup>
</Project>
PROJECT
}

project Todo
cp samples/Todo/TodoDb.cs samples/Todo/Program.cs "$work/Todo/"

project Queries200
{
  echo 'using Folio;'
  echo 'Console.WriteLine(BigDb.PageSize);'
  for t in $(seq 0 19); do echo "public sealed record Row$t(long Id, string Name, double? Score, long Count);"; done
  echo '[PagedDatabase]'
  echo '[MemoryStorage]'
  for t in $(seq 0 19); do
    echo "[Migration($((t + 1)), \"CREATE TABLE t$t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, count INTEGER NOT NULL DEFAULT 0, parent INTEGER)\")]"
  done
  echo 'public partial class BigDb'
  echo '{'
  for q in $(seq 0 199); do
    t=$((q % 20)); u=$(((q + 1) % 20))
    case $((q % 5)) in
      0) echo "    [Query(\"SELECT id, name, score, count FROM t$t WHERE id = \$id\")] public partial Row$t? Get$q(long id);" ;;
      1) echo "    [Query(\"SELECT a.id, a.name, b.score, a.count FROM t$t a LEFT JOIN t$u b ON b.id = a.parent ORDER BY a.id\")] public partial List<Row$t> Join$q();" ;;
      2) echo "    [Query(\"SELECT coalesce(sum(count), 0) AS total, count(*) AS n FROM t$t WHERE name LIKE \$pattern\")] public partial (long Total, long N) Sum$q(string pattern);" ;;
      3) echo "    [Execute(\"INSERT INTO t$t(name, score, count) VALUES (\$name, \$score, \$count)\")] public partial int Add$q(string name, double? score, long count);" ;;
      4) echo "    [Query(\"SELECT name FROM t$t WHERE id IN (SELECT parent FROM t$u WHERE count > \$min) ORDER BY name\")] public partial List<string> Names$q(long min);" ;;
    esac
  done
  echo '}'
} > "$work/Queries200/Program.cs"

target_ms() { # log target
  grep -E "^ +[0-9]+ ms +$2 +[0-9]+ calls" "$1" | awk '{print $1}' | head -1
}
median() { sort -n | sed -n 2p; }

for name in Todo Queries200; do
  dir="$work/$name"
  (cd "$dir" && dotnet build -nodeReuse:false >"$work/first.log" 2>&1) || { cat "$work/first.log"; exit 1; }
  grep -q " 0 Warning(s)" "$work/first.log" || { cat "$work/first.log"; exit 1; }
  sql=$(ls "$dir"/*.cs | grep -v Program.cs || true); sql=${sql:-$dir/Program.cs}
  checks=(); same=(); compiles=()
  for i in 1 2 3; do
    # One more trailing space in the first SQL text: the model changes, nothing else does.
    sed -i '0,/")]/s// ")]/' "$sql"
    (cd "$dir" && dotnet build -nodeReuse:false -clp:PerformanceSummary >"$work/b.log" 2>&1) || { cat "$work/b.log"; exit 1; }
    checks+=("$(target_ms "$work/b.log" FolioValidateSql)"); compiles+=("$(target_ms "$work/b.log" CoreCompile)")
    echo "// edit $i" >> "$dir/Program.cs"
    (cd "$dir" && dotnet build -nodeReuse:false -clp:PerformanceSummary >"$work/b.log" 2>&1)
    same+=("$(target_ms "$work/b.log" FolioValidateSql)")
  done
  (cd "$dir" && dotnet build -nodeReuse:false -v:n >"$work/b.log" 2>&1)
  skipped=$(grep -c 'Skipping target "FolioValidateSql" because all output files are up-to-date' "$work/b.log" || true)
  key=$(echo "$name" | tr '[:upper:]' '[:lower:]')
  echo "figure sqlcheck.$key.check_ms $(printf '%s\n' "${checks[@]}" | median)"
  echo "figure sqlcheck.$key.same_sql_ms $(printf '%s\n' "${same[@]}" | median)"
  echo "figure sqlcheck.$key.compile_ms $(printf '%s\n' "${compiles[@]}" | median)"
  echo "figure sqlcheck.$key.unchanged_skipped $([ "$skipped" -gt 0 ] && echo 1 || echo 0)"
done
