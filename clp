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

# Builds the launcher and the services when a source or build file changed since the last build.
build_if_needed() {
  local missing=0 m
  for m in identity campaign pipeline rules notification audit; do
    [ -f "$ROOT/$m-service/target/quarkus-app/quarkus-run.jar" ] || missing=1
  done
  [ -f "$ROOT/launcher/target/launcher.path" ] || missing=1
  [ -f "$ROOT/deploy/local/target/stack/s3proxy.path" ] || missing=1
  if [ "$missing" -eq 0 ] && [ -f "$STAMP" ] && [ -z "$(find "$ROOT" -path "$ROOT/.clp" -prune -o -path '*/target' -prune \
        -o \( -name pom.xml -o -path '*/src/main/*' -o -path "$ROOT/deploy/*" \) -type f -newer "$STAMP" -print -quit)" ]; then
    return 0
  fi
  echo "Building CLP (the first build downloads its dependencies from Maven Central; this takes a few minutes) ..."
  "${MVN[@]}" --no-transfer-progress -DskipTests -Dquarkus.banner.enabled=false package 2>&1 \
    | grep -E '^\[INFO\] (Building CLP|BUILD)|ERROR' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || die "the build failed; run ./mvnw -B package -DskipTests to see why"
  mkdir -p "$(dirname "$STAMP")" && touch "$STAMP"
}

launcher() {
  local cp="$ROOT/launcher/target/classes:$(cat "$ROOT/launcher/target/launcher.path")"
  exec "$JAVA_HOME/bin/java" -Xmx256m -XX:+UseSerialGC -cp "$cp" io.clp.launcher.Clp "$@"
}

cmd="${1:-help}"
case "$cmd" in
  up)
    build_if_needed
    launcher up
    ;;
  dlq|bench)
    build_if_needed
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
