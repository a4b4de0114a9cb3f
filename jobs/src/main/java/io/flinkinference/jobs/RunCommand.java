package io.flinkinference.jobs;

import io.flinkinference.jobs.cli.BatcherScopeConverter;
import io.flinkinference.jobs.cli.DurationConverter;
import io.flinkinference.jobs.cli.KafkaOptions;
import io.flinkinference.jobs.cli.OcrStageOptions;
import io.flinkinference.jobs.cli.Pipeline;
import io.flinkinference.jobs.cli.StoreFileSystems;
import io.flinkinference.jobs.ocr.OcrJob;
import io.flinkinference.jobs.ocr.OcrOptions;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.engine.Engines;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code flink-inference run}: the streaming job, on a local MiniCluster (default), on a remote
 * cluster ({@code --jobmanager}), or inside {@code flink run}, which hands the job its own
 * environment ({@link StreamingJobMain} is the job jar's entry point).
 */
@Command(
        name = "run",
        description = {
            "Run the streaming inference job: images (Avro ImageRecord) from --input-topic, results (Avro "
                    + "InferenceResult) to --output-topic, failures (Avro DeadLetter) to --dead-letter-topic.",
            "Without --jobmanager it runs on a local Flink MiniCluster until stopped (Ctrl-C) or, with "
                    + "--bounded, until the input read at start is done.",
            "With --pipeline ocr it runs the OCR job instead: text detection, line orientation and recognition "
                    + "(ppocr-det, ppocr-cls, ppocr-rec), one Avro OcrResult per image (its lines in reading order, "
                    + "with boxes and confidences) to --output-topic."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footer = {
            "",
            "Properties file (--config): inference.* keys as in the options above (inference.model, "
                    + "inference.batch.max-size, inference.batch.max-queue-delay, ...), engine keys "
                    + "(onnxruntime.intra-op-threads, ...), kafka.* keys passed to every Kafka client "
                    + "without the prefix, and Flink keys, applied to the job's environment. Command-line options win "
                    + "over the file, and the file over the cluster's configuration, from which the job jar also takes "
                    + "inference.* and engine keys (config.yaml, -D, a FlinkDeployment's flinkConfiguration). Unknown "
                    + "inference.* and engine keys are refused when the job is built.",
            "",
            "OCR settings (--pipeline ocr; also in --config): ocr.detection.model, ocr.orientation.model, "
                    + "ocr.recognition.model (default ppocr-det, ppocr-cls, ppocr-rec) and ocr.<stage>.max-batch-size "
                    + "(--det-max-batch-size, --cls-max-batch-size, --rec-max-batch-size); the inference.* settings "
                    + "(store, engine, queue delay, in-flight batches) apply to all three stages. Unknown ocr.* keys "
                    + "are refused.",
            "",
            "Examples:",
            "  flink-inference run -b localhost:9092 --model ppocr-cls",
            "  flink-inference run -b localhost:9092 --pipeline ocr --output-topic ocr \\",
            "      --det-max-batch-size 2 --rec-max-batch-size 32",
            "  flink-inference run -b broker:9093 --model ppocr-cls:3 \\",
            "      --delivery-guarantee exactly-once --jobmanager flink-jm:8081 \\",
            "      --kafka-property security.protocol=SASL_SSL",
            "  # with Flink's own client, on a Flink cluster:",
            "  flink run jobs/target/flink-inference-job.jar -b kafka:9092 --model ppocr-cls"
        })
public final class RunCommand implements Callable<Integer> {
    private static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--input-topic", paramLabel = "TOPIC", defaultValue = "images", description = "Topic of the images (default ${DEFAULT-VALUE}).")
    String inputTopic;

    @Option(names = "--output-topic", paramLabel = "TOPIC", defaultValue = "results", description = "Topic of the results (default ${DEFAULT-VALUE}).")
    String outputTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", defaultValue = "dead-letters", description = "Topic of the failures (default ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--group-id", paramLabel = "GROUP", defaultValue = "flink-inference", description = "Kafka consumer group, also the prefix of transactional ids (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--pipeline", paramLabel = "PIPELINE", defaultValue = "classify", converter = Pipeline.Converter.class,
            description = "classify: one model (--model) on each image; ocr: the OCR job, three models (see below) "
                    + "(default ${DEFAULT-VALUE}).")
    Pipeline pipeline;

    @Option(names = "--model", paramLabel = "NAME[:VERSION]", description = "Model to run: NAME, NAME:latest or NAME:VERSION (inference.model).")
    String model;

    @Option(names = "--store", paramLabel = "URI", description = "Model store URI (inference.model-store); default $FLINK_INFERENCE_STORE or ~/.flink-inference/models.")
    String store;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "onnxruntime (CPU, default) or tensorrt (GPU) (inference.engine).")
    String engine;

    @Option(names = "--max-batch-size", paramLabel = "N", description = "Most records per batch (inference.batch.max-size, default 32).")
    Integer maxBatchSize;

    @Option(names = "--max-queue-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With inference.batch.work-conserving=false: longest wait for a batch to fill while the engine "
                    + "idles, e.g. 500us, 5ms (inference.batch.max-queue-delay, default 5ms).")
    Duration maxQueueDelay;

    @Option(names = "--latency-target", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Let records wait for company while the engine idles, as long as each one's wait plus its "
                    + "batch's run stays within this, e.g. 20ms: fewer engine calls below capacity at a bounded latency "
                    + "(inference.batch.latency-target; default none: an idle engine takes what is queued at once).")
    Duration latencyTarget;

    @Option(names = "--preferred-batch-sizes", paramLabel = "N", split = ",", description = "Batch sizes cut without waiting, e.g. 8,16,32 (inference.batch.preferred-sizes).")
    List<Integer> preferredBatchSizes;

    @Option(names = "--max-inflight", paramLabel = "N", description = "Batches running at once per subtask (inference.batch.max-inflight, default 2).")
    Integer maxInflight;

    @Mixin
    OcrStageOptions ocrStages;

    @Option(names = "--batch-scope", paramLabel = "SCOPE", description = "task-manager: a TaskManager's subtasks serving "
            + "the model share batches; subtask: each batches alone (inference.batch.scope, default task-manager).", converter = BatcherScopeConverter.class)
    InferenceOptions.BatcherScope batchScope;

    @Option(names = "--parallelism", paramLabel = "N", description = "Job parallelism (default: 1; under flink run and in "
            + "application mode the cluster's parallelism.default, e.g. a FlinkDeployment's job.parallelism, which the "
            + "autoscaler then adjusts).")
    Integer parallelism;

    @Option(names = "--delivery-guarantee", paramLabel = "GUARANTEE", defaultValue = "at-least-once",
            description = "at-least-once (default) or exactly-once (Kafka transactions; read the output with isolation.level=read_committed).")
    String deliveryGuarantee;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Checkpoint interval; with exactly-once, output becomes visible at each checkpoint (default: 10s; "
                    + "under flink run and in application mode the cluster's execution.checkpointing.interval when set).")
    Duration checkpointInterval;

    @Option(names = "--web-ui-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Without --jobmanager: serve Flink's web UI on 127.0.0.1:PORT while the job runs; 0 for none "
                    + "(default ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Without --jobmanager: serve the job's metrics for Prometheus on this port (Flink's Prometheus "
                    + "reporter, which listens on every interface; the inference metrics carry model and model_version labels); 0 for "
                    + "none (default ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with inference.*, engine and kafka.* keys, "
            + "and Flink keys (execution.checkpointing.*, state.backend.type, ...) applied to the job's environment; "
            + "s3.* keys (s3.endpoint, s3.path.style.access, s3.access-key, s3.secret-key) set up an s3:// store.")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Without --jobmanager: where the job's checkpoints and "
            + "savepoints are kept between runs; a new run resumes from the newest, and Ctrl-C stops with a savepoint there "
            + "(default ~/.flink-inference/state/<group>-<input>-<output>; delete it to start from the group's offsets).")
    Path stateDir;

    @Option(names = "--bounded", description = "Stop at the input offsets that are latest when the job starts.")
    boolean bounded;

    @Option(names = "--jobmanager", paramLabel = "HOST:PORT", description = "Submit to this Flink cluster (REST port) instead of running locally; needs the job jar (mvn package builds jobs/target/flink-inference-job.jar, and flink-inference-job-gpu.jar for --engine tensorrt).")
    String jobManager;

    @Spec
    CommandSpec spec;

    /**
     * Set for the job jar's entry point ({@link StreamingJobMain}), where {@code flink run} or
     * application mode provides the environment: the job must outlive the client, and in
     * application mode {@code main()} runs in the JobManager, which has no GPU.
     */
    private final boolean clusterEntryPoint;
    /** The job this command submitted, once it has. */
    private JobClient submitted;

    public RunCommand() {
        this(false);
    }

    private RunCommand(boolean clusterEntryPoint) {
        this.clusterEntryPoint = clusterEntryPoint;
    }

    /** The command as the job jar's entry point runs it: build and submit only. */
    static RunCommand clusterEntryPoint() {
        return new RunCommand(true);
    }

    JobClient submitted() {
        return submitted;
    }

    @Override
    public Integer call() throws Exception {
        // Inside flink run or application mode, the cluster's configuration (config.yaml, -D, a FlinkDeployment's
        // flinkConfiguration) may carry inference.* and engine keys too.
        StreamExecutionEnvironment clusterEnv = clusterEntryPoint ? StreamExecutionEnvironment.getExecutionEnvironment() : null;
        ReadableConfig clusterConfig = clusterEnv == null ? new Configuration() : clusterEnv.getConfiguration();
        StreamingInferenceJob.Settings settings = settings(clusterConfig);
        OcrJob.Settings ocr = pipeline == Pipeline.OCR ? ocrSettings(settings, clusterConfig) : null;
        String what = ocr != null ? ocr.describe() : settings.model();
        JobManagerAddress cluster = jobManager == null ? null : JobManagerAddress.parse(jobManager);
        if (cluster != null) {
            cluster.checkReachable(); // first: without a cluster nothing else matters
        }
        if (!clusterEntryPoint) {
            // Under flink run or application mode, Flink has set up its file systems and plugins already.
            StoreFileSystems.prepare(settings.inference().getOptional(InferenceOptions.MODEL_STORE).map(URI::create)
                    .orElseGet(ModelStore::defaultRoot), flinkSettings().toMap());
        }
        if (ocr != null) {
            OcrJob.preflight(ocr);
        } else {
            StreamingInferenceJob.preflight(settings);
        }
        boolean local = jobManager == null && !clusterEntryPoint;
        int webPort = local && webUiPort > 0 ? LocalEnvironments.portOrFree(webUiPort) : 0;
        if (webPort != webUiPort && webPort > 0) {
            spec.commandLine().getOut().println("Port " + webUiPort + " is taken; the web UI takes " + webPort + ".");
        }
        if (local) {
            // Only where this process runs the job itself: a cluster's TaskManagers have the GPUs, not its client.
            if (ocr != null) {
                OcrJob.preflightLocalEngine(ocr);
            } else {
                StreamingInferenceJob.preflightLocalEngine(settings);
            }
        }
        // The OCR job's state is not the classify job's: with the same group and topics they keep apart folders.
        LocalJobState state = !local ? null : stateDir != null ? new LocalJobState(stateDir)
                : LocalJobState.defaultFor(ocr != null ? "ocr-" + groupId : groupId, inputTopic, outputTopic);
        Optional<Path> restorePoint = state == null ? Optional.empty() : state.latestRestorePoint();
        StreamExecutionEnvironment env = cluster != null ? remote(cluster, settings.inference().get(InferenceOptions.ENGINE))
                : clusterEnv != null ? clusterEnv
                : LocalEnvironments.create(settings.parallelism(), webPort, metricsPort, state.configure(new Configuration(), restorePoint));
        Configuration flink = flinkSettings();
        if (!flink.keySet().isEmpty()) {
            env.configure(flink, Thread.currentThread().getContextClassLoader());
            spec.commandLine().getOut().println("Flink settings from " + config + ": " + flink.keySet());
        }
        if (ocr != null) {
            OcrJob.build(env, ocr);
        } else {
            StreamingInferenceJob.build(env, settings);
        }
        var out = spec.commandLine().getOut();
        submitted = env.executeAsync("flink-inference " + what + " " + inputTopic + " -> " + outputTopic);
        out.println("Submitted job " + submitted.getJobID() + ": " + inputTopic + " -> " + what + " -> " + outputTopic
                + " (dead letters: " + deadLetterTopic + ")");
        if (jobManager != null) {
            out.println("It runs on " + jobManager + "; follow it in the Flink web UI there.");
            return 0;
        }
        if (clusterEntryPoint) {
            // flink run -d (and application mode) are detached: return, and the job runs on. Attached, wait as flink run does.
            if (!env.getConfiguration().get(DeploymentOptions.ATTACHED)) {
                out.println("Detached: the job runs on without this client.");
                return 0;
            }
            out.flush();
            submitted.getJobExecutionResult().get();
            out.println("Job finished.");
            return 0;
        }
        if (webPort > 0) {
            out.println("Flink web UI: http://127.0.0.1:" + webPort + "/ (this job's metrics, back pressure, checkpoints)");
        }
        if (metricsPort > 0) {
            out.println("Prometheus metrics: http://localhost:" + metricsPort + "/metrics (inference metrics labelled with "
                    + "model and model_version)");
        }
        new LocalRunLifecycle(submitted, state, restorePoint, out, spec.commandLine().getErr()).awaitEnd(bounded);
        return 0;
    }

    StreamingInferenceJob.Settings settings() throws IOException {
        return settings(new Configuration());
    }

    /**
     * The job's settings: command-line options over the {@code --config} file over {@code cluster}
     * (the configuration {@code flink run} or application mode gives the job), for inference.*
     * and engine keys; kafka.* keys of the file go to every Kafka client. Other keys of the file
     * are Flink's ({@link #flinkSettings}).
     */
    StreamingInferenceJob.Settings settings(ReadableConfig cluster) throws IOException {
        Configuration inference = new Configuration();
        if (cluster instanceof Configuration clusterConfiguration) {
            clusterConfiguration.toMap().forEach((key, value) -> {
                if (key.startsWith("inference.") || Engines.isEngineKey(key)) {
                    inference.setString(key, value);
                }
            });
        }
        Properties kafkaProps = new Properties();
        for (Map.Entry<String, String> entry : file().entrySet()) {
            String key = entry.getKey();
            if (key.startsWith("kafka.")) {
                kafkaProps.put(key.substring("kafka.".length()), entry.getValue());
            } else if (key.startsWith("inference.") || Engines.isEngineKey(key)) {
                inference.setString(key, entry.getValue());
            }
        }
        kafkaProps.putAll(kafka.clientProperties());
        set(inference, InferenceOptions.MODEL, model);
        set(inference, InferenceOptions.MODEL_STORE, store);
        set(inference, InferenceOptions.ENGINE, engine);
        set(inference, InferenceOptions.MAX_BATCH_SIZE, maxBatchSize);
        set(inference, InferenceOptions.MAX_QUEUE_DELAY, maxQueueDelay);
        set(inference, InferenceOptions.LATENCY_TARGET, latencyTarget);
        set(inference, InferenceOptions.PREFERRED_BATCH_SIZES, preferredBatchSizes);
        set(inference, InferenceOptions.MAX_INFLIGHT_BATCHES, maxInflight);
        set(inference, InferenceOptions.BATCHER_SCOPE, batchScope);
        if (pipeline == Pipeline.OCR) {
            if (model != null || maxBatchSize != null) {
                throw new ParameterException(spec.commandLine(), "--model and --max-batch-size are the classify pipeline's; "
                        + "the OCR pipeline's models are ocr.detection.model, ocr.orientation.model and ocr.recognition.model "
                        + "(in --config), its batch sizes --det-max-batch-size, --cls-max-batch-size and --rec-max-batch-size.");
            }
        } else if (ocrStages.anyGiven()) {
            throw new ParameterException(spec.commandLine(), "--det-max-batch-size, --cls-max-batch-size and --rec-max-batch-size "
                    + "are for --pipeline ocr.");
        } else if (inference.getOptional(InferenceOptions.MODEL).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "No model given: pass --model NAME[:VERSION] (or inference.model in --config).");
        }
        DeliveryGuarantee guarantee = switch (deliveryGuarantee.toLowerCase()) {
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            default -> throw new ParameterException(spec.commandLine(),
                    "--delivery-guarantee must be at-least-once or exactly-once, not " + deliveryGuarantee);
        };
        return new StreamingInferenceJob.Settings(kafka.bootstrapServers, inputTopic, outputTopic, deadLetterTopic, groupId,
                inference, kafkaProps, guarantee, checkpointInterval(cluster), parallelism(cluster), bounded);
    }

    /**
     * The option, else the cluster's {@code parallelism.default} (what a FlinkDeployment's
     * job.parallelism sets, and the autoscaler adjusts per vertex), else 1, as for a local run.
     */
    private int parallelism(ReadableConfig cluster) {
        return parallelism != null ? parallelism : cluster.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(1);
    }

    /** The option, else the cluster's {@code execution.checkpointing.interval}, else 10 s. */
    private Duration checkpointInterval(ReadableConfig cluster) {
        return checkpointInterval != null ? checkpointInterval
                : cluster.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).orElse(DEFAULT_CHECKPOINT_INTERVAL);
    }

    /**
     * The OCR job's settings: {@code io}, and its stages from the {@code ocr.*} keys of {@code cluster},
     * over them the {@code --config} file's, over those the command-line options.
     */
    OcrJob.Settings ocrSettings(StreamingInferenceJob.Settings io, ReadableConfig cluster) throws IOException {
        Configuration stages = new Configuration();
        if (cluster instanceof Configuration clusterConfiguration) {
            clusterConfiguration.toMap().forEach((key, value) -> {
                if (key.startsWith(OcrOptions.PREFIX)) {
                    stages.setString(key, value);
                }
            });
        }
        file().forEach((key, value) -> {
            if (key.startsWith(OcrOptions.PREFIX)) {
                stages.setString(key, value);
            }
        });
        return OcrOptions.settings(io, ocrStages.over(stages));
    }

    /**
     * The {@code --config} file's keys that are neither inference.*, ocr.*, engine nor kafka.* keys:
     * Flink's own (execution.checkpointing.*, state.backend.type, pipeline.*, ...), applied to the
     * job's environment as {@code -D} would. Flink ignores keys it does not know, as it does in its
     * own configuration files; the command prints the ones it applied.
     */
    Configuration flinkSettings() throws IOException {
        Configuration flink = new Configuration();
        file().forEach((key, value) -> {
            if (!key.startsWith("kafka.") && !key.startsWith("inference.") && !key.startsWith(OcrOptions.PREFIX)
                    && !Engines.isEngineKey(key)) {
                flink.setString(key, value);
            }
        });
        return flink;
    }

    /** The --config file's entries, read once (settings and Flink's settings both take from them). */
    private Map<String, String> fileEntries;

    private Map<String, String> file() throws IOException {
        if (fileEntries != null) {
            return fileEntries;
        }
        Map<String, String> entries = new java.util.LinkedHashMap<>();
        if (config != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(config)) {
                file.load(reader);
            }
            for (String key : new java.util.TreeSet<>(file.stringPropertyNames())) {
                entries.put(key, file.getProperty(key));
            }
        }
        fileEntries = entries;
        return entries;
    }

    private static <T> void set(Configuration config, org.apache.flink.configuration.ConfigOption<T> option, T value) {
        if (value != null) {
            config.set(option, value);
        }
    }

    private static StreamExecutionEnvironment remote(JobManagerAddress cluster, String engine) {
        Path jar = JobJar.locate(engine);
        return StreamExecutionEnvironment.createRemoteEnvironment(cluster.host(), cluster.port(), jar.toString());
    }
}
