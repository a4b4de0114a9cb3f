package io.flinkinference.cli;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.OcrResult;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputTopicsReader;
import io.flinkinference.jobs.ocr.OcrJob;
import io.flinkinference.jobs.ocr.OcrOptions;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.ocr.CharacterErrorRate;
import io.flinkinference.operators.ocr.LineFailures;
import io.flinkinference.samples.DocumentPages;
import io.flinkinference.samples.Pacer;
import io.flinkinference.samples.models.PaddleOcrModels;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code demo --pipeline ocr}: the OCR job on the embedded default ({@link LocalOcrPipeline}) fed
 * with rendered document pages of known text ({@link DocumentPages}: lines of random words at
 * random indents and sizes, some upside down), every {@code corruptEvery}-th a truncated JPEG or
 * random bytes. It shows progress each second and ends with the character error rate against the
 * known text and the {@code summary:} line.
 */
final class OcrDemo {
    private static final String WARM_UP_ID = "warm-up";
    /** Distinct pages rendered before streaming; longer streams reuse them under new ids. */
    private static final int PAGE_POOL = 100;

    /** What the demo was asked for. */
    record Settings(int images, int rate, int corruptEvery, int parallelism, Duration maxQueueDelay, String engine, long seed,
            Configuration stages) {}

    private final Settings settings;
    private final PrintWriter out;

    OcrDemo(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    int run(ModelStore store) throws Exception {
        long started = System.nanoTime();
        out.println("[1/4] Model store " + store.root());
        PaddleOcrModels.fetchInto(store, line -> out.println("      " + line));
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL_STORE, store.root().toString());
        inference.set(InferenceOptions.ENGINE, settings.engine());
        inference.set(InferenceOptions.MAX_QUEUE_DELAY, settings.maxQueueDelay());
        List<OcrJob.Stage> stages = OcrOptions.stages(settings.stages());
        OcrJob.requireModels(inference, stages);
        out.println("      " + stages.stream().map(OcrJob.Stage::model).toList() + " verified (sha256)");

        AtomicInteger step = new AtomicInteger(2);
        List<DocumentPages.Page> pages = new ArrayList<>();
        // Each page's seed drawn from the demo's: java.util.Random's first draws for neighbouring seeds are alike,
        // so seed, seed + 1, ... would give pages alike too.
        java.util.Random pageSeeds = new java.util.Random(settings.seed());
        for (int i = 0; i < Math.min(settings.images(), PAGE_POOL); i++) {
            pages.add(DocumentPages.page(pageSeeds.nextLong()));
        }
        Tally tally = new Tally(settings.images());
        try (LocalOcrPipeline pipeline = LocalOcrPipeline.start(inference, settings.stages(), settings.parallelism(),
                "flink-inference demo --pipeline ocr", line -> out.println("[" + step.getAndIncrement() + "/4] " + line))) {
            awaitFirstAnswer(pipeline, pages.get(0));

            out.println("[4/4] Streaming " + settings.images() + " pages" + (settings.rate() > 0 ? " at " + settings.rate() + "/s" : "")
                    + " (every " + settings.corruptEvery() + "th corrupt) ...");
            AtomicInteger sent = new AtomicInteger();
            AtomicReference<Throwable> producerError = new AtomicReference<>();
            Map<String, String> truth = new ConcurrentHashMap<>();
            Thread producer = new Thread(() -> produce(pipeline, pages, truth, sent, producerError), "ocr-demo-producer");
            producer.setDaemon(true);
            producer.start();

            // OCR takes about a second of CPU per page here: patience grows with the pages, at least two minutes.
            long patience = Math.max(120, settings.images() * 3L);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(patience);
            long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (tally.done() < settings.images() && System.nanoTime() < deadline && producerError.get() == null
                    && pipeline.endedBecause().isEmpty()) {
                tally.add(pipeline.poll(Duration.ofMillis(200)), truth, System.currentTimeMillis());
                if (System.nanoTime() >= nextReport) {
                    out.println("      " + tally.line(sent.get(), started));
                    out.flush();
                    nextReport += TimeUnit.SECONDS.toNanos(1);
                }
            }
            if (producerError.get() != null) {
                throw new IllegalStateException("Sending pages failed: " + producerError.get().getMessage(), producerError.get());
            }
            pipeline.endedBecause().ifPresent(why -> out.println("The OCR job stopped: " + why));
            out.println("      " + tally.line(sent.get(), started));
        }
        out.println();
        if (tally.done() < settings.images()) {
            out.println("Not every page came back within the time allowed; see the log above.");
        }
        tally.summary(out); // the summary: line stays the last line, whatever happened
        return tally.done() == settings.images() ? 0 : 1;
    }

