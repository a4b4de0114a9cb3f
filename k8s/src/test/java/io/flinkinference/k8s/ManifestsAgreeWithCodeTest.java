package io.flinkinference.k8s;

import io.flinkinference.cli.FlinkInferenceCli;
import io.flinkinference.engine.tensorrt.plan.PlanTyping;
import io.flinkinference.jobs.RunCommand;
import io.flinkinference.jobs.StreamingJobMain;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.ModelCompiler.Precision;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the manifests say agrees with what the code does: the job's options, its settings, its jars, the plans it finds. */
class ManifestsAgreeWithCodeTest {
    private static final String USRLIB = "local:///opt/flink/usrlib/";

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theJobsArgumentsParseWithItsOwnParserAndNameTheRenderedKafka(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        JsonNode job = manifests.flinkDeployment().path("spec").path("job");
        assertEquals(StreamingJobMain.class.getName(), job.path("entryClass").asString());
        CommandLine command = new CommandLine(new RunCommand());
        command.parseArgs(strings(job.path("args")).toArray(String[]::new)); // throws on an unknown or malformed option

        JsonNode kafka = manifests.ofKind("Kafka").findFirst().orElseThrow();
        int plainPort = StreamSupport.stream(kafka.at("/spec/kafka/listeners").spliterator(), false)
                .filter(l -> !l.path("tls").asBoolean()).findFirst().orElseThrow().path("port").asInt();
        // Strimzi's bootstrap service is <cluster>-kafka-bootstrap.
        assertEquals(kafka.at("/metadata/name").asString() + "-kafka-bootstrap:" + plainPort, value(command, "--bootstrap-servers"));
        for (String topicOption : List.of("--input-topic", "--output-topic", "--dead-letter-topic")) {
            JsonNode topic = manifests.get("KafkaTopic", value(command, topicOption));
            assertEquals(kafka.at("/metadata/name").asString(), topic.at("/metadata/labels/strimzi.io~1cluster").asString(),
                    topicOption + "'s topic must belong to the rendered Kafka cluster");
        }
    }

