package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Float32 tensors as the Python scripts read and write them: the raw little-endian values, the
 * shape travelling beside them in the JSON (no numpy file format, so the Java side needs no parser).
 */
final class TensorFiles {
    private TensorFiles() {}

    static void write(Tensor tensor, Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) tensor.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(tensor.floats());
        Files.write(file, bytes.array());
    }

    static Tensor read(Path file, List<Long> shape) throws IOException {
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, shape.stream().mapToLong(Long::longValue).toArray());
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != tensor.elementCount() * Float.BYTES) {
            throw new IllegalStateException(file + " holds " + bytes.length + " bytes, not the " + tensor.elementCount()
                    + " floats of " + tensor + ".");
        }
        tensor.buffer().asFloatBuffer().put(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        return tensor;
    }
}
