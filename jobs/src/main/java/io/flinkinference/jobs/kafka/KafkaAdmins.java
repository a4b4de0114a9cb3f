package io.flinkinference.jobs.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.Collection;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The admin client the commands check Kafka with before they start work, with short timeouts and one message for an unreachable broker. */
public final class KafkaAdmins {
    private KafkaAdmins() {}

    /** An admin client for {@code bootstrapServers} with the user's client properties (security settings). */
    public static Admin open(String bootstrapServers, Properties clientProperties) {
        Properties admin = new Properties();
        admin.putAll(clientProperties);
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        admin.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        admin.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(admin);
    }

    /**
     * Fails within 15 s, saying what to check, when no broker answers.
     *
     * @param consequence what the caller did not do because of it, e.g. "nothing was sent"; may be empty
     */
    public static void requireBrokers(Admin client, String bootstrapServers, String consequence) {
        try {
            client.describeCluster().nodes().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot reach Kafka at " + bootstrapServers + " within 15 s"
                    + (consequence.isEmpty() ? "" : "; " + consequence) + ". Check --bootstrap-servers and, for secured "
                    + "clusters, the security settings passed with --kafka-property.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking Kafka at " + bootstrapServers + " for its brokers", e);
        }
    }

    /** Fails naming the topics of {@code topics} that do not exist, and how to create them. */
    public static void requireTopics(Admin client, String bootstrapServers, Collection<String> topics) {
        Set<String> missing = new TreeSet<>();
        try {
            for (String topic : topics) {
                try {
                    client.describeTopics(java.util.List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw new IllegalStateException("Cannot describe topic '" + topic + "': " + e.getCause().getMessage(), e);
                    }
                    missing.add(topic);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer for topic '" + topic
                            + "' within 15 s.", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics on Kafka at " + bootstrapServers, e);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Topic(s) " + missing + " do not exist on " + bootstrapServers
                    + ". Create them first: flink-inference kafka topics create " + String.join(" ", missing) + " -b "
                    + bootstrapServers + " (or kafka-topics.sh --bootstrap-server " + bootstrapServers
                    + " --create --topic " + missing.iterator().next() + " --partitions 4).");
        }
    }
}
