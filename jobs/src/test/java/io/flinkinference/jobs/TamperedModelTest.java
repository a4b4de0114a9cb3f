package io.flinkinference.jobs;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.UnusableModelException;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model file changed after publishing (one byte flipped, its size unchanged): the preflight
 * hashes the files and refuses it, and a job that gets past that anyway (built without the
 * preflight, as a cluster whose store changed under it would) fails at once instead of restarting
 * on an error no restart can heal.
 */
class TamperedModelTest {

    @Test
    void preflightRefusesAndTheJobFailsWithoutRestarting(@TempDir Path root) throws Exception {
        ModelStore store = TestModels.freshStore(root.resolve("store"));
        ModelVersion model = store.resolve(ModelRef.latest("ppocr-cls"));
        Path artifact = Path.of(java.net.URI.create(model.location())).resolve(model.manifest().artifact());
        try (RandomAccessFile file = new RandomAccessFile(artifact.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int value = file.read();
            file.seek(file.length() / 2);
            file.write(value ^ 0x01);
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "tm-images", "tm-results", "tm-dead");
            Configuration inference = new Configuration();
            inference.set(InferenceOptions.MODEL, "ppocr-cls");
            inference.set(InferenceOptions.MODEL_STORE, store.root().toString());
            StreamingInferenceJob.Settings settings = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "tm-images",
                    "tm-results", "tm-dead", "tm-test", inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                    Duration.ofSeconds(1), 1, false);

            assertThatThrownBy(() -> StreamingInferenceJob.preflight(settings))
                    .isInstanceOf(ModelStoreException.ChecksumMismatchException.class)
                    .hasMessageContaining(model.manifest().artifact()).hasMessageContaining("does not match its manifest");

            // Past the preflight, the job's default restart strategy (BoundedRestarts) would try ten times over minutes.
            StreamExecutionEnvironment env = LocalEnvironments.create(1);
            StreamingInferenceJob.build(env, settings);
            assertThatThrownBy(() -> env.execute("tampered model")).satisfies(failure -> {
                assertThat(ExceptionUtils.findThrowable(failure, UnusableModelException.class)).get()
                        .satisfies(e -> assertThat(e.getMessage()).contains("ppocr-cls:1 cannot be served")
                                .contains("Restarting would not help"));
                assertThat(ExceptionUtils.findThrowableWithMessage(failure, "not recoverable")).isPresent();
            });
        }
    }
}
