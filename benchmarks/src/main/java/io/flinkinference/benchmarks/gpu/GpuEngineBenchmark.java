package io.flinkinference.benchmarks.gpu;

import io.flinkinference.engine.tensorrt.TensorRtEngine;
import io.flinkinference.engine.tensorrt.plan.TensorRtCompiler;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.batching.EncodedImageBatchifier;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ceiling: {@link TensorRtEngine} in a tight loop, with nothing of Flink, per plan and batch
 * size. Each figure is one execution context's {@code infer} as the batching function calls it,
 * from a batch already in the context's pinned staging memory: copy in, enqueue (a CUDA graph
 * after warm-up), copy out, wait. Then the same at the best batch with two contexts on two
 * threads (the function's default two batches in flight), whose copies overlap the other's
 * compute. With {@code --jpegs}, also the engine given encoded JPEGs (nvJPEG decode and the
 * resize kernel on the GPU, then the plan), the GPU half of the Kafka job without Kafka.
 *
 * <p>Run: {@code GpuEngineBenchmark STORE SECONDS PLAN[,PLAN...] [JPEG_DIR]}; the plans are
 * store names, e.g. {@code resnet50-fp16-trt-sm90}.
 */
public final class GpuEngineBenchmark {
    private static final int[] BATCHES = {1, 8, 32, 64, 128, 256, 512};

    private GpuEngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        ModelStore store = ModelStore.open(Path.of(args[0]).toUri());
        int seconds = Integer.parseInt(args[1]);
        List<byte[]> jpegs = args.length > 3 ? Jpegs.read(Path.of(args[3])) : List.of();
        System.out.println("| plan | batch | contexts | input | images/s | ms per batch |");
        System.out.println("| --- | ---: | ---: | --- | ---: | ---: |");
        for (String name : args[2].split(",")) {
            ModelVersion plan = store.resolve(ModelRef.latest(name));
            Map<String, long[]> fixedDims = TensorRtCompiler.fixedDims(plan.manifest());
            double best = 0;
            int bestBatch = 1;
            try (TensorRtEngine engine = TensorRtEngine.load(plan, 0, true, null)) {
                for (int batch : BATCHES) {
                    if (!engine.batchRange().contains(batch)) {
                        continue;
                    }
                    double rate = run(engine, fixedDims, batch, 1, seconds, false, jpegs);
                    row(name, batch, 1, "tensor", rate);
                    if (rate > best) {
                        best = rate;
                        bestBatch = batch;
                    }
                }
                row(name, bestBatch, 2, "tensor", run(engine, fixedDims, bestBatch, 2, seconds, false, jpegs));
            }
            if (!jpegs.isEmpty()) {
                try (TensorRtEngine engine = TensorRtEngine.load(plan, 0, true, plan.manifest().preprocessing())) {
                    for (int batch : new int[] {32, bestBatch}) {
                        row(name, batch, 1, "JPEG", run(engine, fixedDims, batch, 1, seconds, true, jpegs));
                        row(name, batch, 2, "JPEG", run(engine, fixedDims, batch, 2, seconds, true, jpegs));
                    }
                }
            }
        }
    }

    private static void row(String plan, int batch, int contexts, String input, double rate) {
        System.out.printf("| %s | %d | %d | %s | %.0f | %.2f |%n", plan, batch, contexts, input, rate, 1000.0 * batch * contexts / rate);
        System.out.flush();
    }

    /** Images per second over {@code seconds}, after one second of warm-up, with {@code contexts} threads. */
    private static double run(TensorRtEngine engine, Map<String, long[]> fixedDims, int batch, int contexts, int seconds,
            boolean encoded, List<byte[]> jpegs) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(contexts);
        try {
            List<Future<Long>> counts = new ArrayList<>();
            long start = System.nanoTime() + 1_000_000_000L;
            long end = start + seconds * 1_000_000_000L;
            for (int c = 0; c < contexts; c++) {
                int offset = c * batch;
                counts.add(threads.submit(() -> {
                    try (ExecutionContext context = engine.newContext()) {
                        context.warmUp(new int[] {batch});
                        Map<String, Tensor> inputs = encoded ? jpegBatch(context, jpegs, offset, batch)
                                : tensorBatch(context, engine, fixedDims, batch);
                        long images = 0;
                        while (System.nanoTime() < start) {
                            context.infer(inputs);
                        }
                        while (System.nanoTime() < end) {
                            context.infer(inputs);
                            images += batch;
                        }
                        return images;
                    }
                }));
            }
            long images = 0;
            for (Future<Long> count : counts) {
                images += count.get();
            }
            return images / (double) seconds;
        } finally {
            threads.shutdownNow();
        }
    }

    /** Seeded values in [0, 1) for every input, written where the context stages them. */
    static Map<String, Tensor> tensorBatch(ExecutionContext context, TensorRtEngine engine, Map<String, long[]> fixedDims,
            int batch) {
        SplittableRandom random = new SplittableRandom(batch);
        Map<String, Tensor> inputs = new java.util.LinkedHashMap<>();
        for (TensorSpec spec : engine.inputs()) {
            long[] rest = fixedDims.get(spec.name());
            long[] shape = new long[rest.length + 1];
            shape[0] = batch;
            System.arraycopy(rest, 0, shape, 1, rest.length);
            Tensor tensor = context.allocateInput(spec.name(), spec.dtype(), shape);
            java.nio.FloatBuffer values = tensor.floats();
            while (values.hasRemaining()) {
                values.put((float) random.nextDouble());
            }
            inputs.put(spec.name(), tensor);
        }
        return inputs;
    }

    /** {@code batch} JPEGs stacked by the batcher's own {@link EncodedImageBatchifier}, into the context's pinned memory. */
    static Map<String, Tensor> jpegBatch(ExecutionContext context, List<byte[]> jpegs, int offset, int batch) {
        List<byte[]> images = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            images.add(jpegs.get((offset + i) % jpegs.size()));
        }
        return EncodedImageBatchifier.INSTANCE.stack(images, batch, context);
    }
}
