#!/usr/bin/env bash
# Issue 16's measurements on the lent H200, in three device calls that must follow one another
# within 30 s (the machine, and what earlier phases left in /tmp, is given back after that).
# Needs the bundle of scripts/gpu-bundle.sh copied to /tmp/gpu and /tmp/trtparts first.
#   A: unpack; seeded photos; ResNet-50 from torchvision; its INT8 QDQ model; FP16, INT8 and FP32 plans (gated)
#   B: the raw engine per plan and batch size; the batching function in a MiniCluster; the Kafka job
#   C: the GPU tests
#   D: after fixes, the FP16 plan again (from the timing cache), the Kafka job at parallelism 8, the function
#   E: ResNet-50 and its INT8 QDQ model again; FP16, FP32 and INT8 plans of ResNet-50 (timing cache in the
#      bundle's store/.cache), FP16 and INT8 plans of the orientation classifier and the recognizer; the
#      TensorRT job's labels against the ONNX Runtime job's on the same Kafka records (ResNet-50)
#   F: after E: the same for the orientation classifier on rendered lines; a batcher per slot against one
#      per TaskManager, in the function and in the INT8 Kafka job
#   G: E's small-model plans one at a time (side by side, three did not finish in 300 s): the orientation
#      classifier's FP16 and INT8 plans, then its TensorRT job against the ONNX Runtime job on rendered lines
#   H: after G: the recognizer's FP16 plan; ResNet-50's FP16 and INT8 jobs against ONNX Runtime
#   I: the recognizer's FP16 plan, the only build on the GPU, for as long as it takes (the CTC-aware gate
#      checks it); beside it the GPU tests on the current code (the crop resize mode's kernel among them)
#      and, on the CPU, the recognizer's INT8 QDQ model with up to all of its nodes left in float
#   J: the recognizer's FP16 plan at optimization level 1; the orientation classifier's FP16 and INT8 plans
#   K: after J: the classifier's TensorRT jobs against ONNX Runtime's;
#      the raw engine and the batching function side by side in one call (ResNet-50 FP16, batch 128)
#   L: the recognizer's FP16 plan with its normalizations in FP32 (reductions and powers pinned, as TensorRT's
#      warning suggests: still 92.5%, so the pinning was taken out again); raw engine and function (a batcher
#      per TaskManager) side by side (its ResNet-50 gate missed 97% by 0.12 points; rerun at 96%: runs/...-s4-raw-
#      engine-and-function-side-by-side.log)
#   O: flink-inference bench on the classifier's FP16 plan (engine and function sweeps)
#   P: issue 18's peer suite on the GPU host's 16 CPU cores (the classifier; no GPU), in two calls of up to
#      10 minutes: P1 the contestants without Kafka, P2 those with it (each with the ceiling, raw-ort)
#   P3: after the function and the job ran at the thread budget's parallelism: the ceiling, both, DJL per record
#      and the loop with fixed batches, in one call
#   Q: a soak of the batching function on the classifier's FP16 plan (bench --soak), after O
# (PyTorch eager on the same GPU: gpu-run.sh eager, run once on its own.)
# Logs go to $OUT. Every step is bounded by timeout, so one that hangs leaves time for the rest.
set -uo pipefail
export BUNDLE=/tmp/gpu
run="bash /tmp/gpu/base/gpu-run.sh"
store=/tmp/gpu/base/store
plans=resnet50-fp16-trt-sm90,resnet50-int8-tensorrt-fp16-trt-sm90,resnet50-trt-sm90
step() { local limit=$1; shift; echo "=== $(date +%T) $* (limit ${limit}s)"; timeout "$limit" "$@"; echo "=== $(date +%T) exit $?"; }
# ResNet-50 has random weights (no network there), so its logits are nearly tied and a top-1 gate is
# stricter on it than on a trained model: the FP16 plan agreed 98.05% at the default 99% (diff 0.016 on
# average). Its gates are set here, and the published figures say what each reached.
case "${1:?phase A to O, P1-P3, Q, R}" in
  A)
    step 90 $run unpack
    (step 60 $run photos /tmp/photos-calibration 256 256 1; step 60 $run photos /tmp/photos-validation 256 256 2;
     step 120 $run photos /tmp/photos-bench 1024 256 3) > "$OUT/photos-steps.log" 2>&1 &
    step 120 $run resnet50
    wait
    # CPU work beside GPU work: INT8 calibration on ONNX Runtime while TensorRT builds the FP16 plan.
    (step 240 $run setup int8 resnet50 --target tensorrt --calibration-samples /tmp/photos-calibration \
      --samples /tmp/photos-validation --max-float-nodes 0 --min-agreement 0) > "$OUT/int8-steps.log" 2>&1 &
    step 240 $run setup tensorrt resnet50 --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256 \
      --min-agreement 0.97
    wait
    step 200 $run setup tensorrt resnet50-int8-tensorrt --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    step 100 $run setup tensorrt resnet50 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    find "$store" -name '*timing-cache*' -exec cp {} "$OUT/" \;
    ;;
  B)
    step 200 $run bench GpuEngineBenchmark $store 3 $plans /tmp/photos-bench
    step 100 $run bench GpuFunctionBenchmark $store resnet50-fp16-trt-sm90 128 200000 1,2,4
    step 240 $run bench GpuKafkaBenchmark $store resnet50-fp16-trt-sm90 /tmp/photos-bench 4 128 150000 15
    ;;
  C)
    step 280 $run tests
    ;;
  D)
    # The rerun after the fixes A-C led to (file-system checkpoints, record tensors on the heap), with
    # the timing cache A left (in the bundle's store/.cache) so that the FP16 plan builds in seconds.
    step 60 $run unpack
    step 90 $run resnet50
    step 60 $run photos /tmp/photos-validation 256 256 2
    step 60 $run photos /tmp/photos-bench 1024 256 3 > /dev/null &
    step 120 $run setup tensorrt resnet50 --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256 \
      --min-agreement 0.97
    wait
    step 150 $run bench GpuKafkaBenchmark $store resnet50-fp16-trt-sm90 /tmp/photos-bench 8 128 100000 10
    step 100 $run bench GpuFunctionBenchmark $store resnet50-fp16-trt-sm90 128 100000 1,4
    ;;
  E)
    step 90 $run unpack
    (step 60 $run photos /tmp/photos-calibration 256 256 1; step 60 $run photos /tmp/photos-validation 256 256 2;
     step 120 $run photos /tmp/photos-bench 1024 256 3) > "$OUT/photos-steps.log" 2>&1 &
    step 120 $run resnet50
    wait
    # CPU beside GPU: the QDQ models on ONNX Runtime while TensorRT builds the float plans.
    (step 150 $run setup int8 resnet50 --target tensorrt --calibration-samples /tmp/photos-calibration \
       --samples /tmp/photos-validation --max-float-nodes 0 --min-agreement 0
     step 60 $run setup int8 ppocr-cls --target tensorrt
     step 150 $run setup int8 ppocr-rec --target tensorrt) > "$OUT/int8-steps.log" 2>&1 &
    step 90 $run setup tensorrt resnet50 --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256 \
      --min-agreement 0.97
    step 60 $run setup tensorrt resnet50 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    wait
    step 100 $run setup tensorrt resnet50-int8-tensorrt --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    # The small models' plans build side by side (their build times are not what is measured here), and
    # beside them, correctness rather than speed: the same records through both engines' jobs.
    for plan in ppocr-cls ppocr-rec ppocr-cls-int8-tensorrt ppocr-rec-int8-tensorrt; do
      (step 300 $run setup tensorrt $plan --fp16 > "$OUT/plan-$plan-fp16.log" 2>&1) &
    done
    step 200 $run bench GpuAgreementCheck $store /tmp/photos-bench 2000 4 resnet50-trt-sm90=resnet50 \
      resnet50-fp16-trt-sm90=resnet50 resnet50-int8-tensorrt-fp16-trt-sm90=resnet50-int8-tensorrt
    wait
    find "$store" -name '*timing-cache*' -exec cp {} "$OUT/" \;
    ;;
  G)
    step 60 $run unpack
    step 60 $run setup int8 ppocr-cls --target tensorrt
    step 250 $run setup tensorrt ppocr-cls --fp16
    step 230 $run setup tensorrt ppocr-cls-int8-tensorrt --fp16
    step 60 $run bench GpuAgreementCheck $store text-lines 2000 4 ppocr-cls-fp16-trt-sm90=ppocr-cls \
      ppocr-cls-int8-tensorrt-fp16-trt-sm90=ppocr-cls-int8-tensorrt
    find "$store" -name '*timing-cache*' -exec cp {} "$OUT/" \;
    ;;
  H)
    # ResNet-50 as in E, on the CPU while TensorRT builds the recognizer's plan.
    (step 30 $run photos /tmp/photos-calibration 256 256 1; step 30 $run photos /tmp/photos-validation 256 256 2;
     step 30 $run photos /tmp/photos-bench 1024 256 3; step 60 $run resnet50
     step 100 $run setup int8 resnet50 --target tensorrt --calibration-samples /tmp/photos-calibration \
       --samples /tmp/photos-validation --max-float-nodes 0 --min-agreement 0) > "$OUT/resnet50-steps.log" 2>&1 &
    step 240 $run setup tensorrt ppocr-rec --fp16
    wait
    step 40 $run setup tensorrt resnet50 --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256 \
      --min-agreement 0.97
    step 40 $run setup tensorrt resnet50-int8-tensorrt --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256
    step 120 $run bench GpuAgreementCheck $store /tmp/photos-bench 2000 4 resnet50-fp16-trt-sm90=resnet50 \
      resnet50-int8-tensorrt-fp16-trt-sm90=resnet50-int8-tensorrt
    ;;
  I)
    step 60 $run unpack
    (step 400 $run tests) > "$OUT/tests-steps.log" 2>&1 &
    (step 500 $run setup int8 ppocr-rec --target tensorrt --max-float-nodes 47) > "$OUT/rec-int8-steps.log" 2>&1 &
    step 540 $run setup tensorrt ppocr-rec --fp16
    wait
    find "$store" -name '*timing-cache*' -exec cp {} "$OUT/" \;
    ;;
  J)
    # A fresh machine after I (the bundle carried again): the recognizer's FP16 plan at builder optimization
    # level 1, since level 3 did not finish in 540 s; beside it, on the CPU, what K needs.
    step 60 $run unpack
    (step 60 $run photos /tmp/photos-validation 256 256 2; step 90 $run photos /tmp/photos-bench 1024 256 3
     step 120 $run resnet50; step 90 $run setup int8 ppocr-cls --target tensorrt) > "$OUT/cpu-steps.log" 2>&1 &
    step 330 $run setup tensorrt ppocr-rec --fp16 --optimization-level 1
    wait
    step 90 $run setup tensorrt ppocr-cls --fp16
    step 90 $run setup tensorrt ppocr-cls-int8-tensorrt --fp16
    find "$store" -name '*timing-cache*' -exec cp {} "$OUT/" \;
    ;;
  K)
    step 90 $run bench GpuAgreementCheck $store text-lines 2000 4 ppocr-cls-fp16-trt-sm90=ppocr-cls \
      ppocr-cls-int8-tensorrt-fp16-trt-sm90=ppocr-cls-int8-tensorrt
    step 90 $run setup tensorrt resnet50 --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256 \
      --min-agreement 0.97
    # The ceiling and the function in one call, twice, interleaved: the 90% goal as a ratio of one run.
    for round in 1 2; do
      step 40 $run bench GpuEngineBenchmark $store 2 resnet50-fp16-trt-sm90
      step 60 $run bench GpuFunctionBenchmark $store resnet50-fp16-trt-sm90 128 100000 1,4
    done
    # The plan step's GPU test after --optimization-level was added.
    step 100 $run tests io.flinkinference.tools.setup.TensorRtCommandTest
    ;;
  L)
    # A fresh machine: the recognizer's FP16 plan with its normalization layers pinned to FP32 (J's plan read
    # other text than its parent on 7.5% of lines); then the ceiling and the function side by side, the
    # function with one batcher per TaskManager (the default), twice, interleaved.
    step 60 $run unpack
    (step 60 $run photos /tmp/photos-validation 256 256 2; step 120 $run resnet50) > "$OUT/cpu-steps.log" 2>&1 &
    step 250 $run setup tensorrt ppocr-rec --fp16 --optimization-level 1
    wait
    step 60 $run setup tensorrt resnet50 --fp16 --samples /tmp/photos-validation --opt-batch 128 --max-batch 256 \
      --min-agreement 0.97
    for round in 1 2; do
      step 40 $run bench GpuEngineBenchmark $store 2 resnet50-fp16-trt-sm90
      step 90 $run bench GpuFunctionBenchmark $store resnet50-fp16-trt-sm90 128 100000 4,8 task-manager
    done
    ;;
  O)
    # flink-inference bench on a TensorRT plan: the engine sweep and the function sweep on the GPU.
    step 60 $run unpack
    step 90 $run setup tensorrt ppocr-cls --fp16
    step 150 env LD_LIBRARY_PATH=/tmp/trtlib:/tmp/jre/lib:/usr/local/cuda/lib64 FONTCONFIG_FILE=/tmp/jre/fontkit/fonts.conf \
      /tmp/jre/bin/java -Djava.awt.headless=true -cp "/tmp/gpu/lib/*" io.flinkinference.cli.FlinkInferenceCli bench \
      ppocr-cls-fp16-trt-sm90 --engine tensorrt --store $store --seconds 1 --batch-sizes 1,8,32 --concurrency 1,2
    ;;
  P1|P2|P3)
    # The suite writes under ./benchmarks/target and forks JVMs from this one's class path.
    contestants=raw-ort,function,function-latency-20ms,djl-per-record,djl-batch-32
    [ "$1" = P2 ] && contestants=raw-ort,function-kafka,kafka-loop-per-record,kafka-loop-batch-32
    [ "$1" = P3 ] && contestants=raw-ort,function,function-kafka,djl-per-record,kafka-loop-batch-32
    # The suite runs on the CPU: the Java runtime is all it needs of the bundle besides the class path.
    [ -d /tmp/jre ] || tar xzf /tmp/gpu/base/jre.tgz -C /tmp
    mkdir -p /tmp/peers && cd /tmp/peers
    step 560 env FLINK_INFERENCE_STORE=$store FONTCONFIG_FILE=/tmp/jre/fontkit/fonts.conf /tmp/jre/bin/java -Xmx4g \
      -Djava.awt.headless=true -cp "/tmp/gpu/lib/*" io.flinkinference.benchmarks.peers.PeerSuite --models cls \
      --rounds 2 --seconds 5 --warm-up 2 --contestants $contestants
    cp -r /tmp/peers/benchmarks/target/results "${OUT:-/tmp/gpu-out}/peers-$1"
    ;;
  R)
    # Issue 15's INT8 figures on a quiet machine: the H200 host's 16 CPU cores, no GPU used. The
    # benchmark publishes the INT8 models afresh in a store of its own, copied from the bundle's; the
    # recognizer's search gets 240 s, in which 16 cores measure every node and try 8 in float.
    [ -d /tmp/jre ] || tar xzf /tmp/gpu/base/jre.tgz -C /tmp
    mkdir -p /tmp/quant && cd /tmp/quant
    step 590 env FLINK_INFERENCE_STORE=$store FONTCONFIG_FILE=/tmp/jre/fontkit/fonts.conf /tmp/jre/bin/java -Xmx6g \
      -Djava.awt.headless=true -cp "/tmp/gpu/lib/*" io.flinkinference.benchmarks.QuantizationBenchmark 5 2 240
    cp -r /tmp/quant/benchmarks/target/results "${OUT:-/tmp/gpu-out}/quant"
    ;;
  Q)
    step 300 env LD_LIBRARY_PATH=/tmp/trtlib:/tmp/jre/lib:/usr/local/cuda/lib64 FONTCONFIG_FILE=/tmp/jre/fontkit/fonts.conf \
      /tmp/jre/bin/java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Djava.awt.headless=true -cp "/tmp/gpu/lib/*" \
      io.flinkinference.cli.FlinkInferenceCli bench ppocr-cls-fp16-trt-sm90 --engine tensorrt --store $store \
      --soak 3m --sample-every 6s
    ;;
  F)
    step 80 $run bench GpuAgreementCheck $store text-lines 2000 4 ppocr-cls-fp16-trt-sm90=ppocr-cls \
      ppocr-cls-int8-tensorrt-fp16-trt-sm90=ppocr-cls-int8-tensorrt
    step 140 $run bench GpuFunctionBenchmark $store resnet50-fp16-trt-sm90 128 100000 4,8 subtask,task-manager
    step 170 $run bench GpuKafkaBenchmark $store resnet50-int8-tensorrt-fp16-trt-sm90 /tmp/photos-bench 8 128 100000 10 subtask
    step 170 $run bench GpuKafkaBenchmark $store resnet50-int8-tensorrt-fp16-trt-sm90 /tmp/photos-bench 8 128 100000 10 task-manager
    ;;
esac
ls -la "$store" > "${OUT:-/tmp/gpu-out}/store.txt"
