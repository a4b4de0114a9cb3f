package io.flinkinference.cli;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.jobs.cli.KafkaOptions;
import io.flinkinference.jobs.kafka.ImageProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code flink-inference produce}: send image files into a topic as Avro ImageRecords. */
@Command(
        name = "produce",
        description = "Send image files (or every image in folders) to a topic as Avro ImageRecord messages, keyed "
                + "by file name, with progress.",
        mixinStandardHelpOptions = true,
        footer = {"", "Example:", "  flink-inference produce -b localhost:9092 --topic images photos/ scan.png"})
final class ProduceCommand implements Callable<Integer> {
    private static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");

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
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    walk.filter(Files::isRegularFile).filter(ProduceCommand::isImage).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(input)) {
                files.add(input);
            } else {
                throw new ParameterException(spec.commandLine(), "No such file or folder: " + input);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        long bytes = 0;
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers, topic, kafka.clientProperties())) {
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                byte[] data = Files.readAllBytes(file);
                bytes += data.length;
                producer.send(ImageProducer.image(file.getFileName().toString(), data, encoding(file), headers));
                if ((i + 1) % 100 == 0) {
                    out.printf("sent %d/%d images (%.1f MB)%n", i + 1, files.size(), bytes / 1e6);
                    out.flush();
                }
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("Sent %d images (%.1f MB) to %s in %.1f s.%n", files.size(), bytes / 1e6, topic, seconds);
        return 0;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private static ImageEncoding encoding(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") ? ImageEncoding.PNG
                : name.endsWith(".jpg") || name.endsWith(".jpeg") ? ImageEncoding.JPEG : ImageEncoding.IMAGE;
    }
}
