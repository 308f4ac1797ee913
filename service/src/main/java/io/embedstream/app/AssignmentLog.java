package io.embedstream.app;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Says in one line which input partitions this instance holds, each time that changes (read when Kafka Streams
 * reaches RUNNING, after every rebalance). Thread-safe: state listeners may run on any stream thread.
 */
final class AssignmentLog {

    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private SortedSet<TopicPartition> last;

    /** The partitions of the active and standby tasks of these threads. */
    record Assignment(SortedSet<TopicPartition> active, int activeTasks, int standbyTasks, int threads) {
        static Assignment of(Collection<ThreadMetadata> threads) {
            SortedSet<TopicPartition> active = new TreeSet<>(ORDER);
            int tasks = 0;
            int standby = 0;
            for (ThreadMetadata thread : threads) {
                tasks += thread.activeTasks().size();
                standby += thread.standbyTasks().size();
                thread.activeTasks().forEach(t -> active.addAll(t.topicPartitions()));
            }
            return new Assignment(active, tasks, standby, threads.size());
        }
    }

    /** The line to log if the assignment differs from the last one seen; empty if it is the same. */
    synchronized Optional<String> changed(Assignment now) {
        SortedSet<TopicPartition> previous = last;
        last = now.active();
        if (now.active().equals(previous)) {
            return Optional.empty();
        }
        StringBuilder line = new StringBuilder();
        if (now.active().isEmpty()) {
            line.append("This instance holds no input partitions (more instances or stream threads than partitions?)");
        } else {
            line.append("This instance holds ").append(now.active().size()).append(" partition(s): ")
                    .append(describe(now.active()));
        }
        line.append("; ").append(now.activeTasks()).append(" active task(s)");
        if (now.standbyTasks() > 0) {
            line.append(", ").append(now.standbyTasks()).append(" standby");
        }
        line.append(" on ").append(now.threads()).append(" stream thread(s)");
        if (previous != null) {
            Set<TopicPartition> added = new TreeSet<>(ORDER);
            added.addAll(now.active());
            added.removeAll(previous);
            Set<TopicPartition> removed = new TreeSet<>(ORDER);
            removed.addAll(previous);
            removed.removeAll(now.active());
            line.append("; gained ").append(added.isEmpty() ? "none" : describe(added))
                    .append(", lost ").append(removed.isEmpty() ? "none" : describe(removed));
        }
        return Optional.of(line.toString());
    }

    /** {@code topic[0, 1, 2], other[5]}. */
    static String describe(Collection<TopicPartition> partitions) {
        return partitions.stream().sorted(ORDER)
                .collect(Collectors.groupingBy(TopicPartition::topic, java.util.TreeMap::new,
                        Collectors.mapping(tp -> tp.partition(), Collectors.toList())))
                .entrySet().stream()
                .map(e -> e.getKey() + List.copyOf(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
