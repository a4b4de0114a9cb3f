package io.flinkinference.operators;

import io.flinkinference.testing.TestClusters;
import io.flinkinference.testing.CollectingSink;
import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;

import io.flinkinference.operators.InferenceFailure.Stage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job whose engine decodes images itself (as TensorRT does on the GPU): requests travel as their
 * encoded bytes, images of every length batch together, bytes that are no image are refused on the
 * task thread, and an image that passes the header check but cannot be decoded becomes a failure
 * record, never a failed batch. The engine is {@link CpuImageDecodingEngineProvider}: the real
 * orientation model on ONNX Runtime behind a CPU decoder, so this runs without a GPU.
 */
class EncodedImagesJobTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(1);

    @Test
    void encodedImagesOfAnyLengthBatchTogetherAndUndecodableOnesBecomeFailures() throws Exception {
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            InferenceRequest line = TestRequests.textLine(i);
            if (i % 2 == 0) {
                line = new InferenceRequest(line.id(), line.encoding(), jpeg(line.payload()), line.shape(),
                        line.eventTimeMillis(), line.metadata()); // a mix of PNG and JPEG, of many lengths
            }
            requests.add(line);
        }
        requests.add(InferenceRequest.image("corrupt", "this is not an image".getBytes(), 0));
        requests.add(InferenceRequest.image("headers-only-jpeg", headersOnly(jpeg(TestRequests.textLine(99).payload())), 0));

        CpuImageDecodingEngineProvider.BATCH_ROWS.clear();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        InferenceStreams<InferenceResult> out = Inference.builder()
                .modelStore(TestModels.store().root())
                .model("ppocr-cls")
                .engine("cpu-image-decoding")
                .maxBatchSize(8)
                .maxQueueDelay(Duration.ofMillis(20))
                // Images must share batches below; a knee of 1 on a busy machine would keep them apart.
                .fitToEngine(false)
                .build()
                .apply(env.fromData(TypeInformation.of(InferenceRequest.class), requests.toArray(new InferenceRequest[0])));
        CollectingSink<InferenceResult> results = CollectingSink.named("encoded-results");
        CollectingSink<InferenceFailure> failures = CollectingSink.named("encoded-failures");
        out.results().sinkTo(results);
        out.failures().sinkTo(failures);

        env.execute("encoded images test");

        assertThat(results.collected()).hasSize(40);
        long correct = results.collected().stream().filter(r -> r.topLabel().equals(r.metadata().get("truth"))).count();
        assertThat((double) correct / 40).isGreaterThanOrEqualTo(0.9);
        assertThat(CpuImageDecodingEngineProvider.BATCH_ROWS).as("images of different lengths shared batches")
                .anySatisfy(rows -> assertThat(rows).isGreaterThan(1));
        Map<String, InferenceFailure> byId = failures.collected().stream()
                .collect(Collectors.toMap(InferenceFailure::id, Function.identity()));
        assertThat(byId).containsOnlyKeys("corrupt", "headers-only-jpeg");
        assertThat(byId.get("corrupt").stage()).isEqualTo(Stage.DECODE);
        assertThat(byId.get("corrupt").reason()).contains("not an image format");
        assertThat(byId.get("headers-only-jpeg").stage()).isEqualTo(Stage.DECODE);
        assertThat(byId.get("headers-only-jpeg").reason()).contains("could not be decoded");
    }

    private static byte[] jpeg(byte[] png) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(ImageIO.read(new ByteArrayInputStream(png)), "jpeg", bytes);
        return bytes.toByteArray();
    }

    /** A JPEG cut right after its frame header: the header says what it is, the pixels are gone. */
    private static byte[] headersOnly(byte[] jpeg) {
        for (int at = 2; at + 4 < jpeg.length; ) {
            int marker = jpeg[at + 1] & 0xff;
            int length = ((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff);
            if (marker == 0xC0) {
                return Arrays.copyOf(jpeg, at + 2 + length);
            }
            at += 2 + length;
        }
        throw new IllegalStateException("no SOF0 in the JPEG");
    }
}
