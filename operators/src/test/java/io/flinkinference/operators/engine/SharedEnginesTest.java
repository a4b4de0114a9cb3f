package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SharedEnginesTest {
    private final SharedEngines shared = new SharedEngines();
    private final AtomicInteger opened = new AtomicInteger();

    @Test
    void loadsOncePerKeyAndClosesWhenTheLastLeaseIsReleased() {
        EngineKey key = new EngineKey("fake", "m", 1, 0);
        CountingEngine first;
        try (SharedEngines.Lease a = shared.acquire(key, this::open)) {
            try (SharedEngines.Lease b = shared.acquire(key, this::open)) {
                assertThat(b.engine()).isSameAs(a.engine());
                assertThat(opened).hasValue(1);
                assertThat(shared.references(key)).isEqualTo(2);
            }
            first = (CountingEngine) a.engine();
            assertThat(first.closed).isFalse();
            assertThat(shared.references(key)).isEqualTo(1);
        }
        assertThat(first.closed).isTrue();
        assertThat(shared.references(key)).isZero();
    }

    @Test
    void keepsDevicesAndVersionsApart() {
        try (SharedEngines.Lease gpu0 = shared.acquire(new EngineKey("fake", "m", 1, 0), this::open);
                SharedEngines.Lease gpu1 = shared.acquire(new EngineKey("fake", "m", 1, 1), this::open);
                SharedEngines.Lease v2 = shared.acquire(new EngineKey("fake", "m", 2, 0), this::open)) {
            assertThat(List.of(gpu0.engine(), gpu1.engine(), v2.engine())).doesNotHaveDuplicates();
            assertThat(opened).hasValue(3);
        }
    }

    @Test
    void releasingALeaseTwiceCountsOnce() {
        EngineKey key = new EngineKey("fake", "m", 1, 0);
        SharedEngines.Lease a = shared.acquire(key, this::open);
        SharedEngines.Lease b = shared.acquire(key, this::open);
        a.close();
        a.close();
        assertThat(shared.references(key)).isEqualTo(1);
        assertThat(((CountingEngine) b.engine()).closed).isFalse();
        b.close();
        assertThat(((CountingEngine) b.engine()).closed).isTrue();
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
