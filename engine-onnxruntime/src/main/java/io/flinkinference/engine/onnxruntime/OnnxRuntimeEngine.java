package io.flinkinference.engine.onnxruntime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.TensorInfo;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.ConcurrentBatches;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.InvalidInputException;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.engine.TensorValidator;
import org.apache.flink.configuration.ReadableConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs ONNX models on ONNX Runtime's CPU provider. One {@link OrtSession} serves every slot of the
 * JVM: ONNX Runtime documents {@code run} as safe to call concurrently.
 *
 * <p>Inputs go to ONNX Runtime without a copy: a direct buffer passed to
 * {@code OnnxTensor.createTensor} becomes the tensor's memory.
 *
 * <p>Outputs whose every dimension is known for the batch (the graph's static dimensions, plus the
 * batch size as the first) are allocated before the run and passed to ONNX Runtime as pinned
 * outputs, so its kernels write the results straight into the returned tensors: no copy in Java.
 * The classifier's {@code [N, 2]} is such an output. Outputs with another dynamic dimension (the
 * recognizer's {@code [N, T, 6625]}, the detector's {@code [N, 1, H, W]}) are allocated by ONNX
 * Runtime and copied out twice: ONNX Runtime's Java API (1.23.2) only reads its own memory through
 * {@code OnnxTensor.getByteBuffer()} and its typed siblings, each of which first copies into a new
 * heap buffer, and a {@link Tensor} must be direct, so the heap copy is copied once more. (The
 * direct view ONNX Runtime has of that memory is private; {@code getBufferRef()} is empty for
 * values it allocated.)
 */
