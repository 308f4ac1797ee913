package io.embedstream.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A fingerprint of what a model computes: SHA-256 over the files that hold its graph and its weights.
 *
 * <ul>
 *   <li>SavedModel directory: {@code saved_model.pb} (or {@code saved_model.pbtxt}) and
 *       {@code variables/variables.index}. The index holds a CRC32C checksum of every variable's bytes, so new
 *       weights change it without the (possibly large) data shards being read;</li>
 *   <li>frozen GraphDef: the {@code .pb} file itself (its weights are constants in the graph).</li>
 * </ul>
 *
 * Each file enters the digest with its name relative to the model and its length, so that moving bytes from one
 * file to the other cannot give the same digest. The model's name, version and directory do not enter it: a copy
 * of a model under another name computes the same embeddings. Stateless and thread-safe.
 */
public final class ModelFingerprint {

    private ModelFingerprint() {}

    /**
     * The lower-case hex SHA-256 of the model at {@code model}.
     *
     * @throws ModelException when the model's files cannot be read
     */
    public static String of(Path model) {
        List<Path> files = files(model);
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (Path file : files) {
            String name = Files.isDirectory(model) ? model.relativize(file).toString().replace('\\', '/')
                    : file.getFileName().toString();
            try (InputStream in = Files.newInputStream(file)) {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Long.toString(Files.size(file)).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new ModelException("cannot read " + file + " to fingerprint the model: " + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static List<Path> files(Path model) {
        if (!Files.isDirectory(model)) {
            if (!Files.isRegularFile(model)) {
                throw new ModelException("cannot fingerprint the model: " + model + " is neither a SavedModel"
                        + " directory nor a GraphDef file");
            }
            return List.of(model);
        }
        List<Path> files = new ArrayList<>();
        Path pb = model.resolve("saved_model.pb");
        Path pbtxt = model.resolve("saved_model.pbtxt");
        if (Files.isRegularFile(pb)) {
            files.add(pb);
        } else if (Files.isRegularFile(pbtxt)) {
            files.add(pbtxt);
        } else {
            throw new ModelException("cannot fingerprint the model: " + model + " has no saved_model.pb");
        }
        Path index = model.resolve("variables").resolve("variables.index");
        if (Files.isRegularFile(index)) {
            files.add(index);
        }
        return files;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
