#!/usr/bin/env bash
# On the GPU machine (no Java, no TensorRT, no network): unpacks what scripts/gpu-bundle.sh packed
# and runs one step, logging to $OUT (or /tmp/gpu-out). Run from the folder holding the bundle.
#   scripts/gpu-run.sh unpack              TensorRT parts in /tmp/trtparts -> /tmp/trtlib; JRE -> /tmp/jre
# (the folders scripts/gpu-bundle.sh writes, copied there as its header says)
#   scripts/gpu-run.sh plan MODEL [ARGS]   flink-inference setup tensorrt MODEL into the bundle's store
#   scripts/gpu-run.sh check [ARGS]        flink-inference gpu-check, every step
#   scripts/gpu-run.sh tests [CLASS...]    the GPU and TensorRT tests (JUnit console launcher), or only the classes named
#   scripts/gpu-run.sh setup ARGS          any flink-inference setup step on the bundle's store
#   scripts/gpu-run.sh resnet50            torchvision ResNet-50 exported on this machine (PyTorch), imported as resnet50
#   scripts/gpu-run.sh photos DIR N        N seeded photo-like 256x256 JPEGs (benchmarks' SyntheticPhotos)
#   scripts/gpu-run.sh bench NAME ARGS     a benchmark main of io.flinkinference.benchmarks.gpu (GpuEngineBenchmark, ...)
#   scripts/gpu-run.sh eager [SECONDS]     PyTorch eager ResNet-50 on this GPU, FP16 and FP32
set -uo pipefail
bundle=${BUNDLE:-/tmp/gpu}
out=${OUT:-/tmp/gpu-out}
mkdir -p "$out"
export LD_LIBRARY_PATH=/tmp/trtlib:/tmp/jre/lib:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# The machine has no fonts; the JRE carries DejaVu and a fontconfig file for the rendered samples.
export FONTCONFIG_FILE=/tmp/jre/fontkit/fonts.conf
java="/tmp/jre/bin/java -Djava.awt.headless=true -Xmx24g"
classpath="$bundle/lib/*"
step=${1:?usage: gpu-run.sh unpack|plan|check|tests|setup|resnet50|photos|bench|eager}
shift
case "$step" in
  unpack)
    chmod +x /tmp/trtparts/zstd
    mkdir -p /tmp/trtlib && cat /tmp/trtparts/part_* | /tmp/trtparts/zstd -d -q --long=30 | tar x -C /tmp/trtlib
    for packed in /tmp/trtparts/*.so.10.zst; do
      [ -e "$packed" ] && /tmp/trtparts/zstd -d -q -f "$packed" -o "/tmp/trtlib/$(basename "$packed" .zst)"
    done
    tar xzf "$bundle/base/jre.tgz" -C /tmp
    ls -la /tmp/trtlib | tee "$out/unpack.log"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee -a "$out/unpack.log"
    ;;
  plan)
    model=${1:?MODEL}
    shift
    $java -cp "$classpath" io.flinkinference.cli.FlinkInferenceCli setup tensorrt "$model" --store "$bundle/base/store" "$@" \
      2>&1 | tee "$out/plan-$model.log"
    ;;
  check)
    $java -cp "$classpath" io.flinkinference.tools.gpu.GpuCheckCommand --jpegs "$bundle/jpegs" --store "$bundle/base/store" "$@" \
      2>&1 | tee "$out/gpu-check.log"
    ;;
  setup)
    $java -cp "$classpath" io.flinkinference.cli.FlinkInferenceCli setup "$@" --store "$bundle/base/store" 2>&1 | tee -a "$out/setup.log"
    ;;
  resnet50)
    python3 "$bundle/base/pytorch/export_resnet50.py" /tmp/resnet50.onnx 2>&1 | tee "$out/resnet50.log"
    $java -cp "$classpath" io.flinkinference.cli.FlinkInferenceCli setup import /tmp/resnet50.onnx --name resnet50 \
      --size 224x224 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --store "$bundle/base/store" 2>&1 | tee -a "$out/resnet50.log"
    ;;
  photos)
    $java -cp "$classpath" io.flinkinference.benchmarks.gpu.SyntheticPhotos "$@" 2>&1 | tee -a "$out/photos.log"
    ;;
  bench)
    name=${1:?NAME}
    shift
    $java -cp "$classpath" "io.flinkinference.benchmarks.gpu.$name" "$@" 2>&1 | tee -a "$out/bench-$name.log"
    ;;
  eager)
    python3 "$bundle/base/pytorch/eager_resnet50.py" "$@" 2>&1 | tee "$out/eager-resnet50.log"
    ;;
  tests)
    selection=(--select-package io.flinkinference.engine.tensorrt --select-package io.flinkinference.operators.image
      --select-class io.flinkinference.tools.gpu.TensorRtEngineTest --select-class io.flinkinference.tools.gpu.GpuCheckCommandTest
      --select-class io.flinkinference.tools.setup.TensorRtCommandTest)
    if [ $# -gt 0 ]; then selection=(); for class in "$@"; do selection+=(--select-class "$class"); done; fi
    $java -Dflinkinference.test.store="$bundle/base/store" -cp "$classpath:$bundle/base/tests/*" \
      org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree --disable-ansi-colors \
      "${selection[@]}" 2>&1 | tee "$out/gpu-tests.log"
    ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
esac
