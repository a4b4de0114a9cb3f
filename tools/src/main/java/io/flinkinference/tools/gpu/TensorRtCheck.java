package io.flinkinference.tools.gpu;

import io.flinkinference.tools.setup.SampleImages;
import io.flinkinference.tools.setup.TensorRtCommand;
import io.flinkinference.engine.tensorrt.plan.TensorRtPlanBuilder;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.batching.EncodedImageBatchifier;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.engine.tensorrt.TensorRtEngine;
import io.flinkinference.engine.tensorrt.TensorRtLibrary;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.apache.commons.io.file.PathUtils;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Step 4: TensorRT from the machine's libraries: parse the model's ONNX, inspect the network,
 * configure the builder and build. Where the builder has its per-GPU resources, the plan is
 * published to a scratch store, run through {@link TensorRtEngine} and compared with ONNX Runtime
 * on the same inputs, and timed at several batch sizes, then fed PNG bytes decoded and
 * preprocessed on the GPU; where it does not, the refusal is reported as what it is.
 */
final class TensorRtCheck {
    private static final int MAX_BATCH = 64;

    private TensorRtCheck() {}

    static void run(CheckReport report, int device, java.util.function.Supplier<ModelVersion> models) throws IOException {
        String version;
        try {
            version = TensorRtLibrary.load();
        } catch (TensorRtLibrary.UnavailableException e) {
            report.note("TensorRT: not available, skipped: " + e.getMessage());
            return;
        }
        ModelVersion model = models.get();
        report.say("TensorRT " + version + " loaded; model " + model.ref() + " (" + model.location() + ")");
        List<String> phases = new ArrayList<>();
        Path scratch = Files.createTempDirectory("gpu-check-store");
        try {
            ModelVersion plan;
            try {
                plan = TensorRtCommand.buildAndPublish(ModelStore.open(scratch.toUri()), model,
                        new TensorRtPlanBuilder.Profile(1, 32, MAX_BATCH), device, 2L << 30, phase -> {
                            phases.add(phase);
                            report.say(phase);
                        });
            } catch (IllegalStateException e) {
                boolean configured = phases.stream().anyMatch(p -> p.startsWith("building the plan"));
                report.check("TensorRT parse, network inspection and builder configuration", configured,
                        configured ? "done (" + phases.stream().filter(p -> p.startsWith("parsed")).findFirst().orElse("") + ")"
                                : "stopped: " + e.getMessage());
                report.note("TensorRT plan build: not possible here: " + e.getMessage());
                return;
            }
            report.check("TensorRT plan build", true, plan.ref() + " built and published to a scratch store");
            compareAndTime(report, device, model, plan);
        } finally {
            PathUtils.deleteDirectory(scratch);
        }
    }

    private static void compareAndTime(CheckReport report, int device, ModelVersion model, ModelVersion plan) {
        List<Map<String, Tensor>> batches = SampleImages.renderedTextLines(256, 11).batches(model.manifest());
        String output = model.manifest().outputs().get(0).name();
        try (InferenceEngine reference = OnnxRuntimeEngine.open(model, new Configuration());
                // with the preprocessing, so that the same engine also takes encoded images (compareEncoded)
                TensorRtEngine engine = TensorRtEngine.load(plan, device, true, model.manifest().preprocessing());
                ExecutionContext context = engine.newContext()) {
            int agree = 0;
            int rows = 0;
            double worst = 0;
            for (Map<String, Tensor> batch : batches) {
                FloatBuffer expected = reference.infer(batch).get(output).floats();
                Tensor actualTensor = context.infer(batch).get(output);
                FloatBuffer actual = actualTensor.floats();
                int classes = (int) (actualTensor.elementCount() / actualTensor.dim(0));
                for (int row = 0; row < actualTensor.dim(0); row++) {
                    agree += argmax(expected, row, classes) == argmax(actual, row, classes) ? 1 : 0;
                    rows++;
                }
                for (int i = 0; i < expected.capacity(); i++) {
                    worst = Math.max(worst, Math.abs(expected.get(i) - actual.get(i)));
                }
            }
            report.check("TensorRT vs ONNX Runtime", agree == rows && worst <= 1e-2,
                    String.format("top-1 agreement %d/%d, max abs difference %.2e (limits: all, 1e-2)", agree, rows, worst));
            Map<String, Tensor> one = batches.get(0);
            double best = 0;
            int bestBatch = 0;
            for (int size : new int[] {1, 8, 16, 32, MAX_BATCH}) {
                Map<String, Tensor> input = repeat(one, size);
                double seconds = MemoryCheck.median(5, () -> MemoryCheck.timeSeconds(() -> {
                    for (int i = 0; i < 50; i++) {
                        context.infer(input);
                    }
                }));
                double rate = 50.0 * size / seconds;
                report.say(String.format("TensorRT batch %3d: %.0f img/s", size, rate));
                if (size == 1 || size == 32) {
                    report.note(String.format("TensorRT %s batch %d: %.0f img/s", plan.ref(), size, rate));
                }
                if (rate > best) {
                    best = rate;
                    bestBatch = size;
                }
            }
            report.note(String.format("TensorRT %s best batch %d: %.0f img/s", plan.ref(), bestBatch, best));
            compareEncoded(report, model, plan, reference, context);
        }
    }

