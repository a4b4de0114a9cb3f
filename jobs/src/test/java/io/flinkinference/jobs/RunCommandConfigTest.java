package io.flinkinference.jobs;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

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

    @Test
    void aKeyNothingReadsIsAnErrorNamingIt() throws Exception {
        Path file = properties("state.backend.type=rocksdb\n");
        RunCommand run = parse("-b", "localhost:9092", "--model", "ppocr-cls:1", "--config", file.toString());

        assertThatThrownBy(run::settings).isInstanceOf(ParameterException.class)
                .hasMessageContaining("Unknown key 'state.backend.type'")
                .hasMessageContaining("onnxruntime.*");
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
