package io.embedstream.model;

import io.embedstream.config.Device;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.SessionMode;
import io.embedstream.model.runtime.DeviceProbe;
import io.embedstream.model.runtime.ModelGraph;
import io.embedstream.model.runtime.ModelSource;
import io.embedstream.model.runtime.SessionSettings;
import io.embedstream.model.runtime.TfEmbeddingModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the model that a {@link ModelConfig} describes: reads it, resolves input and layer (tapping
 * the layer out of a Keras function body when needed), imports the graph and sets up sessions.
 * Stateless and thread-safe.
 */
public final class ModelLoader {

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
    /** TensorFlow reads it when it creates a device: set, every session gets its own intra-op pool. */
    static final String OWN_POOLS_ENV = "TF_OVERRIDE_GLOBAL_THREADPOOL";
    private static final AtomicBoolean poolHintLogged = new AtomicBoolean();

    private ModelLoader() {}

    /**
     * @param config        the model section of the configuration
     * @param streamThreads how many stream threads will each open a session; sizes per-thread intra-op pools
     * @return a loaded model; the caller owns it and closes it after the sessions it opened
     * @throws ModelException with a message naming the config key when the model, its signature, input or
     *                        layer is not usable, or the device is not available
     */
    public static EmbeddingModel load(ModelConfig config, int streamThreads) {
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads must be >= 1, got " + streamThreads);
        }
        ModelSource source = ModelSource.open(config.dir(), config.tags());
        ModelPlan plan = ModelPlanner.plan(source, config);
        String device = resolveDevice(config.device());
        SessionSettings settings = settings(config, streamThreads, !device.equals("cpu"));
        ModelGraph graph = new ModelGraph(plan.reachable().graphDef(), source.restore(), source.initOps());
        TensorInfo output;
        try {
            output = plan.output().shape() != null ? plan.output()
                    : plan.output().withShape(graph.staticShape(plan.outputTensor()));
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        ModelDescription description = new ModelDescription(config.name(), config.version(), plan.input(), output,
                device);
        TfEmbeddingModel model = new TfEmbeddingModel(graph, description, config.sessions(), settings,
                plan.inputTensor(), plan.outputTensor(), plan.input().shape());
        log.info("Loaded model '{}' v{} from {} ({}): input {}; output {} [{}, fetched as {}]; device {}; "
                        + "sessions {} for {} stream thread(s), intra-op threads {}, inter-op threads {}",
                config.name(), config.version(), source.location(), source.format(), plan.input(), output,
                plan.kind(), plan.outputTensor(), device, config.sessions(), streamThreads,
                settings.intraOpThreads(), settings.interOpThreads() == 0 ? "default" : settings.interOpThreads());
        if (config.sessions() == SessionMode.PER_THREAD && streamThreads > 1 && System.getenv(OWN_POOLS_ENV) == null
                && poolHintLogged.compareAndSet(false, true)) {
            log.warn("Per-thread sessions share TensorFlow's process-wide intra-op thread pool, sized by the first "
                    + "session in this JVM, unless {}=1 is set in the environment before start-up", OWN_POOLS_ENV);
        }
        return model;
    }

    static SessionSettings settings(ModelConfig config, int streamThreads, boolean gpu) {
        int cores = Runtime.getRuntime().availableProcessors();
        boolean perThread = config.sessions() == SessionMode.PER_THREAD;
        int intra = config.intraOpThreads() > 0 ? config.intraOpThreads()
                : perThread ? Math.max(1, cores / streamThreads) : cores;
        return new SessionSettings(intra, config.interOpThreads(), gpu, perThread);
    }

    /** {@code cpu} or {@code gpu:0}. */
    static String resolveDevice(Device wanted) {
        if (wanted == Device.CPU) {
            return "cpu";
        }
        List<DeviceProbe.Device> gpus = DeviceProbe.gpus();
        if (!gpus.isEmpty()) {
            return "gpu:0";
        }
        if (wanted == Device.GPU) {
            throw new ModelException("model.device: 'gpu' but TensorFlow sees no GPU (devices: "
                    + DeviceProbe.devices().stream().map(DeviceProbe.Device::type).toList()
                    + "); build with the 'gpu' Maven profile (tensorflow-core-native linux-x86_64-gpu, "
                    + "CUDA 12 + cuDNN 9 on the host) or set model.device to 'auto' or 'cpu'");
        }
        log.info("model.device is 'auto' and TensorFlow sees no GPU; running on the CPU");
        return "cpu";
    }
}
