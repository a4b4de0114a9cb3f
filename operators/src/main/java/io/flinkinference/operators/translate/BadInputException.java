package io.flinkinference.operators.translate;

import io.flinkinference.operators.InferenceFailure;

/**
 * A record that cannot be processed (corrupt image, wrong tensor size, ...). It becomes a failure
 * record on the side output; unlike an engine error it never fails the task.
 */
public class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final InferenceFailure.Stage stage;

    public BadInputException(InferenceFailure.Stage stage, String message) {
        super(message);
        this.stage = stage;
    }

    public BadInputException(InferenceFailure.Stage stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    public InferenceFailure.Stage stage() {
        return stage;
    }
}
