package io.flinkinference.benchmarks.peers;

import io.flinkinference.jobs.kafka.KafkaAdmins;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The three topics of one Kafka contestant run on the suite's broker: the images it reads, the
 * answers it writes and the dead letters of the records it could not answer. Their names are the
 * run's own ({@code <contestant>-<random>-...}), so that no run reads another's records, and they
 * are deleted after the run: the suite's broker serves every run of every round, and a run at
 * capacity leaves hundreds of megabytes behind.
 */
public record RunTopics(String bootstrapServers, String run) {
    private static final int TIMEOUT_SECONDS = 30;

    public String images() {
        return run + "-images";
    }

    public String answers() {
        return run + "-answers";
    }

    public String deadLetters() {
        return run + "-dead-letters";
    }

    /**
     * Creates the topics: the images with {@code partitions} partitions (one per consumer of a
     * contestant that reads with {@code partitions} threads), the answers with as many, so that
     * writers on several threads do not share one partition's log, the dead letters with one.
     */
    public static RunTopics create(String bootstrapServers, String contestant, int partitions) {
        RunTopics topics = new RunTopics(bootstrapServers, contestant + "-" + UUID.randomUUID().toString().substring(0, 8));
        try (Admin admin = KafkaAdmins.open(bootstrapServers, new Properties())) {
            admin.createTopics(List.of(
                            new NewTopic(topics.images(), partitions, (short) 1),
                            new NewTopic(topics.answers(), partitions, (short) 1),
                            new NewTopic(topics.deadLetters(), 1, (short) 1)))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the topics of run " + topics.run() + " on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the topics of run " + topics.run(), e);
        }
        return topics;
    }

    /** A consumer group (or transactional-id prefix) of this run alone. */
    public String groupId(String role) {
        return run + "-" + role;
    }

    /** Deletes the three topics. */
    public void delete() {
        try (Admin admin = KafkaAdmins.open(bootstrapServers, new Properties())) {
            admin.deleteTopics(List.of(images(), answers(), deadLetters())).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot delete the topics of run " + run, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while deleting the topics of run " + run, e);
        }
    }
}
