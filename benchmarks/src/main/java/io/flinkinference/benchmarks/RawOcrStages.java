package io.flinkinference.benchmarks;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.Batchifier;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.ocr.DbPostprocessor;
import io.flinkinference.operators.ocr.DetectionResize;
import io.flinkinference.operators.ocr.DetectionTranslator;
import io.flinkinference.operators.ocr.LineCrop;
import io.flinkinference.operators.ocr.OrientationTranslator;
import io.flinkinference.operators.ocr.RecognitionTranslator;
import io.flinkinference.operators.ocr.TextBox;
import io.flinkinference.operators.translate.ImageDecoder;
import io.flinkinference.operators.translate.InferenceTranslator;
import io.flinkinference.samples.models.PaddleOcrModels;
import org.apache.flink.configuration.Configuration;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCR job's three models without Flink: each engine opened through the SPI as the job opens it
 * (ONNX Runtime, default options), fed the same pages and the same line crops, preprocessed by the
 * job's own translators and stacked by their batchifiers into batches of a given size (records of
 * one bucket only, as the batcher does). What is timed per stage: the translator's preprocessing of
 * each record, and the engine's {@code infer} on each batch, one call at a time on one thread.
 */
final class RawOcrStages implements AutoCloseable {
    /** Nanoseconds per record in one stage, and the records and batches that took them. */
    record Figures(double preprocessNanos, double engineNanos, int records, int batches) {}

    private final Stage detection;
    private final Stage orientation;
    private final Stage recognition;
    private final List<InferenceRequest> pages;
    private final List<LineCrop> crops;

    RawOcrStages(ModelStore store, List<InferenceRequest> pages) throws Exception {
        this.pages = pages;
        this.detection = new Stage(store, PaddleOcrModels.DETECTOR, new DetectionTranslator());
        this.orientation = new Stage(store, PaddleOcrModels.CLASSIFIER, new OrientationTranslator());
        this.recognition = new Stage(store, PaddleOcrModels.RECOGNIZER, new RecognitionTranslator());
        this.crops = cutLines(store);
    }

    /** The lines the detector finds on the pages, cut out as the job's detection translator cuts them. */
    private List<LineCrop> cutLines(ModelStore store) throws Exception {
        ModelVersion model = store.resolve(ModelRef.latest(PaddleOcrModels.DETECTOR));
        String output = model.manifest().outputs().get(0).name();
        DbPostprocessor boxes = DbPostprocessor.defaults();
        List<LineCrop> lines = new ArrayList<>();
        try (ExecutionContext context = detection.engine.newContext()) {
            for (InferenceRequest page : pages) {
                Map<String, Tensor> outputs = context.infer(Stage.stack(List.of(detection.translator.preprocess(page)), 1, context));
                BufferedImage image = ImageDecoder.decode(page.payload());
                DetectionResize resize = DetectionResize.of(image.getHeight(), image.getWidth());
                List<TextBox> found = boxes.boxes(outputs.get(output), 0, resize);
                for (int i = 0; i < found.size(); i++) {
                    lines.add(LineCrop.cut(page.id(), i, found.size(), image, found.get(i), page.eventTimeMillis(), page.metadata()));
                }
            }
        }
        return lines;
    }

    int lines() {
        return crops.size();
    }

    Figures detection(int batchSize) throws Exception {
        return detection.measure(pages, batchSize);
    }

    Figures orientation(int batchSize) throws Exception {
        return orientation.measure(crops, batchSize);
    }

    /** Crops as cut, not turned upright: the recognizer's time depends on their shapes, not on what they show. */
    Figures recognition(int batchSize) throws Exception {
        return recognition.measure(crops, batchSize);
    }

    @Override
    public void close() {
        detection.engine.close();
        orientation.engine.close();
        recognition.engine.close();
    }

    /** One model: its engine and the job's translator for it. */
    private static final class Stage {
        final InferenceEngine engine;
        final InferenceTranslator<Object, ?> translator;

        @SuppressWarnings("unchecked") // each stage is fed the records its translator takes
        Stage(ModelStore store, String name, InferenceTranslator<?, ?> translator) throws Exception {
            ModelVersion model = store.resolve(ModelRef.latest(name));
            this.engine = Engines.provider("onnxruntime").open(model, new Configuration(), -1);
            this.translator = (InferenceTranslator<Object, ?>) translator;
            this.translator.open(model, engine);
        }

        /** Preprocesses every record (timed), groups them by bucket and runs them in batches of {@code batchSize} (timed). */
        Figures measure(List<?> records, int batchSize) throws Exception {
            long preprocessNanos = 0;
            Map<Object, List<BatchInput<?>>> buckets = new LinkedHashMap<>();
            for (Object record : records) {
                long start = System.nanoTime();
                BatchInput<?> input = translator.preprocess(record);
                preprocessNanos += System.nanoTime() - start;
                buckets.computeIfAbsent(bucketKey(input), k -> new ArrayList<>()).add(input);
            }
            long engineNanos = 0;
            int batches = 0;
            try (ExecutionContext context = engine.newContext()) {
                for (List<BatchInput<?>> bucket : buckets.values()) {
                    for (int from = 0; from < bucket.size(); from += batchSize) {
                        List<BatchInput<?>> batch = bucket.subList(from, Math.min(bucket.size(), from + batchSize));
                        Map<String, Tensor> inputs = stack(batch, Math.max(batch.size(), engine.batchRange().min()), context);
                        long start = System.nanoTime();
                        context.infer(inputs);
                        engineNanos += System.nanoTime() - start;
                        batches++;
                    }
                }
            }
            return new Figures((double) preprocessNanos / records.size(), (double) engineNanos / records.size(), records.size(), batches);
        }

        @SuppressWarnings("unchecked") // a bucket holds records of one batchifier
        private static Object bucketKey(BatchInput<?> input) {
            return List.of(input.batchifier(), ((Batchifier<Object>) input.batchifier()).bucketKey(input.record()));
        }

        @SuppressWarnings("unchecked") // a batch holds records of one batchifier
        static Map<String, Tensor> stack(List<BatchInput<?>> batch, int rows, ExecutionContext context) {
            Batchifier<Object> batchifier = (Batchifier<Object>) batch.get(0).batchifier();
            List<Object> records = new ArrayList<>(batch.size());
            for (BatchInput<?> input : batch) {
                records.add(input.record());
            }
            return batchifier.stack(records, rows, context);
        }
    }
}
