package io.flinkinference.benchmarks.peers;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * One contestant run in a JVM of its own, so that its CPU time, heap and resident memory are its
 * alone: {@code java -cp ... ContestantProcess NAME MODEL OFFERED_PER_SECOND SECONDS [options]}.
 * It builds the workload (the same seeded text lines in every JVM), runs the contestant through
 * one {@link ProcessWindow} and prints the {@link RunResult} as one JSON line on stdout; everything
 * else (logs, progress) goes to stderr. Exit status 1 when the run fails, with the reason on stderr.
 */
@Command(name = "ContestantProcess", mixinStandardHelpOptions = true,
        description = "Runs one peer-suite contestant for one measuring window and prints its result as a JSON line.")
public final class ContestantProcess implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The contestant, e.g. function, djl-per-record.")
    private String name;

    @Parameters(index = "1", paramLabel = "MODEL", description = "The model reference in the store, e.g. ppocr-cls:1.")
    private String model;

    @Parameters(index = "2", paramLabel = "OFFERED_PER_SECOND", description = "Records offered per second; 0 for a backlog (capacity).")
    private double offeredPerSecond;

    @Parameters(index = "3", paramLabel = "SECONDS", description = "Length of the measuring window.")
    private double seconds;

    @Option(names = "--store", paramLabel = "URI", description = "The model store (default: this machine's default store).")
    private String store;

    @Option(names = "--threads", paramLabel = "N", description = "The cores the contestant may use (default: the available processors).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--warm-up", paramLabel = "SECONDS", description = "How long the contestant runs before its window (default ${DEFAULT-VALUE}).")
    private double warmUpSeconds = 3;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "The suite's Kafka broker, for the contestants that use Kafka.")
    private String bootstrapServers;

    @Option(names = "--records", paramLabel = "N", description = "Distinct text lines, cycled through (default ${DEFAULT-VALUE}).")
    private int distinct = Workloads.DISTINCT_RECORDS;

    /** The real stdout, kept for the result line while everything else prints to stderr. */
    private final PrintStream result;

    private ContestantProcess(PrintStream result) {
        this.result = result;
    }

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        System.setOut(System.err); // libraries that print must not mix with the result line
        int status = new CommandLine(new ContestantProcess(stdout)).execute(args);
        stdout.flush();
        // The MiniCluster and engines leave non-daemon threads behind; the run is over.
        System.exit(status);
    }

    @Override
    public Integer call() throws Exception {
        ModelStore modelStore = ModelStore.open(store == null ? ModelStore.defaultRoot() : java.net.URI.create(store));
        ModelVersion version = modelStore.resolve(ModelRef.parse(model));
        Workload workload = Workloads.of(version, distinct, threads, Duration.ofMillis(Math.round(warmUpSeconds * 1000)),
                bootstrapServers);
        Contestant contestant = Contestants.create(name);
        if (contestant.usesKafka() && bootstrapServers == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), name + " uses Kafka: pass --bootstrap HOST:PORT.");
        }
        RunResult run = run(contestant, workload, offeredPerSecond, Duration.ofMillis(Math.round(seconds * 1000)));
        result.println(run.toJson());
        return 0;
    }

    /** The run itself, in this JVM: what the process does between building the workload and printing. */
    static RunResult run(Contestant contestant, Workload workload, double offeredPerSecond, Duration window) throws Exception {
        ProcessWindow measuring = new ProcessWindow(window);
        contestant.run(workload, offeredPerSecond, measuring);
        RunResult run = measuring.result(contestant.name(), workload.model().ref().toString(), offeredPerSecond);
        return contestant instanceof EngineCurve curve ? run.withCurve(curve.curve()) : run;
    }
}
