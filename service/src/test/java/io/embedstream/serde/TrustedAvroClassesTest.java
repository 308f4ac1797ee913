package io.embedstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.avro.EnrichedRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class TrustedAvroClassesTest {

    @Test
    void shouldMakeAvroTrustOnlyTheGeneratedClassesWeName() {
        TrustedAvroClasses.trust(EnrichedRecord.class);

        ClassSecurityValidator.validate(EnrichedRecord.class);
        assertThat(TrustedAvroClasses.isTrusted(EnrichedRecord.class)).isTrue();
        assertThatThrownBy(() -> ClassSecurityValidator.validate(java.io.File.class))
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void shouldKeepTrustWhenSomeoneReplacesTheGlobalValidator() {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);
        TrustedAvroClasses.trust(EnrichedRecord.class);

        ClassSecurityValidator.validate(EnrichedRecord.class);
        ClassSecurityValidator.validate(String.class);
    }
}
