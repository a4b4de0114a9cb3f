package io.flinkinference.jobs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The {@code HOST:PORT} of a Flink cluster's REST endpoint, as {@code run --jobmanager} takes it.
 *
 * <p>Flink's REST client retries a connection it cannot open for about a minute, logging each
 * attempt, before it gives up; {@link #checkReachable} asks the endpoint once, with a short
 * timeout, so that a wrong address is one clear error instead.
 */
record JobManagerAddress(String host, int port) {
    /** How long the endpoint may take to answer before the address is taken to be wrong. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    static JobManagerAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--jobmanager must be HOST:PORT (the REST port, usually 8081), not " + text);
        }
        try {
            return new JobManagerAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--jobmanager must be HOST:PORT with a port number, not " + text);
        }
    }

    /** Throws naming the address unless a Flink REST endpoint answers there within {@link #CHECK_TIMEOUT}. */
    void checkReachable() {
        // GET /config is the REST API's cheapest call and answers on every JobManager, leader or not.
        URI config = URI.create("http://" + this + "/config");
        HttpClient client = HttpClient.newBuilder().connectTimeout(CHECK_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(config).timeout(CHECK_TIMEOUT).GET().build();
        int status;
        try {
            status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw unreachable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted");
        }
        if (status != 200) {
            throw unreachable("GET " + config + " answered HTTP " + status + ", not Flink's REST API");
        }
    }

    private IllegalStateException unreachable(String why) {
        return new IllegalStateException("No Flink REST endpoint answers at " + this + " (" + why + ", within "
                + CHECK_TIMEOUT.toSeconds() + " s): is the JobManager running, and is " + port
                + " its REST port (rest.port, usually 8081)?");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