    /** Every inference.* and engine key is one the job knows, with a value it parses: the job refuses anything else at start. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyInferenceAndEngineSettingIsAKnownOptionWithAValidValue(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        Map<String, String> settings = new TreeMap<>();
        manifests.flinkDeployment().path("spec").path("flinkConfiguration").forEachEntry((k, v) -> settings.put(k, v.asString()));
        Configuration configuration = Configuration.fromMap(settings);
        List<String> unknown = new ArrayList<>();
        for (String key : settings.keySet()) {
            if (key.startsWith(InferenceOptions.PREFIX) && !InferenceOptions.keys().contains(key)) {
                unknown.add(key);
            }
        }
        assertEquals(List.of(), unknown, "unknown inference.* keys; the known ones are " + InferenceOptions.keys());
        for (ConfigOption<?> option : InferenceOptions.all()) {
            configuration.getOptional(option); // throws on a value the option does not parse
        }
        EngineProvider engine = Engines.provider(configuration.get(InferenceOptions.ENGINE));
        assertEquals(overlay.equals("gpu") ? "tensorrt" : "onnxruntime", engine.name());
        // As the job does (RunCommand.settings): of the cluster's keys, the engines' go to the engine chosen, which checks them.
        Map<String, String> engineKeys = new TreeMap<>(settings);
        engineKeys.keySet().removeIf(key -> !Engines.isEngineKey(key));
        Map<String, String> engineSettings = Engines.optionsFor(engine, engineKeys);
        Engines.checkOptions(engine, engineSettings);
        assertEquals(engineKeys, engineSettings, "every engine key is the chosen engine's");
        assertEquals(manifests.get("ConfigMap", "model-store").at("/data/store-uri").asString(),
                configuration.get(InferenceOptions.MODEL_STORE), "the Jobs fill the store the job reads");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theStoresFileSystemSettingsAreTheSameForTheJobsAndTheStreamingJob(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        JsonNode storeSettings = Manifests.YAML.readTree(manifests.get("ConfigMap", "model-store").at("/data/config.yaml").asString());
        assertTrue(storeSettings.size() > 0);
        storeSettings.forEachEntry((key, value) -> assertEquals(value.asString(), manifests.flinkSetting(key), key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theCommandLinesOfTheJobsAndInitContainersParse(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        List<List<String>> commands = new ArrayList<>();
        for (JsonNode object : manifests.objects()) {
            for (JsonNode container : object.findValues("containers")) {
                container.forEach(c -> collect(c, commands));
            }
            for (JsonNode container : object.findValues("initContainers")) {
                container.forEach(c -> collect(c, commands));
            }
        }
        assertTrue(commands.size() >= (overlay.equals("gpu") ? 4 : 2), "commands found: " + commands);
        for (List<String> args : commands) {
            FlinkInferenceCli.commandLine().parseArgs(args.toArray(String[]::new)); // throws on an unknown command or option
        }
    }

    /** The JobManager waits for the model the job runs: on GPUs, the plan the plan Job publishes for the nodes' GPU type. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theJobManagerWaitsForWhatTheJobRunsAndTheSetupJobPublishes(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        String awaited = waitedModel(manifests);
        String model = manifests.flinkSetting("inference.model");
        if (overlay.equals("cpu")) {
            assertEquals(model, awaited);
            assertEquals(List.of("models", "fetch"), strings(manifests.get("Job", "models-fetch").at("/spec/template/spec/containers/0/args")));
            return;
        }
        JsonNode planJob = manifests.get("Job", "tensorrt-plans").at("/spec/template/spec");
        CommandLine.ParseResult setup = FlinkInferenceCli.commandLine().parseArgs(strings(planJob.at("/containers/0/args")).toArray(String[]::new));
        CommandLine.ParseResult tensorrt = setup.subcommand().subcommand();
        assertEquals("tensorrt", tensorrt.commandSpec().name());
        assertEquals(model, tensorrt.matchedPositionalValue(0, ""), "the plan is built from inference.model");
        Precision precision = tensorrt.hasMatchedOption("--fp16") ? Precision.FP16 : Precision.AS_MODEL;
        JsonNode nodes = planJob.path("nodeSelector");
        String plan = PlanTyping.planName(model, precision, nodes.path("nvidia.com/gpu.compute.major").asInt(),
                nodes.path("nvidia.com/gpu.compute.minor").asInt());
        assertEquals(plan, awaited);
        assertEquals(Integer.parseInt(manifests.flinkSetting("inference.batch.max-size")),
                (int) tensorrt.matchedOptionValue("--max-batch", 0), "the plan's profile must take the job's largest batch");
        assertEquals(nodes, manifests.flinkDeployment().at("/spec/taskManager/podTemplate/spec/nodeSelector"),
                "plans run only on the GPU type they were built for");
    }

    @Test
    void gpuTaskManagersAskForTheGpuTheyUseAndServeTheContextsTheyAnnounce() throws Exception {
        Manifests gpu = Manifests.render("gpu");
        assertEquals("gpu", gpu.flinkSetting("external-resources"));
        assertEquals("nvidia.com/gpu", gpu.flinkSetting("external-resource.gpu.kubernetes.config-key"));
        assertEquals("org.apache.flink.externalresource.gpu.GPUDriverFactory", gpu.flinkSetting("external-resource.gpu.driver-factory.class"));
        JsonNode container = gpu.flinkDeployment().at("/spec/taskManager/podTemplate/spec/containers/0");
        assertEquals("flink-main-container", container.path("name").asString());
        assertEquals(Integer.parseInt(gpu.flinkSetting("external-resource.gpu.amount")),
                container.at("/resources/limits/nvidia.com~1gpu").asInt());
        int contexts = Integer.parseInt(gpu.flinkSetting("taskmanager.numberOfTaskSlots"))
                * Integer.parseInt(gpu.flinkSetting("inference.batch.max-inflight"));
        assertEquals(gpu.flinkDeployment().at("/metadata/annotations/flink-inference~1contexts-per-gpu").asInt(), contexts);
        // The overlay's TaskManager template joins the base's template for all pods: only merged by name do their env lists add up.
        assertEquals("true", gpu.flinkSetting("kubernetes.operator.pod-template.merge-arrays-by-name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void prometheusScrapesThePortTheReporterListensOn(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        JsonNode monitor = manifests.get("PodMonitor", "flink-inference").path("spec");
        assertEquals(manifests.flinkDeployment().at("/metadata/name").asString(), monitor.at("/selector/matchLabels/app").asString());
        String port = monitor.at("/podMetricsEndpoints/0/port").asString();
        JsonNode declared = StreamSupport.stream(manifests.flinkDeployment().at("/spec/podTemplate/spec/containers/0/ports").spliterator(), false)
                .filter(p -> p.path("name").asString().equals(port)).findFirst().orElseThrow();
        assertEquals(Integer.parseInt(manifests.flinkSetting("metrics.reporter.prom.port")), declared.path("containerPort").asInt());
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory", manifests.flinkSetting("metrics.reporter.prom.factory.class"));
    }

    /** Every image is the one build-inputs.sh names for the overlay, at the project's version, and the job jar is the image's. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void imagesAndTheJarAreTheOnesTheImageBuildMakes(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        ImageInputs inputs = ImageInputs.list(overlay);
        assertTrue(inputs.image().endsWith(":" + System.getProperty("flinkinference.project.version")), inputs.image());
        List<String> images = new ArrayList<>();
        manifests.objects().forEach(o -> o.findValues("image").forEach(i -> images.add(i.asString())));
        assertTrue(images.size() >= 3);
        assertEquals(List.of(inputs.image()), images.stream().distinct().toList());
        String jarUri = manifests.flinkDeployment().at("/spec/job/jarURI").asString();
        assertTrue(jarUri.startsWith(USRLIB), jarUri);
        assertTrue(inputs.paths().containsKey("usrlib/" + jarUri.substring(USRLIB.length())), "the image holds " + jarUri);
    }

    private static String waitedModel(Manifests manifests) {
        JsonNode env = manifests.flinkDeployment().at("/spec/jobManager/podTemplate/spec/initContainers/0/env");
        return StreamSupport.stream(env.spliterator(), false).filter(e -> e.path("name").asString().equals("MODEL"))
                .findFirst().orElseThrow().path("value").asString();
    }

    /** The flink-inference command lines of containers that run it directly, or in the shell loop of the wait. */
    private static void collect(JsonNode container, List<List<String>> commands) {
        List<String> command = strings(container.path("command"));
        List<String> args = strings(container.path("args"));
        if (command.equals(List.of("flink-inference"))) {
            commands.add(args);
        } else if (command.equals(List.of("sh", "-c")) && args.size() == 1 && args.get(0).contains("flink-inference models verify \"$MODEL\"")) {
            commands.add(List.of("models", "verify", waitedModelOf(container)));
        }
    }

    private static String waitedModelOf(JsonNode container) {
        return StreamSupport.stream(container.path("env").spliterator(), false).filter(e -> e.path("name").asString().equals("MODEL"))
                .findFirst().orElseThrow().path("value").asString();
    }

    private static String value(CommandLine command, String option) {
        return String.valueOf((Object) command.getCommandSpec().findOption(option).getValue());
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }
}
