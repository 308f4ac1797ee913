package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class AssignmentLogTest {

    private static SortedSet<TopicPartition> partitions(int... ps) {
        SortedSet<TopicPartition> set = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        for (int p : ps) {
            set.add(new TopicPartition("features", p));
        }
        return set;
    }

    @Test
    void shouldLogTheFirstAssignmentAndEveryChangeButNotARepeat() {
        AssignmentLog log = new AssignmentLog();
        assertThat(log.changed(new AssignmentLog.Assignment(partitions(0, 1, 2), 3, 0, 1)))
                .hasValue("This instance holds 3 partition(s): features[0, 1, 2]; 3 active task(s) on 1 stream thread(s)");
        assertThat(log.changed(new AssignmentLog.Assignment(partitions(0, 1, 2), 3, 0, 1))).isEmpty();
        assertThat(log.changed(new AssignmentLog.Assignment(partitions(0, 2, 5), 3, 1, 2)))
                .hasValue("This instance holds 3 partition(s): features[0, 2, 5]; 3 active task(s), 1 standby on 2 "
                        + "stream thread(s); gained features[5], lost features[1]");
        assertThat(log.changed(new AssignmentLog.Assignment(partitions(), 0, 0, 1)))
                .hasValue("This instance holds no input partitions (more instances or stream threads than partitions?)"
                        + "; 0 active task(s) on 1 stream thread(s); gained none, lost features[0, 2, 5]");
    }

    @Test
    void shouldGroupPartitionsByTopic() {
        assertThat(AssignmentLog.describe(List.of(new TopicPartition("b", 1), new TopicPartition("a", 3),
                new TopicPartition("a", 0)))).isEqualTo("a[0, 3], b[1]");
    }
}
