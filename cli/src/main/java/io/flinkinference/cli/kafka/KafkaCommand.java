package io.flinkinference.cli.kafka;

import picocli.CommandLine.Command;

/** {@code flink-inference kafka}: a local broker, and its topics, without a Kafka download. */
@Command(
        name = "kafka",
        description = "A local Kafka broker for trying the job out (KRaft, loopback only, data kept in a folder), and topics on any broker.",
        mixinStandardHelpOptions = true,
        subcommands = {StartCommand.class, TopicsCommand.class},
        footer = {"", "Examples:", "  flink-inference kafka start       # on 127.0.0.1:9092; Ctrl-C stops it",
            "  flink-inference kafka topics create images results dead-letters \\",
            "      -b 127.0.0.1:9092",
            "  flink-inference kafka topics list -b 127.0.0.1:9092"})
public final class KafkaCommand {}
