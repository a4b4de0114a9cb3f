#!/usr/bin/env bash
# Packs what the GPU machine needs to run the project's GPU code (it has CUDA but no Java, Maven,
# TensorRT, fonts or network) into folders that each fit one device call (64 MiB, the working tree
# included), built from a clean clone of this checkout with TensorRT 10.6 (profile tensorrt-10.6,
# the TensorRT whose redistribution can build plans for Hopper GPUs; docs/ARCHITECTURE.md).
#
# Usage: scripts/gpu-bundle.sh OUT_DIR        (OUT_DIR must be git-ignored, e.g. .gpu/ listed in .git/info/exclude)
#   OUT_DIR/trt1 .. trtN   TensorRT 10.6: libnvinfer, its ONNX parser and all-GPU builder resource (zstd, with
#                          the zstd binary in trt1) and the plugin library
#   OUT_DIR/base           a JRE (java.se, with fonts and the font libraries Java2D needs), the model store
#                          with the PaddleOCR models, the test jars, scripts/gpu-run.sh
#   OUT_DIR/libK           the class path, split into folders of about 55 MB
#   OUT_DIR/jpegs          sample images for gpu-check, written here with ImageIO
# TRT_PIECES=DIR reuses the trt1..trtN folders of an earlier bundle in DIR instead of packing TensorRT again.
# Then, in back-to-back calls (the machine is given back 30 s after a call), carry one folder a call:
#   trtK:  mkdir -p /tmp/trtparts && cp OUT_DIR/trtK/* /tmp/trtparts/
#   base:  mkdir -p /tmp/gpu && cp -r OUT_DIR/base /tmp/gpu/
#   libK:  mkdir -p /tmp/gpu/lib && cp OUT_DIR/libK/* /tmp/gpu/lib/
#   jpegs: cp -r OUT_DIR/jpegs /tmp/gpu/
# and run, from /tmp/gpu: BUNDLE=/tmp/gpu bash base/gpu-run.sh unpack, then gpu-run.sh plan|check|tests.
set -euo pipefail
out=${1:?usage: scripts/gpu-bundle.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v zstd >/dev/null || { echo "gpu-bundle: zstd is needed (apt-get install zstd)" >&2; exit 1; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" && out=$(cd "$out" && pwd)
rm -rf "${out:?}"/*

echo "building the project with TensorRT 10.6 in a clean clone"
git clone -q "$root" "$tmp/src"
mvn -B -q -f "$tmp/src/pom.xml" -Ptensorrt-10.6 -DskipTests package
# The command line's class path and the benchmarks' (which add the datagen connector), once each.
classpath=$(tr ':' '\n' < "$tmp/src/cli/target/launcher.classpath"; tr ':' '\n' < "$tmp/src/benchmarks/target/benchmark.classpath")
classpath=$(sort -u <<<"$classpath" | grep -v '/flink-inference-' | paste -sd:)

if [ -n "${TRT_PIECES:-}" ]; then
  # TensorRT does not change between bundles: reuse the pieces of an earlier one (its trt1..trtN folders).
  for piece in "$TRT_PIECES"/trt*; do cp -r "$piece" "$out/"; done
else
echo "packing TensorRT 10.6 (Maven Central's redist jar, 1.09 GB to download once)"
mvn -B -q dependency:get -Dartifact=org.bytedeco:tensorrt:10.6-1.5.11:jar:linux-x86_64-redist -Dtransitive=false
jar=~/.m2/repository/org/bytedeco/tensorrt/10.6-1.5.11/tensorrt-10.6-1.5.11-linux-x86_64-redist.jar
mkdir -p "$tmp/trt"
(cd "$tmp/trt" && unzip -q -j "$jar" 'org/bytedeco/tensorrt/linux-x86_64/libnvinfer.so.10' \
    'org/bytedeco/tensorrt/linux-x86_64/libnvonnxparser.so.10' 'org/bytedeco/tensorrt/linux-x86_64/libnvinfer_plugin.so.10' \
    'org/bytedeco/tensorrt/linux-x86_64/libnvinfer_builder_resource.so.10.6.0')
# The plugin library separately: JavaCPP's TensorRT preset loads it with libnvinfer.
(cd "$tmp/trt" && tar cf - libnvinfer.so.10 libnvonnxparser.so.10 libnvinfer_builder_resource.so.10.6.0 \
    | zstd -q -T0 -12 --long=30 -o "$tmp/trt.tar.zst" && zstd -q -10 libnvinfer_plugin.so.10 -o "$tmp/plugin.zst")
split -b 60000000 -d -a 2 "$tmp/trt.tar.zst" "$tmp/part_"
k=0
for part in "$tmp"/part_*; do k=$((k + 1)); mkdir -p "$out/trt$k"; mv "$part" "$out/trt$k/"; done
cp "$(command -v zstd)" "$out/trt1/"
mv "$tmp/plugin.zst" "$out/trt$k/libnvinfer_plugin.so.10.zst"
fi

echo "trimming a Java runtime, with fonts for the rendered samples (the GPU machine has none)"
jlink --add-modules java.se,jdk.unsupported,jdk.zipfs,jdk.management,jdk.crypto.ec --strip-debug --no-header-files \
    --no-man-pages --compress=2 --output "$tmp/jre"
for lib in libjpeg.so.62 libharfbuzz.so.0 libfreetype.so.6 libgraphite2.so.3 libglib-2.0.so.0 libpng16.so.16 \
        libbrotlidec.so.1 libpcre2-8.so.0 libbrotlicommon.so.1 libexpat.so.1 libfontconfig.so.1; do
    cp -L "/usr/lib/x86_64-linux-gnu/$lib" "$tmp/jre/lib/"
done
mkdir -p "$tmp/jre/fontkit"
cp /usr/share/fonts/truetype/dejavu/DejaVu{Sans,Sans-Bold,Serif,Serif-Bold,SansMono,SansMono-Bold}.ttf "$tmp/jre/fontkit/"
cat > "$tmp/jre/fontkit/fonts.conf" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/tmp/jre/fontkit</dir>
  <cachedir>/tmp/fc-cache</cachedir>
  <alias><family>sans-serif</family><prefer><family>DejaVu Sans</family></prefer></alias>
  <alias><family>serif</family><prefer><family>DejaVu Serif</family></prefer></alias>
  <alias><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer></alias>
</fontconfig>
XML
mkdir -p "$out/base/tests" "$out/base/store"
tar czf "$out/base/jre.tgz" -C "$tmp" jre
cp "$root/scripts/gpu-run.sh" "$out/base/"
cp -r "$root/benchmarks/pytorch" "$out/base/"
store=${FLINK_INFERENCE_STORE:-$HOME/.flink-inference/models}
[ -d "$store/ppocr-rec" ] || "$root/bin/flink-inference" models fetch
cp -r "$store/ppocr-cls" "$store/ppocr-det" "$store/ppocr-rec" "$out/base/store/"
for module in engine-tensorrt tools operators; do
    (cd "$tmp/src/$module/target/test-classes" && zip -q -r "$out/base/tests/gpu-tests.jar" . -x 'log4j2-test.properties')
done
cp "$tmp/src/test-fixtures/target"/flink-inference-test-fixtures-*.jar "$out/base/tests/"
mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 -Dtransitive=false
cp ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.14.4/*.jar "$out/base/tests/"
assertj=$(sed -n 's:.*<assertj.version>\(.*\)</assertj.version>.*:\1:p' "$root/pom.xml")
cp ~/.m2/repository/org/assertj/assertj-core/"$assertj"/assertj-core-"$assertj".jar "$out/base/tests/"

echo "the class path, ONNX Runtime with its Linux natives only"
mkdir -p "$tmp/lib"
tr ':' '\n' <<<"$classpath" | grep -v -E '/(onnxruntime-[0-9.]+|async-profiler-[0-9.]+)\.jar$' | xargs -I{} cp {} "$tmp/lib/"
for module in model-store operators engine-onnxruntime engine-tensorrt samples jobs tools cli benchmarks; do
    cp "$tmp/src/$module/target"/flink-inference-"$module"-*.jar "$tmp/lib/"
done
ort=$(tr ':' '\n' <<<"$classpath" | grep -E '/onnxruntime-[0-9.]+\.jar$')
mkdir -p "$tmp/ort" && (cd "$tmp/ort" && unzip -q "$ort" && rm -rf ai/onnxruntime/native/osx-* ai/onnxruntime/native/win-* \
    ai/onnxruntime/native/linux-aarch64 && zip -q -r -9 "$tmp/lib/$(basename "$ort" .jar)-linux-x64.jar" .)
k=1 && mkdir -p "$out/lib$k"
for jarfile in $(ls -S "$tmp/lib"); do
    if (( $(du -sb "$out/lib$k" | cut -f1) + $(stat -c %s "$tmp/lib/$jarfile") > 55000000 )); then
        k=$((k + 1)) && mkdir -p "$out/lib$k"
    fi
    mv "$tmp/lib/$jarfile" "$out/lib$k/"
done

echo "writing sample images with ImageIO"
java -cp "$(ls -d "$out"/lib* | sed 's:$:/*:' | paste -sd:)" io.flinkinference.tools.gpu.SampleJpegs "$out/jpegs" >/dev/null
du -sh "$out"/*
