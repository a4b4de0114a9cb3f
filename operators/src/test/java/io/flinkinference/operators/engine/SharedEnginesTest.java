package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.TensorSpec;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SharedEnginesTest {
    private static final URI STORE = URI.create("file:///store/");
    private final SharedEngines shared = new SharedEngines();
    private final AtomicInteger opened = new AtomicInteger();

    @Test
    void loadsOncePerKeyAndClosesWhenTheLastLeaseIsReleased() {
        EngineKey key = key("m", 1, 0);
        CountingEngine first;
        try (SharedRegistry.Lease<EngineKey, InferenceEngine> a = shared.acquire(key, this::open)) {
            try (SharedRegistry.Lease<EngineKey, InferenceEngine> b = shared.acquire(key, this::open)) {
                assertThat(b.value()).isSameAs(a.value());
                assertThat(opened).hasValue(1);
                assertThat(shared.references(key)).isEqualTo(2);
            }
            first = (CountingEngine) a.value();
            assertThat(first.closed).isFalse();
            assertThat(shared.references(key)).isEqualTo(1);
        }
        assertThat(first.closed).isTrue();
        assertThat(shared.references(key)).isZero();
    }

    @Test
    void keepsDevicesAndVersionsApart() {
        try (SharedRegistry.Lease<EngineKey, InferenceEngine> gpu0 = shared.acquire(key("m", 1, 0), this::open);
                SharedRegistry.Lease<EngineKey, InferenceEngine> gpu1 = shared.acquire(key("m", 1, 1), this::open);
                SharedRegistry.Lease<EngineKey, InferenceEngine> v2 = shared.acquire(key("m", 2, 0), this::open)) {
            assertThat(List.of(gpu0.value(), gpu1.value(), v2.value())).doesNotHaveDuplicates();
            assertThat(opened).hasValue(3);
        }
    }

    @Test
    void keepsStoresAndEngineOptionsApart() {
        EngineKey base = key("m", 1, -1);
        EngineKey otherStore = new EngineKey("fake", URI.create("file:///other/store/"), "m", 1, Map.of(), -1);
        EngineKey otherOptions = new EngineKey("fake", STORE, "m", 1, Map.of("fake.threads", "2"), -1);
        try (SharedRegistry.Lease<EngineKey, InferenceEngine> a = shared.acquire(base, this::open);
                SharedRegistry.Lease<EngineKey, InferenceEngine> b = shared.acquire(otherStore, this::open);
                SharedRegistry.Lease<EngineKey, InferenceEngine> c = shared.acquire(otherOptions, this::open)) {
            assertThat(List.of(a.value(), b.value(), c.value())).doesNotHaveDuplicates();
            assertThat(opened).hasValue(3);
        }
    }

    @Test
    void equalOptionsGivenInAnyOrderAreOneKey() {
        Map<String, String> one = new java.util.LinkedHashMap<>();
        one.put("fake.a", "1");
        one.put("fake.b", "2");
        Map<String, String> other = new java.util.LinkedHashMap<>();
        other.put("fake.b", "2");
        other.put("fake.a", "1");
        try (SharedRegistry.Lease<EngineKey, InferenceEngine> a = shared.acquire(new EngineKey("fake", STORE, "m", 1, one, -1), this::open);
                SharedRegistry.Lease<EngineKey, InferenceEngine> b = shared.acquire(new EngineKey("fake", STORE, "m", 1, other, -1), this::open)) {
            assertThat(b.value()).isSameAs(a.value());
        }
    }

    @Test
    void releasingALeaseTwiceCountsOnce() {
        EngineKey key = key("m", 1, 0);
        SharedRegistry.Lease<EngineKey, InferenceEngine> a = shared.acquire(key, this::open);
        SharedRegistry.Lease<EngineKey, InferenceEngine> b = shared.acquire(key, this::open);
        a.close();
        a.close();
        assertThat(shared.references(key)).isEqualTo(1);
        assertThat(((CountingEngine) b.value()).closed).isFalse();
        b.close();
        assertThat(((CountingEngine) b.value()).closed).isTrue();
    }

    private static EngineKey key(String model, int version, int device) {
        return new EngineKey("fake", STORE, model, version, Map.of(), device);
    }

    private InferenceEngine open() {
        opened.incrementAndGet();
        return new CountingEngine();
    }

    /** Only the lifecycle matters to the registry; this engine records it. */
    private static final class CountingEngine implements InferenceEngine {
        boolean closed;

        @Override
        public String engineName() {
            return "fake";
        }

        @Override
        public List<TensorSpec> inputs() {
            return List.of();
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of();
        }

        @Override
        public BatchRange batchRange() {
            return BatchRange.ANY;
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            throw new IllegalStateException("not used by the registry");
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
