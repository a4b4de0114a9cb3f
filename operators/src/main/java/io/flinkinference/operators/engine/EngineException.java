package io.flinkinference.operators.engine;

/**
 * The engine itself failed (native error, out of memory, a model the runtime rejects). Unlike a
 * bad record, this fails the task so that Flink restarts it from the last checkpoint.
 */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
