package io.flinkinference.engine.tensorrt.check;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.CudaTimer;
import io.flinkinference.engine.tensorrt.gpu.DeviceMemory;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import io.flinkinference.engine.tensorrt.gpu.preprocess.ImageBatchLayout;
import io.flinkinference.operators.image.ImageGeometry;
import io.flinkinference.engine.tensorrt.gpu.preprocess.KernelVerification;
import io.flinkinference.engine.tensorrt.gpu.preprocess.PreprocessKernel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Step 2: the preprocessing kernel against {@link PreprocessReference} on random images of random
 * sizes in every mode, channel order and layout (output poisoned with NaN first, so an unwritten
 * value fails), then its speed at two model input sizes against the bytes-moved roofline.
 */
final class PreprocessCheck {
    static final Preprocessing CLASSIFIER_224 = new Preprocessing(224, 224, Layout.NCHW, ChannelOrder.RGB, 1 / 255.0,
            List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ResizeMode.STRETCH);
    /** The ImageNet evaluation recipe: short side to 256, the centre 224 x 224. */
    static final Preprocessing CLASSIFIER_224_CROP = new Preprocessing(224, 224, Layout.NCHW, ChannelOrder.RGB, 1 / 255.0,
            List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ResizeMode.SHORT_SIDE_CENTER_CROP);
    static final Preprocessing TEXT_LINE_48x192 = new Preprocessing(48, 192, Layout.NCHW, ChannelOrder.BGR, 1 / 255.0,
            List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), ResizeMode.FIT_HEIGHT_PAD);

    private PreprocessCheck() {}

    static void run(CheckReport report, int device, double deviceBandwidth, int batch) {
        PreprocessKernel kernel = PreprocessKernel.on(device);
        SplittableRandom random = new SplittableRandom(42);
        double worst = 0;
        int configurations = 0;
        for (ResizeMode mode : ResizeMode.values()) {
            for (ChannelOrder order : ChannelOrder.values()) {
                for (Layout layout : Layout.values()) {
                    Preprocessing spec = new Preprocessing(20 + random.nextInt(60), 20 + random.nextInt(200), layout, order,
                            1 / 255.0, List.of(0.485, 0.456, 0.406).subList(0, order == ChannelOrder.GRAY ? 1 : 3),
                            List.of(0.229, 0.224, 0.225).subList(0, order == ChannelOrder.GRAY ? 1 : 3), mode);
                    worst = Math.max(worst, KernelVerification.maxDifference(kernel, spec, 12, random));
                    configurations++;
                }
            }
        }
        report.check("preprocessing kernel vs Java reference", worst <= 1e-5, String.format(
                "max abs difference %.2e over %d configurations x 12 random images of random sizes (limit 1e-5)",
                worst, configurations));

        time(report, kernel, CLASSIFIER_224, 256, 256, batch, deviceBandwidth);
        time(report, kernel, CLASSIFIER_224_CROP, 480, 640, batch, deviceBandwidth);
        time(report, kernel, TEXT_LINE_48x192, 64, 320, batch, deviceBandwidth);
        time(report, kernel, TEXT_LINE_48x192, 64, 320, batch * 4, deviceBandwidth);
    }

    /** Times the kernel on a batch of same-size images; compares with the bytes it must move at device bandwidth. */
    private static void time(CheckReport report, PreprocessKernel kernel, Preprocessing spec, int sourceHeight,
            int sourceWidth, int batch, double deviceBandwidth) {
        List<ImageGeometry> sizes = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            sizes.add(ImageGeometry.of(spec, sourceHeight, sourceWidth));
        }
        ImageBatchLayout layout = new ImageBatchLayout(sizes);
        long outputBytes = 4L * spec.channels() * spec.height() * spec.width() * batch;
        int rotations = 4; // several input sets, so that repeated runs do not time the L2 cache
        long inputBytes = layout.bufferBytes();
        try (PinnedMemory hostIn = PinnedMemory.allocate(inputBytes);
                DeviceMemory deviceIn = DeviceMemory.allocate(inputBytes * rotations);
                DeviceMemory deviceOut = DeviceMemory.allocate(outputBytes * rotations);
                CudaStream stream = new CudaStream();
                CudaTimer timer = new CudaTimer()) {
            ByteBuffer in = hostIn.buffer();
            MemoryCheck.fillRandom(in, 5);
            layout.writeDescriptors(in.position((int) layout.descriptorOffset()).slice());
            for (int r = 0; r < rotations; r++) {
                stream.copyToDevice(deviceIn.at(r * inputBytes), hostIn.pointer(), inputBytes);
            }
            List<PreprocessKernel.Launch> prepared = new ArrayList<>();
            for (int r = 0; r < rotations; r++) {
                long base = deviceIn.address() + r * inputBytes;
                prepared.add(kernel.prepare(spec, base, base + layout.descriptorOffset(), batch, deviceOut.address() + r * outputBytes));
            }
            int launches = 200;
            float[] millis = new float[5];
            for (int run = -1; run < millis.length; run++) {
                timer.start(stream);
                for (int i = 0; i < launches; i++) {
                    prepared.get(i % rotations).enqueue(stream);
                }
                float elapsed = timer.stopMillis(stream);
                Cuda.checkLaunch("resize_normalize");
                if (run >= 0) {
                    millis[run] = elapsed;
                }
            }
            prepared.forEach(PreprocessKernel.Launch::close);
            Arrays.sort(millis);
            double secondsPerBatch = millis[millis.length / 2] / 1e3 / launches;
            double imagesPerSecond = batch / secondsPerBatch;
            double bytesPerImage = (double) (layout.totalBytes() + outputBytes) / batch;
            double rooflineImages = deviceBandwidth / bytesPerImage;
            report.figure(String.format("preprocess %dx%d -> %dx%d %s, batch %d", sourceHeight, sourceWidth, spec.height(),
                    spec.width(), spec.resizeMode().id(), batch), imagesPerSecond / rooflineImages, 0.5,
                    String.format("%.0f k img/s (%.1f us/batch) vs roofline %.0f k img/s (%.0f KB moved per image)",
                            imagesPerSecond / 1e3, secondsPerBatch * 1e6, rooflineImages / 1e3, bytesPerImage / 1e3));
        }
    }
}
