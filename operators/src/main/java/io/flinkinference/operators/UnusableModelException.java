package io.flinkinference.operators;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * The model version a subtask must serve cannot be used as it is in the store: a file differs
 * from its manifest's checksum or size, or is missing. Restarting cannot heal that, so Flink is
 * told not to try ({@link ThrowableType#NonRecoverableError}): the job fails at once with this
 * message instead of restarting until its restart strategy gives up.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class UnusableModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnusableModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
