package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.engine.EncodedImages;
import io.flinkinference.operators.engine.EngineCapability;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.operators.engine.InvalidInputException;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.StagingBuffers;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.engine.TensorValidator;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.DeviceMemory;
import io.flinkinference.engine.tensorrt.gpu.GpuImagePipeline;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder;
import io.flinkinference.engine.tensorrt.gpu.jpeg.PinnedImages;
import io.flinkinference.engine.tensorrt.TensorRtEngine.IoTensor;
import org.apache.flink.util.IOUtils;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One in-flight batch's worth of TensorRT state: an execution context, a non-blocking stream,
 * and a device and a pinned host buffer per tensor, sized for the profile's largest batch and
 * bound to the context once. A batch is: inputs into pinned memory, {@code setInputShape},
 * asynchronous copies in, {@code enqueueV3} (or its CUDA graph), asynchronous copies out, and one
 * event the calling thread waits on. A batch of encoded images instead goes through a
 * {@link GpuImagePipeline} (nvJPEG and the preprocessing kernel) straight into the input's device
 * buffer, on the same stream.
 */
final class TensorRtExecutionContext implements ExecutionContext {
    private final TensorRtEngine engine;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, DeviceMemory> device = new LinkedHashMap<>();
    private final Map<String, PinnedMemory> host = new LinkedHashMap<>();
    /** Inputs handed out by {@link #allocateInput}: already in pinned memory, so infer copies nothing on the host. */
    private final Map<String, Tensor> staged = new LinkedHashMap<>();
    /**
     * Encoded images of a batch, written here by the batcher and read here by nvJPEG: pinned, and
     * grown to the largest batch seen, since their total length varies from batch to batch.
     */
    private PinnedMemory encodedImages;
    /** Other inputs that have no plan buffer (the images' offsets, which only Java reads). */
    private final StagingBuffers hostOnly = new StagingBuffers();
    private final IExecutionContext context;
    private final CudaStream stream;
    private final CudaGraphs graphs;
    /** Decodes and preprocesses encoded images on the GPU; created on the first such batch. */
    private GpuImagePipeline pipeline;

