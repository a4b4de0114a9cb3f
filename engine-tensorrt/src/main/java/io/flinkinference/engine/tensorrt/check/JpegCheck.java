package io.flinkinference.engine.tensorrt.check;

import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder.Backend;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder.DecodedImages;
import io.flinkinference.engine.tensorrt.gpu.jpeg.RgbPixels;
import io.flinkinference.engine.tensorrt.gpu.preprocess.ImageBatchLayout;
import io.flinkinference.operators.image.ImageGeometry;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Step 3: nvJPEG's batched decode against ImageIO on the same files (sizes, qualities, a
 * progressive JPEG and a PNG for the CPU fallback), then its speed against ImageIO on all cores.
 */
final class JpegCheck {
    /** Over all pixels of the batch: libjpeg smooths chroma when upsampling, nvJPEG does not. */
    private static final double MAX_MEAN_DIFFERENCE = 3.0;
    /** Any one image: a wrong decode (offsets, strides, channel order) differs by tens of levels. */
    private static final double MAX_IMAGE_DIFFERENCE = 8.0;

    private JpegCheck() {}

    static void run(CheckReport report, int device, Path samples) throws IOException {
        List<byte[]> mixed = SampleFolders.read(samples.resolve("mixed"));
        try (CudaStream stream = new CudaStream(); NvJpegDecoder decoder = NvJpegDecoder.open(device, Backend.HARDWARE)) {
            report.say("nvJPEG backend: " + decoder.backend());
            compare(report, decoder, mixed, stream);
            for (String set : List.of("batch224", "batch640")) {
                time(report, decoder, set, SampleFolders.read(samples.resolve(set)), stream);
            }
        }
        for (int threads : new int[] {2, 4, 8}) {
            timeParallel(report, device, Backend.HARDWARE, threads, "batch224", SampleFolders.read(samples.resolve("batch224")));
        }
        try (CudaStream stream = new CudaStream(); NvJpegDecoder cores = NvJpegDecoder.open(device, Backend.GPU_HYBRID)) {
            compare(report, cores, mixed, stream);
            for (String set : List.of("batch224", "batch640")) {
                time(report, cores, set, SampleFolders.read(samples.resolve(set)), stream);
            }
        }
    }

    private static void compare(CheckReport report, NvJpegDecoder decoder, List<byte[]> images, CudaStream stream) {
        DecodedImages decoded = decoder.decode(images, ImageGeometry::unresized, stream);
        ImageBatchLayout layout = decoded.layout();
        double worstMean = 0;
        String worstImage = "";
        long differenceSum = 0;
        long valueCount = 0;
        List<String> means = new java.util.ArrayList<>();
        try (PinnedMemory host = PinnedMemory.allocate(layout.totalBytes())) {
            stream.copyToHost(host.pointer(), decoded.rgb().pointer(), layout.totalBytes());
            stream.complete();
            ByteBuffer all = host.buffer();
            for (int i = 0; i < images.size(); i++) {
                BufferedImage reference = imageIo(images.get(i));
                ImageGeometry size = layout.image(i);
                if (reference.getHeight() != size.height() || reference.getWidth() != size.width()) {
                    report.check("nvJPEG image " + i + " size", false, size.height() + "x" + size.width() + " vs ImageIO "
                            + reference.getHeight() + "x" + reference.getWidth());
                    continue;
                }
                byte[] expected = RgbPixels.of(reference);
                long sum = 0;
                for (int b = 0; b < expected.length; b++) {
                    sum += Math.abs((expected[b] & 0xff) - (all.get((int) layout.offset(i) + b) & 0xff));
                }
                double mean = (double) sum / expected.length;
                differenceSum += sum;
                valueCount += expected.length;
                means.add(String.format("%dx%d:%.2f", size.height(), size.width(), mean));
                if (mean > worstMean) {
                    worstMean = mean;
                    worstImage = "image " + i + " (" + size.height() + "x" + size.width() + ")";
                }
            }
        }
        report.say("mean abs difference per image (" + decoder.backend() + "): " + String.join(" ", means));
        double batchMean = (double) differenceSum / valueCount;
        report.check("nvJPEG " + decoder.backend().name().toLowerCase() + " vs ImageIO pixels",
                batchMean <= MAX_MEAN_DIFFERENCE && worstMean <= MAX_IMAGE_DIFFERENCE, String.format(
                "%d images (%d on the CPU fallback): mean abs difference %.2f over the batch (limit %.1f), worst image %.2f "
                        + "on %s (limit %.1f; chroma upsampling differs from libjpeg's, most on small, saturated images)",
                images.size(), decoded.decodedOnCpu(), batchMean, MAX_MEAN_DIFFERENCE, worstMean, worstImage,
                MAX_IMAGE_DIFFERENCE));
    }

