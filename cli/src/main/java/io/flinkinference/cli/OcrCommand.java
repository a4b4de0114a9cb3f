package io.flinkinference.cli;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.OcrResult;
import io.flinkinference.cli.ImageInputs.Item;
import io.flinkinference.jobs.cli.DurationConverter;
import io.flinkinference.jobs.cli.OcrStageOptions;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputTopicsReader;
import io.flinkinference.jobs.ocr.OcrJob;
import io.flinkinference.jobs.ocr.OcrOptions;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.ocr.LineFailures;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code flink-inference ocr FILE|DIR...}: the OCR pipeline on the embedded default (a Kafka broker
 * on loopback, a local MiniCluster, the three PaddleOCR models) for a user's own pictures. The
 * text goes to standard output in the order the files were named; progress and every file that
 * could not be read, with why, go to standard error.
 */
@Command(
        name = "ocr",
        description = {
            "Read the text in your own pictures: the OCR job (text detection, line orientation, recognition) "
                    + "runs on this machine with nothing to install, a Kafka broker on loopback and a local Flink "
                    + "MiniCluster, as in the demo.",
            "Prints each file's name and then its lines in reading order (top to bottom, left to right), or with "
                    + "--json one JSON object per file and line: {\"file\", \"lines\": [{\"text\", \"confidence\", "
                    + "\"row\", \"box\": [[x, y] x 4, clockwise from top-left]}], \"text\", \"confidence\"}.",
            "Files that are not images or cannot be read are named on standard error with the reason, and the "
                    + "exit status is then 1. Needs the models: flink-inference models fetch."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footer = {"", "Examples:",
            "  flink-inference models fetch       # once: the three PaddleOCR models",
            "  flink-inference ocr receipt.jpg",
            "  flink-inference ocr scans/ --json > text.jsonl",
            "  flink-inference ocr a.png b.png --det-max-batch-size 8 --parallelism 2"})
final class OcrCommand implements Callable<Integer> {
    /** How often progress is told while many files are being read. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*",
            description = "Image files (JPEG, PNG, BMP, GIF), or folders searched for .jpg, .jpeg, .png, .bmp and .gif files.")
    List<Path> inputs;

    @Option(names = "--json", description = "One JSON object per image and line, for scripts.")
    boolean json;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1", description = "Parallelism of the job (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Mixin
    OcrStageOptions stages;

    @Option(names = "--max-queue-delay", paramLabel = "DURATION", defaultValue = "5ms", converter = DurationConverter.class,
            description = "Longest wait for any stage's batch to fill (inference.batch.max-queue-delay, default ${DEFAULT-VALUE}).")
    Duration maxQueueDelay;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "onnxruntime (CPU) or tensorrt (GPU; needs a plan of each model) (default ${DEFAULT-VALUE}).")
    String engine;

    @Mixin
    StoreOption store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ImageInputs collected;
        try {
            collected = ImageInputs.collect(inputs);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "No such file or folder: " + e.getFile());
        }
        if (!collected.skipped().isEmpty()) {
            err.printf("Skipped %d file(s) in the folders that are not .jpg, .jpeg, .png, .bmp or .gif: %s%n",
                    collected.skipped().size(), collected.skippedExamples());
        }
        List<Item> items = collected.images();
        if (items.isEmpty()) {
            throw new IllegalArgumentException("No image files in " + inputs + ".");
        }

        ModelStore opened = store.open();
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL_STORE, opened.root().toString());
        inference.set(InferenceOptions.ENGINE, engine);
        inference.set(InferenceOptions.MAX_QUEUE_DELAY, maxQueueDelay);
        Configuration stageSettings = stages.over(new Configuration());
        // Before any broker starts: without the models there is nothing to start it for.
        OcrJob.requireModels(inference, OcrOptions.stages(stageSettings));

        Outcomes outcomes = new Outcomes(items);
        long started = System.nanoTime();
        try (LocalOcrPipeline pipeline = LocalOcrPipeline.start(inference, stageSettings, parallelism, "flink-inference ocr",
                line -> say(err, line))) {
            int sent = send(pipeline, items, outcomes);
            say(err, "Reading " + sent + " image(s) ...");
            long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            while (outcomes.pending() > 0) {
                outcomes.add(pipeline.poll(Duration.ofMillis(200)));
                if (outcomes.pending() > 0 && pipeline.endedBecause().isPresent()) {
                    throw new IllegalStateException("The OCR job stopped before every image was read: "
                            + pipeline.endedBecause().get());
                }
                if (items.size() > 1 && System.nanoTime() >= nextProgress) {
                    say(err, String.format("read %d of %d images (%.0f s)", items.size() - outcomes.pending(), items.size(),
                            (System.nanoTime() - started) / 1e9));
                    nextProgress += PROGRESS_EVERY.toNanos();
                }
            }
        }

        OcrOutput format = json ? OcrOutput.JSON : OcrOutput.TEXT;
        for (int i = 0; i < items.size(); i++) {
            OcrResult result = outcomes.results.get(id(i));
            if (result != null) {
                out.print(format.of(items.get(i).key(), result));
                if (!json && i < items.size() - 1) {
                    out.println();
                }
            }
        }
        out.flush();
        outcomes.lineFailures.forEach((id, reason) -> err.println("warning: " + items.get(index(id)).key()
                + ": a line could not be read (" + reason + ")"));
        if (outcomes.failures.isEmpty()) {
            return 0;
        }
        err.printf("Not read: %d of %d file(s):%n", outcomes.failures.size(), items.size());
        outcomes.failures.forEach((id, reason) -> err.println("  " + items.get(index(id)).key() + ": " + reason));
        return 1;
    }

    /** Sends every readable file; those that cannot be sent are failures at once. Returns how many were sent. */
    private static int send(LocalOcrPipeline pipeline, List<Item> items, Outcomes outcomes) throws InterruptedException {
        Map<String, Future<RecordMetadata>> sends = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            byte[] data;
            try {
                data = Files.readAllBytes(item.file());
            } catch (IOException e) {
                outcomes.fail(id(i), "cannot be read: " + e.getMessage());
                continue;
            }
            if (data.length == 0) {
                outcomes.fail(id(i), "is empty");
                continue;
            }
            ImageProducer.Encoded image = pipeline.encode(ImageProducer.image(id(i), data, item.encoding(), Map.of()));
            if (image.messageBytes() > pipeline.maxMessageBytes()) {
                outcomes.fail(id(i), String.format("is too large (%.1f MB) for the local broker's %.0f MB messages",
                        image.messageBytes() / 1e6, pipeline.maxMessageBytes() / 1e6));
                continue;
            }
            sends.put(id(i), pipeline.send(image));
        }
        pipeline.flush();
        int sent = 0;
        for (Map.Entry<String, Future<RecordMetadata>> send : sends.entrySet()) {
            try {
                send.getValue().get(30, TimeUnit.SECONDS);
                sent++;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                outcomes.fail(send.getKey(), "could not be sent to the local broker: " + e.getMessage());
            }
        }
        return sent;
    }

    /** Records carry the file's place in the list as their id: two files may share a name, never a place. */
    private static String id(int index) {
        return Integer.toString(index);
    }

    private static int index(String id) {
        return Integer.parseInt(id);
    }

    private static void say(PrintWriter err, String line) {
        err.println(line);
        err.flush();
    }

    /** Each file's answer as it comes back: its result, or why it has none. */
    private static final class Outcomes {
        final Map<String, OcrResult> results = new LinkedHashMap<>();
        final Map<String, String> failures = new java.util.TreeMap<>(java.util.Comparator.comparingInt(OcrCommand::index));
        final Map<String, String> lineFailures = new LinkedHashMap<>();
        private final int total;

        Outcomes(List<Item> items) {
            this.total = items.size();
        }

        void fail(String id, String reason) {
            failures.putIfAbsent(id, reason);
        }

        void add(OutputTopicsReader.Batch<OcrResult> batch) {
            for (OcrResult result : batch.results()) {
                results.put(result.getId(), result);
            }
            for (DeadLetter letter : batch.deadLetters()) {
                String id = letter.getKey();
                if (LineFailures.isLineReason(letter.getErrorMessage())) {
                    lineFailures.put(id, letter.getErrorMessage()); // the image's result still comes, that line empty
                } else {
                    fail(id, letter.getErrorMessage() + " [" + letter.getStage() + "]");
                }
            }
        }

        int pending() {
            return total - results.size() - failures.size();
        }
    }
}
