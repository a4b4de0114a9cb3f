package io.flinkinference.engine.tensorrt.gpu.preprocess;

import io.flinkinference.operators.image.ImageGeometry;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte layout the kernel reads: it must match {@code struct ImageDesc} in resize_normalize.cu. */
class ImageBatchLayoutTest {
    private static final Preprocessing TEXT_LINE = new Preprocessing(48, 192, Layout.NCHW, ChannelOrder.BGR, 1 / 255.0,
            List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), ResizeMode.FIT_HEIGHT_PAD);
    private static final Preprocessing IMAGENET = new Preprocessing(224, 224, Layout.NCHW, ChannelOrder.RGB, 1 / 255.0,
            List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ResizeMode.SHORT_SIDE_CENTER_CROP);

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

        layout.writeDescriptors(bytes);

        int second = ImageBatchLayout.DESCRIPTOR_BYTES;
        assertThat(bytes.getLong(second)).isEqualTo(32 * 100 * 3);
        assertThat(bytes.getInt(second + 8)).isEqualTo(10);
        assertThat(bytes.getInt(second + 12)).isEqualTo(1000);
        assertThat(bytes.getInt(second + 16)).isEqualTo(192); // 48 * 1000 / 10 = 4800, capped at the target width
        assertThat(bytes.getFloat(second + 20)).isEqualTo(1000f / 192f);
        assertThat(bytes.getFloat(second + 24)).isEqualTo(10f / 48f);
        assertThat(bytes.getInt(16)).isEqualTo(150);
        assertThat(bytes.getInt(28)).as("no crop").isZero();
        assertThat(bytes.getInt(32)).isZero();
    }

    /**
     * Reads {@code struct ImageDesc} from the kernel source and checks each field the Java side
     * writes at the offset the compiler gives it, so that neither side can change alone.
     */
    @Test
    void descriptorsMatchTheKernelsStructFieldByField() {
        Map<String, Integer> offsets = structOffsets(PreprocessKernel.source());
        ImageGeometry photo = ImageGeometry.of(IMAGENET, 480, 640); // 256 x 341, crop at (58, 16)
        ImageBatchLayout layout = new ImageBatchLayout(List.of(ImageGeometry.of(IMAGENET, 7, 9), photo));
        ByteBuffer bytes = ByteBuffer.allocate((int) layout.descriptorBytes()).order(ByteOrder.nativeOrder());

        layout.writeDescriptors(bytes);

        assertThat(offsets).containsKeys("offset", "height", "width", "resized_width", "scale_x", "scale_y", "left", "top");
        assertThat(offsets.get("sizeof")).isEqualTo(ImageBatchLayout.DESCRIPTOR_BYTES);
        int at = ImageBatchLayout.DESCRIPTOR_BYTES;
        assertThat(bytes.getLong(at + offsets.get("offset"))).isEqualTo(layout.offset(1));
        assertThat(bytes.getInt(at + offsets.get("height"))).isEqualTo(480);
        assertThat(bytes.getInt(at + offsets.get("width"))).isEqualTo(640);
        assertThat(bytes.getInt(at + offsets.get("resized_width"))).isEqualTo(341);
        assertThat(bytes.getFloat(at + offsets.get("scale_x"))).isEqualTo(640f / 341f);
        assertThat(bytes.getFloat(at + offsets.get("scale_y"))).isEqualTo(480f / 256f);
        assertThat(bytes.getInt(at + offsets.get("left"))).isEqualTo(58);
        assertThat(bytes.getInt(at + offsets.get("top"))).isEqualTo(16);
    }

    /** Field offsets of {@code struct ImageDesc} under C's layout rules (each field aligned to its size), and its size. */
    private static Map<String, Integer> structOffsets(String source) {
        Matcher struct = Pattern.compile("struct ImageDesc \\{(.*?)\\};", Pattern.DOTALL).matcher(source);
        assertThat(struct.find()).as("struct ImageDesc in the kernel source").isTrue();
        Matcher field = Pattern.compile("^\\s*(long long|int|float)\\s+(\\w+);", Pattern.MULTILINE).matcher(struct.group(1));
        Map<String, Integer> offsets = new LinkedHashMap<>();
        int next = 0;
        int alignment = 1;
        while (field.find()) {
            int size = field.group(1).equals("long long") ? 8 : 4;
            next = (next + size - 1) / size * size;
            offsets.put(field.group(2), next);
            next += size;
            alignment = Math.max(alignment, size);
        }
        offsets.put("sizeof", (next + alignment - 1) / alignment * alignment);
        return offsets;
    }
}
