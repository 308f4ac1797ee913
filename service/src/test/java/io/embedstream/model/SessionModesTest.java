package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.config.ModelConfig;
import io.embedstream.config.SessionMode;
import io.embedstream.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-thread and shared sessions on a tapped Keras layer, run concurrently. */
class SessionModesTest {

    private static final FloatBatch IMAGES = Batches.random(21, 8, 28, 28, 1);

    private static ModelConfig config(SessionMode mode) {
        return ModelConfig.of(TestData.model("mnist-cnn"), "dense").toBuilder().sessions(mode).build();
    }

    @Test
    void shouldGiveTwoConcurrentPerThreadSessionsTheResultsOfOne() throws Exception {
        try (EmbeddingModel model = ModelLoader.load(config(SessionMode.PER_THREAD), 2)) {
            float[] reference;
            try (InferenceSession s = model.openSession()) {
                reference = s.run(IMAGES).data();
            }
            for (float[] result : runConcurrently(model, 2, 10)) {
                assertThat(result).containsExactly(reference);
            }
        }
    }

    @Test
    void shouldShareOneSessionBetweenThreads() throws Exception {
        try (EmbeddingModel model = ModelLoader.load(config(SessionMode.SHARED), 2)) {
            float[] reference;
            try (InferenceSession s = model.openSession()) {
                reference = s.run(IMAGES).data();
            }
            for (float[] result : runConcurrently(model, 2, 10)) {
                assertThat(result).containsExactly(reference);
            }
            // Closing a view leaves the shared session usable for the others.
            InferenceSession first = model.openSession();
            InferenceSession second = model.openSession();
            first.close();
            assertThat(second.run(IMAGES).data()).containsExactly(reference);
            second.close();
        }
    }

    @Test
    void shouldCloseSessionsThenModelCleanly() {
        EmbeddingModel model = ModelLoader.load(config(SessionMode.PER_THREAD), 2);
        InferenceSession a = model.openSession();
        InferenceSession b = model.openSession();
        a.run(IMAGES);
        a.close();
        a.close(); // idempotent
        b.close();
        model.close();
        model.close(); // idempotent
        assertThatThrownBy(model::openSession).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void shouldCloseSessionsLeftOpenWhenTheModelCloses() {
        EmbeddingModel model = ModelLoader.load(config(SessionMode.PER_THREAD), 1);
        InferenceSession forgotten = model.openSession();
        model.close();
        assertThatThrownBy(() -> forgotten.run(IMAGES)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    /** {@code threads} threads each open a session and run {@code runs} batches at the same time. */
    private static List<float[]> runConcurrently(EmbeddingModel model, int threads, int runs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<float[]> results = new ArrayList<>();
                    try (InferenceSession s = model.openSession()) {
                        start.await();
                        for (int i = 0; i < runs; i++) {
                            results.add(s.run(IMAGES).data());
                        }
                    }
                    return results;
                }));
            }
            List<float[]> all = new ArrayList<>();
            for (Future<List<float[]>> f : futures) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
