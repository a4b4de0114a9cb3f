package io.flinkinference.engine.tensorrt;

import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Sends TensorRT's messages to SLF4J and keeps the last errors, so that a failed call (which
 * TensorRT reports as {@code false} or null) can be explained in the exception it becomes.
 */
final class TensorRtLogger extends ILogger {
    private static final Logger LOG = LoggerFactory.getLogger("io.flinkinference.tensorrt");
    private static final int KEPT = 8;

    private final Deque<String> errors = new ArrayDeque<>();

    @Override
    public void log(Severity severity, String message) {
        switch (severity) {
            case kINTERNAL_ERROR, kERROR -> {
                LOG.error(message);
                synchronized (errors) {
                    if (errors.size() == KEPT) {
                        errors.removeFirst();
                    }
                    errors.addLast(message);
                }
            }
            case kWARNING -> LOG.warn(message);
            case kINFO -> LOG.info(message);
            default -> LOG.debug(message);
        }
    }

    /** The errors since the last call, oldest first; clears them. */
    List<String> drainErrors() {
        synchronized (errors) {
            List<String> drained = new ArrayList<>(errors);
            errors.clear();
            return drained;
        }
    }
}
