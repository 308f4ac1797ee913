package io.embedstream.model.runtime;

import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelException;
import io.embedstream.model.ModelInputException;
import java.util.Arrays;
import java.util.function.Consumer;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Runs one batch per call with a single {@code Session.run}: feeds the model input, fetches the
 * configured tensor and copies it into a {@link FloatBatch}.
 *
 * <p>Thread-confined: one stream thread uses it and closes it. It closes its TF session only when it
 * owns it (per-thread mode); in shared mode the model owns the session and {@link #close()} only
 * detaches this view. Every Tensor and Result is closed before {@link #run} returns.
 */
final class TfInferenceSession implements InferenceSession {

    private final Session session;
    private final boolean ownsSession;
    private final Output<?> input;
    private final Output<?> output;
    private final String inputName;
    private final long[] inputShape;
    private final String modelName;
    private final Consumer<TfInferenceSession> onClose;
    private volatile boolean closed;

    TfInferenceSession(Session session, boolean ownsSession, Output<?> input, Output<?> output, String inputName,
                       long[] inputShape, String modelName, Consumer<TfInferenceSession> onClose) {
        this.session = session;
        this.ownsSession = ownsSession;
        this.input = input;
        this.output = output;
        this.inputName = inputName;
        this.inputShape = inputShape == null ? null : inputShape.clone();
        this.modelName = modelName;
        this.onClose = onClose;
    }

    @Override
    public FloatBatch run(FloatBatch batch) {
        return run(batch.shape(), DataBuffers.of(batch.data(), true, false));
    }

    /** Feeds the rows straight from {@code data} (a slice of it, no copy on the Java side). */
    @Override
    public FloatBatch run(float[] data, int rows, long[] rowShape) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        long size = Shape.of(shape).size();
        if (size > data.length) {
            throw new IllegalArgumentException(rows + " rows of shape " + Arrays.toString(rowShape) + " need " + size
                    + " values, the buffer has " + data.length);
        }
        return run(shape, DataBuffers.of(data, true, false).slice(0, size));
    }

    private FloatBatch run(long[] shape, FloatDataBuffer values) {
        if (closed) {
            throw new IllegalStateException("session of model '" + modelName + "' is closed");
        }
        checkShape(shape);
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(shape), values);
             Result result = session.runner().feed(input, in).fetch(output).run()) {
            Tensor out = result.get(0);
            if (out.dataType() != DataType.DT_FLOAT) {
                throw new ModelException("model '" + modelName + "': tensor " + output.op().name() + ":"
                        + output.index() + " is " + out.dataType() + ", not DT_FLOAT");
            }
            long[] outShape = out.shape().asArray();
            float[] data = new float[Math.toIntExact(out.shape().size())];
            ((TFloat32) out).copyTo(DataBuffers.of(data, false, false));
            return new FloatBatch(data, outShape);
        } catch (ModelException e) {
            throw e;
        } catch (TFInvalidArgumentException e) {
            // The graph rejected the values (a failed assertion or numeric check): caused by the data.
            throw new ModelInputException("model '" + modelName + "' rejected its input: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelException("model '" + modelName + "' failed on a batch of shape "
                    + Arrays.toString(shape) + ": " + e.getMessage(), e);
        }
    }

    private void checkShape(long[] got) {
        if (inputShape == null) {
            return;
        }
        boolean ok = got.length == inputShape.length;
        for (int i = 0; ok && i < got.length; i++) {
            ok = inputShape[i] < 0 || inputShape[i] == got[i];
        }
        if (!ok) {
            throw new ModelException("model '" + modelName + "': input shape " + Arrays.toString(got)
                    + " does not match model input '" + inputName + "' " + Arrays.toString(inputShape)
                    + " (-1 = any size)");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (ownsSession) {
                session.close();
            }
        } finally {
            onClose.accept(this);
        }
    }
}
