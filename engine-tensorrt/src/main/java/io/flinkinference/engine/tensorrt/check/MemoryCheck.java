package io.flinkinference.engine.tensorrt.check;

import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.DeviceMemory;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import org.bytedeco.cuda.global.cudart;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Step 1: pinned and device allocation, copies there and back byte for byte, and the bandwidths
 * the other steps are judged against: a plain synchronous pinned {@code cudaMemcpy}, the engine's
 * feed (async copies from pinned staging on two streams in flight, as two execution contexts do),
 * and device-to-device copying (the roofline of memory-bound kernels).
 */
final class MemoryCheck {
    private static final long ROUNDTRIP_BYTES = 256L << 20;
    /** One batch of 64 uint8 224x224 RGB images, the engine's input unit. */
    private static final long BATCH_BYTES = 64L * 224 * 224 * 3;
    private static final int BATCHES = 400;

    private MemoryCheck() {}

    /** Device-to-device bandwidth in bytes/s (read plus written), for rooflines. */
    static double run(CheckReport report) {
        try (PinnedMemory source = PinnedMemory.allocate(ROUNDTRIP_BYTES);
                PinnedMemory back = PinnedMemory.allocate(ROUNDTRIP_BYTES);
                DeviceMemory device = DeviceMemory.allocate(ROUNDTRIP_BYTES);
                DeviceMemory device2 = DeviceMemory.allocate(ROUNDTRIP_BYTES);
                CudaStream stream = new CudaStream()) {
            fillRandom(source.buffer(), 7);
            fillRandom(back.buffer(), 8);
            stream.copyToDevice(device.pointer(), source.pointer(), ROUNDTRIP_BYTES);
            Cuda.check(cudart.cudaMemcpyAsync(device2.pointer(), device.pointer(), ROUNDTRIP_BYTES,
                    cudart.cudaMemcpyDeviceToDevice, stream.handle()), "cudaMemcpyAsync(device to device)");
            stream.copyToHost(back.pointer(), device2.pointer(), ROUNDTRIP_BYTES);
            stream.complete();
            long mismatch = source.buffer().mismatch(back.buffer());
            report.check("pinned -> device -> device -> pinned, 256 MiB", mismatch == -1,
                    mismatch == -1 ? "byte for byte equal" : "first difference at byte " + mismatch);

            double plain = median(5, () -> timeSeconds(() -> Cuda.check(cudart.cudaMemcpy(device.pointer(), source.pointer(),
                    BATCH_BYTES * 16, cudart.cudaMemcpyHostToDevice), "cudaMemcpy")));
            double plainRate = BATCH_BYTES * 16 / plain;
            double feedRate = feedRate(device);
            report.figure("host->device feed (pinned staging, 2 streams)", feedRate / plainRate, 0.8,
                    String.format("%.1f GB/s vs plain pinned cudaMemcpy %.1f GB/s", feedRate / 1e9, plainRate / 1e9));
            double stackRate = stackRate(source);
            report.note(String.format("host copy into pinned staging (batch stacking, one thread): %.1f GB/s", stackRate / 1e9));

            double d2d = median(5, () -> timeSeconds(() -> {
                Cuda.check(cudart.cudaMemcpy(device2.pointer(), device.pointer(), ROUNDTRIP_BYTES,
                        cudart.cudaMemcpyDeviceToDevice), "cudaMemcpy(device to device)");
                Cuda.check(cudart.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
            }));
            double d2dRate = 2.0 * ROUNDTRIP_BYTES / d2d;
            report.note(String.format("device memory bandwidth (device-to-device copy, read + write): %.0f GB/s", d2dRate / 1e9));
            double fill = median(5, () -> timeSeconds(() -> {
                Cuda.check(cudart.cudaMemset(device2.pointer(), 0x5A, ROUNDTRIP_BYTES), "cudaMemset");
                Cuda.check(cudart.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
            }));
            report.note(String.format("device memory write bandwidth (cudaMemset): %.0f GB/s", ROUNDTRIP_BYTES / fill / 1e9));
            return d2dRate;
        }
    }

    /** Batches copied from pinned staging with async copies, alternating two streams so copies queue back to back. */
    private static double feedRate(DeviceMemory device) {
        try (PinnedMemory first = PinnedMemory.allocate(BATCH_BYTES);
                PinnedMemory second = PinnedMemory.allocate(BATCH_BYTES);
                CudaStream a = new CudaStream();
                CudaStream b = new CudaStream()) {
            fillRandom(first.buffer(), 1);
            fillRandom(second.buffer(), 2);
            PinnedMemory[] staging = {first, second};
            CudaStream[] streams = {a, b};
            double seconds = median(3, () -> timeSeconds(() -> {
                for (int i = 0; i < BATCHES; i++) {
                    int slot = i % 2;
                    if (i >= 2) {
                        streams[slot].complete(); // the slot's previous copy must be done before its staging is reused
                    }
                    streams[slot].copyToDevice(device.at(slot * BATCH_BYTES), staging[slot].pointer(), BATCH_BYTES);
                }
                a.complete();
                b.complete();
            }));
            return BATCHES * BATCH_BYTES / seconds;
        }
    }

    private static double stackRate(PinnedMemory target) {
        ByteBuffer record = ByteBuffer.allocateDirect(224 * 224 * 3);
        fillRandom(record, 3);
        double seconds = median(3, () -> timeSeconds(() -> {
            for (int batch = 0; batch < 50; batch++) {
                ByteBuffer out = target.buffer();
                for (int row = 0; row < 64; row++) {
                    out.put(record.duplicate().clear());
                }
            }
        }));
        return 50.0 * BATCH_BYTES / seconds;
    }

    static void fillRandom(ByteBuffer buffer, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer out = buffer.duplicate().clear();
        while (out.remaining() >= 8) {
            out.putLong(random.nextLong());
        }
        while (out.hasRemaining()) {
            out.put((byte) random.nextInt());
        }
    }

    static double timeSeconds(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** Median of {@code runs} measurements after one warm-up. */
    static double median(int runs, java.util.function.DoubleSupplier measurement) {
        measurement.getAsDouble();
        double[] values = new double[runs];
        for (int i = 0; i < runs; i++) {
            values[i] = measurement.getAsDouble();
        }
        Arrays.sort(values);
        return values[runs / 2];
    }
}
