package io.flinkinference.cli.kafka;

import io.flinkinference.jobs.cli.KafkaOptions;
import io.flinkinference.jobs.kafka.KafkaAdmins;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code flink-inference kafka topics create|list}: what {@code run}'s "topic does not exist" advice needs. */
@Command(name = "topics", description = "Create or list topics on a Kafka cluster.", mixinStandardHelpOptions = true,
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create topics (replication factor 1 unless --replication-factor); existing ones are left as they are and named.")
    static final class Create implements java.util.concurrent.Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Parameters(paramLabel = "TOPIC", arity = "1..*", description = "Topics to create.")
        List<String> topics;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
                description = "Partitions per topic: the job's parallelism can use at most this many (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1", description = "Replicas (default ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Option(names = "--max-message-bytes", paramLabel = "BYTES", defaultValue = "16777216",
                description = "Largest message (max.message.bytes), large enough for phone photos (default ${DEFAULT-VALUE}).")
        int maxMessageBytes;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = KafkaAdmins.open(kafka.bootstrapServers, kafka.clientProperties())) {
                KafkaAdmins.requireBrokers(admin, kafka.bootstrapServers, "no topic was created");
                List<String> existing = new ArrayList<>();
                for (String topic : topics) {
                    NewTopic created = new NewTopic(topic, partitions, replicationFactor)
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes)));
                    try {
                        admin.createTopics(List.of(created)).all().get(30, TimeUnit.SECONDS);
                        out.printf("Created %s (%d partitions, max.message.bytes %d)%n", topic, partitions, maxMessageBytes);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("Cannot create topic '" + topic + "': " + e.getCause().getMessage(), e);
                        }
                        existing.add(topic);
                    }
                }
                if (!existing.isEmpty()) {
                    out.println("Already there, left as they are: " + existing);
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the topics, one per line.")
    static final class ListTopics implements java.util.concurrent.Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Admin admin = KafkaAdmins.open(kafka.bootstrapServers, kafka.clientProperties())) {
                KafkaAdmins.requireBrokers(admin, kafka.bootstrapServers, "");
                admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().sorted()
                        .forEach(spec.commandLine().getOut()::println);
            }
            return 0;
        }
    }
}
