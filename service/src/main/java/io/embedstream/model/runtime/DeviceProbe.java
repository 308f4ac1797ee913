package io.embedstream.model.runtime;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

import io.embedstream.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * Asks TensorFlow which devices it sees, by opening a throw-away session on an empty graph and
 * listing its devices ({@code TF_SessionListDevices}); TF Java 1.1.0 has no public API for this.
 * Stateless and thread-safe.
 */
public final class DeviceProbe {

    private DeviceProbe() {}

    /** A device as TensorFlow names it, e.g. {@code /job:localhost/replica:0/task:0/device:GPU:0}, type {@code GPU}. */
    public record Device(String name, String type) {}

    public static List<Device> devices() {
        TensorFlow.version(); // loads the native library
        try (PointerScope scope = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
            byte[] config = ConfigProto.newBuilder()
                    .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true)).build().toByteArray();
            BytePointer configBytes = new BytePointer(config);
            TF_SetConfig(options, configBytes, config.length, status);
            status.throwExceptionIfNotOK();
            TF_Graph graph = TF_Graph.newGraph();
            TF_Session session = TF_Session.newSession(graph, options, status);
            status.throwExceptionIfNotOK();
            try {
                TF_DeviceList list = TF_SessionListDevices(session, status);
                status.throwExceptionIfNotOK();
                try {
                    List<Device> devices = new ArrayList<>();
                    for (int i = 0; i < TF_DeviceListCount(list); i++) {
                        String name = TF_DeviceListName(list, i, status).getString();
                        String type = TF_DeviceListType(list, i, status).getString();
                        status.throwExceptionIfNotOK();
                        devices.add(new Device(name, type));
                    }
                    return List.copyOf(devices);
                } finally {
                    TF_DeleteDeviceList(list);
                }
            } finally {
                session.delete();
            }
        } catch (RuntimeException e) {
            throw new ModelException("cannot list TensorFlow devices: " + e.getMessage(), e);
        }
    }

    /** The GPUs TensorFlow sees; empty with the CPU build of the natives or without a usable CUDA setup. */
    public static List<Device> gpus() {
        return devices().stream().filter(d -> d.type().equals("GPU")).toList();
    }
}