public final class OnnxRuntimeEngine implements InferenceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEngine.class);

    private final String description;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final OutputShapes outputShapes;
    private final BatchRange batchRange;
    /** Outputs whose guessed shape ONNX Runtime refused once; it allocates them itself. */
    private final Set<String> notPinnable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private OnnxRuntimeEngine(String description, OrtEnvironment environment, OrtSession session,
            List<TensorSpec> inputs, List<TensorSpec> outputs, OutputShapes outputShapes) {
        this.description = description;
        this.environment = environment;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
        this.outputShapes = outputShapes;
        boolean dynamicBatch = inputs.stream().allMatch(t -> t.rank() > 0 && t.isDynamic(0));
        this.batchRange = dynamicBatch ? BatchRange.ANY : BatchRange.fixed(inputs.get(0).shape().get(0).intValue());
    }

    public static OnnxRuntimeEngine open(ModelVersion model, ReadableConfig options) {
        return open(model, options, null);
    }

    /**
     * Opens a store's model version for {@code concurrency} batches at once (null: one caller),
     * which sizes the intra-op threads when the options set none (see {@link IntraOpThreads}).
     */
    public static OnnxRuntimeEngine open(ModelVersion model, ReadableConfig options, ConcurrentBatches concurrency) {
        if (model.manifest().format() != ModelFormat.ONNX) {
            throw new EngineException(
                    "ONNX Runtime runs ONNX models; " + model.ref() + " is " + model.manifest().format()
                            + ". Use the engine made for that format.");
        }
        byte[] bytes = model.readModel(); // checked against the manifest's sha256
        return load(model.ref().toString(), bytes, model.manifest().inputs(), model.manifest().outputs(), options,
                concurrency, true);
    }

    /**
     * Loads a model that is not (yet) in the store, for example a candidate the setup job
     * validates before publishing it; {@code inputs} and {@code outputs} play the manifest's part.
     */
    public static OnnxRuntimeEngine fromBytes(String description, byte[] onnx, List<TensorSpec> inputs,
            List<TensorSpec> outputs, ReadableConfig options) {
        // Candidates come by the dozen in a setup step's tuning; their loads are logged at debug level only.
        return load(description, onnx, inputs, outputs, options, null, false);
    }

    private static OnnxRuntimeEngine load(String description, byte[] onnx, List<TensorSpec> inputs,
            List<TensorSpec> outputs, ReadableConfig options, ConcurrentBatches concurrency, boolean published) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            IntraOpThreads intraOp = IntraOpThreads.choose(options.getOptional(OnnxRuntimeOptions.INTRA_OP_THREADS),
                    Runtime.getRuntime().availableProcessors(), concurrency);
            int threads = intraOp.threads();
            if (threads > 0) {
                sessionOptions.setIntraOpNumThreads(threads);
            }
            if (!options.get(OnnxRuntimeOptions.ALLOW_SPINNING)) {
                sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            sessionOptions.setOptimizationLevel(toOrt(options.get(OnnxRuntimeOptions.OPTIMIZATION_LEVEL)));
            long start = System.nanoTime();
            OrtSession session = environment.createSession(onnx, sessionOptions);
            OutputShapes outputShapes;
            try {
                checkInputs(description, inputs, session);
                outputShapes = OutputShapes.of(session.getOutputInfo());
            } catch (RuntimeException | OrtException e) {
                session.close();
                throw e;
            }
            String loaded = String.format("Loaded %s on ONNX Runtime (CPU, intra-op threads %s, optimization %s) in %d ms",
                    description, intraOp, options.get(OnnxRuntimeOptions.OPTIMIZATION_LEVEL),
                    (System.nanoTime() - start) / 1_000_000);
            if (published) {
                LOG.info(loaded);
            } else {
                LOG.debug(loaded);
            }
            return new OnnxRuntimeEngine(description, environment, session, inputs, outputs, outputShapes);
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime cannot load " + description + ": " + e.getMessage(), e);
        }
    }

    /** The manifest is the contract; a model whose graph disagrees with it is refused at load time. */
    private static void checkInputs(String model, List<TensorSpec> inputs, OrtSession session) throws OrtException {
        Set<String> declared = new TreeSet<>();
        inputs.forEach(t -> declared.add(t.name()));
        Set<String> actual = new TreeSet<>(session.getInputInfo().keySet());
        if (!declared.equals(actual)) {
            throw new EngineException(
                    "The manifest of " + model + " declares inputs " + declared + " but the ONNX graph has "
                            + actual + ". Re-import the model so that its manifest describes it.");
        }
        for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
            if (input.getValue().getInfo() instanceof TensorInfo info) {
                DataType manifestType = inputs.stream()
                        .filter(t -> t.name().equals(input.getKey())).findFirst().orElseThrow().dtype();
                if (javaType(manifestType) != info.type) {
                    throw new EngineException(
                            "The manifest of " + model + " declares input '" + input.getKey() + "' as "
                                    + manifestType + " but the ONNX graph takes " + info.type + ".");
                }
            }
        }
    }

    @Override
    public String engineName() {
        return OnnxRuntimeEngineProvider.NAME;
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
    public BatchRange batchRange() {
        return batchRange;
    }

    @Override
    public Map<String, Tensor> infer(Map<String, Tensor> batch) {
        TensorValidator.validate(batch, inputs, batchRange);
        long batchSize = batch.values().iterator().next().dim(0);
        Map<String, Tensor> preallocated = new LinkedHashMap<>();
        for (String name : outputShapes.names()) {
            if (!notPinnable.contains(name)) {
                outputShapes.forBatch(name, batchSize).ifPresent(shape ->
                        preallocated.put(name, Tensor.allocate(outputDataType(name), shape)));
            }
        }
        if (preallocated.isEmpty()) {
            return run(batch, preallocated);
        }
        try {
            return run(batch, preallocated);
        } catch (EngineException e) {
            // The shape guessed for an output was wrong (its first dimension was not the batch): from now on
            // ONNX Runtime allocates those outputs itself. A failure of the model itself fails again below.
            if (notPinnable.addAll(preallocated.keySet())) {
                LOG.warn("ONNX Runtime refused output memory of the shapes guessed for {} of {} ({}); it allocates "
                        + "them itself from now on", preallocated.keySet(), description, e.getMessage());
            }
            return run(batch, Map.of());
        }
    }

    /**
     * Runs one batch with ONNX Runtime writing the given outputs straight into the caller's
     * tensors: what {@link #infer(Map)} does with tensors of its own, open to a caller in this
     * package that keeps its own output memory (the tests watch where ONNX Runtime writes through it). Only outputs whose shape is known
     * before the run can be given, with exactly that shape and the graph's dtype; the others are
     * allocated and copied out as in {@link #infer(Map)}.
     *
     * @return every output by name; the given ones are the given tensors, now holding the results
     */
    Map<String, Tensor> infer(Map<String, Tensor> batch, Map<String, Tensor> outputsInto) {
        TensorValidator.validate(batch, inputs, batchRange);
        long batchSize = batch.values().iterator().next().dim(0);
        for (Map.Entry<String, Tensor> given : outputsInto.entrySet()) {
            String name = given.getKey();
            long[] expected = outputShapes.forBatch(name, batchSize).orElseThrow(() -> new InvalidInputException(
                    "Output '" + name + "' of " + description + " is not one whose shape is known before the run; "
                            + "outputs with such shapes are " + knownOutputs(batchSize) + "."));
            Tensor tensor = given.getValue();
            if (tensor.dtype() != outputDataType(name) || !Arrays.equals(tensor.shape(), expected)) {
                throw new InvalidInputException("Output '" + name + "' of " + description + " is "
                        + outputDataType(name) + Arrays.toString(expected) + " for this batch; the given tensor is " + tensor + ".");
            }
        }
        return run(batch, outputsInto);
    }

    private List<String> knownOutputs(long batchSize) {
        return outputShapes.names().stream().filter(n -> outputShapes.forBatch(n, batchSize).isPresent()).toList();
    }

    private DataType outputDataType(String name) {
        return dataType(outputShapes.type(name), name);
    }

    private Map<String, Tensor> run(Map<String, Tensor> batch, Map<String, Tensor> pinned) {
        Map<String, OnnxTensor> ortInputs = new LinkedHashMap<>();
        Map<String, OnnxTensor> ortPinned = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> input : batch.entrySet()) {
                ortInputs.put(input.getKey(), wrap(input.getValue()));
            }
            for (Map.Entry<String, Tensor> output : pinned.entrySet()) {
                ortPinned.put(output.getKey(), wrap(output.getValue()));
            }
            Set<String> allocatedByOrt = new LinkedHashSet<>(outputShapes.names());
            allocatedByOrt.removeAll(pinned.keySet());
            try (OrtSession.Result result = session.run(ortInputs, allocatedByOrt, ortPinned)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (String name : outputShapes.names()) {
                    Tensor written = pinned.get(name);
                    out.put(name, written != null ? written : copyOut(name, result.get(name).orElseThrow()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime failed to run " + description + ": " + e.getMessage(), e);
        } finally {
            // Closing a tensor that wraps our buffer releases ONNX Runtime's handle, not the memory.
            ortInputs.values().forEach(OnnxTensor::close);
            ortPinned.values().forEach(OnnxTensor::close);
        }
    }

    /** Wraps the tensor's direct buffer: ONNX Runtime uses that memory as it is. */
    private OnnxTensor wrap(Tensor tensor) throws OrtException {
        ByteBuffer data = tensor.buffer();
        long[] shape = tensor.shape();
        return switch (tensor.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(environment, data.asFloatBuffer(), shape);
            case FLOAT64 -> OnnxTensor.createTensor(environment, data.asDoubleBuffer(), shape);
            case INT32 -> OnnxTensor.createTensor(environment, data.asIntBuffer(), shape);
            case INT64 -> OnnxTensor.createTensor(environment, data.asLongBuffer(), shape);
            case FLOAT16 -> OnnxTensor.createTensor(environment, data.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
            case BFLOAT16 -> OnnxTensor.createTensor(environment, data.asShortBuffer(), shape, OnnxJavaType.BFLOAT16);
            case INT8 -> OnnxTensor.createTensor(environment, data, shape, OnnxJavaType.INT8);
            case UINT8 -> OnnxTensor.createTensor(environment, data, shape, OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(environment, data, shape, OnnxJavaType.BOOL);
        };
    }

    /** The fallback: ONNX Runtime's memory to a heap copy (inside getByteBuffer) to a direct tensor. */
    private Tensor copyOut(String name, OnnxValue value) {
        if (!(value instanceof OnnxTensor ortTensor)) {
            throw new EngineException(description + " returned '" + name + "' as " + value.getType() + ", not a tensor.");
        }
        TensorInfo info = ortTensor.getInfo();
        Tensor tensor = Tensor.allocate(dataType(info.type, name), info.getShape());
        tensor.buffer().put(ortTensor.getByteBuffer());
        return tensor;
    }

    private DataType dataType(OnnxJavaType type, String name) {
        return switch (type) {
            case FLOAT -> DataType.FLOAT32;
            case DOUBLE -> DataType.FLOAT64;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOL;
            default -> throw new EngineException(description + " output '" + name + "' has unsupported type " + type);
        };
    }

    private static OnnxJavaType javaType(DataType type) {
        return switch (type) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT64 -> OnnxJavaType.DOUBLE;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
        };
    }

    private static OptLevel toOrt(OnnxRuntimeOptions.OptimizationLevel level) {
        return switch (level) {
            case NONE -> OptLevel.NO_OPT;
            case BASIC -> OptLevel.BASIC_OPT;
            case EXTENDED -> OptLevel.EXTENDED_OPT;
            case ALL -> OptLevel.ALL_OPT;
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EngineException("Closing ONNX Runtime session of " + description + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "OnnxRuntimeEngine(" + description + ")";
    }
}
