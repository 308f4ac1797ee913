package io.embedstream.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the {@link AppConfig}. This is the one place that defines where configuration comes from.
 * Later sources win:
 *
 * <ol>
 *   <li><b>defaults</b>: {@code embedstream-defaults.yaml} on the classpath, which lists every key;</li>
 *   <li><b>YAML file</b>: {@code --config FILE}; same structure, any subset of keys;</li>
 *   <li><b>environment</b>: {@code EMBEDSTREAM_<KEY>}, the key upper-cased with {@code .} and {@code -} as
 *       {@code _}, e.g. {@code EMBEDSTREAM_BATCHING_MAX_SIZE=32}, {@code EMBEDSTREAM_MODEL_LAYER=dense}. Kafka
 *       client properties: {@code EMBEDSTREAM_KAFKA_SASL_JAAS_CONFIG} sets {@code kafka.sasl.jaas.config}
 *       ({@code _} becomes {@code .});</li>
 *   <li><b>command line</b>: {@code --set key=value} (and the options of each command), e.g.
 *       {@code --set model.layer=dense --set kafka.bootstrap.servers=broker:9092}.</li>
 * </ol>
 *
 * Lists (such as {@code model.tags}) are given as comma-separated values in the environment and on
 * the command line. A key that is not known fails with a message that suggests the nearest known key.
 *
 * <p><b>Relative paths.</b> A relative path in the YAML file ({@link #PATH_KEYS}, and the Kafka properties that
 * name files, {@link #KAFKA_PATH_PROPERTIES}) is resolved against the folder of that file, so that a file works
 * from any working directory, as a config file mounted next to its model does in a container. Paths from the
 * environment and the command line are taken as they are (relative to the working directory).
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "EMBEDSTREAM_";
    private static final String DEFAULTS = "/embedstream-defaults.yaml";
    private static final String KAFKA = "kafka";

    /** Keys whose values are file-system paths (a path or a list of paths). */
    public static final List<String> PATH_KEYS = List.of("model.dir", "image.roots");
    /** Kafka properties that name files, with or without a client prefix such as {@code consumer.}. */
    public static final List<String> KAFKA_PATH_PROPERTIES = List.of(
            "state.dir", "ssl.truststore.location", "ssl.keystore.location");

    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * @param file      the YAML file, or {@code null} for none
     * @param env       environment variables (pass {@code System.getenv()}); only {@code EMBEDSTREAM_*} are read
     * @param overrides command-line {@code key=value} pairs, applied in order
     */
    public AppConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        return bind(merged(file == null ? null : readFile(file), env, overrides));
    }

    /** As {@link #load}, with a YAML file from the classpath (such as the demo's) in place of a file. */
    public AppConfig loadResource(String resource, Map<String, String> env, Map<String, String> overrides) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return bind(merged((ObjectNode) mapper.readTree(in), env, overrides));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AppConfig bind(ObjectNode tree) {
        try {
            return mapper.treeToValue(tree, AppConfig.class);
        } catch (JsonMappingException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new ConfigException("configuration could not be read: " + e.getMessage(), e);
        }
    }

    private ObjectNode merged(ObjectNode fromFile, Map<String, String> env, Map<String, String> overrides) {
        ObjectNode defaults = defaults();
        ObjectNode tree = defaults.deepCopy();
        if (fromFile != null) {
            checkKnown(defaults, fromFile, "");
            merge(tree, fromFile);
        }
        List<String> leaves = new ArrayList<>();
        collectLeaves(defaults, "", leaves);
        Map<String, String> byEnvName = new TreeMap<>();
        leaves.forEach(key -> byEnvName.put(envName(key), key));
        new TreeMap<>(env).forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String kafkaPrefix = ENV_PREFIX + "KAFKA_";
            if (name.startsWith(kafkaPrefix)) {
                String kafkaKey = name.substring(kafkaPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                ((ObjectNode) tree.get(KAFKA)).put(kafkaKey, value);
            } else if (byEnvName.containsKey(name)) {
                set(tree, defaults, byEnvName.get(name), value);
            } else {
                throw new ConfigException("environment variable " + name + " does not match a configuration key"
                        + suggestion(name, byEnvName.keySet()));
            }
        });
        overrides.forEach((key, value) -> {
            if (key.startsWith(KAFKA + ".")) {
                ((ObjectNode) tree.get(KAFKA)).put(key.substring(KAFKA.length() + 1), value);
            } else if (leaves.contains(key)) {
                set(tree, defaults, key, value);
            } else {
                throw new ConfigException("unknown configuration key '" + key + "'" + suggestion(key, leaves));
            }
        });
        return tree;
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
            }
            return (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config: '" + file + "' is not a readable file");
        }
        JsonNode node;
        try {
            node = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("--config: '" + file + "' is not valid YAML: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException("--config: '" + file + "' must hold a YAML mapping at the top level, found "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        ObjectNode tree = (ObjectNode) node;
        resolvePaths(tree, file.toAbsolutePath().normalize().getParent());
        return tree;
    }

    /** Makes the relative paths of a file's tree absolute, against {@code base} (the file's folder). */
    private static void resolvePaths(ObjectNode tree, Path base) {
        for (String key : PATH_KEYS) {
            String[] parts = key.split("\\.");
            JsonNode parent = tree;
            for (int i = 0; i < parts.length - 1 && parent != null; i++) {
                parent = parent.get(parts[i]);
            }
            String leaf = parts[parts.length - 1];
            if (parent instanceof ObjectNode object && object.hasNonNull(leaf)) {
                JsonNode value = object.get(leaf);
                if (value.isTextual()) {
                    object.put(leaf, resolve(base, value.asText()));
                } else if (value instanceof ArrayNode array) {
                    for (int i = 0; i < array.size(); i++) {
                        if (array.get(i).isTextual()) {
                            array.set(i, JsonNodeFactory.instance.textNode(resolve(base, array.get(i).asText())));
                        }
                    }
                }
            }
        }
        if (tree.get(KAFKA) instanceof ObjectNode kafka) {
            List<String> names = new ArrayList<>();
            kafka.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                boolean isPath = KAFKA_PATH_PROPERTIES.stream().anyMatch(p -> name.equals(p) || name.endsWith("." + p));
                if (isPath && kafka.get(name).isTextual()) {
                    kafka.put(name, resolve(base, kafka.get(name).asText()));
                }
            }
        }
    }

    private static String resolve(Path base, String value) {
        if (value.isBlank()) {
            return value;
        }
        try {
            Path path = Path.of(value.trim());
            return path.isAbsolute() ? value : base.resolve(path).normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            return value; // not a path; the key's own validation reports it
        }
    }

    /** Rejects keys of {@code given} that {@code known} does not have (everything under kafka: is allowed). */
    private static void checkKnown(JsonNode known, JsonNode given, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode knownChild = known.get(field.getKey());
            if (knownChild == null) {
                List<String> siblings = new ArrayList<>();
                known.fieldNames().forEachRemaining(n -> siblings.add(prefix + n));
                throw new ConfigException("unknown configuration key '" + key + "'" + suggestion(key, siblings));
            }
            if (key.equals(KAFKA)) {
                if (!field.getValue().isObject() && !field.getValue().isNull()) {
                    throw ConfigException.invalid(KAFKA, field.getValue(), "expected a mapping of Kafka properties");
                }
                continue;
            }
            if (knownChild.isObject() && field.getValue().isObject()) {
                checkKnown(knownChild, field.getValue(), key + ".");
            }
        }
    }

    private static void merge(ObjectNode target, ObjectNode source) {
        source.fields().forEachRemaining(field -> {
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode sourceObject) {
                merge(existingObject, sourceObject);
            } else {
                target.set(field.getKey(), field.getValue());
            }
        });
    }

    private static void collectLeaves(JsonNode node, String prefix, List<String> out) {
        node.fields().forEachRemaining(field -> {
            String key = prefix + field.getKey();
            if (key.equals(KAFKA)) {
                return;
            }
            if (field.getValue().isObject()) {
                collectLeaves(field.getValue(), key + ".", out);
            } else {
                out.add(key);
            }
        });
    }

    private static void set(ObjectNode tree, ObjectNode defaults, String key, String value) {
        String[] parts = key.split("\\.");
        ObjectNode parent = tree;
        JsonNode defaultNode = defaults;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.with(parts[i]);
            defaultNode = defaultNode.path(parts[i]);
        }
        String leaf = parts[parts.length - 1];
        if (defaultNode.path(leaf).isArray()) {
            ArrayNode array = parent.putArray(leaf);
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    array.add(item.trim());
                }
            }
        } else {
            parent.put(leaf, value);
        }
    }

    private static ConfigException translate(JsonMappingException e) {
        String key = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException ce) {
                // Thrown by an enum (no key yet) or by a record's validation (key already in the message).
                return ce.getMessage().startsWith("'") ? new ConfigException(key + ": " + ce.getMessage(), ce) : ce;
            }
        }
        if (e instanceof InvalidFormatException ife) {
            return ConfigException.invalid(key, ife.getValue(), "expected " + describe(ife.getTargetType()));
        }
        if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
            return new ConfigException(key + ": expected " + describe(mie.getTargetType()), e);
        }
        return new ConfigException(key + ": " + e.getOriginalMessage(), e);
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a mapping";
        }
        if (type.isEnum()) {
            return "one of " + enumChoices(type);
        }
        return "a " + type.getSimpleName();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String enumChoices(Class<?> type) {
        return Choices.allowed((Class) type);
    }

    private static String suggestion(String key, java.util.Collection<String> known) {
        return known.stream()
                .min(Comparator.comparingInt(k -> Levenshtein.distance(k, key)))
                .filter(best -> Levenshtein.distance(best, key) <= Math.max(2, key.length() / 3))
                .map(best -> "; did you mean '" + best + "'?")
                .orElse("; known keys: " + String.join(", ", known));
    }
}
