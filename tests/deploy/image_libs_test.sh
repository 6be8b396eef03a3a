#!/usr/bin/env bash
# Every shared library a built service binary loads is installed by its
# stage of deploy/docker/Dockerfile: a library missing from the image stops
# the container before main() ("error while loading shared libraries"),
# which no other check sees (this repository builds no images).
#
# For each stage and its binaries in the build directory
#   complaints  services/complaints/sqms-complaints, tools/sqmsctl/sqmsctl
#   metrics     services/metrics/sqms-metrics
#   alerts      services/alerts/sqms-alerts
# every library `ldd` resolves is mapped to its Debian package (`dpkg -S`),
# and that package must be in what the stage installs: the packages its
# `apt-get install` names plus their Depends/Pre-Depends, recursively (as
# apt resolves them), plus what debian:12-slim already holds (the
# Priority: required and Essential packages and theirs).
#
# The package names are Debian 12's and the dependencies are read from this
# machine's dpkg database, so the check runs only on Debian 12 with a
# Release build (a sanitizer build links runtimes no image has); elsewhere,
# or without the binaries, it skips (exit 77, ctest SKIP_RETURN_CODE).
#
#   tests/deploy/image_libs_test.sh [REPO_ROOT] [BUILD_DIR]
set -euo pipefail

REPO_ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
readonly REPO_ROOT
BUILD_DIR="${2:-$REPO_ROOT/build}"
readonly BUILD_DIR
readonly SKIP=77

skip() {
  echo "image_libs_test: skip ($*)"
  exit "$SKIP"
}

main() {
  local id="" version=""
  # shellcheck disable=SC1091
  [ -r /etc/os-release ] && { id="$(. /etc/os-release && echo "${ID:-}")"; version="$(. /etc/os-release && echo "${VERSION_ID:-}")"; }
  if [ "$id" != debian ] || [ "$version" != 12 ]; then
    skip "the Dockerfile installs Debian 12 packages; this machine is ${id:-?} ${version:-?}"
  fi
  local tool
  for tool in ldd dpkg dpkg-query python3; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
  done
  local bin
  for bin in services/complaints/sqms-complaints tools/sqmsctl/sqmsctl \
    services/metrics/sqms-metrics services/alerts/sqms-alerts; do
    [ -x "$BUILD_DIR/$bin" ] || skip "$BUILD_DIR/$bin not built"
    if ldd "$BUILD_DIR/$bin" | grep -qE 'lib(asan|ubsan|tsan|lsan)\.so'; then
      skip "$BUILD_DIR/$bin is a sanitizer build"
    fi
  done

  python3 - "$REPO_ROOT/deploy/docker/Dockerfile" "$BUILD_DIR" <<'PY'
import re, subprocess, sys

dockerfile, build = sys.argv[1], sys.argv[2]
BINARIES = {
    "complaints": ["services/complaints/sqms-complaints", "tools/sqmsctl/sqmsctl"],
    "metrics": ["services/metrics/sqms-metrics"],
    "alerts": ["services/alerts/sqms-alerts"],
}

def stage_packages(path):
    """{stage: [package]} from each stage's `apt-get install` (continuations joined)."""
    text = re.sub(r"\\\n", " ", open(path, encoding="utf-8").read())
    stages, current = {}, None
    for line in text.splitlines():
        m = re.match(r"\s*FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.I)
        if m:
            current = m.group(1)
            stages.setdefault(current, [])
            continue
        for cmd in re.split(r"&&|;", line):
            words = cmd.split()
            if "install" in words and any(w.endswith("apt-get") for w in words):
                after = words[words.index("install") + 1:]
                stages[current] += [w for w in after if not w.startswith("-")]
    return stages

def dpkg_database():
    """{package: (installed, [[alternative, ...], ...])} of every package
    dpkg knows, and {virtual name: [providers]}, from one dpkg-query."""
    out = subprocess.run(["dpkg-query", "-W",
                          "-f=${Package}\t${Status}\t${Depends}, ${Pre-Depends}\t${Provides}\n"],
                         capture_output=True, text=True, check=True).stdout
    packages, provides = {}, {}
    for line in out.splitlines():
        name, status, depends, provided = (line.split("\t") + ["", "", ""])[:4]
        deps = []
        for dep in depends.split(","):
            alternatives = [re.split(r"[\s:(]", a.strip())[0] for a in dep.split("|") if a.strip()]
            if alternatives:
                deps.append(alternatives)
        packages[name] = (status.endswith(" installed"), deps)
        for virtual in provided.split(","):
            if virtual.strip():
                provides.setdefault(re.split(r"[\s(]", virtual.strip())[0], []).append(name)
    return packages, provides

PACKAGES, PROVIDES = dpkg_database()

def installed(package):
    return PACKAGES.get(package, (False, []))[0]

def resolve(alternatives):
    """The first alternative installed here, directly or by a provider."""
    for name in alternatives:
        if installed(name):
            return name
        provider = next((p for p in PROVIDES.get(name, []) if installed(p)), None)
        if provider:
            return provider
    return None

def closure(roots):
    """The packages apt installs for roots: each root and, recursively, its
    Depends and Pre-Depends (of alternatives, the first installed here)."""
    seen, todo, unknown = set(), list(roots), []
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        if not installed(package):
            unknown.append(package)
            continue
        for alternatives in PACKAGES[package][1]:
            chosen = resolve(alternatives)
            if chosen:
                todo.append(chosen)
            else:
                unknown.append("|".join(alternatives))
    return seen, unknown

def base_image():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Priority}\t${Essential}\n"],
                         capture_output=True, text=True, check=True).stdout
    roots = [p for p, prio, ess in (l.split("\t") for l in out.splitlines() if l)
             if (prio == "required" or ess == "yes") and installed(p)]
    return closure(roots)[0]

def libraries(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line)
        if m:
            yield m.group(1), (None if m.group(2) == "not" else m.group(2))

def owners(paths):
    """{path: package} by one `dpkg -S` (merged /usr: /lib/x is /usr/lib/x)."""
    aliases = {}
    for path in paths:
        aliases[path] = path
        aliases[re.sub(r"^/lib/", "/usr/lib/", path)] = path
    out = subprocess.run(["dpkg", "-S", *aliases], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        package, _, path = line.partition(": ")
        if path in aliases:
            found[aliases[path]] = package.split(":")[0].split(",")[0].strip()
    return found

stages = stage_packages(dockerfile)
base = base_image()
problems = []
for stage, binaries in BINARIES.items():
    if not stages.get(stage):
        problems.append(f"stage {stage}: no apt-get install in {dockerfile}")
        continue
    has, unknown = closure(stages[stage])
    for package in unknown:
        if package in stages[stage]:
            problems.append(f"stage {stage}: {package} is not a package installed here "
                            "(misspelt, or not Debian 12's name)")
    has |= base
    for binary in binaries:
        count = 0
        libs = list(libraries(f"{build}/{binary}"))
        owned = owners([path for _, path in libs if path])
        for soname, path in libs:
            count += 1
            if path is None:
                problems.append(f"{binary}: {soname} not found by ldd here")
                continue
            package = owned.get(path)
            if package is None:
                problems.append(f"{binary}: {path} belongs to no Debian package "
                                "(built against a library the image cannot have)")
            elif package not in has:
                problems.append(f"stage {stage}: {binary} loads {soname} from package "
                                f"{package}, which the stage does not install")
        print(f"{stage}: {binary}: {count} libraries, all installed by the stage"
              if not any(binary in p for p in problems) else f"{stage}: {binary}: see below")
if problems:
    print("\n".join(problems))
    sys.exit(1)
PY
}

main "$@"
