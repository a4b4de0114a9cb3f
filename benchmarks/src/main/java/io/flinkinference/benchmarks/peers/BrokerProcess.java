package io.flinkinference.benchmarks.peers;

import io.flinkinference.samples.EmbeddedKafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * The suite's one Kafka broker, in a JVM of its own so that its CPU and memory are no contestant's:
 * prints its bootstrap address as the first line on stdout, then serves until its stdin closes
 * (the suite closes it, or dies), and shuts down.
 */
public final class BrokerProcess {
    /** The first stdout line starts with this, followed by the address. */
    static final String READY = "bootstrap=";

    private BrokerProcess() {}

    public static void main(String[] args) throws IOException {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            System.out.println(READY + kafka.bootstrapServers());
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // nothing to read: the stream only tells that the suite is still there
            }
        }
        System.exit(0);
    }
}
