package io.flinkinference.engine.tensorrt.check;

import io.flinkinference.operators.batching.EncodedImageBatchifier;
import io.flinkinference.engine.tensorrt.TensorRtEngine;
import io.flinkinference.engine.tensorrt.TensorRtLibrary;
import io.flinkinference.engine.tensorrt.plan.TensorRtCompiler;
import io.flinkinference.modelstore.DerivedModel;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.MachineCheck.LabelledImage;
import io.flinkinference.operators.engine.ModelCompiler;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.operators.translate.ImageDecoder;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.apache.commons.io.file.PathUtils;
import org.apache.flink.configuration.Configuration;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Step 4: TensorRT from the machine's libraries: parse the model's ONNX, inspect the network,
 * configure the builder and build. Where the builder has its per-GPU resources, the plan is
 * published to a scratch store, run through {@link TensorRtEngine} and compared with ONNX Runtime
 * (found through the engine SPI) on the same inputs, and timed at several batch sizes, then fed
 * the encoded images decoded and preprocessed on the GPU; where it does not, the refusal is
 * reported as what it is.
 */
final class TensorRtCheck {
    /** Top-1 agreement with ONNX Runtime both comparisons require. */
    private static final double MIN_AGREEMENT = 0.99;
    private static final int MAX_BATCH = 64;
    private static final int BATCH = 32;
    private static final String REFERENCE_ENGINE = "onnxruntime";

    private TensorRtCheck() {}

