package io.flinkinference.benchmarks.peers;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import io.flinkinference.modelstore.ModelVersion;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How a DJL contestant loads the model, as a Flink function carries it to its subtasks: the ONNX
 * file in a folder of its own (DJL loads a model from a path; the store may be remote) and the
 * record shape. DJL is kept offline, with its caches under the scratch folder, so it never
 * reaches the network or writes to the user's home. ONNX Runtime gets 1 intra-op thread per
 * subtask, through DJL's engine option, so that {@code threads} subtasks use {@code threads} cores.
 */
final class DjlModel implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String ENGINE = "OnnxRuntime";

    private final String modelDirectory;
    private final String cacheDirectory;
    private final long[] tensorShape;

    private DjlModel(Path modelDirectory, Path cacheDirectory, long[] tensorShape) {
        this.modelDirectory = modelDirectory.toString();
        this.cacheDirectory = cacheDirectory.toString();
        this.tensorShape = tensorShape.clone();
    }

    /** Copies the version's ONNX file (checked against its manifest) for DJL, once per version. */
    static DjlModel prepare(ModelVersion model, long[] tensorShape, Path scratch) throws IOException {
        Path directory = scratch.resolve("djl-models").resolve(model.ref().name() + "-" + model.manifest().version());
        Path file = directory.resolve("model.onnx");
        if (!Files.exists(file)) {
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, "model", ".partial");
            Files.write(partial, model.readModel());
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return new DjlModel(directory, scratch.resolve("djl-cache"), tensorShape);
    }

    /** Loads the model with DJL's {@code Criteria}, as a DJL user would, in a subtask's {@code open}. */
    ZooModel<byte[], int[]> load() throws IOException, ModelNotFoundException, MalformedModelException {
        offline(Path.of(cacheDirectory));
        Criteria<byte[], int[]> criteria = Criteria.builder()
                .setTypes(byte[].class, int[].class)
                .optModelPath(Path.of(modelDirectory))
                .optEngine(ENGINE)
                .optTranslator(new ArgMaxTranslator(tensorShape))
                .optOption("intraOpNumThreads", "1")
                .optOption("interOpNumThreads", "1")
                .build();
        return criteria.loadModel();
    }

    /** DJL reads these before it looks anything up; set before the first model of the JVM loads. */
    private static void offline(Path cache) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("DJL_CACHE_DIR", cache.toString());
        System.setProperty("ENGINE_CACHE_DIR", cache.toString());
    }
}
