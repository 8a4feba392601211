#!/usr/bin/env bash
# CLP command line: ./clp help
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

die() { echo "clp: $*" >&2; exit 1; }

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# A JDK 21 or newer: JAVA_HOME first, then the JDKs installed under the usual folders.
find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local dir
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local best="" best_major=0 c major
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major="$(java_major "$c" || echo 0)"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$c"; best_major="$major"
    fi
  done
  [ -n "$best" ] || die "no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm). Install one (for example the Temurin 21 JDK) or point JAVA_HOME at it."
  echo "$best"
}

JAVA_HOME="$(find_jdk)"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

MVN=("$ROOT/mvnw" -B)
STAMP="$ROOT/.clp/build.stamp"

# Whether a source or build file changed since the last build (or a build output is missing).
needs_build() {
  local m
  for m in identity campaign pipeline rules notification audit; do
    [ -f "$ROOT/$m-service/target/quarkus-app/quarkus-run.jar" ] || return 0
  done
  [ -f "$ROOT/launcher/target/launcher.path" ] || return 0
  [ -f "$ROOT/deploy/local/target/stack/s3proxy.path" ] || return 0
  [ -f "$STAMP" ] || return 0
  [ -n "$(find "$ROOT" -path "$ROOT/.clp" -prune -o -path '*/target' -prune \
        -o \( -name pom.xml -o -path '*/src/main/*' -o -path "$ROOT/deploy/*" \) -type f -newer "$STAMP" -print -quit)" ]
}

# Builds the launcher and the services when a source or build file changed since the last build.
build_if_needed() {
  needs_build || return 0
  echo "Building CLP (the first build downloads its dependencies from Maven Central; this takes a few minutes) ..."
  local rc=0
  "${MVN[@]}" --no-transfer-progress -DskipTests -Dquarkus.banner.enabled=false package 2>&1 \
    | { grep -E '^\[INFO\] (Building CLP|BUILD)|ERROR' || true; } || rc=$?
  [ "$rc" -eq 0 ] || die "the build failed; run ./mvnw -B package -DskipTests to see why"
  mkdir -p "$(dirname "$STAMP")" && touch "$STAMP"
}

# Whether a process that ./clp up started is running.
stack_running() {
  local f
  for f in "$ROOT"/.clp/run/*.pid; do
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && return 0
  done
  return 1
}

# Commands that work against the running stack never rebuild under it: the services run from the build's jars.
build_unless_running() {
  if [ -f "$ROOT/launcher/target/launcher.path" ] && stack_running; then
    if needs_build; then
      echo "clp: sources changed since the running stack was built; it keeps running the previous build" \
        "(./clp down && ./clp up builds and runs the new one)" >&2
    fi
    return 0
  fi
  build_if_needed
}

launcher() {
  local cp="$ROOT/launcher/target/classes:$(cat "$ROOT/launcher/target/launcher.path")"
  exec "$JAVA_HOME/bin/java" -Xmx256m -XX:+UseSerialGC -cp "$cp" io.clp.launcher.Clp "$@"
}

cmd="${1:-help}"
case "$cmd" in
  up)
    build_unless_running
    launcher up
    ;;
  dlq|bench)
    build_unless_running
    launcher "$@"
    ;;
  down|status|logs|reset)
    [ -f "$ROOT/launcher/target/launcher.path" ] || build_if_needed
    launcher "$@"
    ;;
  test)
    shift
    # verify: each module's tests, then the end-to-end tests against a stack started by the launcher
    exec "${MVN[@]}" --no-transfer-progress verify "$@"
    ;;
  help|-h|--help)
    [ -f "$ROOT/launcher/target/launcher.path" ] || build_if_needed
    launcher help
    ;;
  *)
    echo "unknown command: $cmd (try ./clp help)" >&2
    exit 2
    ;;
esac