    /** Start-up (deploying the job, loading three models) is over once a first page has its text; it is not counted. */
    private void awaitFirstAnswer(LocalOcrPipeline pipeline, DocumentPages.Page page) {
        out.println("      waiting for the job to read a first (warm-up) page ...");
        out.flush();
        pipeline.send(pipeline.encode(ImageProducer.image(WARM_UP_ID, page.png(), ImageEncoding.PNG, Map.of())));
        pipeline.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && pipeline.endedBecause().isEmpty()) {
            if (pipeline.poll(Duration.ofMillis(200)).results().stream().anyMatch(r -> r.getId().equals(WARM_UP_ID))) {
                return;
            }
        }
        throw new IllegalStateException("The OCR job read no first page within 180 s"
                + pipeline.endedBecause().map(why -> ": " + why).orElse("; see the log above."));
    }

    /** Sends the pages at the rate asked; every {@code corruptEvery}-th is broken, alternately cut short and random bytes. */
    private void produce(LocalOcrPipeline pipeline, List<DocumentPages.Page> pages, Map<String, String> truth, AtomicInteger sent,
            AtomicReference<Throwable> error) {
        Pacer pacer = new Pacer(settings.rate());
        int corruptEvery = settings.corruptEvery();
        try {
            for (int i = 0; i < settings.images(); i++) {
                DocumentPages.Page page = pages.get(i % pages.size());
                String id = "page-" + i;
                ImageProducer.Encoded image;
                if (corruptEvery > 0 && i % corruptEvery == corruptEvery - 1) {
                    image = (i / corruptEvery) % 2 == 0
                            ? pipeline.encode(ImageProducer.image(id, DocumentPages.truncatedJpeg(page), ImageEncoding.JPEG, Map.of()))
                            : pipeline.encode(ImageProducer.image(id, DocumentPages.randomBytes(settings.seed() + i, 2048),
                                    ImageEncoding.IMAGE, Map.of()));
                } else {
                    truth.put(id, page.text());
                    image = pipeline.encode(ImageProducer.image(id, page.png(), ImageEncoding.PNG, Map.of()));
                }
                pipeline.send(image);
                sent.incrementAndGet();
                pacer.awaitNext();
            }
            pipeline.flush();
        } catch (Throwable t) {
            error.set(t);
        }
    }

    /** What has come back so far, and the figures the demo reports. */
    private static final class Tally {
        private final int total;
        private final LatencySamples latencies = new LatencySamples();
        private final CharacterErrorRate cer = new CharacterErrorRate();
        private final Map<String, String> unmatched = new HashMap<>();
        private int results;
        private int deadLetters;
        private int lineFailures;
        private int lines;
        private final ArrivalWindow window = new ArrivalWindow();

        Tally(int total) {
            this.total = total;
        }

        void add(OutputTopicsReader.Batch<OcrResult> batch, Map<String, String> truth, long nowMillis) {
            int before = done();
            for (OcrResult result : batch.results()) {
                if (result.getId().equals(WARM_UP_ID)) {
                    continue;
                }
                results++;
                lines += result.getLines().size();
                latencies.add(nowMillis - result.getEventTimeMillis().toEpochMilli());
                String expected = truth.get(result.getId());
                if (expected != null) {
                    cer.add(expected, result.getText());
                } else {
                    unmatched.put(result.getId(), result.getText()); // a corrupt page should never have text
                }
            }
            for (DeadLetter letter : batch.deadLetters()) {
                if (LineFailures.isLineReason(letter.getErrorMessage())) {
                    lineFailures++; // its page's result still comes
                } else if (!WARM_UP_ID.equals(letter.getKey())) {
                    deadLetters++;
                }
            }
            if (done() > before) {
                window.arrived(nowMillis);
            }
        }

        int done() {
            return results + deadLetters;
        }

        double throughput() {
            return window.perSecond(done());
        }

        double cerPercent() {
            return cer.referenceCharacters() == 0 ? 0 : 100.0 * cer.rate();
        }

        String line(int sent, long startedNanos) {
            return String.format("%5.1fs  sent %d/%d  results %d  dead letters %d  |  %.1f pages/s  %d lines  CER %.1f%%  p50 %d ms  p99 %d ms",
                    (System.nanoTime() - startedNanos) / 1e9, sent, total, results, deadLetters, throughput(), lines,
                    cerPercent(), latencies.percentile(0.5), latencies.percentile(0.99));
        }

        void summary(PrintWriter out) {
            out.printf("Pages sent:        %d%n", total);
            out.printf("Results:           %d (%d lines; character error rate %.1f%% over %d characters of known text)%n",
                    results, lines, cerPercent(), cer.referenceCharacters());
            if (!unmatched.isEmpty()) {
                out.printf("                   %d result(s) for pages sent corrupt: %s%n", unmatched.size(), unmatched.keySet());
            }
            out.printf("Dead letters:      %d (corrupt pages: truncated JPEGs and random bytes, with topic, partition and offset)%n",
                    deadLetters);
            if (lineFailures > 0) {
                out.printf("Line failures:     %d (dead letters of single lines; their pages were written without them)%n", lineFailures);
            }
            out.printf("Throughput:        %.1f pages/s%n", throughput());
            out.printf("Latency (Kafka in to Kafka out): p50 %d ms, p99 %d ms%n", latencies.percentile(0.5), latencies.percentile(0.99));
            out.printf("summary: images=%d results=%d dead_letters=%d cer=%.1f%% throughput=%.1f/s p50_ms=%d p99_ms=%d%n",
                    total, results, deadLetters, cerPercent(), throughput(), latencies.percentile(0.5), latencies.percentile(0.99));
        }
    }
}
