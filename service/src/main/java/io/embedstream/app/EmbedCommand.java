package io.embedstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.config.ConfigException;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ModelConfig;
import io.embedstream.embed.Embedder;
import io.embedstream.embed.Embeddings;
import io.embedstream.config.Normalization;
import io.embedstream.config.Pooling;
import io.embedstream.config.ResizeMode;
import io.embedstream.config.Scaling;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelDescription;
import io.embedstream.model.ModelLoader;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageResult;
import io.embedstream.preprocess.image.ImageSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code embedstream embed}: embeds local inputs offline, with the same model runtime, layer tap,
 * preprocessing and post-processing as the service, and prints one JSON line per input. Images
 * (PNG, JPEG, GIF, BMP files, or http(s) URLs) for models with an image input [N, H, W, C]; CSV or
 * JSONL files of feature vectors for any model, checked as the service checks a {@code FeatureRecord}:
 * a row holds the model input without the batch axis, row-major, and {@code --shape}, when given, must
 * equal that shape.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed local images, image URLs, or CSV/JSONL feature vectors; print one JSON line per input.")
final class EmbedCommand implements Callable<Integer> {

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");
    private static final String ALLOW_HOST = "--allow-host";
    private static final String SHAPE = "--shape";
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "SavedModel directory or frozen GraphDef.")
    Path model;

    @Option(names = "--layer", paramLabel = "NAME",
            description = "Layer to take: Keras layer name, op name or signature output key (default: the signature's output).")
    String layer;

    @Option(names = "--signature", defaultValue = "serving_default", description = "Signature (default: ${DEFAULT-VALUE}).")
    String signature;

    @Option(names = "--pooling", defaultValue = "none", description = "none | flatten | mean | max (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--normalize", defaultValue = "l2", description = "l2 | none (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--scale", paramLabel = "F", description = "Multiply pixel values (0..255) by F, e.g. 0.00392156862745098 for 1/255.")
    Double scale;

    @Option(names = "--scaling", paramLabel = "PRESET",
            description = "Pixel scaling preset: unit | symmetric | imagenet | caffe | raw (default: raw, or unit without --scale).")
    String scaling;

    @Option(names = "--resize", defaultValue = "stretch", description = "stretch | fit (default: ${DEFAULT-VALUE}).")
    String resize;

    @Option(names = ALLOW_HOST, paramLabel = "HOST",
            description = "Fetch image URLs from this host even if it resolves to a private or loopback address (repeatable).")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = SHAPE, paramLabel = "DIMS", split = ",",
            description = "Shape of each CSV/JSONL feature vector without the batch axis, e.g. 28,28,1 for an image input"
                    + " [N, 28, 28, 1]; when given, it must equal the model's. A vector holds as many values as their product.")
    List<Long> shape;

    @Option(names = "--batch-size", defaultValue = "64", description = "Inputs per session.run (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "Image files or URLs (for an image input [N, H, W, C]), or .csv / .jsonl files with one feature"
                    + " vector per line (any model with a fixed input shape; for an image input H*W*C pixel values, row-major,"
                    + " as the model takes them: --scale and --scaling do not apply).")
    List<String> inputs;

    private final ObjectMapper json = new ObjectMapper();

    /** One thing to embed: its label for the output, and an image request or a feature row. */
    private record Item(String label, ImageRequest image, float[] features) {}

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new ConfigException("--batch-size: '" + batchSize + "' is not valid; must be >= 1");
        }
        Postprocessor post = new Postprocessor(Pooling.of(pooling), Normalization.of(normalize));
        ModelConfig config = ModelConfig.builder().dir(model).signature(signature).layer(layer).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failures = 0;
        try (EmbeddingModel loaded = ModelLoader.load(config, 1); InferenceSession session = loaded.openSession()) {
            ModelDescription description = loaded.description();
            long[] inputShape = description.input().shape();
            post.dimension(description.output().name(), description.output().shape());
            boolean images = inputShape.length == 4;
            long[] rowShape = Arrays.copyOfRange(inputShape, 1, inputShape.length);
            checkShapeOption(rowShape);
            List<Item> items = collect(images, rowShape);
            ImageConfig imageConfig = imageConfig(items);
            try (ImageFetcher fetcher = new ImageFetcher(imageConfig, (host, privateAddress) ->
                    "pass " + ALLOW_HOST + " " + host + " to fetch it anyway")) {
                ImagePipeline pipeline = images ? new ImagePipeline(fetcher, new ImageDecoder(imageConfig.maxPixels()),
                        ImagePreprocessor.of(imageConfig, ImageSpec.fromInputShape(inputShape))) : null;
                // collect() refused feature vectors for inputs of unknown shape, so the row shape is known here.
                Embedder embedder = new Embedder(post, pipeline != null ? pipeline.target().rowShape() : rowShape);
                long start = System.nanoTime();
                long lastProgress = start;
                for (int from = 0; from < items.size(); from += batchSize) {
                    List<Item> batch = items.subList(from, Math.min(items.size(), from + batchSize));
                    failures += embedBatch(batch, pipeline, embedder, session, out, err);
                    long now = System.nanoTime();
                    if (items.size() > batchSize && (now - lastProgress > PROGRESS_EVERY_NANOS || from + batchSize >= items.size())) {
                        int done = Math.min(items.size(), from + batchSize);
                        err.printf("embed: %d/%d inputs (%.0f/s)%n", done, items.size(), done / ((now - start) / 1e9));
                        err.flush();
                        lastProgress = now;
                    }
                }
            }
        }
        out.flush();
        if (failures > 0) {
            err.printf("embed: %d input(s) failed%n", failures);
        }
        return failures == 0 ? 0 : Main.EXIT_FAILURE;
    }

    /** {@code --shape}, when given, must be the model input's shape without the batch axis, as a FeatureRecord's. */
    private void checkShapeOption(long[] rowShape) {
        if (shape == null) {
            return;
        }
        long[] given = shape.stream().mapToLong(Long::longValue).toArray();
        if (given.length == 0 || Arrays.stream(given).anyMatch(d -> d < 1)) {
            throw new ConfigException(SHAPE + ": '" + joined(given) + "' is not valid; expected positive whole numbers "
                    + "separated by commas, such as 28,28,1");
        }
        if (!Arrays.equals(given, rowShape)) {
            throw new ConfigException(SHAPE + ": " + Arrays.toString(given) + " does not match the model input shape "
                    + Arrays.toString(rowShape) + " (without the batch axis)"
                    + (Arrays.stream(rowShape).allMatch(d -> d > 0) ? "; give " + SHAPE + " " + joined(rowShape)
                    + " or leave it out" : ", which has unknown dimensions; feature vectors need a fixed input shape"));
        }
    }

    private static String joined(long[] dims) {
        return String.join(",", Arrays.stream(dims).mapToObj(Long::toString).toList());
    }

    private int embedBatch(List<Item> batch, ImagePipeline pipeline, Embedder embedder, InferenceSession session,
            PrintWriter out, PrintWriter err) throws IOException {
        long[] rowShape = embedder.rowShape();
        List<ImageRequest> requests = batch.stream().map(Item::image).filter(Objects::nonNull).toList();
        Iterator<ImageResult> images = requests.isEmpty() ? Collections.emptyIterator()
                : pipeline.process(requests).iterator();
        long expected = embedder.rowLength();
        List<Item> ok = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        int failures = 0;
        for (Item item : batch) {
            float[] row = item.features();
            String problem;
            if (item.image() != null) {
                ImageResult result = images.next();
                row = result instanceof ImageResult.Ready ready ? ready.row() : null;
                problem = row != null ? null : ((ImageResult.Failed) result).failure().toString();
            } else {
                problem = row.length != expected
                        ? row.length + " features, expected " + expected + " (model input " + Arrays.toString(rowShape) + ")"
                        : firstNonFinite(row);
            }
            if (problem == null) {
                ok.add(item);
                rows.add(row);
            } else {
                failures++;
                err.printf("embed: %s: %s%n", item.label(), problem);
            }
        }
        if (!rows.isEmpty()) {
            Embeddings embeddings = embedder.embed(session, FloatBatch.ofRows(rows.toArray(float[][]::new), rowShape));
            for (int i = 0; i < ok.size(); i++) {
                if (!embeddings.ok(i)) {
                    failures++;
                    err.printf("embed: %s: %s: %s%n", ok.get(i).label(), embeddings.failure(i).reason(),
                            embeddings.failure(i).message());
                    continue;
                }
                ObjectNode line = json.createObjectNode();
                line.put("input", ok.get(i).label());
                ArrayNode values = line.putArray("embedding");
                for (float v : embeddings.asList(i)) {
                    values.add(v);
                }
                out.println(json.writeValueAsString(line));
            }
        }
        return failures;
    }

    private static String firstNonFinite(float[] features) {
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                return "feature[" + i + "] = " + features[i] + "; expected finite values only";
            }
        }
        return null;
    }

    private List<Item> collect(boolean images, long[] rowShape) throws IOException {
        List<Item> items = new ArrayList<>();
        for (String input : inputs) {
            String lower = input.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                requireImages(images, input);
                items.add(new Item(input, ImageRequest.of(input, input), null));
                continue;
            }
            Path file = Path.of(input);
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("INPUT: '" + input + "' is not a readable file or an http(s) URL");
            }
            String extension = lower.contains(".") ? lower.substring(lower.lastIndexOf('.') + 1) : "";
            if (IMAGE_EXTENSIONS.contains(extension)) {
                requireImages(images, input);
                items.add(new Item(input, ImageRequest.of(input, file.toAbsolutePath().toUri().toString()), null));
            } else if (extension.equals("csv") || extension.equals("jsonl")) {
                if (Arrays.stream(rowShape).anyMatch(d -> d < 0)) {
                    throw new ConfigException("INPUT: '" + input + "' holds feature vectors, but the model input shape "
                            + Arrays.toString(rowShape) + " (without the batch axis) has unknown dimensions; feature "
                            + "vectors need a model input of fixed shape" + (images ? "; give image files or URLs" : ""));
                }
                items.addAll(extension.equals("csv") ? readCsv(file) : readJsonl(file));
            } else {
                throw new ConfigException("INPUT: '" + input + "' has an unknown type; expected an image "
                        + "(" + String.join(", ", IMAGE_EXTENSIONS) + "), .csv, .jsonl, or an http(s) URL");
            }
        }
        return items;
    }

    private static void requireImages(boolean images, String input) {
        if (!images) {
            throw new ConfigException("INPUT: '" + input + "' is an image, but the model input is not "
                    + "an image [N, H, W, C]; give .csv or .jsonl feature vectors");
        }
    }

    /** One vector per line: numbers, optionally after a non-numeric id; a header line is skipped. */
    private static List<Item> readCsv(Path file) throws IOException {
        List<Item> items = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",");
            String label = file + ":" + (n + 1);
            int first = 0;
            if (!isNumber(fields[0])) {
                if (n == 0 && fields.length > 1 && !isNumber(fields[1])) {
                    continue; // header
                }
                label = fields[0].trim();
                first = 1;
            }
            float[] values = new float[fields.length - first];
            for (int i = first; i < fields.length; i++) {
                if (!isNumber(fields[i])) {
                    throw new ConfigException(file + " line " + (n + 1) + ": '" + fields[i].trim()
                            + "' is not a number");
                }
                values[i - first] = Float.parseFloat(fields[i].trim());
            }
            items.add(new Item(label, null, values));
        }
        return items;
    }

    /** One vector per line: a JSON array, or an object with "features" and an optional "id". */
    private List<Item> readJsonl(Path file) throws IOException {
        List<Item> items = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int n = 0; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(lines.get(n));
            } catch (IOException e) {
                throw new ConfigException(file + " line " + (n + 1) + " is not JSON: " + e.getMessage(), e);
            }
            String label = file + ":" + (n + 1);
            JsonNode features = node;
            if (node.isObject()) {
                features = node.path("features");
                if (node.hasNonNull("id")) {
                    label = node.get("id").asText();
                }
            }
            if (!features.isArray()) {
                throw new ConfigException(file + " line " + (n + 1)
                        + ": expected a JSON array of numbers or an object with \"features\"");
            }
            float[] values = new float[features.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) features.get(i).asDouble(Double.NaN);
            }
            items.add(new Item(label, null, values));
        }
        return items;
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Image settings from the options; file inputs are allowed from their own directories only. */
    private ImageConfig imageConfig(List<Item> items) {
        Set<Path> roots = new LinkedHashSet<>();
        for (Item item : items) {
            if (item.image() != null && item.image().uri().startsWith("file:")) {
                roots.add(Path.of(java.net.URI.create(item.image().uri())).getParent());
            }
        }
        Scaling preset = scaling != null ? Scaling.of(scaling) : scale != null ? Scaling.RAW : Scaling.UNIT;
        ImageConfig.Builder builder = ImageConfig.defaults().toBuilder().roots(new ArrayList<>(roots))
                .allowHosts(allowHosts).resize(ResizeMode.of(resize)).scaling(preset);
        if (scale != null) {
            builder.scale(scale);
        }
        return builder.build();
    }
}
