package io.embedstream.ops;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meter registry behind {@code /metrics}: Micrometer's Prometheus registry with the JVM and process
 * binders (memory, GC, threads, class loading, CPU, uptime, file descriptors) bound at creation, and the
 * Kafka Streams client metrics ({@link KafkaStreamsMetrics}: stream threads, consumers, producers, admin client)
 * once {@link #bindStreams} is called. The service's own meters ({@code embedstream_*}) are registered on
 * {@link #registry()} by {@link io.embedstream.stream.StreamMetrics}.
 *
 * <p>The service owns it and closes it after Kafka Streams has stopped. Thread-safe.
 */
public final class OpsMeters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsMeters.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();

    public OpsMeters() {
        bind(new JvmMemoryMetrics());
        bind(new JvmGcMetrics());
        bind(new JvmThreadMetrics());
        bind(new ClassLoaderMetrics());
        bind(new ProcessorMetrics());
        bind(new UptimeMetrics());
        bind(new FileDescriptorMetrics());
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Binds the client metrics of {@code streams} (before or after it starts); they follow its threads. */
    public void bindStreams(KafkaStreams streams) {
        bind(new KafkaStreamsMetrics(streams));
    }

    private void bind(MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            binders.add(closeable);
        }
    }

    /** Unbinds the binders that hold resources (GC listeners, the Kafka metrics poller), then the registry. */
    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.debug("Closing {} failed: {}", binder, e.toString());
            }
        }
        registry.close();
    }
}
