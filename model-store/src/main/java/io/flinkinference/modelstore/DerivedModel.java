package io.flinkinference.modelstore;

import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import org.apache.commons.io.file.PathUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model made from a published one (its FP16, INT8 or pruned variant, a TensorRT plan): its own
 * main file, and everything else as the parent has it.
 *
 * @param transform what was done to the parent, for the lineage
 * @param facts what the lineage records besides (validation figures, TensorRT version, ...)
 */
public record DerivedModel(String name, ModelFormat format, String artifact, String precision, String transform,
        byte[] bytes, Map<String, String> facts) {

    public DerivedModel {
        facts = Map.copyOf(facts);
    }

    /**
     * Publishes it into {@code store}: its main file, the parent's other files (labels, alphabet:
     * the manifest names them, and the store refuses a manifest naming a file it lacks), the parent's
     * tensors and pre- and postprocessing, and a lineage naming the parent, the transform and the facts.
     */
    public ModelVersion publishInto(ModelStore store, ModelVersion parent) {
        Manifest manifest = parent.manifest();
        try {
            Path work = Files.createTempDirectory("flink-inference-derived");
            try {
                Map<String, Path> files = new LinkedHashMap<>();
                files.put(artifact, Files.write(work.resolve(artifact), bytes));
                for (var file : manifest.files()) {
                    if (!file.name().equals(manifest.artifact())) {
                        files.put(file.name(), Files.write(work.resolve(file.name()), parent.readArtifact(file.name())));
                    }
                }
                return store.publish(Manifest.builder(name)
                        .format(format)
                        .artifact(artifact)
                        .precision(precision)
                        .inputs(manifest.inputs())
                        .outputs(manifest.outputs())
                        .preprocessing(manifest.preprocessing())
                        .postprocessing(manifest.postprocessing())
                        .lineage(new Lineage(manifest.name(), manifest.version(), List.of(transform),
                                manifest.lineage().source(), facts))
                        .build(), files);
            } finally {
                PathUtils.deleteDirectory(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stage " + name + " derived from " + parent.ref(), e);
        }
    }
}
