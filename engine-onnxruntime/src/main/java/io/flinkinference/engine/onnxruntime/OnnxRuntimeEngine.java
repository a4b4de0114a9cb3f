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
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.engine.TensorValidator;
import org.apache.flink.configuration.ReadableConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs ONNX models on ONNX Runtime's CPU provider. One {@link OrtSession} serves every slot of the
 * JVM: ONNX Runtime documents {@code run} as safe to call concurrently.
 *
 * <p>Inputs go to ONNX Runtime without a copy: a direct buffer passed to
 * {@code OnnxTensor.createTensor} becomes the tensor's memory. Outputs are copied once, from
 * ONNX Runtime's memory into the caller's direct buffers.
 */
public final class OnnxRuntimeEngine implements InferenceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEngine.class);

    private final String description;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;

    private OnnxRuntimeEngine(String description, OrtEnvironment environment, OrtSession session,
            List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.description = description;
        this.environment = environment;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    public static OnnxRuntimeEngine open(ModelVersion model, ReadableConfig options) {
        if (model.manifest().format() != ModelFormat.ONNX) {
            throw new EngineException(
                    "ONNX Runtime runs ONNX models; " + model.ref() + " is " + model.manifest().format()
                            + ". Use the engine made for that format.");
        }
        byte[] bytes = model.readModel(); // checked against the manifest's sha256
        return fromBytes(model.ref().toString(), bytes, model.manifest().inputs(), model.manifest().outputs(), options);
    }

    /**
     * Loads a model that is not (yet) in the store, for example a candidate the setup job
     * validates before publishing it; {@code inputs} and {@code outputs} play the manifest's part.
     */
    public static OnnxRuntimeEngine fromBytes(String description, byte[] onnx, List<TensorSpec> inputs,
            List<TensorSpec> outputs, ReadableConfig options) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            int threads = options.get(OnnxRuntimeOptions.INTRA_OP_THREADS);
            if (threads > 0) {
                sessionOptions.setIntraOpNumThreads(threads);
            }
            if (!options.get(OnnxRuntimeOptions.ALLOW_SPINNING)) {
                sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            sessionOptions.setOptimizationLevel(toOrt(options.get(OnnxRuntimeOptions.OPTIMIZATION_LEVEL)));
            long start = System.nanoTime();
            OrtSession session = environment.createSession(onnx, sessionOptions);
            try {
                checkInputs(description, inputs, session);
            } catch (RuntimeException | OrtException e) {
                session.close();
                throw e;
            }
            LOG.info("Loaded {} on ONNX Runtime (CPU, intra-op threads {}, optimization {}) in {} ms",
                    description, threads == 0 ? "auto" : threads, options.get(OnnxRuntimeOptions.OPTIMIZATION_LEVEL),
                    (System.nanoTime() - start) / 1_000_000);
            return new OnnxRuntimeEngine(description, environment, session, inputs, outputs);
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
        boolean dynamicBatch = inputs.stream().allMatch(t -> t.rank() > 0 && t.isDynamic(0));
        return dynamicBatch ? BatchRange.ANY : BatchRange.fixed(inputs.get(0).shape().get(0).intValue());
    }

    @Override
    public Map<String, Tensor> infer(Map<String, Tensor> batch) {
        TensorValidator.validate(batch, inputs, batchRange());
        Map<String, OnnxTensor> ortInputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> input : batch.entrySet()) {
                ortInputs.put(input.getKey(), wrap(input.getValue()));
            }
            try (OrtSession.Result result = session.run(ortInputs)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> output : result) {
                    out.put(output.getKey(), copyOut(output.getKey(), output.getValue()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime failed to run " + description + ": " + e.getMessage(), e);
        } finally {
            ortInputs.values().forEach(OnnxTensor::close);
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
