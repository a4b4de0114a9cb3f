package io.flinkinference.engine.tensorrt.gpu;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.util.ArrayList;
import java.util.List;

/**
 * The argument array {@code cuLaunchKernel} takes: one host pointer per kernel parameter, each
 * pointing at that parameter's value. Values are added in the kernel's parameter order.
 */
public final class KernelArguments implements AutoCloseable {
    private final List<Pointer> values = new ArrayList<>();
    private PointerPointer<Pointer> array;

    /** A device address ({@code T*} in the kernel). */
    public KernelArguments address(long deviceAddress) {
        values.add(new LongPointer(1).put(deviceAddress));
        return this;
    }

    public KernelArguments int32(int value) {
        values.add(new IntPointer(1).put(value));
        return this;
    }

    public KernelArguments float32(float value) {
        values.add(new FloatPointer(1).put(value));
        return this;
    }

    /** The array to pass as {@code kernelParams}; built once, after the last value. */
    public PointerPointer<Pointer> array() {
        if (array == null) {
            array = new PointerPointer<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                array.put(i, values.get(i));
            }
        }
        return array;
    }

    @Override
    public void close() {
        values.forEach(Pointer::close);
        if (array != null) {
            array.close();
        }
    }
}
