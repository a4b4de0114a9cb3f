package io.flinkinference.operators.image;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The frame header of a JPEG, read by walking its markers up to the first SOF segment: enough to
 * size the decoded image and to route it, without asking nvJPEG to parse the whole stream. The
 * hardware decoder takes baseline (SOF0) JPEGs with one or three components; everything else
 * (progressive, lossless, arithmetic-coded, CMYK) goes to another decoder.
 */
public record JpegHeader(int frameType, int height, int width, int components) {
    private static final int SOI = 0xD8;
    private static final int SOS = 0xDA;

    /** The header, or empty when the bytes are not a JPEG or end before a frame header. */
    public static Optional<JpegHeader> read(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }

    /**
     * The header of the image in {@code bytes} from its position to its limit, read in place (for
     * images in staging memory); the buffer's position is left as it is.
     */
    public static Optional<JpegHeader> read(ByteBuffer image) {
        ByteBuffer bytes = image.slice();
        int size = bytes.limit();
        if (size < 4 || (bytes.get(0) & 0xff) != 0xFF || (bytes.get(1) & 0xff) != SOI) {
            return Optional.empty();
        }
        int at = 2;
        while (at + 4 <= size) {
            if ((bytes.get(at) & 0xff) != 0xFF) {
                return Optional.empty();
            }
            int marker = bytes.get(at + 1) & 0xff;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            int length = ((bytes.get(at + 2) & 0xff) << 8) | (bytes.get(at + 3) & 0xff);
            if (isFrameHeader(marker)) {
                if (at + 9 >= size) {
                    return Optional.empty();
                }
                int height = ((bytes.get(at + 5) & 0xff) << 8) | (bytes.get(at + 6) & 0xff);
                int width = ((bytes.get(at + 7) & 0xff) << 8) | (bytes.get(at + 8) & 0xff);
                int components = bytes.get(at + 9) & 0xff;
                return height > 0 && width > 0 ? Optional.of(new JpegHeader(marker, height, width, components)) : Optional.empty();
            }
            if (marker == SOS || length < 2) {
                return Optional.empty(); // scan data before any frame header: not a valid JPEG
            }
            at += 2 + length;
        }
        return Optional.empty();
    }

    /** SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** Baseline sequential Huffman: what nvJPEG's hardware engine decodes. */
    public boolean baseline() {
        return frameType == 0xC0;
    }

    public boolean hardwareDecodable() {
        return baseline() && (components == 1 || components == 3);
    }
}
