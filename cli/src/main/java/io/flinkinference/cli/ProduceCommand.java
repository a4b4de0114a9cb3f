package io.flinkinference.cli;

import io.flinkinference.cli.ImageInputs.Item;
import io.flinkinference.jobs.cli.KafkaOptions;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.TopicLimits;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * {@code flink-inference produce}: send image files into a topic as Avro ImageRecords, and say
 * exactly what did not arrive. Every send's result is checked; the command exits 1 naming each
 * file that was not sent and why (too large for the topic, unreadable, refused by the broker).
 */
@Command(
        name = "produce",
        description = {"Send image files (or every image in folders) to a topic as Avro ImageRecord messages, keyed "
                + "by their path as given (photos/a/1.jpg and photos/b/1.jpg stay apart), with progress.",
            "Every send is checked: the command exits 1 and names each file that was not sent and why. Files larger than "
                + "the topic's max.message.bytes (the broker's message.max.bytes, 1 MB by default in Kafka; 16 MB on "
                + "flink-inference's own local broker) are not sent, with the command that raises the limit."},
        mixinStandardHelpOptions = true,
        footer = {"", "Example:", "  flink-inference produce -b localhost:9092 --topic images photos/ scan.png"})
final class ProduceCommand implements Callable<Integer> {
    /** Largest request the producer sends; a topic's own limit is checked per file before sending. */
    static final int MAX_REQUEST_BYTES = 64 << 20;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "images", description = "Topic to send to (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--header", paramLabel = "KEY=VALUE", description = "Attribute added to every record's headers map; repeat for several.")
    Map<String, String> headers = Map.of();

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "Image files, or folders searched for .jpg, .jpeg, .png, .bmp and .gif files.")
    List<Path> inputs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ImageInputs collected;
        try {
            collected = ImageInputs.collect(inputs);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "No such file or folder: " + e.getFile());
        }
        List<Item> items = collected.images();
        if (!collected.skipped().isEmpty()) {
            out.printf("Skipped %d file(s) in the folders that are not .jpg, .jpeg, .png, .bmp or .gif: %s%n", collected.skipped().size(),
                    collected.skippedExamples());
        }
        Properties producerProperties = kafka.clientProperties();
        // Fail within seconds, not the client's two minutes, when the brokers go away mid-way; each failure is reported.
        producerProperties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        producerProperties.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        producerProperties.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        producerProperties.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
        TopicLimits limits = TopicLimits.describe(kafka.bootstrapServers, kafka.clientProperties(), topic);

        Map<Item, String> notSent = new LinkedHashMap<>();
        Map<Item, Future<RecordMetadata>> sends = new LinkedHashMap<>();
        long start = System.nanoTime();
        long bytes = 0;
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers, topic, producerProperties)) {
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                byte[] data;
                try {
                    data = Files.readAllBytes(item.file());
                } catch (IOException e) {
                    notSent.put(item, "cannot be read: " + e.getMessage());
                    continue;
                }
                if (data.length == 0) {
                    notSent.put(item, "is empty");
                    continue;
                }
                ImageProducer.Encoded image = producer.encode(ImageProducer.image(item.key(), data, item.encoding(), headers));
                if (image.messageBytes() > limits.maxMessageBytes()) {
                    notSent.put(item, limits.tooLarge(image.messageBytes()));
                    continue;
                }
                try {
                    sends.put(item, producer.send(image));
                    bytes += data.length;
                } catch (RuntimeException e) {
                    notSent.put(item, "refused by the producer: " + e.getMessage());
                }
                if ((i + 1) % 100 == 0) {
                    out.printf("queued %d/%d images (%.1f MB)%n", i + 1, items.size(), bytes / 1e6);
                    out.flush();
                }
            }
            producer.flush();
        }
        int sent = 0;
        for (Map.Entry<Item, Future<RecordMetadata>> send : sends.entrySet()) {
            try {
                send.getValue().get();
                sent++;
            } catch (ExecutionException e) {
                notSent.put(send.getKey(), "refused by Kafka: " + e.getCause().getMessage());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("Sent %d of %d images (%.1f MB) to %s in %.1f s.%n", sent, items.size(), bytes / 1e6, topic, seconds);
        if (notSent.isEmpty()) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf("Not sent: %d image(s):%n", notSent.size());
        notSent.forEach((item, why) -> err.printf("  %s: %s%n", item.key(), why));
        return 1;
    }
}
