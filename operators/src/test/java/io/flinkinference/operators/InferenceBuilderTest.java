package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The builder's checks and what it builds, against {@link OptionsOnlyEngineProvider} (no real engine
 * is on this module's class path) and, for pinning, a real store in a temporary folder.
 */
class InferenceBuilderTest {
    private static final String ENGINE = OptionsOnlyEngineProvider.NAME;

    @TempDir
    Path temp;

    @Test
    void readsEverySettingFromAConfiguration() {
        Configuration config = new Configuration();
        config.set(InferenceOptions.MODEL, "ppocr-cls:1");
        config.set(InferenceOptions.MODEL_STORE, "file:///tmp/store");
        config.set(InferenceOptions.ENGINE, ENGINE);
        config.set(InferenceOptions.MAX_BATCH_SIZE, 16);
        config.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(3));
        config.set(InferenceOptions.PREFERRED_BATCH_SIZES, List.of(8, 4));
        config.set(InferenceOptions.MAX_INFLIGHT_BATCHES, 3);
        config.set(InferenceOptions.OUTPUT_MODE, InferenceOptions.OutputMode.UNORDERED);
        config.set(InferenceOptions.TIMEOUT, Duration.ofSeconds(9));
        config.set(OptionsOnlyEngineProvider.THREADS, 4);

        Inference<InferenceRequest, InferenceResult> inference = Inference.builder().configure(config).build();

