package io.flinkinference.benchmarks.peers;

import io.flinkinference.modelstore.ModelVersion;

import java.time.Duration;
import java.util.List;

/**
 * What every contestant serves in one suite run: the same model, the same records and the same
 * thread budget.
 *
 * @param model the model version, from the project's store (its ONNX file and manifest)
 * @param images encoded images (PNG), what Kafka contestants send through their topics and decode
 * @param tensors the same images preprocessed once by the model's preprocessing: little-endian
 *     float32 of {@code tensorShape}, what contestants without Kafka take
 * @param tensorShape one record's tensor shape, batch dimension 1
 * @param threads the cores a contestant may use: its parallelism times its engine threads should
 *     not exceed it
 * @param warmUp how long a contestant runs before it calls {@link MeasuringWindow#begin}
 * @param bootstrapServers the suite's Kafka broker, which runs in a JVM of its own so that its CPU
 *     and memory are nobody's; contestants that use Kafka create their own topics on it, with
 *     names of their own per run
 */
public record Workload(ModelVersion model, List<byte[]> images, List<byte[]> tensors, long[] tensorShape,
        int threads, Duration warmUp, String bootstrapServers) {
    public Workload {
        if (images.size() != tensors.size() || images.isEmpty()) {
            throw new IllegalArgumentException("A workload needs as many images as tensors, and at least one: "
                    + images.size() + " images, " + tensors.size() + " tensors.");
        }
        images = List.copyOf(images);
        tensors = List.copyOf(tensors);
        tensorShape = tensorShape.clone();
    }
}
