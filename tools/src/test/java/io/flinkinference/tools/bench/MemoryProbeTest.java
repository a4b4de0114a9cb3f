package io.flinkinference.tools.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryProbeTest {

    @Test
    void readsTheResidentSetFromProcStatusInBytes() {
        assertThat(MemoryProbe.rssOf(List.of("Name:\tjava", "VmPeak:\t 9000 kB", "VmRSS:\t  123456 kB", "RssAnon:\t 100 kB")))
                .isEqualTo(123456L * 1024);
        assertThat(MemoryProbe.rssOf(List.of("Name:\tjava"))).isEqualTo(-1);
    }

    @Test
    void readsThisJvmsLevels() {
        java.nio.ByteBuffer kept = java.nio.ByteBuffer.allocateDirect(1 << 20); // a direct buffer the pool must count
        MemoryProbe.Levels levels = new MemoryProbe().read();
        java.lang.ref.Reference.reachabilityFence(kept);

        assertThat(levels.heapAfterGcBytes()).isNotNegative();
        assertThat(levels.directBytes()).isGreaterThanOrEqualTo(1 << 20);
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertThat(levels.rssBytes()).isGreaterThan(levels.directBytes());
        }
        assertThat(new MemoryProbe(Path.of("/no/such/status")).read().rssBytes()).isEqualTo(-1);
    }
}
