package io.flinkinference.benchmarks.peers;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A real flight recording of a busy method is read back with that method on top. */
class CpuProfileTest {
    @TempDir
    Path temp;

    @Test
    void theMethodThatBurnsTheCpuIsTheHottestFrame() throws Exception {
        Path file = temp.resolve("busy.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            long sink = 0;
            long end = System.nanoTime() + Duration.ofMillis(600).toNanos();
            while (System.nanoTime() < end) {
                sink += spin(sink);
            }
            recording.stop();
            recording.dump(file);
            assertThat(sink).isNotZero();
        }

        CpuProfile profile = CpuProfile.read(file);

        assertThat(profile.samples()).isPositive();
        assertThat(profile.topFrames().keySet().iterator().next()).isEqualTo(CpuProfileTest.class.getName() + ".spin");
        assertThat(profile.byArea()).as("this test is the project's code").containsOnlyKeys("flink-inference");
        assertThat(profile.markdown("busy loop")).contains("| `" + CpuProfileTest.class.getName() + ".spin` |");
    }

    @Test
    void threadsWaitingInNativeCodeAreNotCountedAsWork() {
        assertThat(CpuProfile.isWaiting("jdk.NativeMethodSample", "sun.nio.ch.EPoll.wait")).isTrue();
        assertThat(CpuProfile.isWaiting("jdk.NativeMethodSample", "ai.onnxruntime.OrtSession.run")).as("the engine's kernels").isFalse();
        assertThat(CpuProfile.isWaiting("jdk.ExecutionSample", "sun.nio.ch.EPoll.wait")).as("a running Java thread").isFalse();
    }

    /** Work the JIT cannot remove, in a method of its own so that samples land in it. */
    private static long spin(long seed) {
        long x = seed | 1;
        for (int i = 0; i < 200_000; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
