package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.DeviceMemory;
import io.flinkinference.engine.tensorrt.gpu.GpuTests;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import io.flinkinference.engine.tensorrt.gpu.preprocess.ImageBatchLayout;
import io.flinkinference.operators.image.ImageGeometry;
import io.flinkinference.engine.tensorrt.gpu.preprocess.PreprocessKernel;
import io.flinkinference.operators.image.PreprocessReference;
import org.bytedeco.cuda.global.cudart;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The CUDA-graph capture TensorRT contexts use, on a real GPU with a real kernel standing in for
 * {@code enqueueV3} (the graph logic does not care what it captures): the first run of a batch size
 * is a plain enqueue, the second is captured and launched, later ones replay the graph on whatever
 * the bound buffers hold then; an enqueue that cannot be captured runs plainly from then on.
 */
class CudaGraphsTest {
    private static final Preprocessing SPEC = new Preprocessing(16, 32, Layout.NCHW, ChannelOrder.RGB, 1 / 255.0,
            List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25), ResizeMode.STRETCH);

    private ImageBatchLayout layout;
    private PreprocessReference reference;

    @BeforeEach
    void gpu() {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));
        Cuda.use(0);
        layout = new ImageBatchLayout(List.of(ImageGeometry.of(SPEC, 20, 40), ImageGeometry.of(SPEC, 9, 70)));
        reference = new PreprocessReference(SPEC);
    }

    @Test
    void capturesOnTheSecondRunAndReplaysOnTheBuffersCurrentContents() {
        PreprocessKernel kernel = PreprocessKernel.on(0);
        long outputBytes = 4L * reference.valuesPerImage() * 2;
        AtomicInteger enqueues = new AtomicInteger();
        try (PinnedMemory hostIn = PinnedMemory.allocate(layout.bufferBytes());
                PinnedMemory hostOut = PinnedMemory.allocate(outputBytes);
                DeviceMemory in = DeviceMemory.allocate(layout.bufferBytes());
                DeviceMemory out = DeviceMemory.allocate(outputBytes);
                CudaStream stream = new CudaStream();
                CudaGraphs graphs = new CudaGraphs(true);
                PreprocessKernel.Launch launch = kernel.prepare(SPEC, in.address(), in.address() + layout.descriptorOffset(), 2,
                        out.address())) {
            SplittableRandom random = new SplittableRandom(3);
            for (int round = 0; round < 5; round++) {
                byte[][] images = fill(hostIn, random);
                stream.copyToDevice(in.pointer(), hostIn.pointer(), layout.bufferBytes());
                graphs.run(2, stream, () -> {
                    enqueues.incrementAndGet();
                    launch.enqueue(stream);
                });
                stream.copyToHost(hostOut.pointer(), out.pointer(), outputBytes);
                stream.complete();
                assertThat(maxDifference(images, hostOut)).as("round %d", round).isZero();
            }
        }
        assertThat(enqueues.get()).as("warm-up and capture only; rounds 3 to 5 replay the graph").isEqualTo(2);
    }

    @Test
    void anEnqueueThatFailsUnderCaptureRunsWithoutAGraphFromThenOn() {
        AtomicInteger enqueues = new AtomicInteger();
        try (DeviceMemory scratch = DeviceMemory.allocate(1024);
                CudaStream stream = new CudaStream();
                CudaGraphs graphs = new CudaGraphs(true)) {
            for (int round = 0; round < 4; round++) {
                graphs.run(1, stream, () -> {
                    enqueues.incrementAndGet();
                    Cuda.check(cudart.cudaMemsetAsync(scratch.pointer(), round(enqueues), 1024, stream.handle()), "cudaMemsetAsync");
                    int[] status = new int[1];
                    Cuda.check(cudart.cudaStreamIsCapturing(stream.handle(), status), "cudaStreamIsCapturing");
                    if (status[0] == cudart.cudaStreamCaptureStatusActive) {
                        // as TensorRT's enqueueV3 returning false for a plan whose layers cannot be captured
                        throw new EngineException("this enqueue cannot be captured");
                    }
                });
                stream.complete(); // no error left behind by the abandoned capture
            }
        }
        assertThat(enqueues.get()).as("warm-up, the failed capture and its plain rerun, then plain runs").isEqualTo(5);
    }

    private static int round(AtomicInteger enqueues) {
        return enqueues.get() & 0xff;
    }

    private byte[][] fill(PinnedMemory hostIn, SplittableRandom random) {
        ByteBuffer buffer = hostIn.buffer();
        byte[][] images = new byte[2][];
        for (int i = 0; i < 2; i++) {
            images[i] = new byte[(int) layout.image(i).rgbBytes()];
            random.nextBytes(images[i]);
            buffer.position((int) layout.offset(i));
            buffer.put(images[i]);
        }
        layout.writeDescriptors(buffer.position((int) layout.descriptorOffset()).slice());
        return images;
    }

    private double maxDifference(byte[][] images, PinnedMemory hostOut) {
        FloatBuffer expected = FloatBuffer.allocate(reference.valuesPerImage() * 2);
        for (int i = 0; i < 2; i++) {
            reference.apply(images[i], layout.image(i), expected, i);
        }
        FloatBuffer actual = hostOut.buffer().asFloatBuffer();
        double worst = 0;
        for (int i = 0; i < expected.capacity(); i++) {
            worst = Math.max(worst, Math.abs(expected.get(i) - actual.get(i)));
        }
        return worst;
    }
}
