#!/usr/bin/env bash
# Packs what `gpu-check` needs to run on a GPU machine that has CUDA but no Java, Maven or network
# (the lent device machine): a trimmed JRE, the project's jars, sample images and a model, in
# folders that each fit one 64 MiB transfer; with --tensorrt also TensorRT's libraries in pieces.
#
# Usage: scripts/gpu-bundle.sh OUT_DIR [--tensorrt]
#   OUT_DIR/base      JRE, jars, sample JPEGs (about 55 MB)
#   OUT_DIR/extra     Flink's core jars and the ppocr-cls model, for the TensorRT step (about 15 MB)
#   OUT_DIR/trtK      TensorRT 10.15 libraries, K = 1..N, about 60 MB each (with --tensorrt)
# Then, on the GPU machine, copy each folder's contents to /tmp/gpu and run
#   LD_LIBRARY_PATH=/tmp/trtlib:/tmp/gpu/jre/lib:/usr/local/cuda/lib64 \
#     /tmp/gpu/jre/bin/java -cp "/tmp/gpu/lib/*" io.flinkinference.tools.gpu.GpuCheckCommand \
#     --jpegs /tmp/gpu/jpegs --store /tmp/gpu/store
set -euo pipefail
out=${1:?usage: scripts/gpu-bundle.sh OUT_DIR [--tensorrt]}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "building the project's jars"
mvn -B -q -DskipTests install
classpath=$(cat cli/target/launcher.classpath)
pick() { tr ':' '\n' <<<"$classpath" | grep -E "$1" || true; }

rm -rf "$out" && mkdir -p "$out/base/lib" "$out/extra/lib" "$out/extra/store"
echo "trimming a Java runtime (java.desktop for ImageIO)"
jlink --add-modules java.base,jdk.unsupported,java.logging,java.management,java.naming,java.xml,java.desktop \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
# Debian's JDK links ImageIO's JPEG codec to the system libjpeg; bring it along.
cp -L /usr/lib/x86_64-linux-gnu/libjpeg.so.62 "$out/jre/lib/" 2>/dev/null || true
tar czf "$out/base/jre.tgz" -C "$out" jre && rm -rf "$out/jre"

for module in model-store operators engine-onnxruntime engine-tensorrt samples jobs tools cli; do
    cp "$module"/target/flink-inference-"$module"-*.jar "$out/base/lib/"
done
rm -f "$out"/base/lib/*-tests.jar "$out"/base/lib/*-sources.jar
pick '/(javacpp|cuda|tensorrt)-[^/]*\.jar$|/picocli-|/slf4j-api-|/commons-io-' | xargs -I{} cp {} "$out/base/lib/"
pick '/(flink-core|flink-core-api|flink-annotations|flink-metrics-core|flink-shaded-guava|flink-shaded-jackson)-[^/]*\.jar$|/jackson-(core|databind|annotations)-|/commons-lang3-|/commons-text-|/kryo-' \
    | grep -v -- '-tests.jar' | xargs -I{} cp {} "$out/extra/lib/"

echo "writing sample images with ImageIO"
java -cp "$classpath:tools/target/classes" io.flinkinference.tools.gpu.SampleJpegs "$out/base/jpegs" >/dev/null
store=${FLINK_INFERENCE_STORE:-$HOME/.flink-inference/models}
[ -d "$store/ppocr-cls" ] || bin/flink-inference models fetch
cp -r "$store/ppocr-cls" "$out/extra/store/"

if [ "${2:-}" = "--tensorrt" ]; then
    echo "packing TensorRT 10.15's libraries from Maven Central's redist jar (about 534 MB to download)"
    mvn -B -q dependency:get -Dartifact=org.bytedeco:tensorrt:10.15-1.5.13:jar:linux-x86_64-redist -Dtransitive=false
    jar=$(ls ~/.m2/repository/org/bytedeco/tensorrt/10.15-1.5.13/tensorrt-10.15-1.5.13-linux-x86_64-redist.jar)
    tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && unzip -q -j "$jar" 'org/bytedeco/tensorrt/linux-x86_64/libnvinfer.so.*' \
        'org/bytedeco/tensorrt/linux-x86_64/libnvonnxparser.so.*' 'org/bytedeco/tensorrt/linux-x86_64/libnvinfer_plugin.so.*')
    # xz, because the GPU machine has no zstd; unpack there with: cat trt*/part_* | xz -d | tar x -C /tmp/trtlib
    (cd "$tmp" && tar cf - libnv* | xz -T0 -6 > trt.tar.xz && split -b 60000000 -d -a 2 trt.tar.xz part_)
    k=0
    for part in "$tmp"/part_*; do k=$((k + 1)); mkdir -p "$out/trt$k"; mv "$part" "$out/trt$k/"; done
fi
du -sh "$out"/*
