package io.flinkinference.engine.tensorrt.gpu.jpeg;

import io.flinkinference.operators.image.JpegHeader;

import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaException;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.DeviceMemory;
import io.flinkinference.engine.tensorrt.gpu.GpuUnavailableException;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import io.flinkinference.engine.tensorrt.gpu.preprocess.ImageBatchLayout;
import io.flinkinference.operators.image.ImageGeometry;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvjpeg;
import org.bytedeco.cuda.nvjpeg.nvjpegDevAllocator_t;
import org.bytedeco.cuda.nvjpeg.nvjpegHandle;
import org.bytedeco.cuda.nvjpeg.nvjpegImage_t;
import org.bytedeco.cuda.nvjpeg.nvjpegJpegState;
import org.bytedeco.cuda.nvjpeg.nvjpegPinnedAllocator_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.function.BiFunction;
import javax.imageio.ImageIO;

/**
 * Decodes batches of encoded images into interleaved 8-bit RGB in GPU memory, ready for the
 * preprocessing kernel. JPEGs go through nvJPEG's batched API, on the hardware JPEG engine where
 * the GPU has one (A100, H100, H200) and on CUDA cores otherwise; anything nvJPEG does not take
 * (PNG, BMP, GIF, progressive JPEGs on the hardware engine) is decoded on the CPU with ImageIO and
 * copied into its place in the same buffer. One decoder serves one thread at a time.
 */
