# Sourced by the operators launchers (plan, generate-efficientnet): builds the operators module unless
# FLINKVISION_SKIP_BUILD=1, then runs `operators_java MAIN_CLASS ARGS...` on its runtime classpath.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"

cp_file="operators/target/operators-runtime.classpath"
if [ "${FLINKVISION_SKIP_BUILD:-}" != "1" ] || [ ! -f "$cp_file" ]; then
  echo "building flink-vision operators (mvn -q -DskipTests install -pl operators -am)..." >&2
  mvn -q -B -DskipTests install -pl operators -am >&2
  mvn -q -B -pl operators dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$root/$cp_file" >&2
fi

operators_java() {
  local main="$1"
  shift
  # -Xss8m: ONNX Runtime's native initialisation needs more than the default main-thread stack;
  # headless: charts are drawn with java.awt without a display.
  exec java -Xmx4g -Xss8m -Djava.awt.headless=true \
    -cp "operators/target/classes:$(cat "$cp_file")" "$main" "$@"
}
