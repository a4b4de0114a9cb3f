package io.flinkinference.benchmarks.peers;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.benchmarks.Medians;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Issue 18's side-by-side run: the project against what users would pick instead, and against the
 * raw engine, on the same models, inputs, machine and thread budget, in interleaved rounds so that
 * a noisy neighbour hits every contestant of a round alike. Each round measures every contestant's
 * capacity (a backlog), then its latency paced at 50% and 90% of its median capacity so far. Every
 * run is a JVM of its own ({@link ContestantProcess}); the contestants that use Kafka share one
 * broker in yet another JVM ({@link BrokerProcess}), started only when one of them runs.
 *
 * <p>{@code benchmarks/run.sh PeerSuite [--models cls,rec] [--rounds 3] [--seconds 10]
 * [--contestants a,b] [--quick] [--write-docs]}, from the repository root. Progress goes to
 * stderr; the report to {@code benchmarks/target/results/peers-<timestamp>.md} (with its charts
 * and every run's figures as JSON lines beside it), and with {@code --write-docs} into
 * docs/BENCHMARKS.md between its peer-suite markers, the charts into docs/bench/.
 */
@Command(name = "PeerSuite", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the peer benchmark suite (issue 18) and writes its report and charts.")
public final class PeerSuite implements Callable<Integer> {
    private static final Map<String, String> MODEL_ALIASES = Map.of(
            "cls", PaddleOcrModels.CLASSIFIER, "rec", PaddleOcrModels.RECOGNIZER);
    private static final Path RESULTS = Path.of("benchmarks", "target", "results");
    private static final Path DOCS = Path.of("docs", "BENCHMARKS.md");
    private static final Path DOC_CHARTS = Path.of("docs", "bench");

    @Option(names = "--models", split = ",", paramLabel = "M",
            description = "Models: cls (the orientation classifier), rec (the recognizer at its fixed width), or names in the store (default cls,rec; --quick: cls).")
    private List<String> models;

    @Option(names = "--rounds", paramLabel = "N", description = "Interleaved rounds (default 3; --quick: 1).")
    private Integer rounds;

    @Option(names = "--seconds", paramLabel = "S", description = "Measuring window of each run (default 10; --quick: 3).")
    private Double seconds;

    @Option(names = "--warm-up", paramLabel = "S", description = "Warm-up of each run before its window (default 3; --quick: 2).")
    private Double warmUp;

    @Option(names = "--contestants", split = ",", paramLabel = "NAME", description = "Which contestants (default: all registered).")
    private List<String> contestants;

    @Option(names = "--threads", paramLabel = "N", description = "The thread budget of every contestant (default: the available processors).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--heap", paramLabel = "SIZE", description = "-Xmx of each contestant's JVM (default ${DEFAULT-VALUE}).")
    private String heap = "2g";

    @Option(names = "--quick", description = "A short run for a first look: 1 round of 3 s windows after 2 s of warm-up, the classifier only.")
    private boolean quick;

    @Option(names = "--profile", description = "After the rounds, run each contestant once more at capacity under "
            + "Java Flight Recorder and report where its threads spent their time (CpuProfile), for the goals' whys.")
    boolean profile;

    @Option(names = "--write-docs", description = "Also write the report into docs/BENCHMARKS.md and the charts into docs/bench/.")
    private boolean writeDocs;

    @Option(names = "--from", paramLabel = "FILE", description = "Report the runs of an earlier suite (its .jsonl) instead of running.")
    private Path from;

    private final String commandLine;

    private PeerSuite(String commandLine) {
        this.commandLine = commandLine;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PeerSuite(String.join(" ", args))).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC).format(Instant.now());
        Files.createDirectories(RESULTS);
        Path runsFile = RESULTS.resolve("peers-" + stamp + ".jsonl");
        List<String> preamble = new ArrayList<>();
        List<SuiteRun> runs;
        List<String> failed = new ArrayList<>();
        if (from != null) {
            runs = readRuns(from);
            preamble.add("Runs read from `" + from + "`.");
        } else {
            runs = measure(runsFile, failed, preamble);
        }
        PeerReport report = new PeerReport(runs, failed);
        writeReport(report, stamp, preamble);
        return 0;
    }

    private List<SuiteRun> measure(Path runsFile, List<String> failed, List<String> preamble) throws Exception {
        int roundCount = rounds != null ? rounds : quick ? 1 : 3;
        double windowSeconds = seconds != null ? seconds : quick ? 3 : 10;
        double warmUpSeconds = warmUp != null ? warmUp : quick ? 2 : 3;
        List<String> modelNames = (models != null ? models : quick ? List.of("cls") : List.of("cls", "rec")).stream()
                .map(m -> MODEL_ALIASES.getOrDefault(m, m)).toList();
        List<String> names = contestants != null ? contestants : Contestants.names();
        List<Contestant> selected = names.stream().map(Contestants::create).toList();
        ModelStore store = ModelStore.open(ModelStore.defaultRoot());
        PaddleOcrModels.fetchInto(store, System.err::println);

        String start = loadAverage();
        Path logs = RESULTS.resolve(runsFile.getFileName().toString().replace(".jsonl", "-logs"));
        JvmLauncher launcher = new JvmLauncher(heap, Path.of("benchmarks", "target", "peers-scratch").toAbsolutePath());
        List<SuiteRun> runs = new ArrayList<>();
        profiles.clear();
        JvmLauncher.Broker broker = selected.stream().anyMatch(Contestant::usesKafka) ? launcher.startBroker(logs.resolve("broker.log")) : null;
        try {
            if (broker != null) {
                progress("Kafka broker at " + broker.bootstrapServers());
            }
            for (String modelName : modelNames) {
                ModelVersion model = store.resolve(ModelRef.latest(modelName));
                for (int round = 1; round <= roundCount; round++) {
                    for (Contestant contestant : selected) {
                        for (LoadPoint load : LoadPoint.values()) {
                            if (load != LoadPoint.CAPACITY && contestant.name().equals(Contestants.RAW_ORT)) {
                                continue; // the ceiling is measured at capacity only
                            }
                            double offered = offered(runs, model.ref().toString(), contestant.name(), load);
                            String what = String.format("[%s round %d/%d] %s at %s", model.ref(), round, roundCount,
                                    contestant.name(), load.label());
                            if (Double.isNaN(offered)) {
                                progress(what + ": skipped, its capacity was never measured");
                                continue;
                            }
                            progress(what + (offered > 0 ? String.format(" (%s records/s offered)", Figures.rate(offered)) : "") + " ...");
                            List<String> arguments = new ArrayList<>(List.of(contestant.name(), model.ref().toString(),
                                    Double.toString(offered), Double.toString(windowSeconds),
                                    "--store", store.root().toString(), "--threads", Integer.toString(threads),
                                    "--warm-up", Double.toString(warmUpSeconds)));
                            if (broker != null) {
                                arguments.addAll(List.of("--bootstrap", broker.bootstrapServers()));
                            }
                            Path log = logs.resolve(String.format("%s-%s-r%d-%s.log", modelName, contestant.name(), round, load.name().toLowerCase(Locale.ROOT)));
                            Duration timeout = Duration.ofSeconds(300 + (long) (3 * windowSeconds + warmUpSeconds));
                            try {
                                RunResult result = launcher.runContestant(arguments, log, timeout);
                                SuiteRun run = new SuiteRun(round, load, result);
                                runs.add(run);
                                Files.writeString(runsFile, JSON.writeValueAsString(run) + "\n", StandardCharsets.UTF_8,
                                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                                progress(String.format("  %s records/s, p50 %s ms, p99 %s ms, %d failed, CPU %s ms/record, RSS %s MB",
                                        Figures.rate(result.recordsPerSecond()), Figures.millis(result.p50Millis()),
                                        Figures.millis(result.p99Millis()), result.failures(), Figures.cpu(result.cpuMillisPerRecord()),
                                        Figures.megabytes(result.peakRssMb())));
                            } catch (IOException e) {
                                failed.add(what + ": " + e.getMessage());
                                progress("  failed: " + e.getMessage());
                            }
                        }
                    }
                }
                if (profile) {
                    profileContestants(model, selected, launcher, broker, logs, store, windowSeconds, warmUpSeconds);
                }
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        if (quick) {
            preamble.add("A `--quick` run: one round of short windows, for a first look; not a measurement to quote.");
        }
        preamble.add(String.format(Locale.ROOT, "Command: `benchmarks/run.sh PeerSuite %s`; %s; %d cores, a thread budget of %d per "
                        + "contestant; %d interleaved round(s), %.0f s windows after %.0f s of warm-up; load average %s at the start "
                        + "and %s at the end (the machine may be shared). Every run's figures: `%s`.",
                commandLine, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES), Runtime.getRuntime().availableProcessors(),
                threads, roundCount, windowSeconds, warmUpSeconds, start, loadAverage(), runsFile));
        return runs;
    }

    /** 0 at capacity; otherwise the load point's share of the contestant's median capacity so far, NaN when there is none. */
    private static double offered(List<SuiteRun> runs, String model, String contestant, LoadPoint load) {
        if (load == LoadPoint.CAPACITY) {
            return 0;
        }
        double[] capacities = runs.stream()
                .filter(r -> r.model().equals(model) && r.contestant().equals(contestant) && r.load() == LoadPoint.CAPACITY
                        && r.result().records() > 0)
                .mapToDouble(r -> r.result().recordsPerSecond()).toArray();
        return capacities.length == 0 ? Double.NaN : load.fraction() * Medians.of(capacities);
    }

    /** The flight-recorded runs' summaries, in the order they ran; reported after the tables. */
    private final List<String> profiles = new ArrayList<>();

    /**
     * One more capacity run of each contestant but the raw engine, under Java Flight Recorder, and
     * a summary of where its threads were sampled: what a missed goal is explained from. Not part
     * of the figures (recording costs a little).
     */
    private void profileContestants(ModelVersion model, List<Contestant> selected, JvmLauncher launcher, JvmLauncher.Broker broker,
            Path logs, ModelStore store, double windowSeconds, double warmUpSeconds) throws InterruptedException {
        for (Contestant contestant : selected) {
            if (contestant.name().equals(Contestants.RAW_ORT)) {
                continue;
            }
            Path recording = logs.resolve(model.ref().name() + "-" + contestant.name() + ".jfr").toAbsolutePath();
            List<String> arguments = new ArrayList<>(List.of(contestant.name(), model.ref().toString(), "0",
                    Double.toString(windowSeconds), "--store", store.root().toString(), "--threads", Integer.toString(threads),
                    "--warm-up", Double.toString(warmUpSeconds)));
            if (broker != null) {
                arguments.addAll(List.of("--bootstrap", broker.bootstrapServers()));
            }
            progress(String.format("[%s profile] %s at capacity, flight-recorded ...", model.ref(), contestant.name()));
            try {
                launcher.runContestant(List.of(CpuProfile.recordingFlag(recording)), arguments,
                        logs.resolve(model.ref().name() + "-" + contestant.name() + "-profile.log"),
                        Duration.ofSeconds(300 + (long) (3 * windowSeconds + warmUpSeconds)));
                profiles.add(CpuProfile.read(recording).markdown("`" + contestant.name() + "` on `" + model.ref() + "` at capacity"));
            } catch (IOException e) {
                progress("  profile failed: " + e.getMessage());
            }
        }
    }

    private void writeReport(PeerReport report, String stamp, List<String> preamble) throws IOException {
        String chartFolder = "peers-" + stamp + "-charts";
        Map<String, List<PeerReport.ChartLink>> resultCharts = new LinkedHashMap<>();
        Map<String, List<PeerReport.ChartLink>> docCharts = new LinkedHashMap<>();
        for (String model : report.models()) {
            resultCharts.put(model, PeerCharts.write(report, model, RESULTS.resolve(chartFolder), chartFolder + "/"));
            if (writeDocs) {
                docCharts.put(model, PeerCharts.write(report, model, DOC_CHARTS, "bench/"));
            }
        }
        String intro = String.join("\n\n", preamble) + "\n\n";
        Path out = RESULTS.resolve("peers-" + stamp + ".md");
        String whereTheTimeWent = profiles.isEmpty() ? ""
                : "\nWhere each contestant's threads were sampled in one more run at capacity (Java Flight Recorder, "
                        + "`--profile`):\n\n" + String.join("\n", profiles);
        Files.writeString(out, "# Peer suite, " + stamp + "\n\n" + intro + report.markdown(2, resultCharts) + whereTheTimeWent);
        progress("Report: " + out);
        if (writeDocs) {
            String document = Files.readString(DOCS);
            Files.writeString(DOCS, MarkedSection.replace(document, "\n" + intro + report.markdown(3, docCharts) + whereTheTimeWent));
            progress("Written into " + DOCS + " and " + DOC_CHARTS + "/");
        }
        System.out.print(report.markdown(2, resultCharts));
    }

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static List<SuiteRun> readRuns(Path file) throws IOException {
        List<SuiteRun> runs = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                runs.add(JSON.readValue(line, SuiteRun.class));
            }
        }
        return runs;
    }

    private static void progress(String line) {
        System.err.println(line);
    }

    /** The 1, 5 and 15 minute load averages, where Linux tells them: how busy the shared machine was. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
