package io.flinkinference.benchmarks;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.samples.models.PaddleOcrModels;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 13's measurement, in one run on one machine: rows/s of {@code ML_PREDICT} with the
 * project's provider (async, max batch 32), the same query with batching off (max batch 1), and
 * the DataStream function on the same model and the same inputs (rendered text lines as PNG
 * bytes, decoded and preprocessed per row on every path), each at parallelism 1 in a local
 * MiniCluster, rounds interleaved so that a noisy neighbour hits every variant alike.
 *
 * <p>Run: {@code benchmarks/run.sh SqlPredictBenchmark [rows] [rounds]}.
 */
public final class SqlPredictBenchmark {
    private static final int DISTINCT_LINES = 64;

    private SqlPredictBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 4_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ModelStore store = ModelStore.open(ModelStore.defaultRoot());
        PaddleOcrModels.fetchInto(store, line -> { });
        ModelVersion model = store.resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
        List<byte[]> images = new TextLineImages(13).samples(DISTINCT_LINES).stream().map(TextLineImages.Sample::png).toList();

        String[] names = {"ML_PREDICT async, max batch 32", "ML_PREDICT async, max batch 1 (no batching)",
            "DataStream function, max batch 32"};
        double[][] rates = new double[names.length][rounds];
        for (int round = 0; round < rounds; round++) {
            rates[0][round] = sql(model, store, images, rows, 32);
            rates[1][round] = sql(model, store, images, rows, 1);
            rates[2][round] = dataStream(model, store, images, rows);
            System.out.printf("round %d: %s%n", round + 1, Arrays.toString(new double[] {rates[0][round], rates[1][round],
                rates[2][round]}));
        }
        StringBuilder report = new StringBuilder("# ML_PREDICT against the DataStream function, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + rows + " rows per run, " + rounds
                + " interleaved rounds, model " + model.ref() + ", parallelism 1, PNG text lines\n\n"
                + "| variant | rows/s (median) | vs ML_PREDICT batch 1 |\n| --- | ---: | ---: |\n");
        for (int v = 0; v < names.length; v++) {
            report.append(String.format("| %s | %.0f | %.2fx |%n", names[v], Medians.of(rates[v]),
                    Medians.of(ratio(rates[v], rates[1]))));
        }
        System.out.println(report);
        Path out = Path.of("benchmarks/target/results/sql-predict.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("written to " + out);
    }

    private static double sql(ModelVersion model, ModelStore store, List<byte[]> images, long rows, int maxBatch)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        TypeInformation<Row> lineType = Types.ROW_NAMED(new String[] {"line", "image"}, Types.LONG, Types.PRIMITIVE_ARRAY(Types.BYTE));
        GeneratorFunction<Long, Row> lines = index -> Row.of(index, images.get((int) (index % images.size())));
        tables.createTemporaryView("lines", tables.fromDataStream(env.fromSource(
                new DataGeneratorSource<>(lines, rows, lineType), WatermarkStrategy.noWatermarks(), "lines")));
        tables.executeSql("CREATE TEMPORARY MODEL orientation INPUT (image BYTES) OUTPUT (label STRING) WITH ("
                + "'provider' = 'onnxruntime', 'model-store' = '" + store.root() + "', 'model' = '" + model.ref()
                + "', 'max-batch-size' = '" + maxBatch + "')");
        // In flight: enough rows for a full batch to queue while two run, as the DataStream function's default capacity.
        tables.toDataStream(tables.sqlQuery("SELECT label FROM ML_PREDICT(TABLE lines, MODEL orientation, DESCRIPTOR(image), "
                + "MAP['async', 'true', 'max-concurrent-operations', '" + Math.max(10, maxBatch * 3) + "'])"))
                .sinkTo(SteadyStateThroughput.sink(rows));
        return run(env, "ML_PREDICT max batch " + maxBatch, rows);
    }

    private static double dataStream(ModelVersion model, ModelStore store, List<byte[]> images, long rows) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        GeneratorFunction<Long, InferenceRequest> requests = index ->
                InferenceRequest.image("r" + index, images.get((int) (index % images.size())), 0);
        Inference.builder().modelStore(store.root()).model(model.ref().toString()).maxBatchSize(32).build()
                .apply(env.fromSource(new DataGeneratorSource<>(requests, rows, TypeInformation.of(InferenceRequest.class)),
                        WatermarkStrategy.noWatermarks(), "lines"))
                .results().sinkTo(SteadyStateThroughput.sink(rows));
        return run(env, "DataStream function", rows);
    }

    /** Runs the job; rows/s from the 10th percent of results to the last, leaving out start-up and model load. */
    private static double run(StreamExecutionEnvironment env, String name, long rows) throws Exception {
        SteadyStateThroughput.reset();
        env.execute(name);
        return SteadyStateThroughput.recordsPerSecond(rows);
    }

    private static double[] ratio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

}