public final class NvJpegDecoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NvJpegDecoder.class);

    /** Which nvJPEG implementation decodes. */
    public enum Backend {
        /** The GPU's JPEG engines (A100, H100, H200): baseline JPEGs only. */
        HARDWARE(nvjpeg.NVJPEG_BACKEND_HARDWARE),
        /** Huffman decoding on CUDA cores too, so the CPU does little: any JPEG, on any GPU. */
        GPU_HYBRID(nvjpeg.NVJPEG_BACKEND_GPU_HYBRID),
        /** nvJPEG's choice; Huffman decoding on the calling CPU thread for small images. */
        DEFAULT(nvjpeg.NVJPEG_BACKEND_DEFAULT);

        final int id;

        Backend(int id) {
            this.id = id;
        }
    }

    private final int device;
    private final Backend backend;
    private final nvjpegHandle handle;
    private final nvjpegJpegState state = new nvjpegJpegState();
    private boolean stateCreated;
    private int initializedBatch = -1;
    private DeviceMemory output;
    private PinnedMemory staging;
    private PinnedMemory bitstreams;

    private NvJpegDecoder(int device, Backend backend, nvjpegHandle handle) {
        this.device = device;
        this.backend = backend;
        this.handle = handle;
    }

    /** Opens a decoder on {@code device}, on the hardware engine if {@code preferred} asks and the GPU has one. */
    public static NvJpegDecoder open(int device, Backend preferred) {
        Cuda.use(device);
        try {
            Loader.load(nvjpeg.class);
        } catch (UnsatisfiedLinkError e) {
            throw new GpuUnavailableException("nvJPEG (libnvjpeg.so.13) could not be loaded: " + e.getMessage()
                    + ". It ships with the CUDA 13 runtime; put its folder on LD_LIBRARY_PATH, or decode on the CPU.", e);
        }
        Backend backend = preferred;
        nvjpegHandle handle = new nvjpegHandle();
        int status = nvjpeg.nvjpegCreateEx(backend.id, (nvjpegDevAllocator_t) null, (nvjpegPinnedAllocator_t) null, 0, handle);
        if (status != nvjpeg.NVJPEG_STATUS_SUCCESS && backend == Backend.HARDWARE) {
            LOG.info("nvJPEG's hardware backend is not available on GPU {} ({}); decoding on CUDA cores", device,
                    statusName(status));
            backend = Backend.GPU_HYBRID;
            status = nvjpeg.nvjpegCreateEx(backend.id, (nvjpegDevAllocator_t) null, (nvjpegPinnedAllocator_t) null, 0, handle);
        }
        check(status, "nvjpegCreateEx(" + backend + ")");
        NvJpegDecoder decoder = new NvJpegDecoder(device, backend, handle);
        try {
            check(nvjpeg.nvjpegJpegStateCreate(handle, decoder.state), "nvjpegJpegStateCreate");
            decoder.stateCreated = true;
        } catch (RuntimeException e) {
            decoder.close();
            throw e;
        }
        return decoder;
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Decodes {@code encoded} into one device buffer, image after image. The buffer belongs to the
     * decoder and is reused by the next call; the work is queued on {@code stream} and complete
     * once the stream is. An image nobody can decode does not fail the batch: it is listed in
     * {@link DecodedImages#failures()} with the reason, and its slot (one black pixel) stays zero.
     * When nvJPEG refuses the batch as a whole (a damaged JPEG among them), its images are decoded
     * on the CPU instead, one by one, so that only the damaged ones fail.
     *
     * @param geometry the geometry of an image of a given height and width (the preprocessing's resize)
     */
    public DecodedImages decode(List<byte[]> encoded, BiFunction<Integer, Integer, ImageGeometry> geometry,
            CudaStream stream) {
        long total = 0;
        for (byte[] image : encoded) {
            total += image.length;
        }
        return decode(PinnedImages.copy(encoded, ensureBitstreams(total, stream)), geometry, stream);
    }

    /**
     * Like {@link #decode(List, BiFunction, CudaStream)}, for images already in pinned memory: nvJPEG
     * reads them where they are, so this copies no encoded byte on the host. {@code encoded} must
     * stay unchanged until the stream has completed.
     */
    public DecodedImages decode(PinnedImages encoded, BiFunction<Integer, Integer, ImageGeometry> geometry,
            CudaStream stream) {
        Cuda.use(device);
        int count = encoded.count();
        ImageGeometry[] sizes = new ImageGeometry[count];
        BufferedImage[] onCpu = new BufferedImage[count];
        Map<Integer, String> failures = new TreeMap<>();
        List<Integer> onGpu = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Optional<JpegHeader> header = JpegHeader.read(encoded.view(i));
            if (header.isPresent() && (backend != Backend.HARDWARE || header.get().hardwareDecodable())) {
                sizes[i] = geometry.apply(header.get().height(), header.get().width());
                onGpu.add(i);
            } else {
                decodeOnCpu(encoded, i, geometry, sizes, onCpu, failures);
            }
        }
        ImageBatchLayout layout = new ImageBatchLayout(List.of(sizes));
        ensureOutput(layout.totalBytes());
        if (!onGpu.isEmpty()) {
            try {
                decodeBatched(encoded, onGpu, layout, stream);
            } catch (CudaException refused) {
                LOG.warn("nvJPEG refused a batch of {} ({}); decoding its JPEGs on the CPU to find the damaged ones",
                        onGpu.size(), refused.getMessage());
                initializedBatch = -1;
                for (int index : onGpu) {
                    ImageGeometry promised = sizes[index];
                    decodeOnCpu(encoded, index, geometry, sizes, onCpu, failures);
                    if (onCpu[index] != null && !sizes[index].equals(promised)) {
                        failures.put(index, "its header says " + promised.height() + "x" + promised.width()
                                + " but it decodes to " + sizes[index].height() + "x" + sizes[index].width());
                        onCpu[index] = null;
                        sizes[index] = promised;
                    }
                }
                onGpu.clear();
            }
        }
        for (int index : failures.keySet()) {
            Cuda.check(cudart.cudaMemsetAsync(output.at(layout.offset(index)), 0, layout.image(index).rgbBytes(),
                    stream.handle()), "cudaMemsetAsync");
        }
        stageAndCopyCpuImages(onCpu, layout, stream);
        return new DecodedImages(layout, output, count - onGpu.size() - failures.size(), failures);
    }

    private void decodeBatched(PinnedImages encoded, List<Integer> onGpu, ImageBatchLayout layout, CudaStream stream) {
        int batch = onGpu.size();
        if (batch != initializedBatch) {
            check(nvjpeg.nvjpegDecodeBatchedInitialize(handle, state, batch, 1, nvjpeg.NVJPEG_OUTPUT_RGBI),
                    "nvjpegDecodeBatchedInitialize(" + batch + ")");
            initializedBatch = batch;
        }
        try (PointerPointer<BytePointer> data = new PointerPointer<>(batch);
                SizeTPointer lengths = new SizeTPointer(batch);
                nvjpegImage_t destinations = new nvjpegImage_t(batch)) {
            for (int j = 0; j < batch; j++) {
                int index = onGpu.get(j);
                data.put(j, encoded.pointer(index));
                lengths.put(j, encoded.length(index));
                ImageGeometry image = layout.image(index);
                destinations.position(j).channel(0, new BytePointer(output.at(layout.offset(index))));
                destinations.position(j).pitch(0, 3L * image.width());
            }
            destinations.position(0);
            check(nvjpeg.nvjpegDecodeBatched(handle, state, data, lengths, destinations, stream.handle()),
                    "nvjpegDecodeBatched(" + batch + " images)");
        }
    }

    /**
     * Pinned memory for the bitstreams of callers that hold byte arrays: the hardware engine reads
     * them by DMA. The old block may still feed an earlier decode on the stream, so it is freed
     * only once the stream is done.
     */
    private PinnedMemory ensureBitstreams(long bytes, CudaStream stream) {
        if (bitstreams == null || bitstreams.bytes() < bytes) {
            long grown = Math.max(bytes, bitstreams == null ? 0 : bitstreams.bytes() * 3 / 2);
            PinnedMemory larger = PinnedMemory.allocate(grown); // first, so that a failure leaves no freed block behind
            if (bitstreams != null) {
                stream.complete();
                bitstreams.close();
            }
            bitstreams = larger;
        }
        return bitstreams;
    }

    private void stageAndCopyCpuImages(BufferedImage[] onCpu, ImageBatchLayout layout, CudaStream stream) {
        long bytes = 0;
        for (int i = 0; i < onCpu.length; i++) {
            if (onCpu[i] != null) {
                bytes += layout.image(i).rgbBytes();
            }
        }
        if (bytes == 0) {
            return;
        }
        if (staging == null || staging.bytes() < bytes) {
            if (staging != null) {
                stream.complete(); // the old staging block may still be feeding a copy
                staging.close();
            }
            staging = PinnedMemory.allocate(bytes);
        }
        long at = 0;
        for (int i = 0; i < onCpu.length; i++) {
            BufferedImage image = onCpu[i];
            if (image == null) {
                continue;
            }
            byte[] rgb = RgbPixels.of(image);
            staging.buffer().position((int) at).put(rgb);
            stream.copyToDevice(output.at(layout.offset(i)), staging.at(at), rgb.length);
            at += rgb.length;
        }
    }

    /** Decodes image {@code index} with ImageIO, or records why it cannot be decoded. */
    private static void decodeOnCpu(PinnedImages encoded, int index, BiFunction<Integer, Integer, ImageGeometry> geometry,
            ImageGeometry[] sizes, BufferedImage[] onCpu, Map<Integer, String> failures) {
        // ImageIO reads streams: this fallback (images nvJPEG does not take) copies the image once more.
        byte[] bytes = new byte[(int) encoded.length(index)];
        encoded.view(index).get(bytes);
        String failure;
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image != null) {
                sizes[index] = geometry.apply(image.getHeight(), image.getWidth());
                onCpu[index] = image;
                return;
            }
            failure = "it is in no format ImageIO or nvJPEG reads (" + bytes.length + " bytes)";
        } catch (IOException | RuntimeException e) {
            failure = "it is damaged: " + e.getMessage();
        }
        failures.put(index, failure);
        sizes[index] = geometry.apply(1, 1);
    }

    private void ensureOutput(long bytes) {
        if (output == null || output.bytes() < bytes) {
            if (output != null) {
                output.close();
            }
            // Grow by half again so that a slowly growing batch does not reallocate every time.
            output = DeviceMemory.allocate(Math.max(bytes, output == null ? 0 : output.bytes() * 3 / 2));
        }
    }

    private static void check(int status, String call) {
        if (status != nvjpeg.NVJPEG_STATUS_SUCCESS) {
            throw new CudaException(call, statusName(status), status);
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case 1 -> "NVJPEG_STATUS_NOT_INITIALIZED";
            case 2 -> "NVJPEG_STATUS_INVALID_PARAMETER";
            case 3 -> "NVJPEG_STATUS_BAD_JPEG";
            case 4 -> "NVJPEG_STATUS_JPEG_NOT_SUPPORTED";
            case 5 -> "NVJPEG_STATUS_ALLOCATOR_FAILURE";
            case 6 -> "NVJPEG_STATUS_EXECUTION_FAILED";
            case 7 -> "NVJPEG_STATUS_ARCH_MISMATCH";
            case 8 -> "NVJPEG_STATUS_INTERNAL_ERROR";
            case 9 -> "NVJPEG_STATUS_IMPLEMENTATION_NOT_SUPPORTED";
            case 10 -> "NVJPEG_STATUS_INCOMPLETE_BITSTREAM";
            default -> "nvJPEG status " + status;
        };
    }

    @Override
    public void close() {
        if (output != null) {
            output.close();
            output = null;
        }
        if (staging != null) {
            staging.close();
            staging = null;
        }
        if (bitstreams != null) {
            bitstreams.close();
            bitstreams = null;
        }
        if (stateCreated) {
            stateCreated = false;
            nvjpeg.nvjpegJpegStateDestroy(state);
        }
        if (!handle.isNull()) {
            nvjpeg.nvjpegDestroy(handle);
            handle.setNull();
        }
    }

    /**
     * Decoded images in the decoder's device buffer; valid until its next {@code decode}.
     *
     * @param failures the images that could not be decoded, by index, with the reason
     */
    public record DecodedImages(ImageBatchLayout layout, DeviceMemory rgb, int decodedOnCpu, Map<Integer, String> failures) {}
}
