package io.flinkinference.jobs;

import io.flinkinference.testing.TestModels;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.samples.TextLineImages;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.flinkinference.jobs.cli.CliErrors;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --jobmanager}: the job jar (jobs/target/flink-inference-job.jar) is submitted over REST
 * to a running Flink cluster and the job answers through Kafka. The cluster runs in this test's JVM,
 * whose class path already holds Kafka and Avro, so it resolves classes parent-first; a real cluster
 * has only Flink on its class path and takes them from the jar, whose contents
 * {@link #theJobJarCarriesWhatAClusterLacks} checks.
 */
class RemoteSubmissionIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(parentFirst()).build());

    private static Configuration parentFirst() {
        Configuration config = new Configuration();
        config.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        return config;
    }

    @Test
    void theJobJarCarriesWhatAClusterLacks() throws Exception {
        try (JarFile jar = new JarFile(JobJar.locate("onnxruntime").toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(StreamingJobMain.class.getName());
            for (String needed : List.of("io/flinkinference/jobs/StreamingInferenceJob.class",
                    "io/flinkinference/operators/InferenceFunction.class",
                    "io/flinkinference/modelstore/ModelStore.class",
                    "org/apache/flink/connector/kafka/source/KafkaSource.class",
                    "org/apache/flink/connector/base/DeliveryGuarantee.class",
                    "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                    "org/apache/avro/Schema.class",
                    "ai/onnxruntime/OrtSession.class",
                    "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                    "META-INF/services/io.flinkinference.operators.engine.EngineProvider")) {
                assertThat(jar.getEntry(needed)).as(needed).isNotNull();
            }
            for (String clusterOwn : List.of("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                    "org/apache/flink/runtime/minicluster/MiniCluster.class", "kafka/server/KafkaRaftServer.class")) {
                assertThat(jar.getEntry(clusterOwn)).as(clusterOwn).isNull();
            }
            assertThat(jar.stream().map(JarEntry::getName))
                    .as("a CPU job jar holds no JavaCPP and no TensorRT class")
                    .noneMatch(name -> name.startsWith("org/bytedeco/") || name.startsWith("io/flinkinference/engine/tensorrt/"));
            assertThat(serviceFile(jar)).contains("OnnxRuntimeEngineProvider").doesNotContain("TensorRt");
        }
    }

    @Test
    void theGpuJobJarAddsTheTensorRtEngineButNoJavaCpp() throws Exception {
        try (JarFile jar = new JarFile(JobJar.locate("tensorrt").toFile())) {
            assertThat(jar.getEntry("io/flinkinference/engine/tensorrt/TensorRtEngine.class")).isNotNull();
            assertThat(jar.getEntry("io/flinkinference/engine/tensorrt/gpu/preprocess/resize_normalize.cu")).isNotNull();
            assertThat(serviceFile(jar)).contains("OnnxRuntimeEngineProvider").contains("TensorRtEngineProvider");
            assertThat(jar.stream().map(JarEntry::getName)).noneMatch(name -> name.startsWith("org/bytedeco/"));
        }
    }

    private static String serviceFile(JarFile jar) throws Exception {
        try (var in = jar.getInputStream(jar.getEntry("META-INF/services/io.flinkinference.operators.engine.EngineProvider"))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void theJobJarRunsOnACluster(@InjectMiniCluster MiniCluster cluster) throws Exception {
        String store = TestModels.storeLocation();
        URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
        // The extension makes its test environment the default; a user's client has no such context.
        TestStreamEnvironment.unsetAsContext();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "images", "results", "dead-letters");
            try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "images", new Properties())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(ImageProducer.image("remote-" + i, new TextLineImages(i).sample(false).png(), ImageEncoding.PNG, Map.of()));
                }
            }

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new RunCommand()).setExecutionExceptionHandler(new CliErrors());
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int status = cli.execute("-b", kafka.bootstrapServers(), "--model", "ppocr-cls", "--store", store,
                    "--bounded", "--jobmanager", rest.getHost() + ":" + rest.getPort());

            assertThat(status).as(err.toString()).isZero();
            assertThat(out.toString()).contains("Submitted job").contains("It runs on " + rest.getHost());
            List<InferenceResult> results = new ArrayList<>();
            try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), "results", "dead-letters", new Properties())) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (results.size() < 10 && System.nanoTime() < deadline) {
                    results.addAll(reader.poll(Duration.ofMillis(500)).results());
                }
            }
            assertThat(results).hasSize(10).allSatisfy(r -> assertThat(r.getLabels().get(0).getLabel()).isEqualTo("0"));
        }
    }
}
