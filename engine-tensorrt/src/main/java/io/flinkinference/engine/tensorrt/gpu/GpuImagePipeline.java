package io.flinkinference.engine.tensorrt.gpu;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder.DecodedImages;
import io.flinkinference.engine.tensorrt.gpu.jpeg.PinnedImages;
import io.flinkinference.engine.tensorrt.gpu.preprocess.ImageBatchLayout;
import io.flinkinference.operators.image.ImageGeometry;
import io.flinkinference.engine.tensorrt.gpu.preprocess.PreprocessKernel;

import java.util.List;
import java.util.Map;

/**
 * Encoded images in, the model's float input batch out, all on one GPU: nvJPEG decodes the batch
 * into one buffer of RGB bytes, the kernel resizes and normalizes it as the manifest says. Only
 * the encoded bytes cross PCIe. The float batch lives in device memory owned by the pipeline and
 * is valid until the next call. One pipeline serves one in-flight batch: call {@link #process}
 * again only once the stream of the previous call has completed, since staging memory is reused.
 */
public final class GpuImagePipeline implements AutoCloseable {
    private final int device;
    private final Preprocessing spec;
    private final NvJpegDecoder decoder;
    private final PreprocessKernel kernel;
    private PinnedMemory descriptorsHost;
    private DeviceMemory descriptors;
    private DeviceMemory output;

    public GpuImagePipeline(int device, Preprocessing spec, NvJpegDecoder.Backend backend) {
        this.device = device;
        this.spec = spec;
        this.kernel = PreprocessKernel.on(device);
        this.decoder = NvJpegDecoder.open(device, backend);
    }

    public NvJpegDecoder.Backend backend() {
        return decoder.backend();
    }

    /** Floats per image of the model's input. */
    public long valuesPerImage() {
        return (long) spec.channels() * spec.height() * spec.width();
    }

    /**
     * Queues decoding and preprocessing of {@code encoded} on {@code stream}; the result is complete
     * when the stream is.
     *
     * @return the preprocessed images and the ones that could not be decoded
     */
    public Batch process(List<byte[]> encoded, CudaStream stream) {
        long outputBytes = 4L * valuesPerImage() * encoded.size();
        if (output == null || output.bytes() < outputBytes) {
            if (output != null) {
                stream.complete();
                output.close();
            }
            output = DeviceMemory.allocate(outputBytes);
        }
        return new Batch(output, processInto(encoded, stream, output.address()));
    }

    /**
     * Like {@link #process}, but writes the preprocessed images to {@code target}, device memory of
     * at least {@code encoded.size()} x {@link #valuesPerImage()} floats: an engine's input buffer.
     *
     * @return the images that could not be decoded, by index, with the reason
     */
    public Map<Integer, String> processInto(List<byte[]> encoded, CudaStream stream, long target) {
        Cuda.use(device);
        return preprocess(decoder.decode(encoded, this::geometry, stream), encoded.size(), stream, target);
    }

    /**
     * Like {@link #processInto(List, CudaStream, long)}, for images already in pinned memory, which
     * nvJPEG reads in place; they must stay unchanged until the stream has completed.
     */
    public Map<Integer, String> processInto(PinnedImages encoded, CudaStream stream, long target) {
        Cuda.use(device);
        return preprocess(decoder.decode(encoded, this::geometry, stream), encoded.count(), stream, target);
    }

    private ImageGeometry geometry(int height, int width) {
        return ImageGeometry.of(spec, height, width);
    }

    private Map<Integer, String> preprocess(DecodedImages decoded, int count, CudaStream stream, long target) {
        ImageBatchLayout layout = decoded.layout();
        if (descriptors == null || descriptors.bytes() < layout.descriptorBytes()) {
            freeDescriptors(stream);
            descriptorsHost = PinnedMemory.allocate(layout.descriptorBytes());
            descriptors = DeviceMemory.allocate(layout.descriptorBytes());
        }
        layout.writeDescriptors(descriptorsHost.buffer());
        stream.copyToDevice(descriptors.pointer(), descriptorsHost.pointer(), layout.descriptorBytes());
        kernel.launch(stream, spec, decoded.rgb().address(), descriptors.address(), count, target);
        Cuda.checkLaunch("resize_normalize");
        return decoded.failures();
    }

    /**
     * One processed batch.
     *
     * @param input device memory holding the preprocessed images from its start, laid out as the
     *     manifest says; owned by the pipeline, so never closed by the caller
     * @param failures images that could not be decoded, by index, with the reason; their rows hold
     *     what an all-black pixel preprocesses to
     */
    public record Batch(DeviceMemory input, Map<Integer, String> failures) {}

    private void freeDescriptors(CudaStream stream) {
        if (descriptors != null) {
            stream.complete(); // the previous batch may still read them
            descriptors.close();
            descriptorsHost.close();
        }
    }

    @Override
    public void close() {
        decoder.close();
        if (descriptors != null) {
            descriptors.close();
            descriptorsHost.close();
        }
        if (output != null) {
            output.close();
        }
    }
}
