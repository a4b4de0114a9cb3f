package io.flinkinference.jobs;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code run --config FILE} splits a properties file between the function, the engine and Kafka. */
class RunCommandConfigTest {
    @TempDir
    Path temp;

    @Test
    void engineKeysInTheFileReachTheEngineAndKafkaKeysTheClients() throws Exception {
        Path file = properties("""
                inference.batch.max-size=8
                onnxruntime.intra-op-threads=2
                kafka.security.protocol=SASL_SSL
                """);

        StreamingInferenceJob.Settings settings = parse("-b", "localhost:9092", "--model", "ppocr-cls:1",
                "--store", temp.toUri().toString(), "--config", file.toString()).settings();

        assertThat(settings.kafka()).containsEntry("security.protocol", "SASL_SSL");
        Inference<?, ?> inference = Inference.builder().configure(settings.inference()).build();
        assertThat(inference.spec().engineOptions())
                .containsExactly(Map.entry(OnnxRuntimeOptions.INTRA_OP_THREADS.key(), "2"));
        assertThat(inference.options().get(InferenceOptions.MAX_BATCH_SIZE)).isEqualTo(8);
    }

    /** The file {@code bench --record} writes: its knee as the max batch size, and no fitting at the job's start. */
    @Test
    void aBatchLimitRecordedByBenchConfiguresTheFunction() throws Exception {
        Path file = properties("""
                # ppocr-rec on this machine
                inference.batch.max-size=4
                inference.batch.fit-to-engine=false
                """);

        StreamingInferenceJob.Settings settings = parse("-b", "localhost:9092", "--model", "ppocr-cls:1",
                "--store", temp.toUri().toString(), "--config", file.toString()).settings();

        Inference<?, ?> inference = Inference.builder().configure(settings.inference()).build();
        assertThat(inference.options().get(InferenceOptions.MAX_BATCH_SIZE)).isEqualTo(4);
        assertThat(inference.options().get(InferenceOptions.FIT_TO_ENGINE)).isFalse();
    }

    @Test
    void flinkKeysInTheFileGoToFlinkAndNoWhereElse() throws Exception {
        Path file = properties("state.backend.type=rocksdb\nexecution.checkpointing.interval=7s\ninference.batch.max-size=4\n");
        RunCommand run = parse("-b", "localhost:9092", "--model", "ppocr-cls:1", "--config", file.toString());

        assertThat(run.flinkSettings().toMap()).containsOnly(Map.entry("state.backend.type", "rocksdb"),
                Map.entry("execution.checkpointing.interval", "7s"));
        assertThat(run.settings().inference().toMap()).doesNotContainKeys("state.backend.type", "execution.checkpointing.interval");
    }

    @Test
    void theClustersConfigurationGivesInferenceKeysThatTheFileAndTheCommandLineOverride() throws Exception {
        Configuration cluster = new Configuration();
        cluster.setString("inference.batch.max-size", "16");
        cluster.setString("inference.batch.max-queue-delay", "7ms");
        cluster.setString("onnxruntime.intra-op-threads", "3");
        cluster.setString("taskmanager.numberOfTaskSlots", "4");
        Path file = properties("inference.batch.max-queue-delay=9ms\n");

        StreamingInferenceJob.Settings settings = parse("-b", "localhost:9092", "--model", "ppocr-cls:1", "--config",
                file.toString(), "--max-batch-size", "8").settings(cluster);

        assertThat(settings.inference().get(InferenceOptions.MAX_BATCH_SIZE)).as("command line over cluster").isEqualTo(8);
        assertThat(settings.inference().get(InferenceOptions.MAX_QUEUE_DELAY)).as("file over cluster")
                .isEqualTo(java.time.Duration.ofMillis(9));
        assertThat(settings.inference().toMap()).containsEntry("onnxruntime.intra-op-threads", "3")
                .doesNotContainKey("taskmanager.numberOfTaskSlots");
    }

    /** A FlinkDeployment's job.parallelism and checkpoint interval reach the job unless its arguments set them. */
    @Test
    void theClustersParallelismAndCheckpointIntervalApplyUnlessTheCommandLineGivesThem() throws Exception {
        Configuration cluster = new Configuration();
        cluster.setString("parallelism.default", "6");
        cluster.setString("execution.checkpointing.interval", "30s");

        StreamingInferenceJob.Settings fromCluster = parse("-b", "localhost:9092", "--model", "ppocr-cls:1").settings(cluster);
        assertThat(fromCluster.parallelism()).isEqualTo(6);
        assertThat(fromCluster.checkpointInterval()).isEqualTo(java.time.Duration.ofSeconds(30));

        StreamingInferenceJob.Settings given = parse("-b", "localhost:9092", "--model", "ppocr-cls:1", "--parallelism", "2",
                "--checkpoint-interval", "5s").settings(cluster);
        assertThat(given.parallelism()).isEqualTo(2);
        assertThat(given.checkpointInterval()).isEqualTo(java.time.Duration.ofSeconds(5));

        StreamingInferenceJob.Settings local = parse("-b", "localhost:9092", "--model", "ppocr-cls:1").settings(new Configuration());
        assertThat(local.parallelism()).isEqualTo(1);
        assertThat(local.checkpointInterval()).isEqualTo(java.time.Duration.ofSeconds(10));
    }

    @Test
    void aLatencyTargetFromTheCommandLineOrTheFileReachesTheBatcher() throws Exception {
        StreamingInferenceJob.Settings flag = parse("-b", "localhost:9092", "--model", "ppocr-cls:1",
                "--latency-target", "20ms").settings(new Configuration());
        assertThat(flag.inference().get(InferenceOptions.LATENCY_TARGET)).isEqualTo(java.time.Duration.ofMillis(20));

        Path file = properties("inference.batch.latency-target=15ms\n");
        StreamingInferenceJob.Settings fromFile = parse("-b", "localhost:9092", "--model", "ppocr-cls:1", "--config",
                file.toString()).settings(new Configuration());
        assertThat(fromFile.inference().get(InferenceOptions.LATENCY_TARGET)).isEqualTo(java.time.Duration.ofMillis(15));
        assertThat(io.flinkinference.operators.Inference.batchingOf(fromFile.inference()).latencyTargetMicros())
                .as("what the batcher is built with").isEqualTo(15_000);
    }

    @Test
    void aMisspelledInferenceKeyFromTheClusterIsRefusedWhenTheJobIsBuilt() throws Exception {
        Configuration cluster = new Configuration();
        cluster.setString("inference.batch.max-sise", "16");
        StreamingInferenceJob.Settings settings = parse("-b", "localhost:9092", "--model", "ppocr-cls:1").settings(cluster);

        assertThatThrownBy(() -> Inference.builder().configure(settings.inference()).build())
                .hasMessageContaining("inference.batch.max-sise");
    }

    @Test
    void aMisspelledEngineOptionIsRefusedWhenTheJobIsBuilt() throws Exception {
        Path file = properties("onnxruntime.intra-op-thread=2\n");
        StreamingInferenceJob.Settings settings = parse("-b", "localhost:9092", "--model", "ppocr-cls:1",
                "--config", file.toString()).settings();

        assertThatThrownBy(() -> Inference.builder().configure(settings.inference()).build())
                .hasMessageContaining("Unknown option 'onnxruntime.intra-op-thread' for the onnxruntime engine")
                .hasMessageContaining(OnnxRuntimeOptions.INTRA_OP_THREADS.key());
    }

    private Path properties(String text) throws Exception {
        return Files.writeString(Files.createTempFile(temp, "run", ".properties"), text);
    }

    private static RunCommand parse(String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return run;
    }
}
