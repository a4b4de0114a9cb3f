package io.flinkinference.jobs;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.ImageRecord;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.cli.CliErrors;
import io.flinkinference.jobs.cluster.Await;
import io.flinkinference.jobs.cluster.ClusterJob;
import io.flinkinference.jobs.cluster.CommittedOutput;
import io.flinkinference.jobs.cluster.ImageFeed;
import io.flinkinference.jobs.cluster.StandaloneCluster;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.rest.handler.legacy.messages.ClusterOverviewWithVersion;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job jar on a real standalone Flink session cluster: a JobManager and two TaskManagers, each a
 * JVM of its own with only Flink's jars on its class path (cluster-lib's {@code target/lib}), started
 * by {@code scripts/flink-cluster.sh} as a user starts them; the job is submitted by Flink's own
 * client ({@code CliFrontend run -d}) in a process of its own, so Kafka, Avro, ONNX Runtime and the
 * project's classes reach the TaskManagers only in the job jar, through Flink's child-first user-code
 * class loader. The broker is the embedded one, in this JVM. The tests share the cluster and run
 * one job at a time (each TaskManager has one slot, the jobs a parallelism of two, so every job
 * spans both TaskManagers, and a killed one must be replaced); each leaves the cluster idle. What
 * the processes wrote is in {@code target/standalone-cluster}, printed when a test fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final int PARALLELISM = 2;
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RESULTS_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted job ([0-9a-f]{32})");

    private static EmbeddedKafka kafka;
    private static StandaloneCluster cluster;
    private static String store;

    @RegisterExtension
    final TestWatcher printClusterLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster != null) {
                System.out.println("The cluster's logs after " + context.getDisplayName() + " failed:" + cluster.logTails(80));
            }
        }
    };

    @BeforeAll
    static void startClusterAndBroker() throws Exception {
        store = TestModels.storeLocation();
        kafka = EmbeddedKafka.start();
        cluster = StandaloneCluster.start(Path.of(System.getProperty("flinkinference.cluster.script")),
                Path.of(System.getProperty("flinkinference.cluster.lib")), Path.of("target", "standalone-cluster").toAbsolutePath(),
                2, 1);
    }

    @AfterAll
    static void stopClusterAndBroker() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** Each test starts on an idle cluster: two TaskManagers, every slot free, no job running. */
    @BeforeEach
    void clusterIsIdle() throws Exception {
        Await.until("an idle cluster of two TaskManagers", Duration.ofMinutes(1), () -> {
            ClusterOverviewWithVersion overview = cluster.overview();
            return overview.getNumTaskManagersConnected() == 2 && overview.getNumJobsRunningOrPending() == 0
                    && overview.getNumSlotsAvailable() == overview.getNumSlotsTotal();
        });
    }

    @Test
    @Order(0)
    void theClusterClassPathHoldsFlinkOnly() throws IOException {
        Path lib = Path.of(System.getProperty("flinkinference.cluster.lib"));
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(path -> path.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).anyMatch(jar -> jar.startsWith("flink-runtime-2")).anyMatch(jar -> jar.startsWith("flink-clients-"))
                .anyMatch(jar -> jar.startsWith("flink-rpc-akka-loader-")).anyMatch(jar -> jar.startsWith("log4j-slf4j-impl-"));
        for (String jar : jars) {
            try (JarFile file = new JarFile(lib.resolve(jar).toFile())) {
                assertThat(file.stream().map(entry -> entry.getName()))
                        .as("%s holds no Kafka, Avro, ONNX Runtime or project class", jar)
                        .noneMatch(name -> name.startsWith("org/apache/kafka/") || name.startsWith("org/apache/avro/")
                                || name.startsWith("ai/onnxruntime/") || name.startsWith("io/flinkinference/")
                                || name.startsWith("org/apache/flink/connector/kafka/"));
            }
        }
    }

    /**
     * {@code flink run -d} returns and its process is gone; the job runs on without it, and 2,000
     * labelled images sent after the client left come back, each exactly once and rightly
     * classified, to a read_committed reader.
     */
    @Test
    @Order(1)
    void aDetachedSubmissionRunsOnAndDeliversEveryImageOnce() throws Exception {
        List<ImageRecord> images = labelledImages("detached", 2_000, 7);
        ClusterJob job = submit("detached");
        try (CommittedOutput output = output("detached")) {
            assertThat(cluster.clientProcesses()).as("Flink client processes once run -d has returned").isEmpty();
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);

            send("detached", images);
            output.awaitIds(ids(images), RESULTS_TIMEOUT);
            settle(job, output);

            assertThat(output.perId()).hasSize(images.size())
                    .allSatisfy((id, count) -> assertThat(count).as("results for %s", id).isEqualTo(1));
            assertThat(output.deadLetters()).isEmpty();
            assertRightlyLabelled(output.byId(), images);
            assertThat(job.status()).as("an unbounded job, still running").isEqualTo(JobStatus.RUNNING);
        } finally {
            cancel(job);
        }
    }

    /**
     * The ONNX Runtime natives load in the user-code class loader, and load again in a new one in the
     * same TaskManager JVMs. What this found: they survive, with nothing in the cluster's lib/ and
     * no {@code classloader.parent-first-patterns.additional} entry. ONNX Runtime's Java binding
     * extracts libonnxruntime.so and libonnxruntime4j_jni.so from the job jar into a new temporary
     * folder whenever its classes are initialised, and the JVM refuses a native library in a second
     * class loader only when it has the same path ("already loaded in another classloader"), so each
     * job's class loader loads copies of its own. The test cancels a job once ONNX Runtime has
     * answered in both TaskManagers, submits a new one (a new class loader) into the same two
     * processes, checks its answers, that no TaskManager logged an UnsatisfiedLinkError, and, in
     * {@code /proc/PID/maps}, that each TaskManager mapped a second copy of the JNI library from ONNX
     * Runtime's temporary folders: proof that the second job's class loader was a new one. A
     * restart within one job (the failover in the TaskManager test below) keeps the job's class
     * loader where the TaskManager keeps its slot, and loads nothing again.
     *
     * <p>Also seen, by hand ({@code jcmd PID GC.run}, then {@code VM.classloaders}): a cancelled
     * job's class loader stays alive in the TaskManager after a full GC, so its copy of the natives
     * (22 MB of libonnxruntime.so) stays mapped; a TaskManager that runs many short jobs grows by
     * that much per job until it restarts. What holds the class loader is not known yet.
     */
    @Test
    @Order(2)
    void onnxRuntimeNativesLoadAgainInANewJobsClassLoaderInTheSameTaskManagers() throws Exception {
        Map<String, ProcessHandle> before = cluster.taskManagers();
        Set<String> firstJobTaskManagers = runJobToResults("natives-first", 40, 21);
        Map<String, Set<String>> librariesAfterFirst = onnxRuntimeLibraries(before);

        Set<String> secondJobTaskManagers = runJobToResults("natives-second", 40, 22);
        Map<String, Set<String>> librariesAfterSecond = onnxRuntimeLibraries(before);

        assertThat(secondJobTaskManagers).isEqualTo(firstJobTaskManagers).isEqualTo(before.keySet());
        assertThat(cluster.taskManagers()).as("the same TaskManager processes ran both jobs").isEqualTo(before);
        for (String taskManager : before.keySet()) {
            assertThat(librariesAfterSecond.get(taskManager)).as("a copy of ONNX Runtime's JNI library that the second job's "
                    + "class loader loaded in %s", taskManager).isNotEqualTo(librariesAfterFirst.get(taskManager))
                    .containsAll(librariesAfterFirst.get(taskManager));
            assertThat(librariesAfterFirst.get(taskManager)).as("ONNX Runtime's JNI library in %s after the first job", taskManager)
                    .isNotEmpty().allMatch(path -> path.contains("onnxruntime-java"));
            assertThat(librariesAfterSecond.get(taskManager)).as("ONNX Runtime's JNI library in %s after the second job", taskManager)
                    .isNotEmpty().allMatch(path -> path.contains("onnxruntime-java"));
            assertThat(Files.readString(cluster.logs().resolve(taskManager + ".log")) + Files.readString(cluster.logs().resolve(taskManager + ".out")))
                    .doesNotContain("UnsatisfiedLinkError");
        }
        System.out.println("ONNX Runtime JNI libraries mapped into the TaskManagers after the first job: " + librariesAfterFirst
                + "; after the second: " + librariesAfterSecond);
    }

    /**
     * {@code flink-inference run --jobmanager} submits the same job jar over the REST API from this
     * JVM; the TaskManagers again take every class but Flink's from the jar. A bounded job, so it
     * finishes by itself.
     */
    @Test
    @Order(3)
    void runWithJobManagerSubmitsTheJobJarToTheCluster() throws Exception {
        List<ImageRecord> images = labelledImages("remote", 100, 17);
        kafka.createTopics(PARALLELISM, "remote-images", "remote-results", "remote-dead");
        send("remote", images);
        CommandRunner run = CommandRunner.of(() -> new CommandLine(new RunCommand()).setExecutionExceptionHandler(new CliErrors()));
        int status = run.run("-b", kafka.bootstrapServers(), "--model", "ppocr-cls", "--store", store, "--input-topic", "remote-images",
                "--output-topic", "remote-results", "--dead-letter-topic", "remote-dead", "--group-id", "remote",
                "--parallelism", Integer.toString(PARALLELISM), "--bounded", "--jobmanager", "127.0.0.1:" + cluster.restPort());

        assertThat(status).as(run.err()).isZero();
        Matcher submitted = SUBMITTED.matcher(run.out());
        assertThat(submitted.find()).as(run.out()).isTrue();
        ClusterJob job = new ClusterJob(cluster.rest(), JobID.fromHexString(submitted.group(1)));
        try (CommittedOutput output = output("remote")) {
            output.awaitIds(ids(images), RESULTS_TIMEOUT);
            Await.until("the bounded job to finish", RESULTS_TIMEOUT, () -> job.status() == JobStatus.FINISHED);
            output.awaitCaughtUp(Duration.ofMinutes(1));
            assertThat(output.perId()).hasSize(images.size()).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
            assertRightlyLabelled(output.byId(), images);
        } finally {
            cancel(job);
        }
    }

    /**
     * Mid-stream, while images keep arriving, one TaskManager is killed (SIGKILL); a new one is
     * started; the job restores its last checkpoint on the survivor and the newcomer, and a
     * read_committed reader sees every id exactly once. The recovery times are printed.
     */
    @Test
    @Order(4)
    void aTaskManagerKilledMidStreamIsReplacedAndTheJobRecoversExactlyOnce() throws Exception {
        List<ImageRecord> images = labelledImages("kill", 1_000, 13);
        ClusterJob job = submit("kill");
        try (CommittedOutput output = output("kill");
                ImageFeed feed = ImageFeed.start(kafka.bootstrapServers(), "kill-images", images, 100)) {
            // Mid-stream: checkpoints have committed output, and images are still arriving.
            output.awaitDistinctIds(100, RESULTS_TIMEOUT);
            String victim = job.taskManagers().iterator().next();
            Map<String, ProcessHandle> survivors = cluster.taskManagers();
            survivors.remove(victim);
            Map<String, Set<String>> survivorLibrariesBefore = onnxRuntimeLibraries(survivors);
            long lastCheckpoint = job.checkpoints().getLatestCheckpoints().getCompletedCheckpointStatistics().getId();
            int sentAtKill = feed.sent();
            int committedAtKill = output.distinctIds();
            long killedAt = System.currentTimeMillis();
            cluster.kill(victim);
            String replacement = cluster.addTaskManager();
            long replacementAt = System.currentTimeMillis();

            Await.until("the job to run again on the new TaskManager", Duration.ofMinutes(2), () -> {
                CheckpointingStatistics checkpoints = job.checkpoints();
                return checkpoints.getLatestCheckpoints().getRestoredCheckpointStatistics() != null && job.allSubtasksRunning()
                        && job.taskManagers().contains(replacement) && !job.taskManagers().contains(victim);
            });
            long runningAt = System.currentTimeMillis();
            CheckpointingStatistics.RestoredCheckpointStatistics restored =
                    job.checkpoints().getLatestCheckpoints().getRestoredCheckpointStatistics();
            Await.until("a checkpoint after the restore", Duration.ofMinutes(1), () -> job.checkpoints().getLatestCheckpoints()
                    .getCompletedCheckpointStatistics().getId() > restored.getId());
            CheckpointStatistics firstAfterRestore = firstCompletedAfter(job.checkpoints(), restored.getId());

            // Observed, not asserted: whether the survivor's restart reused the job's class loader (no new copy of the natives).
            System.out.printf("Copies of ONNX Runtime's JNI library in the surviving TaskManager: %s before the kill, %s after "
                    + "the restart%n", counts(survivorLibrariesBefore), counts(onnxRuntimeLibraries(survivors)));
            feed.await(RESULTS_TIMEOUT);
            output.awaitIds(ids(images), RESULTS_TIMEOUT);
            settle(job, output);

            assertThat(sentAtKill - committedAtKill).as("images sent but not yet committed when the TaskManager died").isPositive();
            assertThat(restored.getId()).as("the checkpoint the job restored").isGreaterThanOrEqualTo(lastCheckpoint);
            assertThat(output.perId()).hasSize(images.size())
                    .allSatisfy((id, count) -> assertThat(count).as("results for %s", id).isEqualTo(1));
            assertRightlyLabelled(output.byId(), images);
            System.out.printf("Recovery after killing %s (%d images sent, %d committed): %s registered after %d ms; "
                            + "restored checkpoint %d (the last completed before the kill: %d) at +%d ms; every subtask running "
                            + "again at +%d ms; first checkpoint after the restore (its output committed) at +%d ms%n",
                    victim, sentAtKill, committedAtKill, replacement, replacementAt - killedAt, restored.getId(), lastCheckpoint,
                    restored.getRestoreTimestamp() - killedAt, runningAt - killedAt,
                    firstAfterRestore.getLatestAckTimestamp() - killedAt);
        } finally {
            cancel(job);
        }
    }

    /** Submits a job, waits for answers to {@code count} images, cancels it, and returns the TaskManagers it ran on. */
    private Set<String> runJobToResults(String prefix, int count, long seed) throws Exception {
        List<ImageRecord> images = labelledImages(prefix, count, seed);
        ClusterJob job = submit(prefix);
        try (CommittedOutput output = output(prefix)) {
            send(prefix, images);
            output.awaitIds(ids(images), RESULTS_TIMEOUT);
            assertRightlyLabelled(output.byId(), images);
            return job.taskManagers();
        } finally {
            cancel(job);
        }
    }

    /**
     * Creates the job's topics and submits it with {@code flink run -d} (exactly-once, a checkpoint
     * every 2 s); returns once the client has exited 0 and every subtask runs.
     */
    private static ClusterJob submit(String prefix) throws Exception {
        kafka.createTopics(PARALLELISM, prefix + "-images", prefix + "-results", prefix + "-dead");
        StandaloneCluster.ScriptRun client = cluster.flink(SUBMIT_TIMEOUT, "run", "-d", JobJar.locateNamed(JobJar.CPU).toString(),
                "-b", kafka.bootstrapServers(), "--model", "ppocr-cls", "--store", store,
                "--input-topic", prefix + "-images", "--output-topic", prefix + "-results", "--dead-letter-topic", prefix + "-dead",
                "--group-id", prefix, "--parallelism", Integer.toString(PARALLELISM),
                "--delivery-guarantee", "exactly-once", "--checkpoint-interval", "2s", "--max-queue-delay", "5ms");
        assertThat(client.exitCode()).as("flink run -d exit status; it printed:%n%s", client.output()).isZero();
        assertThat(client.output()).contains("Detached: the job runs on without this client.");
        Matcher submitted = SUBMITTED.matcher(client.output());
        assertThat(submitted.find()).as(client.output()).isTrue();
        System.out.printf("flink run -d for %s returned in %d ms%n", prefix, client.took().toMillis());
        ClusterJob job = new ClusterJob(cluster.rest(), JobID.fromHexString(submitted.group(1)));
        Await.until("every subtask of job " + prefix + " to run", SUBMIT_TIMEOUT, job::allSubtasksRunning);
        return job;
    }

    private static CommittedOutput output(String prefix) {
        return new CommittedOutput(kafka.bootstrapServers(), prefix + "-results", prefix + "-dead");
    }

    /**
     * A duplicate would become visible when the checkpoint after its write completes: wait for two
     * more checkpoints, then read everything committed up to then.
     */
    private static void settle(ClusterJob job, CommittedOutput output) throws Exception {
        job.awaitMoreCheckpoints(2, Duration.ofMinutes(1));
        output.awaitCaughtUp(Duration.ofMinutes(1));
    }

    private static void cancel(ClusterJob job) throws Exception {
        if (!job.status().isGloballyTerminalState()) {
            job.cancel(Duration.ofMinutes(1));
        }
    }

    /** Rendered text lines, each upright or upside down by a seeded coin, with the answer in the {@code truth} header. */
    private static List<ImageRecord> labelledImages(String prefix, int count, long seed) {
        Random coin = new Random(seed);
        TextLineImages lines = new TextLineImages(seed);
        List<ImageRecord> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            TextLineImages.Sample sample = lines.sample(coin.nextBoolean());
            images.add(ImageProducer.image(prefix + "-" + i, sample.png(), ImageEncoding.PNG, Map.of("truth", sample.orientationLabel())));
        }
        return images;
    }

    private static void send(String prefix, List<ImageRecord> images) throws Exception {
        // One request in flight: on a topic created a moment ago the broker may refuse the first batch (not yet the
        // partition's leader) and take the next ones, after which the idempotent producer's retry of the first is out of
        // sequence for good (seen: OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout).
        Properties inOrder = new Properties();
        inOrder.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), prefix + "-images", inOrder)) {
            List<Future<?>> sends = new ArrayList<>();
            for (ImageRecord image : images) {
                sends.add(producer.send(image));
            }
            for (Future<?> sent : sends) {
                sent.get();
            }
        }
    }

    private static Set<String> ids(List<ImageRecord> images) {
        return images.stream().map(ImageRecord::getId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The classifier's top label matches the truth for at least 95% of the images, as in the other job tests. */
    private static void assertRightlyLabelled(Map<String, InferenceResult> results, List<ImageRecord> images) {
        long right = images.stream().filter(image -> {
            InferenceResult result = results.get(image.getId());
            return result != null && result.getLabels().get(0).getLabel().equals(image.getHeaders().get("truth"));
        }).count();
        assertThat(right).as("rightly labelled of %d", images.size()).isGreaterThanOrEqualTo(Math.round(images.size() * 0.95));
    }

    private static CheckpointStatistics firstCompletedAfter(CheckpointingStatistics checkpoints, long restoredId) {
        return checkpoints.getHistory().stream()
                .filter(checkpoint -> checkpoint.getId() > restoredId
                        && checkpoint.getStatus() == CheckpointStatsStatus.COMPLETED)
                .min(Comparator.comparingLong(CheckpointStatistics::getId))
                .orElseThrow();
    }

    private static Map<String, Integer> counts(Map<String, Set<String>> libraries) {
        Map<String, Integer> counts = new TreeMap<>();
        libraries.forEach((taskManager, paths) -> counts.put(taskManager, paths.size()));
        return counts;
    }

    /** The ONNX Runtime JNI libraries mapped into each TaskManager's process (Linux: /proc/PID/maps). */
    private static Map<String, Set<String>> onnxRuntimeLibraries(Map<String, ProcessHandle> taskManagers) throws IOException {
        Map<String, Set<String>> libraries = new TreeMap<>();
        for (Map.Entry<String, ProcessHandle> taskManager : taskManagers.entrySet()) {
            try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(taskManager.getValue().pid()), "maps"))) {
                libraries.put(taskManager.getKey(), maps.filter(line -> line.contains("libonnxruntime4j_jni.so"))
                        .map(line -> line.substring(line.indexOf('/'))).collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        return libraries;
    }
}
