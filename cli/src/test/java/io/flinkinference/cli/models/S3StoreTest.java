package io.flinkinference.cli.models;

import com.robothy.s3.rest.LocalS3;
import com.robothy.s3.rest.bootstrap.LocalS3Mode;
import io.flinkinference.cli.FlinkInferenceCli;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model store on {@code s3://}, through the command line's real entry point and Flink's S3
 * plugin (the build copies it to target/plugins, and surefire points FLINK_PLUGINS_DIR there), against
 * an S3 service running in this process.
 */
class S3StoreTest {
    private static final String STORE = "s3://models/store";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);
    private LocalS3 s3;
    private String endpoint;

    @BeforeEach
    void startS3() throws Exception {
        s3 = LocalS3.builder().port(-1).mode(LocalS3Mode.IN_MEMORY).build();
        s3.start();
        endpoint = "http://127.0.0.1:" + s3.getPort();
        HttpResponse<String> created = http(HttpRequest.newBuilder(URI.create(endpoint + "/models"))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    }

    @AfterEach
    void stopS3() {
        s3.shutdown();
    }

    @Test
    void importsListsShowsAndVerifiesAModelStoredOnS3() throws Exception {
        Path config = settings(endpoint);
        Path labels = Files.writeString(temp.resolve("orientation.txt"), "up\ndown\n");
        Path onnx = Path.of(URI.create(TestModels.storeLocation())).resolve("ppocr-cls/1/model.onnx");

        assertThat(run("models", "import", onnx.toString(), "--name", "orientation", "--size", "48x192", "--channels", "BGR",
                "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "--resize", "fit-height-pad", "--labels", labels.toString(),
                "--store", STORE, "--config", config.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Published orientation:1 at " + STORE + "/orientation/1");

        assertThat(run("models", "list", "--store", STORE, "--config", config.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("orientation");
        assertThat(run("models", "show", "orientation", "--store", STORE, "--config", config.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("orientation:1").contains("orientation.txt");
        assertThat(run("models", "verify", "orientation:1", "--store", STORE, "--config", config.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("0 problems");

        // The objects are in the bucket, as any S3 client sees them.
        HttpResponse<String> manifest = http(HttpRequest.newBuilder(URI.create(endpoint + "/models/store/orientation/1/manifest.json")));
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.body()).contains("\"name\" : \"orientation\"").contains("\"labelsFile\" : \"orientation.txt\"");
    }

    @Test
    @Timeout(60)
    void anUnreachableEndpointFailsSoonNamingTheStoreAndTheEndpoint() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closedPort;

        assertThat(run("models", "list", "--store", STORE, "--config", settings(nowhere).toString())).isEqualTo(1);

        assertThat(cli.err()).contains("error: Cannot reach the model store " + STORE + " through endpoint " + nowhere + ": ")
                .contains("Connection refused").doesNotContain("\tat ");
    }

    /** The settings a user puts in --config for an S3-compatible service. */
    private Path settings(String s3Endpoint) throws IOException {
        return Files.writeString(temp.resolve("s3-" + s3Endpoint.hashCode() + ".properties"), String.join("\n",
                "s3.endpoint=" + s3Endpoint,
                "s3.path.style.access=true",
                "s3.access-key=test-key",
                "s3.secret-key=test-secret",
                ""));
    }

    private int run(String... args) {
        return cli.run(args);
    }

    private static HttpResponse<String> http(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
