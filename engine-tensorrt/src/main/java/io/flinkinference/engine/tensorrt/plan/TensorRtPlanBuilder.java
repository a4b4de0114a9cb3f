package io.flinkinference.engine.tensorrt.plan;

import io.flinkinference.engine.tensorrt.NativeOwnership;
import io.flinkinference.engine.tensorrt.TensorRtLibrary;
import io.flinkinference.engine.tensorrt.TensorRtLogger;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import org.bytedeco.tensorrt.global.nvinfer.MemoryPoolType;
import org.bytedeco.tensorrt.global.nvinfer.NetworkDefinitionCreationFlag;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds a serialized TensorRT plan from an ONNX model: a network typed as {@link PlanTyping} says
 * (strongly typed by default, the precisions coming from the ONNX file; weakly typed with the FP16
 * flag for FP16 plans, which TensorRT 10.12+ deprecates but 10.6 needs), sparse weights when the
 * model was pruned to 2:4, one optimization profile for the batch, and the timing cache carried in
 * and out so that rebuilds are fast.
 */
public final class TensorRtPlanBuilder {

    /** Batch sizes of the optimization profile; other dimensions come from {@code fixedDims}. */
    public record Profile(int min, int opt, int max) {
        public Profile {
            if (min < 1 || opt < min || max < opt) {
                throw new IllegalArgumentException("The profile needs 1 <= min <= opt <= max, not " + min + "/" + opt + "/" + max);
            }
        }
    }

    /** The plan, and what it was built for. */
    public record Plan(byte[] bytes, String tensorRtVersion, String computeCapability, String gpuName, byte[] timingCache,
            int layers, int optimizationLevel) {}

    /** The GPU the plan is built for: plans only run on the compute capability they were built on. */
    public record Gpu(int device, String name, int major, int minor) {
        public String computeCapability() {
            return major + "." + minor;
        }
    }

    private TensorRtPlanBuilder() {}

    public static Gpu gpu(int device) {
        cudaDeviceProp properties = new cudaDeviceProp();
        int status = cudart.cudaGetDeviceProperties(properties, device);
        if (status != 0) {
            throw new IllegalStateException("CUDA cannot describe GPU " + device + ": "
                    + cudart.cudaGetErrorName(status).getString() + ". Is an NVIDIA GPU visible (nvidia-smi)?");
        }
        return new Gpu(device, properties.name().getString(), properties.major(), properties.minor());
    }

