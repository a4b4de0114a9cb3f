package io.flinkinference.engine.tensorrt;

import org.bytedeco.tensorrt.nvinfer.ILogger;

import java.util.List;

/** TensorRT's logger callback: hands every message to {@link TensorRtMessages}. */
public final class TensorRtLogger extends ILogger {
    private final TensorRtMessages messages;

    /** A logger for running plans: errors are kept for the exceptions they explain. */
    public TensorRtLogger() {
        this(false);
    }

    /** @param keepWarnings whether warnings are kept too (the plan builder's case) */
    public TensorRtLogger(boolean keepWarnings) {
        this.messages = new TensorRtMessages(keepWarnings);
    }

    @Override
    public void log(Severity severity, String message) {
        messages.accept(severity, message);
    }

    /** The errors (and warnings, where kept) since the last call, oldest first; clears them. */
    public List<String> drainErrors() {
        return messages.drain();
    }
}
