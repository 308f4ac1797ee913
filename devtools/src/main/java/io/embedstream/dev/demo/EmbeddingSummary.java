package io.embedstream.dev.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Statistics over a set of embeddings, for the demo's printout: count, dimension, norms, the
 * nearest neighbours of one record by cosine similarity, and how often a record's nearest
 * neighbour has the same label (leave-one-out 1-NN agreement).
 */
public final class EmbeddingSummary {

    /** A neighbour of the query record. */
    public record Neighbour(String id, String label, double cosine) {}

    /**
     * @param count      embeddings
     * @param dimension  their length
     * @param minNorm    smallest L2 norm
     * @param maxNorm    largest L2 norm
     * @param queryId    the record whose neighbours are listed
     * @param queryLabel its label
     * @param neighbours its nearest neighbours, most similar first
     * @param agreement  fraction of records whose nearest neighbour has the same label
     */
    public record Result(int count, int dimension, double minNorm, double maxNorm, String queryId, String queryLabel,
            List<Neighbour> neighbours, double agreement) {}

    private EmbeddingSummary() {}

    /**
     * @param embeddings by id, in a stable order; all of one dimension
     * @param labels     label of each id
     */
    public static Result of(Map<String, float[]> embeddings, Map<String, String> labels, String queryId, int k) {
        List<String> ids = new ArrayList<>(embeddings.keySet());
        int dimension = embeddings.get(ids.get(0)).length;
        double[][] unit = new double[ids.size()][];
        double minNorm = Double.MAX_VALUE;
        double maxNorm = 0;
        for (int i = 0; i < ids.size(); i++) {
            float[] e = embeddings.get(ids.get(i));
            double norm = norm(e);
            minNorm = Math.min(minNorm, norm);
            maxNorm = Math.max(maxNorm, norm);
            unit[i] = new double[e.length];
            for (int j = 0; j < e.length; j++) {
                unit[i][j] = norm == 0 ? 0 : e[j] / norm;
            }
        }
        int agree = 0;
        List<Neighbour> queryNeighbours = List.of();
        for (int i = 0; i < ids.size(); i++) {
            List<Neighbour> ranked = new ArrayList<>(ids.size() - 1);
            for (int j = 0; j < ids.size(); j++) {
                if (j != i) {
                    ranked.add(new Neighbour(ids.get(j), labels.get(ids.get(j)), dot(unit[i], unit[j])));
                }
            }
            ranked.sort(Comparator.comparingDouble(Neighbour::cosine).reversed());
            if (!ranked.isEmpty() && ranked.get(0).label().equals(labels.get(ids.get(i)))) {
                agree++;
            }
            if (ids.get(i).equals(queryId)) {
                queryNeighbours = List.copyOf(ranked.subList(0, Math.min(k, ranked.size())));
            }
        }
        return new Result(ids.size(), dimension, minNorm, maxNorm, queryId, labels.get(queryId), queryNeighbours,
                (double) agree / ids.size());
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
