package io.embedstream.app;

import io.embedstream.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * This instance's place among the instances of one application on one host: the lowest index {@code i} for which
 * it holds an operating-system lock on {@code <state.dir>/instance-<i>/<application-id>.lock}. The slot gives the
 * instance a Kafka Streams state directory of its own ({@code <state.dir>/instance-<i>}), so that instances sharing
 * {@code state.dir} (the default) never meet Kafka Streams' own lock on it, and a part of its static group
 * membership id ({@link StaticMembership}).
 *
 * <p>The lock is what makes the slot stable across restarts: a process killed with SIGKILL loses its locks to the
 * operating system at once, so its successor takes the same slot, finds the same Kafka Streams process id in the
 * slot's state directory, and so gets the same group instance id and the same transactional ids (which fence the
 * killed process's open transactions at once instead of after {@code transaction.timeout.ms}).
 *
 * <p>Owned by the {@link EmbedService} that acquired it, which closes it after Kafka Streams has stopped; not
 * thread-safe (acquired and closed on one thread).
 */
final class InstanceSlot implements AutoCloseable {

    /** More instances of one application on one host than this is a mistake (or leaked processes). */
    static final int MAX_SLOTS = 64;

    private final int index;
    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceSlot(int index, Path directory, FileChannel channel, FileLock lock) {
        this.index = index;
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lowest free slot under {@code stateDir}.
     *
     * @throws ConfigException when the directory cannot be written, or every slot is taken
     */
    static InstanceSlot acquire(Path stateDir, String applicationId) {
        Path base = stateDir.toAbsolutePath().normalize();
        for (int i = 0; i < MAX_SLOTS; i++) {
            Path directory = base.resolve("instance-" + i);
            Path lockFile = directory.resolve(applicationId + ".lock");
            FileChannel channel = null;
            try {
                Files.createDirectories(directory);
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new InstanceSlot(i, directory, channel, lock);
                }
                channel.close();
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel); // held by another instance in this JVM (tests)
            } catch (IOException e) {
                closeQuietly(channel);
                throw new ConfigException("kafka.state.dir: cannot create or lock " + lockFile + " (" + e.getMessage()
                        + "); expected a writable directory for Kafka Streams state", e);
            }
        }
        throw new ConfigException("kafka.state.dir: all " + MAX_SLOTS + " instance slots under " + base + " are locked "
                + "by running instances of application '" + applicationId + "'; stop some, or give this one its own "
                + "kafka.state.dir");
    }

    /** The slot's index: 0 for the first instance of the application on this host. */
    int index() {
        return index;
    }

    /** Kafka Streams' {@code state.dir} for this instance: {@code <state.dir>/instance-<index>}. */
    Path stateDir() {
        return directory;
    }

    /** Releases the slot. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // the channel's close below releases it as well
        }
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "instance slot " + index + " (" + directory + ")";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do: closing a lock file
            }
        }
    }
}
