package io.flinkinference.engine.tensorrt.gpu.preprocess;

import io.flinkinference.operators.image.ImageGeometry;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte layout the kernel reads: it must match {@code struct ImageDesc} in resize_normalize.cu. */
class ImageBatchLayoutTest {
    private static final Preprocessing TEXT_LINE = new Preprocessing(48, 192, Layout.NCHW, ChannelOrder.BGR, 1 / 255.0,
            List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), ResizeMode.FIT_HEIGHT_PAD);

    @Test
    void imagesFollowEachOtherAndDescriptorsStartAligned() {
        ImageBatchLayout layout = new ImageBatchLayout(List.of(
                ImageGeometry.of(TEXT_LINE, 32, 100), ImageGeometry.of(TEXT_LINE, 10, 1000), ImageGeometry.of(TEXT_LINE, 7, 3)));

        assertThat(layout.offset(0)).isZero();
        assertThat(layout.offset(1)).isEqualTo(32 * 100 * 3);
        assertThat(layout.offset(2)).isEqualTo(32 * 100 * 3 + 10 * 1000 * 3);
        assertThat(layout.totalBytes()).isEqualTo(32 * 100 * 3 + 10 * 1000 * 3 + 7 * 3 * 3);
        assertThat(layout.descriptorOffset() % 256).isZero();
        assertThat(layout.descriptorOffset()).isGreaterThanOrEqualTo(layout.totalBytes());
        assertThat(layout.bufferBytes()).isEqualTo(layout.descriptorOffset() + 3 * ImageBatchLayout.DESCRIPTOR_BYTES);
    }

    @Test
    void descriptorsCarryOffsetSizesAndTheHostDividedScales() {
        ImageGeometry wide = ImageGeometry.of(TEXT_LINE, 10, 1000);
        ImageGeometry narrow = ImageGeometry.of(TEXT_LINE, 32, 100);
        ImageBatchLayout layout = new ImageBatchLayout(List.of(narrow, wide));
        ByteBuffer bytes = ByteBuffer.allocate((int) layout.descriptorBytes()).order(ByteOrder.nativeOrder());

        layout.writeDescriptors(bytes, 48);

        assertThat(bytes.getLong(32)).isEqualTo(32 * 100 * 3);
        assertThat(bytes.getInt(40)).isEqualTo(10);
        assertThat(bytes.getInt(44)).isEqualTo(1000);
        assertThat(bytes.getInt(48)).isEqualTo(192); // 48 * 1000 / 10 = 4800, capped at the target width
        assertThat(bytes.getFloat(52)).isEqualTo(1000f / 192f);
        assertThat(bytes.getFloat(56)).isEqualTo(10f / 48f);
        assertThat(bytes.getInt(16)).isEqualTo(ImageGeometry.resizedWidth(TEXT_LINE, 32, 100));
        assertThat(narrow.resizedWidth()).isEqualTo(150);
    }
}
