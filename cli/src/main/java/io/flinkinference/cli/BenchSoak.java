package io.flinkinference.cli;

import io.flinkinference.jobs.cli.DurationConverter;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.tools.bench.BatchInputs;
import io.flinkinference.tools.bench.BenchRecords;
import io.flinkinference.tools.bench.EngineSweep;
import io.flinkinference.tools.bench.FunctionSweep;
import io.flinkinference.tools.bench.GrowthCheck;
import io.flinkinference.tools.bench.MemoryProbe;
import io.flinkinference.tools.bench.SoakReport;
import io.flinkinference.tools.bench.SoakRun;
import io.flinkinference.tools.bench.SoakSample;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code bench MODEL --soak [DURATION]}: the function's capacity measured briefly (the engine at
 * the function's default max batch, for how many records to send, then {@link FunctionSweep} at
 * that max batch), then the function at {@code --soak-load} of it for the duration
 * ({@link SoakRun}), and the verdict ({@link SoakReport}, {@link GrowthCheck}). Exit status 1
 * when a memory level grew or a record failed or went missing.
 */
final class BenchSoak {
    @Option(names = "--soak", paramLabel = "DURATION", arity = "0..1", fallbackValue = "10m", converter = DurationConverter.class,
            description = "Instead of the sweeps: run the batching function at --soak-load of its capacity for DURATION "
                    + "(default 10m; e.g. 20s for CI) and fail (exit status 1) when heap after GC, direct memory or RSS grew "
                    + "beyond the first minute's highest level (first third of shorter soaks) plus max(5%, 8 MiB), or a record "
                    + "failed or was lost.")
    Duration duration;

    @Option(names = "--soak-load", paramLabel = "FRACTION", defaultValue = "0.8",
            description = "The soak's offered rate as a fraction of the measured capacity (default ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--sample-every", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often the soak samples memory, results and p99 latency (default ${DEFAULT-VALUE}).")
    Duration sampleEvery;

    boolean requested() {
        return duration != null;
    }

    void check(CommandLine command, boolean function) {
        if (!function) {
            throw new ParameterException(command, "--soak runs the batching function; leave out --no-function.");
        }
        if (!(load > 0) || load > 1) {
            throw new ParameterException(command, "--soak-load must be above 0 and at most 1, not " + load + ".");
        }
        if (sampleEvery.isZero() || sampleEvery.isNegative() || duration.compareTo(sampleEvery.multipliedBy(GrowthCheck.MIN_SAMPLES)) < 0) {
            throw new ParameterException(command, "--soak " + duration.toSeconds() + " s gives fewer than " + GrowthCheck.MIN_SAMPLES
                    + " samples at --sample-every " + sampleEvery.toMillis() / 1e3 + " s, too few to judge growth: soak longer "
                    + "or sample more often.");
        }
    }

    /**
     * @param window how long the capacity's engine point is measured (bench's --seconds)
     * @return the exit status: 0 when the soak passed
     */
    int run(ModelStore store, ModelVersion version, String engine, EngineProvider provider, Configuration engineOptions,
            BatchInputs batches, BenchRecords records, Duration warmUp, Duration window, boolean json, PrintWriter out,
            PrintWriter err) throws Exception {
        int maxBatch;
        double engineRate;
        try (InferenceEngine loaded = provider.open(version, engineOptions, provider.usesGpu() ? 0 : -1)) {
            maxBatch = Math.max(loaded.batchRange().min(), Math.min(InferenceOptions.MAX_BATCH_SIZE.defaultValue(),
                    loaded.batchRange().max()));
            say(err, String.format("Capacity of %s on %s at the function's default max batch %d: the engine for %.1f s ...",
                    version.ref(), engine, maxBatch, window.toMillis() / 1e3));
            engineRate = new EngineSweep(loaded, batches, warmUp, window).measure(maxBatch, 1).recordsPerSecond();
        }
        long count = Math.max(FunctionSweep.MIN_RECORDS, Math.round(engineRate * window.toMillis() / 1e3));
        say(err, String.format("... then the function, %d records in a MiniCluster ...", count));
        double capacity = new FunctionSweep(store, version.ref(), engine, records).measure(maxBatch, count).recordsPerSecond();
        double rate = load * capacity;
        say(err, String.format("Soak: %.0f records/s (%.0f%% of %.0f) for %d s, a sample every %.1f s", rate, 100 * load, capacity,
                duration.toSeconds(), sampleEvery.toMillis() / 1e3));

        SoakRun.Result result = new SoakRun(store, version.ref(), engine, maxBatch, records, new MemoryProbe())
                .run(rate, duration, sampleEvery, sample -> say(err, progress(sample)));
        SoakReport report = SoakReport.of(version.ref().toString(), engine, batches.description(), maxBatch, capacity, load, result);
        out.print(json ? report.json() + System.lineSeparator() : report.text());
        out.flush();
        if (!report.passed()) {
            report.problems().forEach(problem -> say(err, "soak failed: " + problem));
            return 1;
        }
        return 0;
    }

    private static String progress(SoakSample sample) {
        return String.format("soak sample %d at %.1f s: heap after GC %s (committed %s), direct %s, RSS %s; %d records (%.0f/s), p99 %s",
                sample.index(), sample.seconds(), GrowthCheck.mib(sample.heapAfterGcBytes()),
                GrowthCheck.mib(sample.heapCommittedBytes()), GrowthCheck.mib(sample.directBytes()),
                sample.rssBytes() < 0 ? "n/a" : GrowthCheck.mib(sample.rssBytes()), sample.records(), sample.recordsPerSecond(),
                Double.isNaN(sample.p99Millis()) ? "-" : String.format("%.1f ms", sample.p99Millis()));
    }

    private static void say(PrintWriter err, String line) {
        err.println(line);
        err.flush();
    }
}