    /**
     * The same plan fed encoded PNGs, decoded and preprocessed on the GPU: its labels against the
     * rendered truth and against ONNX Runtime on the CPU path, and its speed from bytes to labels.
     */
    private static void compareEncoded(CheckReport report, ModelVersion model, ModelVersion plan, InferenceEngine reference,
            ExecutionContext context) {
        List<TextLineImages.Sample> samples = new TextLineImages(23).samples(256);
        String output = model.manifest().outputs().get(0).name();
        ImagePreprocessor cpu = new ImagePreprocessor(model.manifest().preprocessing());
        int correct = 0;
        int agree = 0;
        for (int start = 0; start < samples.size(); start += 32) {
            List<TextLineImages.Sample> chunk = samples.subList(start, start + 32);
            List<byte[]> encoded = chunk.stream().map(TextLineImages.Sample::png).toList();
            // stacked as the batcher does, into the context's pinned staging memory that nvJPEG reads
            Map<String, Tensor> outputs = context.infer(EncodedImageBatchifier.INSTANCE.stack(encoded, chunk.size(), context));
            FloatBuffer gpu = outputs.get(output).floats();
            FloatBuffer onnx = reference.infer(Map.of(model.manifest().inputs().get(0).name(),
                    cpu.batch(chunk.stream().map(TextLineImages.Sample::image).toList()))).get(output).floats();
            for (int row = 0; row < chunk.size(); row++) {
                int label = argmax(gpu, row, 2);
                correct += Integer.toString(label * 180).equals(chunk.get(row).orientationLabel()) ? 1 : 0;
                agree += label == argmax(onnx, row, 2) ? 1 : 0;
            }
        }
        report.check("TensorRT on GPU-decoded PNGs vs the rendered truth and ONNX Runtime", agree >= 0.99 * samples.size(),
                String.format("accuracy %d/%d, top-1 agreement with ONNX Runtime on the CPU path %d/%d (the GPU resize "
                        + "differs slightly from Java2D's)", correct, samples.size(), agree, samples.size()));
        Map<String, Tensor> batch = EncodedImageBatchifier.INSTANCE.stack(
                samples.subList(0, 32).stream().map(TextLineImages.Sample::png).toList(), 32, context);
        double seconds = MemoryCheck.median(5, () -> MemoryCheck.timeSeconds(() -> {
            for (int i = 0; i < 20; i++) {
                context.infer(batch);
            }
        }));
        report.note(String.format("TensorRT %s from PNG bytes (GPU decode + preprocess), batch 32: %.0f img/s", plan.ref(),
                20 * 32 / seconds));
    }

    /** A batch of {@code size} rows, cycling through the rows of {@code batch}. */
    private static Map<String, Tensor> repeat(Map<String, Tensor> batch, int size) {
        Map.Entry<String, Tensor> entry = batch.entrySet().iterator().next();
        Tensor source = entry.getValue();
        long[] shape = source.shape();
        int rowBytes = (int) (source.buffer().capacity() / shape[0]);
        shape[0] = size;
        Tensor target = Tensor.allocate(source.dtype(), shape);
        var out = target.buffer();
        for (int row = 0; row < size; row++) {
            var in = source.buffer();
            int from = (int) (row % source.dim(0)) * rowBytes;
            out.put(in.position(from).limit(from + rowBytes));
        }
        return Map.of(entry.getKey(), target);
    }

    private static int argmax(FloatBuffer values, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (values.get(row * classes + c) > values.get(row * classes + best)) {
                best = c;
            }
        }
        return best;
    }
}
