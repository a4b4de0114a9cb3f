package io.flinkinference.jobs.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Where Kafka is and how to talk to it; shared by run, produce and consume. */
public final class KafkaOptions {
    @Option(names = {"-b", "--bootstrap-servers"}, required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers to connect to.")
    public String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Any Kafka client property, for example security.protocol=SASL_SSL or "
                    + "sasl.jaas.config=...; repeat for several. Applies to every client the command starts.")
    public Map<String, String> properties = new LinkedHashMap<>();

    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(properties);
        return props;
    }
}
