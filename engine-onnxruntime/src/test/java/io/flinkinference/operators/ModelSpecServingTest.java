package io.flinkinference.operators;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.FileEntry;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.EngineKey;
import io.flinkinference.operators.engine.SharedEngines;
import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the function serves is the {@link ModelSpec} that was built, with the real orientation
 * classifier on ONNX Runtime: the version pinned when the job was built, and an engine of its own
 * for each set of engine options.
 */
class ModelSpecServingTest {
    @TempDir
    Path temp;

    @Test
    void servesTheVersionPinnedAtBuildAfterANewerOneIsPublished() throws Exception {
        ModelStore store = ModelStore.open(temp.resolve("store").toUri());
        republishClassifier(store);

        Inference<InferenceRequest, InferenceResult> inference = Inference.builder()
                .modelStore(store.root()).model("ppocr-cls").maxBatchSize(1).build();
        republishClassifier(store); // version 2 arrives between build and start, as on a restart

        try (OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                InferenceHarnesses.of(inference)) {
            harness.open();
            harness.processElement(TestRequests.textLine(1), 0L);
            harness.endInput();
            assertThat(harness.extractOutputValues()).singleElement().satisfies(out -> {
                assertThat(out.isRight()).isTrue();
                assertThat(out.right().modelVersion()).isEqualTo(1);
            });
        }
        assertThat(store.versions("ppocr-cls")).containsExactly(1, 2);
    }

    @Test
    void withoutAStoreTheFunctionReadsTheDefaultStoreOfTheMachineItRunsOn() throws Exception {
        assumeTrue(System.getenv(ModelStore.STORE_ENV) == null, ModelStore.STORE_ENV + " is set: the default store is fixed");
        String home = System.getProperty("user.home");
        try {
            // Built where the default store is empty; the version is named, so build() reads no store.
            System.setProperty("user.home", temp.resolve("client").toString());
            Inference<InferenceRequest, InferenceResult> inference = Inference.builder()
                    .model("ppocr-cls:1").maxBatchSize(1).build();
            assertThatThrownBy(() -> Inference.builder().model("ppocr-cls").build())
                    .as("latest cannot be pinned from an empty default store")
                    .hasMessageContaining("No inference.model-store (--store) is set")
                    .hasMessageContaining("name a version (ppocr-cls:N)");
            // Opened where the default store holds the model, as on a TaskManager.
            System.setProperty("user.home", temp.resolve("taskmanager").toString());
            republishClassifier(ModelStore.open(ModelStore.defaultRoot()));

            try (OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                    InferenceHarnesses.of(inference)) {
                harness.open();
                harness.processElement(TestRequests.textLine(2), 0L);
                harness.endInput();
                assertThat(harness.extractOutputValues()).singleElement()
                        .satisfies(out -> assertThat(out.right().modelVersion()).isEqualTo(1));
            }
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void operatorsWithOtherEngineOptionsGetAnEngineOfTheirOwn() throws Exception {
        ModelVersion model = TestModels.classifier();
        Inference<InferenceRequest, InferenceResult> oneThread = classifier(1);
        Inference<InferenceRequest, InferenceResult> twoThreads = classifier(2);
        Inference<InferenceRequest, InferenceResult> twoThreadsAgain = classifier(2);

        try (var a = InferenceHarnesses.of(oneThread); var b = InferenceHarnesses.of(twoThreads);
                var c = InferenceHarnesses.of(twoThreadsAgain)) {
            a.open();
            b.open();
            c.open();

            assertThat(SharedEngines.instance().references(key(model, 1))).isEqualTo(1);
            assertThat(SharedEngines.instance().references(key(model, 2))).as("same options, one engine").isEqualTo(2);
        }
        assertThat(SharedEngines.instance().references(key(model, 2))).isZero();
    }

    private static Inference<InferenceRequest, InferenceResult> classifier(int threads) {
        return Inference.builder().modelStore(TestModels.store().root()).model(TestModels.classifier().ref().toString())
                .engineOption(OnnxRuntimeOptions.INTRA_OP_THREADS, threads).maxQueueDelay(Duration.ZERO).build();
    }

    private static EngineKey key(ModelVersion model, int threads) {
        return new EngineKey("onnxruntime", model.storeRoot(), model.manifest().name(), model.manifest().version(),
                Map.of(OnnxRuntimeOptions.INTRA_OP_THREADS.key(), Integer.toString(threads)), -1);
    }

    /** Publishes the test store's classifier, files and manifest unchanged, as the next version of {@code store}. */
    private void republishClassifier(ModelStore store) throws IOException {
        ModelVersion source = TestModels.classifier();
        Manifest m = source.manifest();
        Manifest draft = Manifest.builder(m.name()).format(m.format()).artifact(m.artifact()).precision(m.precision())
                .inputs(m.inputs()).outputs(m.outputs()).preprocessing(m.preprocessing())
                .postprocessing(m.postprocessing()).lineage(m.lineage()).build();
        Path files = Files.createTempDirectory(temp, "files");
        Map<String, Path> byName = new HashMap<>();
        for (FileEntry file : m.files()) {
            byName.put(file.name(), Files.write(files.resolve(file.name()), source.readArtifact(file.name())));
        }
        store.publish(draft, byName);
    }
}
