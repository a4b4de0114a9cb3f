package io.flinkinference.engine.tensorrt.gpu.preprocess;

import io.flinkinference.operators.image.ChannelTransform;
import io.flinkinference.operators.image.PreprocessReference;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.KernelArguments;
import io.flinkinference.engine.tensorrt.gpu.NvrtcCompiler;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The resize-and-normalize kernel on one GPU: uint8 RGB images of any sizes in, the model's float
 * input out. The source is compiled with NVRTC once per process and compute capability, and
 * loaded once per device; images cross PCIe as bytes, a quarter of their float size.
 */
public final class PreprocessKernel {
    private static final String SOURCE = "resize_normalize.cu";
    private static final String FUNCTION = "resize_normalize";
    private static final int BLOCK_X = 32;
    /** Output pixels per thread along x (see the kernel source). */
    private static final int PIXELS_PER_THREAD = 4;
    private static final int BLOCK_Y = 8;
    private static final Map<String, byte[]> CUBINS = new HashMap<>();
    private static final Map<Integer, PreprocessKernel> LOADED = new HashMap<>();

    private final int device;
    private final CUfunc_st function;

    private PreprocessKernel(int device, CUfunc_st function) {
        this.device = device;
        this.function = function;
    }

    /** The kernel on {@code device}, compiled and loaded on first use. */
    public static synchronized PreprocessKernel on(int device) {
        PreprocessKernel kernel = LOADED.get(device);
        if (kernel == null) {
            Cuda.use(device);
            String capability = Cuda.describe(device).computeCapability();
            // --fmad=false: no fused multiply-adds, so results equal PreprocessReference bit for bit.
            byte[] cubin = CUBINS.computeIfAbsent(capability,
                    cc -> NvrtcCompiler.compile(SOURCE, source(), cc, List.of("--fmad=false")));
            Cuda.checkDriver(cudart.cuInit(0), "cuInit");
            CUmod_st module = new CUmod_st();
            Cuda.checkDriver(cudart.cuModuleLoadData(module, new BytePointer(cubin)), "cuModuleLoadData(" + SOURCE + ")");
            CUfunc_st function = new CUfunc_st();
            Cuda.checkDriver(cudart.cuModuleGetFunction(function, module, FUNCTION), "cuModuleGetFunction(" + FUNCTION + ")");
            kernel = new PreprocessKernel(device, function);
            LOADED.put(device, kernel);
        }
        return kernel;
    }

    static String source() {
        try (InputStream in = PreprocessKernel.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int device() {
        return device;
    }

    /**
     * Queues the kernel on {@code stream}.
     *
     * @param source device address of the images' RGB bytes, laid out as {@code descriptors} says
     * @param descriptors device address of the batch's {@link ImageBatchLayout#writeDescriptors descriptors}
     * @param output device address of {@code images} x the spec's float values
     */
    public void launch(CudaStream stream, Preprocessing spec, long source, long descriptors, int images, long output) {
        try (Launch launch = prepare(spec, source, descriptors, images, output)) {
            launch.enqueue(stream);
        }
    }

    /** A launch with its arguments marshalled once, for callers that repeat it (benchmarks, fixed pipelines). */
    public Launch prepare(Preprocessing spec, long source, long descriptors, int images, long output) {
        ChannelTransform channels = ChannelTransform.of(spec);
        KernelArguments arguments = new KernelArguments()
                .address(source).address(descriptors).address(output)
                .int32(spec.height()).int32(spec.width()).int32(channels.channels())
                .int32(spec.layout() == Layout.NHWC ? 1 : 0)
                .int32(channels.source(0)).int32(channels.source(1)).int32(channels.source(2))
                .float32(channels.multiply(0)).float32(channels.multiply(1)).float32(channels.multiply(2))
                .float32(channels.add(0)).float32(channels.add(1)).float32(channels.add(2));
        return new Launch(arguments, (spec.width() + BLOCK_X * PIXELS_PER_THREAD - 1) / (BLOCK_X * PIXELS_PER_THREAD), (spec.height() + BLOCK_Y - 1) / BLOCK_Y, images);
    }

    /** One prepared launch; CUDA copies the argument values at each enqueue, so it can be reused. */
    public final class Launch implements AutoCloseable {
        private final KernelArguments arguments;
        private final int gridX;
        private final int gridY;
        private final int images;

        private Launch(KernelArguments arguments, int gridX, int gridY, int images) {
            this.arguments = arguments;
            this.gridX = gridX;
            this.gridY = gridY;
            this.images = images;
        }

        public void enqueue(CudaStream stream) {
            Cuda.checkDriver(cudart.cuLaunchKernel(function, gridX, gridY, images, BLOCK_X, BLOCK_Y, 1, 0, stream.handle(),
                    arguments.array(), null), "cuLaunchKernel(" + FUNCTION + ")");
        }

        @Override
        public void close() {
            arguments.close();
        }
    }
}
