package io.flinkinference.operators.engine;

/**
 * An input tensor does not match what the model declares (name, dtype, shape, batch size). Thrown
 * before any native call, with the tensor, what was given and what the model expects.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
