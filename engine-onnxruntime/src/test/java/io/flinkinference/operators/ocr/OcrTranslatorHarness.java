package io.flinkinference.operators.ocr;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchListener;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.BatchingConfig;
import io.flinkinference.operators.batching.DynamicBatcher;
import io.flinkinference.operators.batching.ManualBatchClock;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.InferenceTranslator;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An OCR translator opened on its real model in ONNX Runtime, and its records run as one batch
 * through the real dynamic batcher: what the job does for a batch, without Flink around it.
 */
final class OcrTranslatorHarness implements AutoCloseable {
    final ModelVersion model;
    final InferenceEngine engine;

    private OcrTranslatorHarness(ModelVersion model, InferenceEngine engine) {
        this.model = model;
        this.engine = engine;
    }

    static OcrTranslatorHarness open(String modelName, InferenceTranslator<?, ?> translator) throws Exception {
        ModelVersion model = TestModels.store().resolve(ModelRef.latest(modelName));
        OcrTranslatorHarness harness = new OcrTranslatorHarness(model, OnnxRuntimeEngine.open(model, new Configuration()));
        translator.open(model, harness.engine);
        return harness;
    }

    /**
     * Runs {@code inputs} as one batch: the batch is cut when all of them are queued (max size =
     * their number; the clock is manual, so no queue delay cuts it earlier, and work-conserving
     * cutting is off, so the idle context does not take the first input alone), each gets its row.
     */
    List<BatchRow> runAsOneBatch(List<BatchInput<?>> inputs) throws Exception {
        try (DynamicBatcher batcher = new DynamicBatcher("ocr-test", engine, new BatchingConfig(inputs.size(), 1_000_000, null, 1, false),
                new ManualBatchClock());
                DynamicBatcher.Member member = batcher.join(BatchListener.NONE)) {
            List<CompletableFuture<BatchRow>> rows = new ArrayList<>();
            for (BatchInput<?> input : inputs) {
                rows.add(member.submit(input));
            }
            List<BatchRow> done = new ArrayList<>();
            for (CompletableFuture<BatchRow> row : rows) {
                done.add(row.get(60, TimeUnit.SECONDS));
            }
            return done;
        }
    }

    /** The single tensor a translator's preprocessing made of one record. */
    @SuppressWarnings("unchecked")
    static Tensor tensorOf(BatchInput<?> input) {
        Map<String, Tensor> tensors = (Map<String, Tensor>) input.record();
        return tensors.values().iterator().next();
    }

    /** {@code image} as a line crop of an image of its own, with the image's outline as its box. */
    static LineCrop crop(String imageId, int index, int count, BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] &= 0xffffff;
        }
        return new LineCrop(imageId, index, count, new BoxCorners(new double[] {0, 0, w, 0, w, h, 0, h}, 1f), w, h, rgb, 0L, Map.of());
    }

    @Override
    public void close() {
        engine.close();
    }
}
