package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelRef;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSpecTest {
    private static final URI STORE = URI.create("file:///models/");

    @Test
    void equalSettingsMakeEqualSpecsWhateverTheOrderOfTheOptions() {
        Map<String, String> one = new LinkedHashMap<>();
        one.put("e.a", "1");
        one.put("e.b", "2");
        Map<String, String> other = new LinkedHashMap<>();
        other.put("e.b", "2");
        other.put("e.a", "1");

        ModelSpec spec = new ModelSpec(STORE, ModelRef.of("m", 1), "e", one);

        assertThat(spec).isEqualTo(new ModelSpec(STORE, ModelRef.of("m", 1), "e", other))
                .hasSameHashCodeAs(new ModelSpec(STORE, ModelRef.of("m", 1), "e", other));
        assertThat(spec).isNotEqualTo(new ModelSpec(null, ModelRef.of("m", 1), "e", one));
        assertThat(spec).isNotEqualTo(new ModelSpec(STORE, ModelRef.of("m", 1), "e", Map.of("e.a", "1")));
    }

    @Test
    void isAValueTheCallerCannotChangeAfterwards() throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("e.a", "1"));
        ModelSpec spec = new ModelSpec(STORE, ModelRef.of("m", 1), "e", options);
        options.put("e.b", "2");

        assertThat(spec.engineOptions()).containsOnlyKeys("e.a");
        assertThatThrownBy(() -> spec.engineOptions().put("e.c", "3")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(InstantiationUtil.clone(spec)).as("it travels to the TaskManagers").isEqualTo(spec);
        assertThat(spec.engineConfiguration().toMap()).isEqualTo(Map.of("e.a", "1"));
    }

    @Test
    void aPinnedSpecIsPinnedWithoutReadingTheStore() {
        ModelSpec pinned = new ModelSpec(URI.create("file:///does/not/exist/"), ModelRef.of("m", 4), "e", Map.of());

        assertThat(pinned.pinLatest()).isSameAs(pinned);
    }
}