    TensorRtExecutionContext(TensorRtEngine engine, boolean cudaGraphs) {
        this.engine = engine;
        try {
            Cuda.use(engine.device());
            context = NativeOwnership.own(engine.cudaEngine().createExecutionContext(), IExecutionContext::new);
            if (context == null || context.isNull()) {
                throw new EngineException("TensorRT could not create an execution context for " + engine.model() + ": "
                        + engine.logger().drainErrors());
            }
            resources.add(context);
            stream = keep(new CudaStream());
            graphs = keep(new CudaGraphs(cudaGraphs));
            for (IoTensor tensor : engine.ioTensors()) {
                long bytes = ProfileBuffers.bytes(tensor.dtype(), tensor.maxShape());
                DeviceMemory onDevice = keep(DeviceMemory.allocate(bytes));
                device.put(tensor.name(), onDevice);
                host.put(tensor.name(), keep(PinnedMemory.allocate(bytes)));
                if (!context.setTensorAddress(tensor.name(), onDevice.pointer())) {
                    throw new EngineException("TensorRT refused the address of tensor '" + tensor.name() + "': "
                            + engine.logger().drainErrors());
                }
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public Tensor allocateInput(String name, DataType dtype, long[] shape) {
        long bytes = Tensor.elementCount(shape) * dtype.byteSize();
        PinnedMemory pinned = name.equals(EncodedImages.BYTES) ? encodedImages(bytes) : host.get(name);
        if (pinned == null || bytes > pinned.bytes()) {
            return hostOnly.tensor(name, dtype, shape);
        }
        Tensor tensor = Tensor.wrap(dtype, shape, pinned.buffer().slice(0, (int) bytes));
        staged.put(name, tensor);
        return tensor;
    }

    /** The pinned block for encoded images, grown to hold {@code bytes}; no copy may still read the old one. */
    private PinnedMemory encodedImages(long bytes) {
        if (encodedImages == null || encodedImages.bytes() < bytes) {
            long grown = Math.max(bytes, encodedImages == null ? 0 : encodedImages.bytes() * 3 / 2);
            // The new block first: if it cannot be had, the old one stays whole and in use, never freed and still referenced.
            PinnedMemory larger = PinnedMemory.allocate(grown);
            if (encodedImages != null) {
                Cuda.use(engine.device());
                stream.complete(); // a failed batch may have left work on the stream that reads it
                resources.remove(encodedImages);
                encodedImages.close();
            }
            encodedImages = keep(larger);
        }
        return encodedImages;
    }

    @Override
    public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
        if (EncodedImages.in(inputs)) {
            return inferEncoded(inputs);
        }
        long batch = TensorValidator.validate(inputs, engine.inputs(), engine.batchRange());
        Cuda.use(engine.device());
        for (IoTensor tensor : engine.ioTensors()) {
            if (!tensor.input()) {
                continue;
            }
            Tensor input = inputs.get(tensor.name());
            ByteBuffer bytes = input.buffer();
            int size = bytes.remaining();
            if (input != staged.get(tensor.name())) {
                host.get(tensor.name()).buffer().put(bytes);
            }
            setInputShape(tensor.name(), input.shape());
            stream.copyToDevice(device.get(tensor.name()).pointer(), host.get(tensor.name()).pointer(), size);
        }
        return runAndCollect((int) batch);
    }

    /**
     * Encoded images: decoded by nvJPEG and preprocessed by the kernel straight into the input's
     * device buffer, on this context's stream, ahead of the enqueue. Images nobody can decode are
     * flagged in {@link EncodedImages#UNDECODABLE} rather than failing the batch.
     */
    private Map<String, Tensor> inferEncoded(Map<String, Tensor> inputs) {
        if (!engine.capabilities().contains(EngineCapability.DECODES_IMAGES)) {
            throw new InvalidInputException(engine.model() + " takes float input here, not encoded images");
        }
        EncodedImages.Batch batch = EncodedImages.read(inputs);
        int rows = batch.rows();
        if (!engine.batchRange().contains(rows)) {
            throw new InvalidInputException("A batch of " + rows + " images is outside " + engine.model() + "'s batch range "
                    + engine.batchRange());
        }
        Cuda.use(engine.device());
        if (pipeline == null) {
            pipeline = keep(new GpuImagePipeline(engine.device(), engine.gpuImages(), NvJpegDecoder.Backend.HARDWARE));
        }
        IoTensor input = engine.ioTensors().stream().filter(IoTensor::input).findFirst().orElseThrow();
        Map<Integer, String> failures = pipeline.processInto(pinned(batch), stream, device.get(input.name()).address());
        Preprocessing spec = engine.gpuImages();
        setInputShape(input.name(), spec.layout() == Preprocessing.Layout.NCHW
                ? new long[] {rows, spec.channels(), spec.height(), spec.width()}
                : new long[] {rows, spec.height(), spec.width(), spec.channels()});
        Map<String, Tensor> outputs = runAndCollect(rows);
        outputs.put(EncodedImages.UNDECODABLE, EncodedImages.undecodable(rows, failures.keySet()));
        return outputs;
    }

    /**
     * The batch's images where nvJPEG reads them: in place when the batcher stacked them into this
     * context's pinned block, which is the rule; copied there once for callers that built the batch
     * in memory of their own.
     */
    private PinnedImages pinned(EncodedImages.Batch batch) {
        Tensor bytes = batch.bytes();
        if (bytes != staged.get(EncodedImages.BYTES)) {
            allocateInput(EncodedImages.BYTES, DataType.UINT8, bytes.shape()).buffer().put(bytes.buffer());
        }
        return new PinnedImages(encodedImages, batch.offsets());
    }

    /**
     * Runs each batch size twice on zeroed inputs: the first enqueue is where TensorRT sets up for a
     * new shape, the second captures the size's CUDA graph. Engines that decode images on the GPU
     * also create their nvJPEG decoder here, which takes longer than a batch.
     */
    @Override
    public void warmUp(int[] batchSizes) {
        Cuda.use(engine.device());
        for (IoTensor tensor : engine.ioTensors()) {
            if (tensor.input()) {
                // Zeros, not whatever the allocation held: NaNs would be harmless but slow on some layers.
                DeviceMemory buffer = device.get(tensor.name());
                Cuda.check(org.bytedeco.cuda.global.cudart.cudaMemsetAsync(buffer.pointer(), 0, buffer.bytes(), stream.handle()),
                        "cudaMemsetAsync");
            }
        }
        if (engine.gpuImages() != null && pipeline == null) {
            pipeline = keep(new GpuImagePipeline(engine.device(), engine.gpuImages(), NvJpegDecoder.Backend.HARDWARE));
        }
        for (int size : batchSizes) {
            if (!engine.batchRange().contains(size)) {
                continue;
            }
            for (IoTensor tensor : engine.ioTensors()) {
                if (tensor.input()) {
                    long[] shape = tensor.maxShape().clone();
                    shape[0] = size;
                    setInputShape(tensor.name(), shape);
                }
            }
            for (int run = 0; run < 2; run++) {
                enqueue(size);
            }
        }
        stream.complete();
    }

    /** Batch sizes whose enqueue replays a captured CUDA graph. */
    java.util.Set<Integer> capturedBatchSizes() {
        return graphs.captured();
    }

    private void setInputShape(String name, long[] shape) {
        try (Dims64 dims = dims(shape)) {
            if (!context.setInputShape(name, dims)) {
                throw new EngineException("TensorRT refused shape " + Arrays.toString(shape) + " for input '" + name + "': "
                        + engine.logger().drainErrors());
            }
        }
    }

    /** Enqueues the batch (through its CUDA graph where one exists), copies the outputs back and waits. */
    private Map<String, Tensor> runAndCollect(int batch) {
        enqueue(batch);
        Map<String, long[]> outputShapes = new LinkedHashMap<>();
        for (IoTensor tensor : engine.ioTensors()) {
            if (tensor.input()) {
                continue;
            }
            long[] shape = shape(context.getTensorShape(tensor.name()));
            outputShapes.put(tensor.name(), shape);
            long bytes = Tensor.elementCount(shape) * tensor.dtype().byteSize();
            stream.copyToHost(host.get(tensor.name()).pointer(), device.get(tensor.name()).pointer(), bytes);
        }
        stream.complete();
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (IoTensor tensor : engine.ioTensors()) {
            if (!tensor.input()) {
                Tensor output = Tensor.allocate(tensor.dtype(), outputShapes.get(tensor.name()));
                ByteBuffer from = host.get(tensor.name()).buffer();
                from.limit(output.buffer().capacity());
                output.buffer().put(from);
                outputs.put(tensor.name(), output);
            }
        }
        return outputs;
    }

    /** Queues the plan for a batch of {@code batch} on this context's stream, through its CUDA graph where one exists. */
    private void enqueue(int batch) {
        graphs.run(batch, stream, () -> {
            if (!context.enqueueV3(stream.handle())) {
                throw new EngineException("TensorRT could not enqueue a batch of " + batch + " for " + engine.model() + ": "
                        + engine.logger().drainErrors());
            }
        });
    }

    static Dims64 dims(long[] shape) {
        Dims64 dims = new Dims64();
        dims.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            dims.d(i, shape[i]);
        }
        return dims;
    }

    static long[] shape(Dims64 dims) {
        long[] shape = new long[dims.nbDims()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.d(i);
        }
        return shape;
    }

    /** Frees everything this context allocated, newest first, also after a failure half-way through opening. */
    @Override
    public void close() {
        if (resources.isEmpty()) {
            return;
        }
        Cuda.use(engine.device()); // contexts are closed on the task thread, whose current device may be another
        List<AutoCloseable> newestFirst = new ArrayList<>(resources);
        Collections.reverse(newestFirst);
        resources.clear();
        try {
            IOUtils.closeAll(newestFirst);
        } catch (Exception e) {
            throw new EngineException("Freeing a TensorRT execution context of " + engine.model() + " failed: " + e.getMessage(), e);
        }
    }
}
