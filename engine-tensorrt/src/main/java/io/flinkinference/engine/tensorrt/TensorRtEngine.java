package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.EngineCapability;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A deserialized TensorRT plan on one GPU. It is loaded once per (model, version, device) per JVM
 * (through {@code SharedEngines}) and shared by the task slots on that GPU; each in-flight batch
 * runs on its own {@link TensorRtExecutionContext} ({@link #newContext}), because an
 * {@code IExecutionContext} serves one batch at a time.
 */
public final class TensorRtEngine implements InferenceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TensorRtEngine.class);

    private final String model;
    private final int device;
    private final boolean cudaGraphs;
    /** Preprocessing of images that arrive encoded and are decoded on the GPU; null when they arrive as floats. */
    private final Preprocessing gpuImages;
    private final TensorRtLogger logger;
    private final IRuntime runtime;
    private final ICudaEngine engine;
    private final List<IoTensor> ioTensors;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final BatchRange batchRange;
    /** Contexts for callers of {@link #infer} that hold none of their own. */
    private final ConcurrentLinkedQueue<TensorRtExecutionContext> spare = new ConcurrentLinkedQueue<>();

    /** A plan tensor with its largest shape under the optimization profile. */
    record IoTensor(String name, boolean input, DataType dtype, long[] declaredShape, long[] maxShape) {}

    private TensorRtEngine(String model, int device, boolean cudaGraphs, Preprocessing images, TensorRtLogger logger,
            IRuntime runtime, ICudaEngine engine) {
        this.model = model;
        this.device = device;
        this.cudaGraphs = cudaGraphs;
        this.logger = logger;
        this.runtime = runtime;
        this.engine = engine;
        if (engine.getNbOptimizationProfiles() < 1) {
            throw new EngineException(model + " has no optimization profile; rebuild it with flink-inference setup tensorrt");
        }
        List<IoTensor> tensors = new ArrayList<>();
        int minBatch = 1;
        int maxBatch = Integer.MAX_VALUE;
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            // intern(): JavaCPP returns native enums as fresh objects that are never == a constant.
            boolean input = engine.getTensorIOMode(name).intern() == TensorIOMode.kINPUT;
            DataType dtype = dataType(name, engine.getTensorDataType(name).intern());
            long[] declared = TensorRtExecutionContext.shape(engine.getTensorShape(name));
            if (input) {
                long[] min = TensorRtExecutionContext.shape(engine.getProfileShape(name, 0, OptProfileSelector.kMIN));
                long[] max = TensorRtExecutionContext.shape(engine.getProfileShape(name, 0, OptProfileSelector.kMAX));
                minBatch = Math.max(minBatch, (int) min[0]);
                maxBatch = Math.min(maxBatch, (int) max[0]);
                tensors.add(new IoTensor(name, true, dtype, declared, ProfileBuffers.inputMaxShape(name, max)));
            } else {
                tensors.add(new IoTensor(name, false, dtype, declared, null));
            }
        }
        List<IoTensor> sized = new ArrayList<>();
        for (IoTensor tensor : tensors) {
            sized.add(tensor.input() ? tensor : new IoTensor(tensor.name(), false, tensor.dtype(), tensor.declaredShape(),
                    ProfileBuffers.outputMaxShape(tensor.name(), tensor.declaredShape(), maxBatch)));
        }
        this.ioTensors = List.copyOf(sized);
        this.inputs = specs(sized, true);
        this.outputs = specs(sized, false);
        this.batchRange = new BatchRange(minBatch, maxBatch);
        this.gpuImages = images != null && takesImages(inputs, images) ? images : null;
    }

    /** One float input of rank 4 in the preprocessing's layout: what the GPU image pipeline writes. */
    private static boolean takesImages(List<TensorSpec> inputs, Preprocessing images) {
        return inputs.size() == 1 && inputs.get(0).dtype() == DataType.FLOAT32 && inputs.get(0).rank() == 4
                && images.mean() != null && images.std() != null;
    }

    /**
     * Deserializes a plan on {@code device}. The plan's bytes are checked against the manifest's
     * checksum as they are read; everything created is freed again if a later step fails.
     */
    public static TensorRtEngine load(ModelVersion plan, int device, boolean cudaGraphs) {
        return load(plan, device, cudaGraphs, null);
    }

    /**
     * @param gpuImages the model's preprocessing, to take encoded images and decode and preprocess
     *     them on the GPU ({@link EngineCapability#DECODES_IMAGES}); null to take float inputs only
     */
    public static TensorRtEngine load(ModelVersion plan, int device, boolean cudaGraphs, Preprocessing gpuImages) {
        return deserialize(plan.ref().toString(), plan.location().toString(), plan.readModel(), device, cudaGraphs, gpuImages);
    }

    /**
     * Deserializes plan bytes that are not (yet) in a store: a plan the setup job has just built
     * and validates before publishing it.
     *
     * @param name what logs and errors call the plan
     * @param location where its bytes came from, for errors
     */
    public static TensorRtEngine deserialize(String name, String location, byte[] bytes, int device, boolean cudaGraphs,
            Preprocessing gpuImages) {
        String version = TensorRtLibrary.load();
        Cuda.use(device);
        TensorRtLogger logger = new TensorRtLogger();
        IRuntime runtime = NativeOwnership.own(nvinfer.createInferRuntime(logger), IRuntime::new);
        if (runtime == null || runtime.isNull()) {
            throw new EngineException("TensorRT " + version + " could not create a runtime: " + logger.drainErrors());
        }
        ICudaEngine engine = null;
        try (BytePointer serialized = new BytePointer(bytes)) {
            engine = NativeOwnership.own(runtime.deserializeCudaEngine(serialized, bytes.length), ICudaEngine::new);
            if (engine == null || engine.isNull()) {
                throw new EngineException("TensorRT " + version + " could not deserialize " + name + " from "
                        + location + " on GPU " + device + ": " + logger.drainErrors()
                        + ". Plans run only on the TensorRT version and GPU generation they were built for; rebuild it "
                        + "with flink-inference setup tensorrt on this machine.");
            }
            TensorRtEngine loaded = new TensorRtEngine(name, device, cudaGraphs, gpuImages, logger, runtime, engine);
            LOG.info("Loaded TensorRT plan {} on GPU {}: inputs {}, outputs {}, batch {}, CUDA graphs {}, images decoded on {}",
                    name, device, loaded.inputs, loaded.outputs, loaded.batchRange, cudaGraphs ? "on" : "off",
                    loaded.gpuImages != null ? "the GPU" : "the CPU");
            return loaded;
        } catch (RuntimeException | Error e) {
            if (engine != null) {
                engine.close();
            }
            runtime.close();
            throw e;
        }
    }

    static DataType dataType(String name, nvinfer.DataType type) {
        return switch (type) {
            case kFLOAT -> DataType.FLOAT32;
            case kHALF -> DataType.FLOAT16;
            case kBF16 -> DataType.BFLOAT16;
            case kINT8 -> DataType.INT8;
            case kUINT8 -> DataType.UINT8;
            case kINT32 -> DataType.INT32;
            case kINT64 -> DataType.INT64;
            case kBOOL -> DataType.BOOL;
            default -> throw new EngineException("Tensor '" + name + "' is " + type + ", which this engine does not exchange");
        };
    }

    private static List<TensorSpec> specs(List<IoTensor> tensors, boolean inputs) {
        List<TensorSpec> specs = new ArrayList<>();
        for (IoTensor tensor : tensors) {
            if (tensor.input() == inputs) {
                List<Long> shape = Arrays.stream(tensor.declaredShape()).boxed().toList();
                specs.add(new TensorSpec(tensor.name(), tensor.dtype(), shape, null));
            }
        }
        return List.copyOf(specs);
    }

    String model() {
        return model;
    }

    int device() {
        return device;
    }

    /** The preprocessing the GPU image pipeline applies, or null. */
    Preprocessing gpuImages() {
        return gpuImages;
    }

    ICudaEngine cudaEngine() {
        return engine;
    }

    TensorRtLogger logger() {
        return logger;
    }

    List<IoTensor> ioTensors() {
        return ioTensors;
    }

    @Override
    public String engineName() {
        return TensorRtEngineProvider.NAME;
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public Set<EngineCapability> capabilities() {
        return gpuImages != null ? Set.of(EngineCapability.DECODES_IMAGES) : Set.of();
    }

    @Override
    public BatchRange batchRange() {
        return batchRange;
    }

    @Override
    public ExecutionContext newContext() {
        return new TensorRtExecutionContext(this, cudaGraphs);
    }

    /** Runs a batch on a spare context, creating one when all are busy; for callers without a context of their own. */
    @Override
    public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
        TensorRtExecutionContext context = spare.poll();
        if (context == null) {
            context = new TensorRtExecutionContext(this, cudaGraphs);
        }
        try {
            return context.infer(inputs);
        } finally {
            spare.add(context);
        }
    }

    /** Frees the spare contexts, the engine and the runtime, in that order (TensorRT requires it). */
    @Override
    public void close() {
        Cuda.use(device);
        for (TensorRtExecutionContext context; (context = spare.poll()) != null; ) {
            context.close();
        }
        engine.close();
        runtime.close();
    }
}
