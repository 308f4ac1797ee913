package io.embedstream.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/** Sets topic configurations (max.message.bytes, cleanup.policy, ...) on a running broker, for tests. */
public final class TopicConfigs {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TopicConfigs() {}

    /** Sets {@code configs} on {@code topic} and waits until the broker reports them. */
    public static void set(String bootstrapServers, String topic, Map<String, String> configs) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        List<AlterConfigOp> ops = new ArrayList<>();
        configs.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                var described = admin.describeConfigs(List.of(resource)).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
                boolean applied = configs.entrySet().stream().allMatch(e -> described.get(e.getKey()) != null
                        && e.getValue().equals(described.get(e.getKey()).value()));
                if (applied) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " did not take " + configs + " within " + TIMEOUT);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set " + configs + " on topic " + topic + ": " + e, e);
        }
    }
}
