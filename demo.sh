#!/usr/bin/env bash
# The macro-economic demo: builds what it needs, then loads nine FRED series into Hotdata with a
# Flink SQL job. The real Hotdata when HOTDATA_API_KEY and HOTDATA_WORKSPACE are set (optionally
# HOTDATA_API_URL), else an embedded hotdata-local. ./demo.sh --help lists the options.
set -euo pipefail
cd "$(dirname "$0")"

command -v mvn >/dev/null || { echo "demo.sh needs Maven (mvn) and a JDK 11+ on the PATH" >&2; exit 1; }

echo "Building hotdata-demo and the modules it needs (mvn package, tests skipped) ..."
build_log="$(mktemp "${TMPDIR:-/tmp}/hotdata-demo-build.XXXXXX")"
if ! mvn -B -ntp -pl hotdata-demo -am package -DskipTests >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "The build failed (log above, also in $build_log)." >&2
  exit 1
fi
rm -f "$build_log"

# Java 17+: the module openings Flink needs (kryo, reflection); harmless on Java 11
exec java \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.text=ALL-UNNAMED \
  --add-opens=java.base/java.time=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
  --add-opens=java.base/java.math=ALL-UNNAMED \
  ${DEMO_JAVA_OPTS:-} \
  -jar hotdata-demo/target/hotdata-demo.jar "$@"
