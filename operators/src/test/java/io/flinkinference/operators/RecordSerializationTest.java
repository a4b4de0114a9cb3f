package io.flinkinference.operators;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The records that cross the network between operators go through Flink's own serializers, field
 * by field, and come back equal: none of them, nor any of their fields, falls back to Kryo.
 */
class RecordSerializationTest {

    @Test
    void requestsResultsAndFailuresAreFlinkPojosWithoutGenericFields() {
        for (Class<?> type : List.of(InferenceRequest.class, InferenceResult.class, InferenceFailure.class,
                InferenceResult.Label.class, InferenceResult.RawTensor.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
            for (int field = 0; field < pojo.getArity(); field++) {
                assertThat(pojo.getTypeAt(field)).as(type.getSimpleName() + "." + pojo.getPojoFieldAt(field).getField().getName())
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }

    @Test
    void aRequestSurvivesSerializationAndCopy() throws IOException {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("kafka.offset", "42");
        metadata.put("kafka.key", null); // header values may be missing
        roundTrips(InferenceRequest.tensor("t-1", new byte[] {1, 2, 3, 4}, new long[] {1, 1, 1, 1}, 1_700_000_000_000L)
                .withMetadata(metadata));
        roundTrips(InferenceRequest.image("i-1", new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 7L));
    }

    @Test
    void aResultSurvivesSerializationAndCopy() throws IOException {
        roundTrips(new InferenceResult("r-1", "ppocr-cls", 3, "onnxruntime",
                List.of(new InferenceResult.Label("0", 0, 0.9f), new InferenceResult.Label("180", 1, 0.1f)),
                null, List.of(), 5L, 120L, 3_400L, 8, Map.of("truth", "0")));
        roundTrips(new InferenceResult("r-2", "raw", 1, "tensorrt", List.of(), "text",
                List.of(new InferenceResult.RawTensor("out", new long[] {1, 2}, new float[] {0.25f, -1f})),
                6L, 0L, 1L, 1, Map.of()));
    }

    @Test
    void aFailureSurvivesSerializationAndCopy() throws IOException {
        InferenceRequest request = InferenceRequest.image("f-1", new byte[] {9, 9}, 11L).withMetadata(Map.of("kafka.topic", "in"));
        roundTrips(InferenceFailure.of(request, InferenceFailure.Stage.DECODE, new IOException("not an image")));
    }

    @Test
    void equalityComparesArraysByContent() {
        assertThat(InferenceRequest.image("a", new byte[] {1, 2}, 0)).isEqualTo(InferenceRequest.image("a", new byte[] {1, 2}, 0))
                .hasSameHashCodeAs(InferenceRequest.image("a", new byte[] {1, 2}, 0))
                .isNotEqualTo(InferenceRequest.image("a", new byte[] {1, 3}, 0));
        assertThat(new InferenceResult.RawTensor("x", new long[] {1}, new float[] {1f}))
                .isEqualTo(new InferenceResult.RawTensor("x", new long[] {1}, new float[] {1f}))
                .isNotEqualTo(new InferenceResult.RawTensor("x", new long[] {1}, new float[] {2f}));
    }

    @SuppressWarnings("unchecked")
    private static <T> void roundTrips(T value) throws IOException {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // Kryo anywhere in the type tree would now throw
        TypeSerializer<T> serializer = TypeInformation.of((Class<T>) value.getClass()).createSerializer(config);

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        T copy = serializer.copy(value);

        assertThat(back).isEqualTo(value).isNotSameAs(value);
        assertThat(copy).isEqualTo(value).isNotSameAs(value);
    }
}
