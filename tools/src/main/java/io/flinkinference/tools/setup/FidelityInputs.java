package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The inputs on which an export is checked: one batch of seeded normal values (the batch size
 * differs from the export's example, so the dynamic batch is exercised), and the sample images,
 * preprocessed as the new model's manifest will say, in batches of their own size.
 */
record FidelityInputs(List<Input> inputs, String samplesHash) {
    static final String RANDOM = "random";
    static final String SAMPLES = "samples";

    record Input(String kind, Tensor tensor) {}

    static FidelityInputs create(ExportSpec spec, int randomCount, long seed, SampleImages samples, Preprocessing preprocessing,
            String modelName) {
        List<Input> inputs = new ArrayList<>();
        if (randomCount > 0) {
            inputs.add(new Input(RANDOM, random(spec, randomCount, seed)));
        }
        if (samples != null) {
            if (preprocessing == null) {
                throw new IllegalArgumentException("Sample images need the preprocessing that turns them into the model's "
                        + "input: give --size (with its options) or --preprocess-spec, or check with --random-inputs only.");
            }
            List<Long> shape = new ArrayList<>(spec.inputShape());
            spec.dynamicAxes().keySet().forEach(axis -> shape.set(axis, TensorSpec.DYNAMIC));
            Manifest provisional = Manifest.builder(modelName)
                    .inputs(List.of(new TensorSpec(spec.inputName(), DataType.FLOAT32, shape, null)))
                    .preprocessing(preprocessing)
                    .build();
            for (Map<String, Tensor> batch : samples.batches(provisional)) {
                inputs.add(new Input(SAMPLES, batch.get(spec.inputName())));
            }
        }
        return new FidelityInputs(inputs, samples == null ? null : samples.hash());
    }

    private static Tensor random(ExportSpec spec, int count, long seed) {
        long[] shape = spec.inputShape().stream().mapToLong(Long::longValue).toArray();
        shape[0] = count;
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, shape);
        FloatBuffer values = tensor.floats();
        Random random = new Random(seed);
        while (values.hasRemaining()) {
            values.put((float) random.nextGaussian());
        }
        return tensor;
    }
}
