#!/usr/bin/env bash
# Builds what a job image copies into its Docker build context, k8s/images/build/VARIANT/:
#   usrlib/flink-inference-job.jar      (cpu) the streaming job, with ONNX Runtime
#   usrlib/flink-inference-job-gpu.jar  (gpu) the same with the TensorRT engine
#   cli/lib/*.jar, cli/bin/flink-inference    the command line, for the model-store and plan Jobs
#   lib/*.jar                           (gpu) JavaCPP, CUDA and TensorRT with their libraries, for Flink's lib/
# then prints the docker build command. The GPU variant builds with the Maven profile in
# $TENSORRT_PROFILE (default tensorrt-10.6, the TensorRT whose libraries build plans for Hopper GPUs;
# docs/ARCHITECTURE.md), so that the plan Job and the TaskManagers run the same TensorRT.
#
# Usage: k8s/images/build-inputs.sh cpu|gpu
#        k8s/images/build-inputs.sh --list cpu|gpu   the image's name and what it would copy (CONTEXT-PATH<TAB>SOURCE),
#                                                    building nothing
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
list=false
if [[ "${1:-}" == "--list" ]]; then list=true; shift; fi
variant=${1:-}
case "$variant" in
  cpu) profile=(); job_jar=flink-inference-job.jar; dockerfile=Dockerfile; image=flink-inference ;;
  gpu) profile=(-P"${TENSORRT_PROFILE:-tensorrt-10.6}"); job_jar=flink-inference-job-gpu.jar; dockerfile=Dockerfile.gpu
       image=flink-inference-gpu ;;
  *) echo "usage: k8s/images/build-inputs.sh [--list] cpu|gpu" >&2; exit 2 ;;
esac
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -1)
classpath_file="$root/cli/target/launcher.classpath"

if $list; then
  printf 'image\t%s\n' "$image:$version"
  printf 'usrlib/%s\t%s\n' "$job_jar" "jobs/target/$job_jar"
  printf 'cli/bin/flink-inference\t%s\n' "k8s/images/flink-inference"
  printf 'cli/lib/\t%s\n' "cli/target/launcher.classpath"
  [[ "$variant" == gpu ]] && printf 'lib/\t%s\n' "cli/target/launcher.classpath (org.bytedeco) and their linux-x86_64-redist jars"
  exit 0
fi

command -v mvn >/dev/null || { echo "build-inputs: Maven (mvn) is needed" >&2; exit 1; }
echo "build-inputs: building the job jar and the command line (mvn ${profile[*]} -DskipTests package)" >&2
mvn -B -q -Dstyle.color=never -f "$root/pom.xml" "${profile[@]}" -DskipTests package -pl cli -am
out="$root/k8s/images/build/$variant"
rm -rf "$out" && mkdir -p "$out/usrlib" "$out/cli/lib" "$out/cli/bin"
cp "$root/jobs/target/$job_jar" "$out/usrlib/"
cp "$root/k8s/images/flink-inference" "$out/cli/bin/"
cp "$(ls "$root"/cli/target/flink-inference-cli-*.jar | grep -v -e sources -e tests | head -1)" "$out/cli/lib/"
javacpp=()
while IFS= read -r jar; do
  case "$jar" in
    */org/bytedeco/*) javacpp+=("$jar") ;;  # Flink's lib/ in the GPU image; the CPU image has no GPU
    *) cp "$jar" "$out/cli/lib/" ;;
  esac
done < <(tr ':' '\n' < "$classpath_file")
if [[ "$variant" == gpu ]]; then
  mkdir -p "$out/lib"
  for jar in "${javacpp[@]}"; do
    cp "$jar" "$out/lib/"
    # CUDA's and TensorRT's own libraries (cudart, nvrtc, nvjpeg, libnvinfer, ...) are in the presets'
    # -redist jars, next to the platform jars; JavaCPP loads them from there.
    if [[ "$jar" =~ /org/bytedeco/(cuda|tensorrt)/([^/]+)/[^/]+-linux-x86_64\.jar$ ]]; then
      echo "build-inputs: fetching ${BASH_REMATCH[1]} ${BASH_REMATCH[2]} linux-x86_64-redist (large: about 1 GB for TensorRT)" >&2
      mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="org.bytedeco:${BASH_REMATCH[1]}:${BASH_REMATCH[2]}:jar:linux-x86_64-redist" \
          -DoutputDirectory="$out/lib"
    fi
  done
fi
echo "build-inputs: ready in ${out#$root/} ($(du -sh "$out" | cut -f1)). Build and push the image with:" >&2
echo "  docker build -f k8s/images/$dockerfile -t REGISTRY/$image:$version k8s/images/build/$variant && docker push REGISTRY/$image:$version"
