package io.flinkinference.jobs.kafka;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Avro's binary decoder over one message in memory, refusing any length or count that the bytes
 * left in the message cannot hold. Avro itself allocates whatever a string or bytes length claims
 * (up to its JVM-wide {@code org.apache.avro.limits.*} properties, read once per class loader and
 * 2 GB by default), so a 65-byte message claiming a 2 GB string costs an {@code OutOfMemoryError}.
 * A claim larger than the message is corrupt by definition; this refuses it before allocating.
 *
 * <p>Counts of array and map items are held to the bytes left too, since every item of the
 * schemas read here takes at least one byte; an array of {@code null}s, which takes none, would be
 * refused beyond the message's size.
 */
final class BoundedBinaryDecoder extends Decoder {
    private final BinaryDecoder in;
    private final int messageBytes;

    BoundedBinaryDecoder(byte[] bytes, int offset, int length) {
        this.in = DecoderFactory.get().binaryDecoder(bytes, offset, length, null);
        this.messageBytes = length;
    }

    /** Bytes not yet read: the byte-array source's buffer is the message itself. */
    private int remaining() throws IOException {
        return in.inputStream().available();
    }

    private int checkLength(long length, String what) throws IOException {
        int remaining = remaining();
        if (length < 0 || length > remaining) {
            throw new AvroRuntimeException("Malformed message: a " + what + " of " + length + " bytes is claimed with "
                    + remaining + " of the message's " + messageBytes + " bytes left");
        }
        return (int) length;
    }

    private long checkCount(long count, String what) throws IOException {
        int remaining = remaining();
        if (count > remaining) {
            throw new AvroRuntimeException("Malformed message: " + count + " " + what + " items are claimed with "
                    + remaining + " of the message's " + messageBytes + " bytes left");
        }
        return count;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkLength(in.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkLength(in.readLong(), "bytes field");
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkCount(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkCount(in.arrayNext(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkCount(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkCount(in.mapNext(), "map");
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
