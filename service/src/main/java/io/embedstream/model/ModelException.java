package io.embedstream.model;

/** A model could not be loaded or run. The message says which model, which tensor and why. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
