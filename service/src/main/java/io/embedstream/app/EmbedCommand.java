package io.embedstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.config.ConfigException;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.Normalization;
import io.embedstream.config.Pooling;
import io.embedstream.config.ResizeMode;
import io.embedstream.config.Scaling;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelDescription;
import io.embedstream.model.ModelLoader;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImageFetcher;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageRequest;
import io.embedstream.preprocess.image.ImageResult;
import io.embedstream.preprocess.image.ImageSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * JSONL files of feature vectors for the others.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed local images, image URLs, or CSV/JSONL feature vectors; print one JSON line per input.")
final class EmbedCommand implements Callable<Integer> {

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");
    private static final String ALLOW_HOST = "--allow-host";
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

    @Option(names = "--batch-size", defaultValue = "64", description = "Inputs per session.run (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "Image files or URLs, or .csv / .jsonl files with one feature vector per line.")
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
            List<Item> items = collect(images);
            ImageConfig imageConfig = imageConfig(items);
            try (ImageFetcher fetcher = new ImageFetcher(imageConfig, (host, privateAddress) ->
                    "pass " + ALLOW_HOST + " " + host + " to fetch it anyway")) {
                ImagePipeline pipeline = images ? new ImagePipeline(fetcher, new ImageDecoder(imageConfig.maxPixels()),
                        ImagePreprocessor.of(imageConfig, ImageSpec.fromInputShape(inputShape))) : null;
                long[] rowShape = Arrays.copyOfRange(inputShape, 1, inputShape.length);
                long start = System.nanoTime();
                long lastProgress = start;
                for (int from = 0; from < items.size(); from += batchSize) {
                    List<Item> batch = items.subList(from, Math.min(items.size(), from + batchSize));
                    failures += embedBatch(batch, pipeline, rowShape, session, post, out, err);
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

    private int embedBatch(List<Item> batch, ImagePipeline pipeline, long[] rowShape, InferenceSession session,
            Postprocessor post, PrintWriter out, PrintWriter err) throws IOException {
        List<Item> ok = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        int failures = 0;
        if (pipeline != null) {
            List<ImageResult> results = pipeline.process(batch.stream().map(Item::image).toList());
            for (int i = 0; i < batch.size(); i++) {
                if (results.get(i) instanceof ImageResult.Ready ready) {
                    ok.add(batch.get(i));
                    rows.add(ready.row());
                } else {
                    failures++;
                    err.printf("embed: %s: %s%n", batch.get(i).label(), ((ImageResult.Failed) results.get(i)).failure());
                }
            }
        } else {
            int expected = Math.toIntExact(Arrays.stream(rowShape).reduce(1, (a, b) -> a * b));
            for (Item item : batch) {
                String problem = item.features().length != expected
                        ? item.features().length + " features, expected " + expected + " (model input " + Arrays.toString(rowShape) + ")"
                        : firstNonFinite(item.features());
                if (problem == null) {
                    ok.add(item);
                    rows.add(item.features());
                } else {
                    failures++;
                    err.printf("embed: %s: %s%n", item.label(), problem);
                }
            }
        }
        if (!rows.isEmpty()) {
            float[][] embeddings = post.apply(session.run(FloatBatch.ofRows(rows.toArray(float[][]::new), rowShape)));
            for (int i = 0; i < ok.size(); i++) {
                ObjectNode line = json.createObjectNode();
                line.put("input", ok.get(i).label());
                ArrayNode values = line.putArray("embedding");
                for (float v : embeddings[i]) {
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

    private List<Item> collect(boolean images) throws IOException {
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
                if (images) {
                    throw new ConfigException("INPUT: '" + input + "' holds feature vectors, but the model "
                            + "input is an image [N, H, W, C]; give image files or URLs");
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
