package io.embedstream.model.runtime;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * The resolved TensorFlow session options of a model.
 *
 * @param intraOpThreads     threads one op may use (resolved, never 0)
 * @param interOpThreads     threads running independent ops; 0 = TensorFlow's default
 * @param gpu                whether sessions may use a GPU; false hides every GPU ({@code device_count {GPU: 0}})
 * @param perSessionThreads  give every session its own inter-op pool (per-thread sessions)
 */
public record SessionSettings(int intraOpThreads, int interOpThreads, boolean gpu, boolean perSessionThreads) {

    public ConfigProto toConfigProto() {
        ConfigProto.Builder b = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .setUsePerSessionThreads(perSessionThreads)
                .setAllowSoftPlacement(true);
        if (gpu) {
            // Grow GPU memory on demand instead of taking all of it for the first session.
            b.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
        } else {
            b.putDeviceCount("GPU", 0);
        }
        return b.build();
    }
}
