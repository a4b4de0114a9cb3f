#!/usr/bin/env bash
# Issue 16's measurements on the lent H200, in three device calls that must follow one another
# within 30 s (the machine, and what earlier phases left in /tmp, is given back after that).
# Needs the bundle of scripts/gpu-bundle.sh copied to /tmp/gpu and /tmp/trtparts first.
#   A: unpack; seeded photos; ResNet-50 from torchvision; its FP16 plan (gated); its INT8 QDQ model
#   B: the INT8 (+FP16) and FP32 plans of ResNet-50; the raw engine per plan and batch size
#   C: PyTorch eager on the same GPU; the batching function in a MiniCluster; the Kafka job; GPU tests
# Logs go to $OUT. Every step is bounded by timeout, so one that hangs leaves time for the rest.
set -uo pipefail
export BUNDLE=/tmp/gpu
run="bash /tmp/gpu/base/gpu-run.sh"
store=/tmp/gpu/base/store
plans=resnet50-fp16-trt-sm90,resnet50-int8-tensorrt-fp16-trt-sm90,resnet50-trt-sm90
step() { local limit=$1; shift; echo "=== $(date +%T) $* (limit ${limit}s)"; timeout "$limit" "$@"; echo "=== $(date +%T) exit $?"; }
case "${1:?phase A, B or C}" in
  A)
    step 90 $run unpack
    # CPU work beside GPU work: photos while PyTorch exports, INT8 calibration (ONNX Runtime) while TensorRT builds.
    (step 60 $run photos /tmp/photos-calibration 256 256 1; step 60 $run photos /tmp/photos-validation 256 256 2) \
      > "$OUT/photos-steps.log" 2>&1 &
    step 90 $run resnet50
    wait
    (step 280 $run setup int8 resnet50 --target tensorrt --calibration-samples /tmp/photos-calibration \
      --samples /tmp/photos-validation --max-float-nodes 2) > "$OUT/int8-steps.log" 2>&1 &
    (step 120 $run photos /tmp/photos-bench 1024 256 3) > "$OUT/photos-bench-steps.log" 2>&1 &
    step 330 $run setup tensorrt resnet50 --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    wait
    ;;
  B)
    step 260 $run setup tensorrt resnet50-int8-tensorrt --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    step 150 $run setup tensorrt resnet50 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    step 200 $run bench GpuEngineBenchmark $store 3 $plans /tmp/photos-bench
    ;;
  C)
    step 90 $run eager 3
    step 120 $run bench GpuFunctionBenchmark $store resnet50-fp16-trt-sm90 128 200000 1,2,4
    step 200 $run bench GpuKafkaBenchmark $store resnet50-fp16-trt-sm90 /tmp/photos-bench 4 128 200000 15
    step 150 $run tests
    ;;
esac
ls -la "$store" > "${OUT:-/tmp/gpu-out}/store.txt"