    /**
     * @param fixedDims every input's dimensions after the batch (the manifest's, with the
     *     preprocessing size for dynamic height and width)
     * @param optimizationLevel TensorRT's builder optimization level (0 to 5), or negative for
     *     TensorRT's default (3); lower levels try fewer tactics, so they build sooner and may run slower
     * @param progress told each phase as it starts
     */
    public static Plan build(byte[] onnx, Map<String, long[]> fixedDims, Profile profile, PlanTyping typing,
            boolean sparseWeights, Optional<byte[]> timingCache, long workspaceBytes, int optimizationLevel, Gpu gpu,
            Consumer<String> progress) {
        String version = TensorRtLibrary.load();
        // Warnings too: a builder without its per-GPU resources fails with nothing logged as an error.
        TensorRtLogger logger = new TensorRtLogger(true);
        // Owned, so that closing deletes them (JavaCPP frees nothing a factory returns). The parser has no
        // JavaCPP allocator to lend a deallocator, so it alone stays until the process ends.
        try (IBuilder builder = NativeOwnership.own(nvinfer.createInferBuilder(logger), IBuilder::new);
                INetworkDefinition network = NativeOwnership.own(
                        builder.createNetworkV2(typing.stronglyTyped() ? 1 << NetworkDefinitionCreationFlag.kSTRONGLY_TYPED.value : 0),
                        INetworkDefinition::new);
                IParser parser = nvonnxparser.createParser(network, logger);
                IBuilderConfig config = NativeOwnership.own(builder.createBuilderConfig(), IBuilderConfig::new);
                BytePointer model = new BytePointer(onnx)) {
            progress.accept("parsing the ONNX model (" + onnx.length / 1024 + " KB)");
            if (!parser.parse(model, onnx.length)) {
                List<String> problems = new ArrayList<>();
                for (int i = 0; i < parser.getNbErrors(); i++) {
                    problems.add(parser.getError(i).desc());
                }
                throw new IllegalStateException("TensorRT's ONNX parser refused the model: " + problems);
            }
            progress.accept("parsed: " + describe(network));
            if (optimizationLevel >= 0) {
                config.setBuilderOptimizationLevel(optimizationLevel);
            }
            progress.accept("configuring the builder: profile batch " + profile.min() + "/" + profile.opt() + "/" + profile.max()
                    + ", " + typing.describe() + (sparseWeights ? ", sparse weights" : "") + ", workspace " + workspaceBytes / (1 << 20)
                    + " MiB, optimization level " + config.getBuilderOptimizationLevel());
            IOptimizationProfile optimization = builder.createOptimizationProfile();
            for (int i = 0; i < network.getNbInputs(); i++) {
                ITensor input = network.getInput(i);
                long[] rest = fixedDims.get(input.getName());
                if (rest == null) {
                    throw new IllegalArgumentException("No dimensions known for input '" + input.getName() + "'");
                }
                optimization.setDimensions(input.getName(), OptProfileSelector.kMIN, dims(profile.min(), rest));
                optimization.setDimensions(input.getName(), OptProfileSelector.kOPT, dims(profile.opt(), rest));
                optimization.setDimensions(input.getName(), OptProfileSelector.kMAX, dims(profile.max(), rest));
            }
            config.addOptimizationProfile(optimization);
            config.setMemoryPoolLimit(MemoryPoolType.kWORKSPACE, workspaceBytes);
            if (sparseWeights) {
                config.setFlag(BuilderFlag.kSPARSE_WEIGHTS);
            }
            if (typing.fp16()) {
                config.setFlag(BuilderFlag.kFP16);
            }
            if (typing.int8()) {
                config.setFlag(BuilderFlag.kINT8);
            }
            byte[] cacheIn = timingCache.orElse(new byte[0]);
            try (BytePointer cacheBytes = new BytePointer(cacheIn);
                    ITimingCache cache = config.createTimingCache(cacheBytes, cacheIn.length)) {
                config.setTimingCache(cache, false);
                progress.accept("building the plan for " + gpu.name() + " (sm " + gpu.computeCapability() + "); this takes minutes");
                try (IHostMemory plan = NativeOwnership.own(builder.buildSerializedNetwork(network, config), IHostMemory::new)) {
                    if (plan == null || plan.isNull() || plan.size() == 0) {
                        String said = String.join(" | ", logger.drainErrors());
                        if (TensorRtLibrary.builderResources(System.getenv(), gpu.major(), gpu.minor()).isEmpty()
                                || said.contains("builder_resource") || said.contains("Builder resource")) {
                            throw new IllegalStateException(TensorRtLibrary.missingBuilderResourceMessage(gpu.major(), gpu.minor(),
                                    TensorRtLibrary.candidates(System.getenv()), said) + " Nothing was published.");
                        }
                        throw new IllegalStateException("TensorRT could not build a plan: " + (said.isEmpty() ? "no reason given" : said));
                    }
                    byte[] bytes = new byte[(int) plan.size()];
                    new BytePointer(plan.data()).capacity(plan.size()).get(bytes);
                    byte[] cacheOut;
                    try (IHostMemory serializedCache = NativeOwnership.own(config.getTimingCache().serialize(), IHostMemory::new)) {
                        cacheOut = new byte[(int) serializedCache.size()];
                        new BytePointer(serializedCache.data()).capacity(serializedCache.size()).get(cacheOut);
                    }
                    return new Plan(bytes, version, gpu.computeCapability(), gpu.name(), cacheOut, network.getNbLayers(),
                            config.getBuilderOptimizationLevel());
                }
            }
        }
    }

    /** The network as TensorRT sees it: layer count, inputs and outputs with shapes and types. */
    static String describe(INetworkDefinition network) {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < network.getNbInputs(); i++) {
            inputs.add(describe(network.getInput(i)));
        }
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < network.getNbOutputs(); i++) {
            outputs.add(describe(network.getOutput(i)));
        }
        return network.getNbLayers() + " layers; inputs " + inputs + "; outputs " + outputs;
    }

    private static String describe(ITensor tensor) {
        Dims64 dims = tensor.getDimensions();
        long[] shape = new long[dims.nbDims()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.d(i);
        }
        return tensor.getName() + " " + java.util.Arrays.toString(shape) + " " + tensor.getType().intern();
    }

    private static Dims64 dims(int batch, long[] rest) {
        Dims64 dims = new Dims64();
        dims.nbDims(rest.length + 1);
        dims.d(0, batch);
        for (int i = 0; i < rest.length; i++) {
            dims.d(i + 1, rest[i]);
        }
        return dims;
    }
}
