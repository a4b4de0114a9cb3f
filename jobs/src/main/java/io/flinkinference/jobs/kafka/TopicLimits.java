package io.flinkinference.jobs.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a producer must know before it sends a file: that the brokers answer, that the topic exists,
 * and the largest message the topic takes ({@code max.message.bytes}, which is the broker's
 * {@code message.max.bytes}, 1 MB by default, unless the topic overrides it). Asked once, up front,
 * so that an unreachable broker fails the command at once instead of each send timing out.
 */
public record TopicLimits(String topic, int maxMessageBytes) {

    public static TopicLimits describe(String bootstrapServers, Properties clientProperties, String topic) {
        try (Admin client = KafkaAdmins.open(bootstrapServers, clientProperties)) {
            KafkaAdmins.requireBrokers(client, bootstrapServers, "nothing was sent");
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            try {
                Config config = client.describeConfigs(List.of(resource)).all().get(15, TimeUnit.SECONDS).get(resource);
                return new TopicLimits(topic, Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new IllegalStateException("Topic '" + topic + "' does not exist on " + bootstrapServers
                            + "; nothing was sent. Create it first: flink-inference kafka topics create " + topic + " -b "
                            + bootstrapServers, e);
                }
                throw new IllegalStateException("Cannot describe topic '" + topic + "': " + e.getCause().getMessage(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka at " + bootstrapServers + " did not describe topic '" + topic
                        + "' within 15 s; nothing was sent.", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while describing topic '" + topic + "'", e);
            }
        }
    }

    /** Why a message of {@code bytes} cannot go to this topic, with how to raise the limit. */
    public String tooLarge(long bytes) {
        return String.format("its message would be %.2f MB, over topic %s's max.message.bytes of %.2f MB; raise it, e.g. "
                + "kafka-configs.sh --alter --entity-type topics --entity-name %s --add-config max.message.bytes=%d",
                bytes / 1e6, topic, maxMessageBytes / 1e6, topic, Math.max(16 << 20, (bytes + (1 << 20)) & ~0xFFFFFL));
    }
}
