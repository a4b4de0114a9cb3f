package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.TensorSpec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a batch of inputs against the model's declared tensors before it reaches native code,
 * where a mismatch would surface as a cryptic runtime error or, worse, as reading past a buffer.
 */
public final class TensorValidator {
    private TensorValidator() {}

    /** @return the batch size shared by all inputs */
    public static long validate(Map<String, Tensor> inputs, List<TensorSpec> declared, BatchRange range) {
        Set<String> expectedNames = declared.stream().map(TensorSpec::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> givenNames = new TreeSet<>(inputs.keySet());
        if (!givenNames.equals(expectedNames)) {
            Set<String> unknown = new TreeSet<>(givenNames);
            unknown.removeAll(expectedNames);
            Set<String> missing = new TreeSet<>(expectedNames);
            missing.removeAll(givenNames);
            throw new InvalidInputException(
                    "Input names do not match the model: given " + givenNames + ", the model declares "
                            + expectedNames + (unknown.isEmpty() ? "" : "; unknown " + unknown)
                            + (missing.isEmpty() ? "" : "; missing " + missing) + ".");
        }
        long batch = -1;
        for (TensorSpec spec : declared) {
            Tensor tensor = inputs.get(spec.name());
            if (tensor.dtype() != spec.dtype()) {
                throw new InvalidInputException(
                        "Input '" + spec.name() + "' is " + tensor.dtype() + "; the model declares " + spec.dtype() + ".");
            }
            long[] shape = tensor.shape();
            if (shape.length != spec.rank()) {
                throw new InvalidInputException(
                        "Input '" + spec.name() + "' has shape " + Arrays.toString(shape) + " (rank " + shape.length
                                + "); the model declares " + spec.shapeText() + " (rank " + spec.rank() + ").");
            }
            for (int i = 0; i < shape.length; i++) {
                if (!spec.isDynamic(i) && shape[i] != spec.shape().get(i)) {
                    throw new InvalidInputException(
                            "Input '" + spec.name() + "' has shape " + Arrays.toString(shape) + "; the model declares "
                                    + spec.shapeText() + " (dimension " + i + " must be " + spec.shape().get(i) + ").");
                }
                if (shape[i] < 1) {
                    throw new InvalidInputException(
                            "Input '" + spec.name() + "' has an empty dimension: " + Arrays.toString(shape) + ".");
                }
            }
            if (batch >= 0 && shape[0] != batch) {
                throw new InvalidInputException(
                        "Inputs disagree on the batch size: '" + spec.name() + "' has " + shape[0] + ", others " + batch + ".");
            }
            batch = shape[0];
        }
        if (!range.contains(batch)) {
            throw new InvalidInputException("Batch size " + batch + " is outside the engine's range " + range + ".");
        }
        return batch;
    }
}
