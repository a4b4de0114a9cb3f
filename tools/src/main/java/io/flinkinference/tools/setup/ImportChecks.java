package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What makes an import unusable, found before anything is published: each check returns the
 * reason, in words the user can act on, or nothing.
 */
final class ImportChecks {
    /** The precisions the rest of the project knows (setup steps, plan selection, model listings). */
    static final Set<String> PRECISIONS = Set.of("fp32", "fp16", "fp16-weights", "bf16", "int8");

    private ImportChecks() {}

    static Optional<String> precision(String precision) {
        return PRECISIONS.contains(precision) ? Optional.empty()
                : Optional.of("--precision must be one of " + PRECISIONS.stream().sorted().toList() + ", not '" + precision + "'.");
    }

    /** A labels file must name every class of the output the labels read: one line per class. */
    static Optional<String> labels(List<String> lines, String labelsFile, TensorSpec output) {
        long labelCount = lines.stream().filter(line -> !line.isBlank()).count();
        long classes = output.shape().isEmpty() ? TensorSpec.DYNAMIC : output.shape().get(output.rank() - 1);
        if (classes == TensorSpec.DYNAMIC || classes == labelCount) {
            return Optional.empty();
        }
        return Optional.of(labelsFile + " has " + labelCount + " labels, but output '" + output.name() + "' "
                + output.shape() + " has " + classes + " classes: every class needs its line, in class order.");
    }

    /**
     * A model whose single input looks like images (float, rank 4, 1 or 3 channels first or last)
     * needs preprocessing, or the job cannot send it images, only tensors; {@code --no-preprocessing}
     * says that tensors are meant.
     */
    static Optional<String> preprocessing(List<TensorSpec> inputs, Preprocessing preprocessing, boolean tensorsOnly) {
        if (preprocessing != null || tensorsOnly || inputs.size() != 1) {
            return Optional.empty();
        }
        TensorSpec input = inputs.get(0);
        boolean imageLike = input.rank() == 4 && input.dtype() == io.flinkinference.modelstore.manifest.DataType.FLOAT32
                && (isChannels(input.shape().get(1)) || isChannels(input.shape().get(3)));
        return imageLike ? Optional.of("Input '" + input.name() + "' " + input.shape() + " looks like images, but no "
                + "preprocessing was given, so the job could not send this model images. Give --size HxW (with --mean, "
                + "--std, --channels as the model was trained), or --no-preprocessing if it is to take tensors only.")
                : Optional.empty();
    }

    private static boolean isChannels(long dim) {
        return dim == 1 || dim == 3;
    }
}
