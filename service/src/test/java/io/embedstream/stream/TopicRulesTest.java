package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicRulesTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;

    @Test
    void shouldRefuseAMissingKeyOnlyOnACompactedTopic() {
        assertThat(new TopicRules(true, true, Long.MAX_VALUE, Long.MAX_VALUE).acceptsKey(null)).isFalse();
        assertThat(new TopicRules(true, true, Long.MAX_VALUE, Long.MAX_VALUE).acceptsKey(new byte[0])).isTrue();
        assertThat(TopicRules.ANY.acceptsKey(null)).isTrue();
    }

    @Test
    void shouldRefuseTimestampsOutsideTheWindowWithAMargin() {
        TopicRules rules = new TopicRules(false, true, DAY, HOUR);
        assertThat(rules.acceptsTimestamp(NOW, NOW)).isTrue();
        assertThat(rules.acceptsTimestamp(NOW - DAY + 2 * 60_000, NOW)).isTrue();
        assertThat(rules.acceptsTimestamp(NOW - DAY + 30_000, NOW)).as("within the margin of the edge").isFalse();
        assertThat(rules.acceptsTimestamp(NOW - 2 * DAY, NOW)).isFalse();
        assertThat(rules.acceptsTimestamp(NOW + HOUR - 2 * 60_000, NOW)).isTrue();
        assertThat(rules.acceptsTimestamp(NOW + HOUR, NOW)).isFalse();
    }

    @Test
    void shouldScaleTheMarginToShortWindows() {
        TopicRules tenSeconds = new TopicRules(false, true, 10_000, 10_000);
        assertThat(tenSeconds.acceptsTimestamp(NOW - 8_000, NOW)).isTrue();
        assertThat(tenSeconds.acceptsTimestamp(NOW - 9_500, NOW)).isFalse();
    }

    @Test
    void shouldNotOverflowOnTheBrokersUnlimitedDefaults() {
        TopicRules unlimited = new TopicRules(false, true, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(unlimited.acceptsTimestamp(0, NOW)).isTrue();
        assertThat(unlimited.acceptsTimestamp(Long.MAX_VALUE - 1, NOW)).isTrue();
        TopicRules huge = new TopicRules(false, true, Long.MAX_VALUE - 5, Long.MAX_VALUE - 5);
        assertThat(huge.acceptsTimestamp(0, NOW)).isTrue();
        assertThat(huge.acceptsTimestamp(Long.MAX_VALUE - 1, NOW)).isTrue();
    }

    @Test
    void shouldTakeAnyTimestampOnALogAppendTimeTopic() {
        TopicRules appendTime = new TopicRules(false, false, HOUR, HOUR);
        assertThat(appendTime.acceptsTimestamp(0, NOW)).isTrue();
        assertThat(TopicRules.ANY.acceptsTimestamp(0, NOW)).isTrue();
    }
}