    static void run(CheckReport report, int device, Supplier<ModelVersion> models, Supplier<List<LabelledImage>> images)
            throws IOException {
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
                ModelStore store = ModelStore.open(scratch.toUri());
                ModelCompiler.Compiled compiled = new TensorRtCompiler().compile(model,
                        new ModelCompiler.Options(device, new ModelCompiler.BatchProfile(1, BATCH, MAX_BATCH), 2L << 30, store),
                        phase -> {
                            phases.add(phase);
                            report.say(phase);
                        });
                plan = publish(store, model, compiled);
            } catch (IllegalStateException e) {
                boolean configured = phases.stream().anyMatch(p -> p.startsWith("building the plan"));
                report.check("TensorRT parse, network inspection and builder configuration", configured,
                        configured ? "done (" + phases.stream().filter(p -> p.startsWith("parsed")).findFirst().orElse("") + ")"
                                : "stopped: " + e.getMessage());
                report.note("TensorRT plan build: not possible here: " + e.getMessage());
                return;
            }
            report.check("TensorRT plan build", true, plan.ref() + " built and published to a scratch store");
            compareAndTime(report, device, model, plan, images.get());
        } finally {
            PathUtils.deleteDirectory(scratch);
        }
    }

    /** The plan as a version of its own in the scratch store, derived from the model as {@code setup tensorrt} publishes it. */
    static ModelVersion publish(ModelStore store, ModelVersion model, ModelCompiler.Compiled plan) {
        return new DerivedModel(plan.name(), plan.format(), plan.artifact(), model.manifest().precision(), plan.transform(),
                plan.bytes(), plan.facts()).publishInto(store, model);
    }

    /** The images decoded on the CPU and preprocessed as the manifest says, in batches. */
    private static List<Map<String, Tensor>> floatBatches(ModelVersion model, List<BufferedImage> decoded) {
        ImagePreprocessor cpu = new ImagePreprocessor(model.manifest().preprocessing());
        String input = model.manifest().inputs().get(0).name();
        List<Map<String, Tensor>> batches = new ArrayList<>();
        for (int start = 0; start < decoded.size(); start += BATCH) {
            batches.add(Map.of(input, cpu.batch(decoded.subList(start, Math.min(decoded.size(), start + BATCH)))));
        }
        return batches;
    }

    private static List<BufferedImage> decode(List<LabelledImage> images) {
        List<BufferedImage> decoded = new ArrayList<>();
        for (LabelledImage image : images) {
            try {
                decoded.add(ImageDecoder.decode(image.encoded()));
            } catch (BadInputException e) {
                throw new IllegalArgumentException("A sample image for the TensorRT check is no image: " + e.getMessage(), e);
            }
        }
        return decoded;
    }

    private static void compareAndTime(CheckReport report, int device, ModelVersion model, ModelVersion plan,
            List<LabelledImage> images) {
        List<BufferedImage> decoded = decode(images);
        List<Map<String, Tensor>> batches = floatBatches(model, decoded);
        String output = model.manifest().outputs().get(0).name();
        try (InferenceEngine reference = Engines.provider(REFERENCE_ENGINE).open(model, new Configuration(), -1);
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
            // Not "all": TensorRT computes in TF32, so a line whose two classes ONNX Runtime scores within a
            // few thousandths of each other may flip (seen once in 256 JPEG-encoded lines on the H200).
            report.check("TensorRT vs ONNX Runtime", agree >= MIN_AGREEMENT * rows && worst <= 1e-2,
                    String.format("top-1 agreement %d/%d, max abs difference %.2e (limits: %.0f%%, 1e-2)", agree, rows, worst,
                            100 * MIN_AGREEMENT));
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
            compareEncoded(report, model, plan, reference, context, images, batches);
        }
    }

    /**
     * The same plan fed the encoded images, decoded and preprocessed on the GPU: its classes against
     * the expected ones and against ONNX Runtime on the CPU path, and its speed from bytes to classes.
     */
    private static void compareEncoded(CheckReport report, ModelVersion model, ModelVersion plan, InferenceEngine reference,
            ExecutionContext context, List<LabelledImage> images, List<Map<String, Tensor>> cpuBatches) {
        String output = model.manifest().outputs().get(0).name();
        int correct = 0;
        int agree = 0;
        List<byte[]> timedImages = new ArrayList<>();
        for (int start = 0, batch = 0; start < images.size(); start += BATCH, batch++) {
            List<LabelledImage> chunk = images.subList(start, Math.min(images.size(), start + BATCH));
            List<byte[]> encoded = chunk.stream().map(LabelledImage::encoded).toList();
            if (timedImages.isEmpty()) {
                timedImages.addAll(encoded);
            }
            // stacked as the batcher does, into the context's pinned staging memory that nvJPEG reads
            Tensor gpuOut = context.infer(EncodedImageBatchifier.INSTANCE.stack(encoded, chunk.size(), context)).get(output);
            FloatBuffer gpu = gpuOut.floats();
            FloatBuffer onnx = reference.infer(cpuBatches.get(batch)).get(output).floats();
            int classes = (int) (gpuOut.elementCount() / gpuOut.dim(0));
            for (int row = 0; row < chunk.size(); row++) {
                int label = argmax(gpu, row, classes);
                correct += label == chunk.get(row).expectedClass() ? 1 : 0;
                agree += label == argmax(onnx, row, classes) ? 1 : 0;
            }
        }
        report.check("TensorRT on GPU-decoded images vs the expected classes and ONNX Runtime", agree >= MIN_AGREEMENT * images.size(),
                String.format("accuracy %d/%d, top-1 agreement with ONNX Runtime on the CPU path %d/%d (the GPU resize "
                        + "differs slightly from Java2D's)", correct, images.size(), agree, images.size()));
        int timed = timedImages.size();
        Map<String, Tensor> batch = EncodedImageBatchifier.INSTANCE.stack(timedImages, timed, context);
        double seconds = MemoryCheck.median(5, () -> MemoryCheck.timeSeconds(() -> {
            for (int i = 0; i < 20; i++) {
                context.infer(batch);
            }
        }));
        report.note(String.format("TensorRT %s from encoded images (GPU decode + preprocess), batch %d: %.0f img/s", plan.ref(),
                timed, 20 * timed / seconds));
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
