package io.embedstream.testing;

import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects {@link SharedKafka#broker()} into test constructors, lifecycle methods and test methods
 * that declare an {@link EmbeddedKafkaBroker} parameter:
 *
 * <pre>{@code
 * @ExtendWith(SharedKafkaExtension.class)
 * class MyIT {
 *     @Test
 *     void shouldDoSomething(EmbeddedKafkaBroker kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * The extension does not close the broker; {@link SharedKafka} does, when the JVM exits.
 */
public final class SharedKafkaExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedKafka.broker();
    }
}
