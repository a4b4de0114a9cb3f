package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.manifest.DataType;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.ILogger.Severity;
import org.junit.jupiter.api.Test;
import sun.misc.Unsafe;

import java.lang.reflect.Field;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enums that TensorRT hands back through JavaCPP (a logger callback's severity, a tensor's data
 * type or IO mode) are fresh objects carrying only {@code value}: their ordinal is 0, so {@code ==}
 * against a constant is false and a {@code switch} takes its first case (seen on the H200 with
 * JavaCPP 1.5.11 and 1.5.13). These tests build such objects the way the JNI layer does (an
 * instance allocated without a constructor, then its {@code value} set), so the handling is
 * checked on machines without TensorRT.
 */
class NativeEnumsTest {

    @Test
    void fromNativeCodeAnEnumIsNotItsConstant() throws Exception {
        Severity info = fromNative(Severity.class, Severity.kINFO.value);

        assertThat(info == Severity.kINFO).isFalse();
        assertThat(info.ordinal()).isZero(); // what a switch reads: kINTERNAL_ERROR's position
        assertThat(info.intern()).isSameAs(Severity.kINFO);
    }

    @Test
    void messagesAreRoutedByTheirRealSeverity() throws Exception {
        TensorRtMessages messages = new TensorRtMessages(false);
        messages.accept(fromNative(Severity.class, Severity.kINFO.value), "an info line");
        messages.accept(fromNative(Severity.class, Severity.kWARNING.value), "a warning");
        messages.accept(fromNative(Severity.class, Severity.kERROR.value), "an error");
        messages.accept(fromNative(Severity.class, Severity.kVERBOSE.value), "chatter");

        assertThat(messages.drain()).containsExactly("an error");
        assertThat(messages.drain()).isEmpty();
    }

    @Test
    void theBuildersMessagesKeepWarningsToo() throws Exception {
        TensorRtMessages messages = new TensorRtMessages(true);
        messages.accept(fromNative(Severity.class, Severity.kWARNING.value), "no builder resource");
        messages.accept(fromNative(Severity.class, Severity.kINFO.value), "progress");

        assertThat(messages.drain()).containsExactly("no builder resource");
    }

    @Test
    void dataTypesFromNativeCodeMapToTheirOwnType() throws Exception {
        assertThat(TensorRtEngine.dataType("x", fromNative(nvinfer.DataType.class, nvinfer.DataType.kHALF.value).intern()))
                .isEqualTo(DataType.FLOAT16);
        assertThat(TensorRtEngine.dataType("x", fromNative(nvinfer.DataType.class, nvinfer.DataType.kINT64.value).intern()))
                .isEqualTo(DataType.INT64);
    }

    /** An enum object as JavaCPP's JNI code creates it: allocated, never constructed, value set. */
    private static <E extends Enum<E>> E fromNative(Class<E> type, int value) throws Exception {
        Field unsafeField = Unsafe.class.getDeclaredField("theUnsafe");
        unsafeField.setAccessible(true);
        Unsafe unsafe = (Unsafe) unsafeField.get(null);
        E instance = type.cast(unsafe.allocateInstance(type));
        unsafe.putInt(instance, unsafe.objectFieldOffset(type.getField("value")), value);
        return instance;
    }
}