    private static void time(CheckReport report, NvJpegDecoder decoder, String set, List<byte[]> images, CudaStream stream) {
        double gpuRate = images.size() / MemoryCheck.median(5, () -> MemoryCheck.timeSeconds(() -> {
            decoder.decode(images, ImageGeometry::unresized, stream);
            stream.complete();
        }));
        double cpuRate = cpuRate(images);
        long bytes = images.stream().mapToLong(image -> image.length).sum();
        report.figure(String.format("nvJPEG %s, %s (%d images, %.0f KB avg)", decoder.backend().name().toLowerCase(),
                set, images.size(), bytes / 1e3 / images.size()), gpuRate / cpuRate, 5.0,
                String.format("%.1f k img/s vs ImageIO on %d cores %.1f k img/s", gpuRate / 1e3, cores(), cpuRate / 1e3));
    }

    /**
     * Several decoders on their own threads and streams, as several task slots on one GPU run them:
     * one batched call does not keep all of the GPU's JPEG engines busy with small images.
     */
    static void timeParallel(CheckReport report, int device, Backend backend, int threads, String set, List<byte[]> images) {
        List<NvJpegDecoder> decoders = new java.util.ArrayList<>();
        List<CudaStream> streams = new java.util.ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                int index = t;
                pool.submit(() -> {
                    Cuda.use(device);
                    synchronized (decoders) {
                        decoders.add(NvJpegDecoder.open(device, backend));
                        streams.add(new CudaStream());
                    }
                    return index;
                }).get();
            }
            Runnable round = () -> {
                List<Future<?>> running = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    NvJpegDecoder decoder = decoders.get(t);
                    CudaStream stream = streams.get(t);
                    running.add(pool.submit(() -> {
                        Cuda.use(device);
                        decoder.decode(images, ImageGeometry::unresized, stream);
                        stream.complete();
                    }));
                }
                for (Future<?> future : running) {
                    try {
                        future.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            double gpuRate = (double) threads * images.size() / MemoryCheck.median(5, () -> MemoryCheck.timeSeconds(round));
            double cpuRate = cpuRate(images);
            report.figure(String.format("nvJPEG %s x %d decoders, %s", decoders.get(0).backend().name().toLowerCase(), threads,
                    set), gpuRate / cpuRate, 5.0, String.format("%.1f k img/s vs ImageIO on %d cores %.1f k img/s",
                    gpuRate / 1e3, cores(), cpuRate / 1e3));
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
            decoders.forEach(NvJpegDecoder::close);
            streams.forEach(CudaStream::close);
        }
    }

    private static double cpuRate(List<byte[]> images) {
        return cpuRate(images, JpegCheck::imageIo);
    }

    /** Images per second that {@code work} gets through on all cores, after three warm-up rounds. */
    static double cpuRate(List<byte[]> images, java.util.function.Consumer<byte[]> work) {
        ForkJoinPool pool = new ForkJoinPool(cores());
        Runnable round = () -> pool.submit(() -> images.parallelStream().forEach(work)).join();
        try {
            for (int warmUp = 0; warmUp < 3; warmUp++) { // ImageIO's decoder runs several times faster once compiled
                round.run();
            }
            return images.size() / MemoryCheck.median(3, () -> MemoryCheck.timeSeconds(round));
        } finally {
            pool.shutdown();
        }
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static BufferedImage imageIo(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
