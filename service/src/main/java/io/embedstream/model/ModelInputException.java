package io.embedstream.model;

/**
 * TensorFlow rejected the values of the input (an {@code InvalidArgument} error from the graph, such
 * as a failed assertion or numeric check). Unlike other {@link ModelException}s this is caused by
 * the data, so the stream layer isolates the offending record instead of failing.
 */
public class ModelInputException extends ModelException {
    public ModelInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