        assertThat(inference.options().get(InferenceOptions.MAX_BATCH_SIZE)).isEqualTo(16);
        assertThat(inference.options().get(InferenceOptions.MAX_QUEUE_DELAY)).isEqualTo(Duration.ofMillis(3));
        assertThat(inference.options().get(InferenceOptions.PREFERRED_BATCH_SIZES)).containsExactly(8, 4);
        assertThat(inference.options().get(InferenceOptions.MAX_INFLIGHT_BATCHES)).isEqualTo(3);
        assertThat(inference.options().get(InferenceOptions.OUTPUT_MODE)).isEqualTo(InferenceOptions.OutputMode.UNORDERED);
        assertThat(inference.options().get(InferenceOptions.TIMEOUT)).isEqualTo(Duration.ofSeconds(9));
        assertThat(inference.options().get(InferenceOptions.CAPACITY)).as("default: room for a queued batch per in-flight one")
                .isEqualTo(64);
        assertThat(inference.spec()).isEqualTo(new ModelSpec(java.net.URI.create("file:///tmp/store"),
                ModelRef.of("ppocr-cls", 1), ENGINE, Map.of("options-only.threads", "4")));
    }

    @Test
    void fittingToTheEngineIsOnByDefaultAndItsSettingsAreRead() {
        assertThat(builder("m:1").build().options().get(InferenceOptions.FIT_TO_ENGINE)).isTrue();
        assertThat(builder("m:1").build().options().get(InferenceOptions.FIT_BUDGET)).isEqualTo(Duration.ofSeconds(2));

        Configuration config = new Configuration();
        config.setString("inference.batch.fit-to-engine", "false");
        config.setString("inference.batch.fit-budget", "5s");
        Inference<InferenceRequest, InferenceResult> inference = builder("m:1").configure(config).build();

        assertThat(inference.options().get(InferenceOptions.FIT_TO_ENGINE)).isFalse();
        assertThat(inference.options().get(InferenceOptions.FIT_BUDGET)).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> builder("m:1").fitBudget(Duration.ZERO).build())
                .hasMessageContaining("inference.batch.fit-budget must be positive");
    }

    @Test
    void namesTheSettingThatIsWrong() {
        assertThatThrownBy(() -> Inference.builder().build()).hasMessageContaining("inference.model");
        assertThatThrownBy(() -> builder("m:1").maxBatchSize(0).build())
                .hasMessageContaining("inference.batch").hasMessageContaining("max batch size");
        assertThatThrownBy(() -> builder("m:1").maxBatchSize(32).capacity(8).build())
                .hasMessageContaining("inference.capacity 8 is below inference.batch.max-size 32");
        assertThatThrownBy(() -> builder("m:x").build()).hasMessageContaining("not a model reference");
    }

    @Test
    void refusesAnUnknownEngineListingTheAvailableOnes() {
        assertThatThrownBy(() -> Inference.builder().model("m:1").engine("tensorflow").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No inference engine named 'tensorflow'")
                .hasMessageContaining("inference.engine")
                .hasMessageContaining(ENGINE).hasMessageContaining(OtherEngineProvider.NAME);
    }

    @Test
    void refusesAnEngineOptionTheEngineDoesNotDeclare() {
        Configuration typo = new Configuration();
        typo.setString("options-only.thread", "4");
        assertThatThrownBy(() -> builder("m:1").configure(typo).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown option 'options-only.thread' for the options-only engine")
                .hasMessageContaining("[options-only.fast, options-only.threads]");

        var foreign = ConfigOptions.key("onnxruntime.intra-op-threads").intType().noDefaultValue();
        assertThatThrownBy(() -> builder("m:1").engineOption(foreign, 2).build())
                .hasMessageContaining("Unknown option 'onnxruntime.intra-op-threads' for the options-only engine");
    }

    @Test
    void leavesTheOptionsOfAnotherEngineToItSoThatOneFileCanServeBoth() {
        Configuration shared = new Configuration();
        shared.set(OptionsOnlyEngineProvider.THREADS, 4);
        shared.set(OtherEngineProvider.LEVEL, 3);

        Inference<InferenceRequest, InferenceResult> inference = builder("m:1").configure(shared).build();

        assertThat(inference.spec().engineOptions()).containsOnlyKeys(OptionsOnlyEngineProvider.THREADS.key());
        assertThat(Inference.builder().configure(shared).engine(OtherEngineProvider.NAME).modelStore("file:///tmp/store").model("m:1").build()
                .spec().engineOptions()).containsOnlyKeys(OtherEngineProvider.LEVEL.key());
    }

    @Test
    void refusesAValueTheEngineCannotRead() {
        Configuration config = new Configuration();
        config.setString("options-only.threads", "many");
        assertThatThrownBy(() -> builder("m:1").configure(config).build())
                .hasMessageContaining("Invalid value for option 'options-only.threads' of the options-only engine");
    }

    @Test
    void refusesAnUnknownInferenceSetting() {
        Configuration config = new Configuration();
        config.setString("inference.batch.max-sise", "8");
        assertThatThrownBy(() -> builder("m:1").configure(config).build())
                .hasMessageContaining("Unknown setting 'inference.batch.max-sise'")
                .hasMessageContaining("inference.batch.max-size");
    }

    @Test
    void leavesFlinksOwnKeysToFlink() {
        // What a job may pass: its whole configuration, Flink's keys among the function's and the engine's.
        Configuration job = new Configuration();
        job.setString("execution.checkpointing.interval", "10 s");
        job.setString("state.backend.type", "rocksdb");
        job.setString("pipeline.name", "ocr");
        job.setString("taskmanager.numberOfTaskSlots", "4");
        job.setString("rest.port", "8081");
        job.setString("options-only.fast", "true");
        job.set(InferenceOptions.MODEL, "m:1");

        Inference<InferenceRequest, InferenceResult> inference = Inference.builder().engine(ENGINE).configure(job).build();

        assertThat(inference.spec().engineOptions()).containsExactly(Map.entry("options-only.fast", "true"));
    }

    @Test
    void pinsLatestWhenBuiltSoThatANewerVersionIsNotServed() throws Exception {
        ModelStore store = ModelStore.open(temp.resolve("store").toUri());
        publish(store);
        publish(store);

        Inference<InferenceRequest, InferenceResult> inference = Inference.builder().engine(ENGINE)
                .modelStore(store.root()).model("m").build();
        publish(store);

        assertThat(inference.spec().model()).isEqualTo(ModelRef.of("m", 2));
        assertThat(inference.options().get(InferenceOptions.MODEL)).isEqualTo("m:2");
        assertThat(inference.spec()).as("the spec travels to the TaskManagers as it was built")
                .isEqualTo(org.apache.flink.util.InstantiationUtil.clone(inference).spec());
    }

    @Test
    void latestOfAModelTheStoreLacksAsksForAVersionOrAStore() {
        String store = temp.resolve("empty").toUri().toString();
        assertThatThrownBy(() -> Inference.builder().engine(ENGINE).modelStore(store).model("m:latest").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot pin the latest version of m (inference.model)")
                .hasMessageContaining("No model 'm' in the store")
                .hasMessageContaining("Name a version (m:N)");
    }

    @Test
    void aPinnedVersionIsNotLookedUpWhenBuilt() {
        // The store need not be readable where the job is built when the version is named.
        Inference<InferenceRequest, InferenceResult> inference = builder("m:7")
                .modelStore(temp.resolve("nowhere").toUri()).build();

        assertThat(inference.spec().model()).isEqualTo(ModelRef.of("m", 7));
    }

    @Test
    void theDefaultUidLeavesOutTheVersionSoASavepointSurvivesAnUpgrade() throws Exception {
        InferenceStreams<InferenceResult> v3 = builder("ppocr-cls:3").build().apply(requests());
        InferenceStreams<InferenceResult> v4 = builder("ppocr-cls:4").build().apply(requests());

        assertThat(v3.operator().getTransformation().getUid()).isEqualTo("inference-ppocr-cls");
        assertThat(v4.operator().getTransformation().getUid()).isEqualTo("inference-ppocr-cls");
        assertThat(builder("ppocr-cls:3").uid("ocr").build().apply(requests()).operator().getTransformation().getUid())
                .isEqualTo("ocr");
    }

    @Test
    void exposesTheAsyncOperatorForSlotSharingAndNames() {
        InferenceStreams<InferenceResult> out = builder("ppocr-cls:3").build().apply(requests());
        Transformation<?> async = out.operator().getTransformation();
        assertThat(async.getName()).isEqualTo("inference ppocr-cls:3 on options-only");
        assertThat(((OneInputTransformation<?, ?>) async).getOperatorFactory()).isInstanceOf(AsyncWaitOperatorFactory.class);
        assertThat(out.results().getTransformation().getInputs()).as("the failures are split off after it")
                .containsExactly(async);

        out.operator().slotSharingGroup("gpu").name("classify lines");

        assertThat(async.getSlotSharingGroup()).hasValueSatisfying(group -> assertThat(group.getName()).isEqualTo("gpu"));
        assertThat(async.getName()).isEqualTo("classify lines");
    }

    private static Inference.Builder<InferenceRequest, InferenceResult> builder(String model) {
        return Inference.builder().engine(ENGINE).modelStore("file:///tmp/store").model(model);
    }

    private static DataStream<InferenceRequest> requests() {
        return StreamExecutionEnvironment.getExecutionEnvironment()
                .fromData(TypeInformation.of(InferenceRequest.class), InferenceRequest.image("a", new byte[] {1}, 0));
    }

    private void publish(ModelStore store) throws IOException {
        Path sources = Files.createTempDirectory(temp, "m");
        Files.writeString(sources.resolve("model.onnx"), "weights");
        Files.writeString(sources.resolve("labels.txt"), "a\nb\n");
        Manifest draft = Manifest.builder("m")
                .artifact("model.onnx")
                .inputs(List.of(new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 3L, 8L, 8L), List.of("N"))))
                .outputs(List.of(new TensorSpec("y", DataType.FLOAT32, List.of(-1L, 2L), List.of("N"))))
                .postprocessing(Postprocessing.topK("y", "labels.txt", 1))
                .build();
        store.publish(draft, Map.of("model.onnx", sources.resolve("model.onnx"), "labels.txt", sources.resolve("labels.txt")));
    }
}
