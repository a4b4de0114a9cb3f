package io.flinkinference.engine.tensorrt;

import io.flinkinference.operators.engine.EngineException;
import org.bytedeco.javacpp.Pointer;

import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Makes JavaCPP delete a TensorRT object that a factory function returned (a runtime, an engine,
 * an execution context) when its Java handle is closed.
 *
 * <p>Why: JavaCPP owns only the objects it allocates itself; a pointer returned by
 * {@code createInferRuntime}, {@code deserializeCudaEngine} or {@code createExecutionContext} is
 * wrapped without a deallocator, so {@code close()} frees nothing, and TensorRT 10 frees its
 * objects only through C++ {@code delete}. In a TaskManager that outlives many job attempts, every
 * restart would leave an engine's weights and its contexts' activation memory on the GPU.
 *
 * <p>How: an object of the same class allocated by JavaCPP carries a native deallocator that calls
 * that class's {@code delete} (through its virtual destructor, so the TensorRT implementation
 * behind the interface is destroyed). Its address is given to the returned object through
 * {@code Pointer.init}, the package-private method JavaCPP's own generated code uses to hand over
 * ownership. This reaches into JavaCPP 1.5.13's internals on purpose; the version is pinned in the
 * parent POM, and {@link #own} fails loudly if those internals change.
 */
public final class NativeOwnership {
    private static final Method DEALLOCATOR;
    private static final Method DEALLOCATOR_ADDRESS;
    private static final Method INIT;

    static {
        try {
            DEALLOCATOR = Pointer.class.getDeclaredMethod("deallocator");
            DEALLOCATOR.setAccessible(true);
            Class<?> nativeDeallocator = Class.forName(Pointer.class.getName() + "$NativeDeallocator");
            DEALLOCATOR_ADDRESS = nativeDeallocator.getMethod("deallocatorAddress");
            INIT = Pointer.class.getDeclaredMethod("init", long.class, long.class, long.class, long.class);
            INIT.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("JavaCPP's Pointer internals changed (" + e
                    + "); NativeOwnership is written for JavaCPP 1.5.13");
        }
    }

    private NativeOwnership() {}

    /**
     * Gives {@code returned} the native deallocator of its class, taken from a throwaway object
     * that JavaCPP allocates with {@code allocatedByJavaCpp}. A null or already owned pointer is
     * returned as it is.
     */
    public static <P extends Pointer> P own(P returned, Supplier<P> allocatedByJavaCpp) {
        if (returned == null || returned.isNull()) {
            return returned;
        }
        try {
            if (DEALLOCATOR.invoke(returned) != null) {
                return returned;
            }
            long deallocate;
            try (P sample = allocatedByJavaCpp.get()) {
                deallocate = (long) DEALLOCATOR_ADDRESS.invoke(DEALLOCATOR.invoke(sample));
            }
            INIT.invoke(returned, returned.address(), 1L, returned.address(), deallocate);
            return returned;
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new EngineException("Could not take ownership of a " + returned.getClass().getSimpleName()
                    + " from JavaCPP (" + e + "); TensorRT objects would not be freed", e);
        }
    }

    /** Whether closing {@code pointer} will free its native object. */
    public static boolean owned(Pointer pointer) {
        try {
            return DEALLOCATOR.invoke(pointer) != null;
        } catch (ReflectiveOperationException e) {
            throw new EngineException("JavaCPP's Pointer internals changed: " + e, e);
        }
    }
}
