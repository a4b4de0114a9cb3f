package io.flinkinference.engine.tensorrt;

import org.bytedeco.tensorrt.nvinfer.ILogger.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What TensorRT says, routed to SLF4J by severity, with the last problems kept so that a failed
 * call (which TensorRT reports as {@code false} or null) can be explained in the exception it
 * becomes. Plain Java, apart from the severity type, so its routing is tested without TensorRT.
 */
final class TensorRtMessages {
    private static final Logger LOG = LoggerFactory.getLogger("io.flinkinference.tensorrt");
    private static final int KEPT = 8;

    private final boolean keepWarnings;
    private final Deque<String> problems = new ArrayDeque<>();

    /**
     * @param keepWarnings whether warnings count as problems too: a builder that lacks its per-GPU
     *     resources fails with nothing logged as an error, only warnings
     */
    TensorRtMessages(boolean keepWarnings) {
        this.keepWarnings = keepWarnings;
    }

    /**
     * Takes one message. JavaCPP hands enums from native code as fresh objects whose ordinal is 0
     * ({@code ==} and {@code switch} would treat every message as an internal error), so the
     * severity is mapped to its constant first.
     */
    void accept(Severity severity, String message) {
        Severity canonical = severity.intern();
        switch (canonical) {
            case kINTERNAL_ERROR, kERROR -> {
                LOG.error(message);
                keep(message);
            }
            case kWARNING -> {
                LOG.warn(message);
                if (keepWarnings) {
                    keep(message);
                }
            }
            case kINFO -> LOG.info(message);
            default -> LOG.debug(message);
        }
    }

    private void keep(String message) {
        synchronized (problems) {
            if (problems.size() == KEPT) {
                problems.removeFirst();
            }
            problems.addLast(message);
        }
    }

    /** The problems kept since the last call, oldest first; clears them. */
    List<String> drain() {
        synchronized (problems) {
            List<String> drained = new ArrayList<>(problems);
            problems.clear();
            return drained;
        }
    }
}
